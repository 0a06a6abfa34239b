package cfn_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/scan"
	"github.com/emrguard/emrguard/source/cfn"
	"github.com/emrguard/emrguard/source/tree"
)

const stackYAML = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SubnetId: {Type: "AWS::EC2::Subnet::Id", Default: subnet-0aa11bb22cc33dd44}
  KeyName: {Type: String}
Resources:
  Master:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: primary
      SecurityGroupIngress:
        - {IpProtocol: "-1", CidrIp: 10.0.0.0/16}
  Extra:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: extra}
  ExtraIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !GetAtt Extra.GroupId, IpProtocol: tcp, FromPort: 22, ToPort: 22, SourcePrefixListId: pl-12345}
  SecConf:
    Type: AWS::EMR::SecurityConfiguration
    Properties:
      SecurityConfiguration:
        EncryptionConfiguration: {EnableInTransitEncryption: true}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: etl-ec2
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref Role]}
  Cluster:
    Type: AWS::EMR::Cluster
    Properties:
      Name: etl
      ReleaseLabel: emr-7.14.0
      SecurityConfiguration: !Ref SecConf
      JobFlowRole: !Ref Profile
      ServiceRole: etl-service
      Instances:
        Ec2SubnetId: !Ref SubnetId
        Ec2KeyName: !Ref KeyName
        EmrManagedMasterSecurityGroup: !GetAtt Master.GroupId
        EmrManagedSlaveSecurityGroup: !Ref Master
        AdditionalMasterSecurityGroups: [!Ref Extra]
`

func load(t *testing.T, file, text string, p cfn.Params) *model.Evidence {
	t.Helper()
	var docs []*tree.Node
	if strings.HasSuffix(file, ".json") {
		n, err := tree.ParseJSON(file, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		docs = []*tree.Node{n}
	} else {
		var err error
		if docs, err = tree.ParseYAML(file, []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	if !cfn.Detect(docs[0]) {
		t.Fatalf("%s not detected as a template", file)
	}
	ev, diags := cfn.Read(file, docs, p, nil)
	if err := diags.Err(); err != nil {
		t.Fatalf("diagnostics: %v", err)
	}
	ev.Link() // what the template's resources say of each other (rules, routes)
	return ev
}

// Ensure a cluster's references are followed to the resources' logical
// IDs, with the line of each property, and what cannot be resolved is
// Unknown with the reason.
func TestClusterReferences(t *testing.T) {
	ev := load(t, "stack.yaml", stackYAML, cfn.Params{})
	if len(ev.Clusters) != 1 {
		t.Fatalf("%d clusters", len(ev.Clusters))
	}
	c := ev.Clusters[0]
	check := func(what string, got model.Field[string], val string, line int) {
		t.Helper()
		if !got.IsSet() || got.Val != val || got.At.Line != line {
			t.Errorf("%s = %+v, want %q at line %d", what, got, val, line)
		}
	}
	if c.Ref.ID != "Cluster" || c.Ref.Kind != "AWS::EMR::Cluster" || c.Ref.Loc.Line != 31 || c.Ref.Name != "etl" {
		t.Errorf("ref = %+v", c.Ref)
	}
	if c.SecurityConfigurationID != "SecConf" {
		t.Errorf("SecurityConfigurationID = %q", c.SecurityConfigurationID)
	}
	check("master group", c.MasterSecurityGroup, "Master", 42)
	check("slave group", c.SlaveSecurityGroup, "Master", 43)
	check("instance profile", c.InstanceProfile, "Profile", 37)
	check("release", c.ReleaseLabel, "emr-7.14.0", 35)
	if c.SubnetIDs.Val[0] != "subnet-0aa11bb22cc33dd44" {
		t.Errorf("subnets = %+v", c.SubnetIDs)
	}
	if !c.KeyName.IsUnknown() || !strings.Contains(c.KeyName.Why, "parameter KeyName has no default") {
		t.Errorf("key = %+v, want unknown naming the parameter", c.KeyName)
	}
	if g := c.AdditionalMasterGroups; !g.IsSet() || len(g.Val) != 1 || g.Val[0] != "Extra" {
		t.Errorf("additional = %+v", g)
	}
	extra := ev.SecurityGroup("Extra", c.Ref.Loc)
	if extra == nil || len(extra.Ingress) != 1 || extra.Ingress[0].PrefixList.Val != "pl-12345" || extra.Ingress[0].At.Line != 17 {
		t.Errorf("Extra group = %+v", extra)
	}
	if l := ev.SecurityConfigurationOf(c); l.State != model.LinkFound || !l.SC.InTransit.Get(false) {
		t.Errorf("link = %+v", l)
	}
	ip, ok := ev.InstanceProfile("Profile", c.Ref.Loc)
	if !ok || len(ip.Roles) != 1 || ip.Roles[0].Val != "etl-ec2" {
		t.Errorf("profile = %+v", ip)
	}
	if r, ok := ev.Role("etl-ec2", c.Ref.Loc); !ok || r.Ref.ID != "Role" {
		t.Errorf("role by name: %+v", r)
	}
}

// Ensure values given with --cfn-params win over defaults and fill in
// parameters without one.
func TestGivenParameters(t *testing.T) {
	ev := load(t, "stack.yaml", stackYAML, cfn.Params{Values: map[string]string{"KeyName": "ops", "SubnetId": "subnet-1"}})
	c := ev.Clusters[0]
	if c.KeyName.Val != "ops" || c.SubnetIDs.Val[0] != "subnet-1" {
		t.Errorf("key %+v subnets %+v", c.KeyName, c.SubnetIDs)
	}
}

// Ensure a near-miss of a property the controls read is a warning naming
// the property meant, while other unknown properties pass silently.
func TestPropertyTypos(t *testing.T) {
	const tmpl = "Resources:\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n      LogEncryptionKmsKeyArn: k\n      securityconfiguration: x\n      BrandNewProperty: 1\n      Instances: {Ec2SubnetID: s}\n"
	docs, err := tree.ParseYAML("t.yaml", []byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	_, diags := cfn.Load("t.yaml", docs)
	var got []string
	for _, d := range diags {
		got = append(got, d.Error())
	}
	want := []string{
		"t.yaml:5:7: AWS::EMR::Cluster has no property LogEncryptionKmsKeyArn (ignored); did you mean LogEncryptionKmsKeyId?",
		"t.yaml:6:7: AWS::EMR::Cluster has no property securityconfiguration (ignored); did you mean SecurityConfiguration?",
		"t.yaml:8:19: AWS::EMR::Cluster Instances has no property Ec2SubnetID (ignored); did you mean Ec2SubnetId?",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if diags.Err() != nil {
		t.Errorf("typos are warnings, not errors: %v", diags.Err())
	}
}

// Ensure the JSON long forms read exactly as the YAML short forms.
func TestJSONLongForms(t *testing.T) {
	const js = `{"Parameters": {"Env": {"Type": "String", "Default": "prod"}},
 "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
 "Resources": {
  "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x",
    "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
      "CidrIp": {"Fn::If": ["IsProd", "10.0.0.0/8", "0.0.0.0/0"]}}]}},
  "Cluster": {"Type": "AWS::EMR::Cluster", "Properties": {"Name": "x",
    "ReleaseLabel": {"Fn::Join": ["-", ["emr", "7.14.0"]]},
    "LogUri": {"Fn::Sub": ["s3://${B}/", {"B": {"Fn::Select": [1, {"Fn::Split": [",", "a,logs"]}]}}]},
    "Instances": {"EmrManagedMasterSecurityGroup": {"Fn::GetAtt": ["Sg", "GroupId"]}}}}}}`
	ev := load(t, "stack.json", js, cfn.Params{})
	c := ev.Clusters[0]
	if c.ReleaseLabel.Val != "emr-7.14.0" || c.LogURI.Val != "s3://logs/" || c.MasterSecurityGroup.Val != "Sg" {
		t.Errorf("cluster = %+v", c)
	}
	if r := ev.SecurityGroups[0].Ingress[0]; r.CIDR.Val != "10.0.0.0/8" || r.At.Line != 6 {
		t.Errorf("rule = %+v", r)
	}
}

// Ensure a security configuration that cdk synth writes as Fn::Join of
// JSON text around resource tokens is read, its tokens as placeholders,
// and one built around a parameter without a default stays unknown.
func TestCDKSecurityConfiguration(t *testing.T) {
	const js = `{"Parameters": {"Flag": {"Type": "String"}},
 "Resources": {
  "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
  "Cdk": {"Type": "AWS::EMR::SecurityConfiguration", "Properties": {"SecurityConfiguration": {"Fn::Join": ["", [
    "{\"EncryptionConfiguration\":{\"EnableInTransitEncryption\":false,\"EnableAtRestEncryption\":true,\"AtRestEncryptionConfiguration\":{\"S3EncryptionConfiguration\":{\"EncryptionMode\":\"SSE-KMS\",\"AwsKmsKey\":\"",
    {"Fn::GetAtt": ["Key", "Arn"]}, "\"}}},\"InstanceMetadataServiceConfiguration\":{\"MinimumInstanceMetadataServiceVersion\":2,\"HttpPutResponseHopLimit\":1},\"x\":\"", {"Ref": "AWS::Region"}, "\"}"]]}}},
  "Param": {"Type": "AWS::EMR::SecurityConfiguration", "Properties": {"SecurityConfiguration": {"Fn::Join": ["", [
    "{\"EncryptionConfiguration\":{\"EnableInTransitEncryption\":", {"Ref": "Flag"}, "}}"]]}}}}}`
	n, err := tree.ParseJSON("cdk.json", []byte(js))
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := cfn.Load("cdk.json", []*tree.Node{n})
	byID := map[string]*model.SecurityConfiguration{}
	for _, sc := range ev.SecurityConfigurations {
		byID[sc.Ref.ID] = sc
	}
	cdk := byID["Cdk"]
	if cdk == nil || !cdk.InTransit.IsSet() || cdk.InTransit.Val || cdk.S3Mode.Val != "SSE-KMS" || cdk.S3KMSKey.Val != "${Key.Arn}" || cdk.IMDSMinVersion.Val != 2 {
		t.Errorf("Cdk = %+v", cdk)
	}
	if p := byID["Param"]; p == nil || !p.InTransit.IsUnknown() || !strings.Contains(p.InTransit.Why, "parameter Flag has no default") {
		t.Errorf("Param = %+v", p)
	}
}

// Ensure detection needs a template: an AWS resource type or the format
// version, not just any Resources key.
func TestDetect(t *testing.T) {
	for text, want := range map[string]bool{
		`{"AWSTemplateFormatVersion": "2010-09-09"}`:                    true,
		`{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`:             true,
		`{"Resources": {"B": {"Type": "Custom::Thing"}}}`:               true,
		`{"Resources": {"B": {"Type": "OS::Nova::Server"}}}`:            false,
		`{"Resources": ["a"]}`:                                          false,
		`{"EncryptionConfiguration": {"EnableInTransitEncryption": 1}}`: false,
	} {
		n, err := tree.ParseJSON("x.json", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfn.Detect(n); got != want {
			t.Errorf("Detect(%s) = %v, want %v", text, got, want)
		}
	}
}

// Ensure hostile and broken templates give one clear error naming the
// file and line, never a panic, and the other templates of the folder are
// still read.
func TestHostileTemplates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("good.yaml", stackYAML)
	write("invalid.yaml", "AWSTemplateFormatVersion: x\nResources:\n  A: [unclosed\n")
	write("bomb.yaml", "AWSTemplateFormatVersion: x\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n")
	write("deep.json", `{"AWSTemplateFormatVersion": "x", "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": `+strings.Repeat(`{"Fn::Join": ["", [`, 600)+`"x"`+strings.Repeat(`]]}`, 600)+`}}}}`)
	write("circular.yaml", "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: !Ref B}\n  B:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: !Ref A}\n  C:\n    Type: AWS::EMR::Cluster\n    Properties: {ServiceRole: !Ref A, Instances: {}}\n")
	write("badsub.yaml", "Resources:\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n      LogUri: !Sub s3://${Nowhere}/\n      Instances: {}\n")
	write("weird.yaml", "Resources:\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Instances: !Frob {}\n      ReleaseLabel: !Select [x, 1]\n      LogUri: !Join 7\n  D: 5\n")
	sub := `{"Fn::Sub": "` + strings.Repeat("x", 4096) + `"}`
	for range 40 {
		sub = `{"Fn::Sub": ["${A}${A}", {"A": ` + sub + `}]}`
	}
	write("subbomb.json", `{"Resources": {"C": {"Type": "AWS::EMR::Cluster", "Properties": {"LogUri": `+sub+`, "Instances": {}}}}}`)
	res := scan.Paths([]string{dir}, scan.Options{})
	errs := map[string]string{}
	for _, d := range res.Diags.Errors() {
		errs[filepath.Base(d.At.File)] += d.Error() + "\n"
		if d.At.Line == 0 && !strings.Contains(d.Msg, "nested deeper") {
			t.Errorf("diagnostic without a line: %v", d)
		}
	}
	for file, want := range map[string]string{
		"invalid.yaml":  "invalid YAML",
		"bomb.yaml":     "alias bomb",
		"deep.json":     "nested deeper",
		"circular.yaml": "circular reference",
		"badsub.yaml":   "${Nowhere}",
		"weird.yaml":    "index of Fn::Select",
		"subbomb.json":  "MiB of text",
	} {
		if !strings.Contains(errs[file], want) {
			t.Errorf("%s: errors %q, want one saying %q", file, errs[file], want)
		}
	}
	if errs["good.yaml"] != "" {
		t.Errorf("good.yaml: %s", errs["good.yaml"])
	}
	found := map[string]bool{}
	for _, c := range res.Evidence.Clusters {
		found[filepath.Base(c.Ref.Loc.File)] = true
	}
	for _, f := range []string{"good.yaml", "circular.yaml", "badsub.yaml", "weird.yaml", "subbomb.json"} {
		if !found[f] {
			t.Errorf("cluster of %s not read", f)
		}
	}
	for _, c := range res.Evidence.Clusters {
		if filepath.Base(c.Ref.Loc.File) == "circular.yaml" && (!c.ServiceRole.IsSet() || c.ServiceRole.Val != "A") {
			t.Errorf("circular: service role %+v, want the logical ID A", c.ServiceRole)
		}
	}
}

// Ensure a logical ID never reaches into another template: two templates
// in one folder both name their VPC "Vpc", and only one has an S3
// endpoint.
func TestLogicalIDsAreTemplateScoped(t *testing.T) {
	tmpl := func(endpoint bool) string {
		s := "Resources:\n  Vpc: {Type: AWS::EC2::VPC}\n  Sub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc}}\n" +
			"  C: {Type: AWS::EMR::Cluster, Properties: {Instances: {Ec2SubnetId: !Ref Sub}}}\n"
		if endpoint {
			s += "  E: {Type: AWS::EC2::VPCEndpoint, Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.s3}}\n"
		}
		return s
	}
	ev := &model.Evidence{}
	ev.Merge(load(t, "dir/a.yaml", tmpl(true), cfn.Params{}))
	ev.Merge(load(t, "dir/b.yaml", tmpl(false), cfn.Params{}))
	for _, c := range ev.Clusters {
		eps := ev.VPCEndpointsOf("Vpc", c.Ref.Loc)
		want := 0
		if c.Ref.Loc.File == "dir/a.yaml" {
			want = 1
		}
		if len(eps) != want {
			t.Errorf("%s sees %d endpoints, want %d", c.Ref.Loc.File, len(eps), want)
		}
	}
}

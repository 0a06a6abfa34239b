package request

import (
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

func load(t *testing.T, src string) *model.Cluster {
	t.Helper()
	n, err := tree.ParseJSON("r.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !DetectCluster(n) {
		t.Fatalf("not detected as a cluster: %s", src)
	}
	ev, diags := LoadCluster("r.json", n)
	if diags.Err() != nil {
		t.Fatal(diags.Err())
	}
	return ev.Clusters[0]
}

// Ensure the API, CLI and CloudTrail spellings give the same cluster.
func TestShapes(t *testing.T) {
	api := load(t, `{"Name": "n", "ReleaseLabel": "emr-7.14.0", "SecurityConfiguration": "s", "ServiceRole": "svc", "JobFlowRole": "ec2",
  "Instances": {"Ec2KeyName": "k", "Ec2SubnetIds": ["subnet-1", "subnet-2"], "EmrManagedMasterSecurityGroup": "sg-m", "AdditionalMasterSecurityGroups": ["sg-a"]},
  "Tags": [{"Key": "use-case", "Value": "etl"}]}`)
	cli := load(t, `{"Name": "n", "ReleaseLabel": "emr-7.14.0", "SecurityConfiguration": "s", "ServiceRole": "svc",
  "Ec2Attributes": {"KeyName": "k", "InstanceProfile": "ec2", "SubnetIds": ["subnet-1", "subnet-2"], "EmrManagedMasterSecurityGroup": "sg-m", "AdditionalMasterSecurityGroups": "sg-a"},
  "Tags": ["use-case=etl"]}`)
	trail := load(t, `{"name": "n", "releaseLabel": "emr-7.14.0", "securityConfiguration": "s", "serviceRole": "svc", "jobFlowRole": "ec2",
  "instances": {"ec2KeyName": "k", "ec2SubnetIds": ["subnet-1", "subnet-2"], "emrManagedMasterSecurityGroup": "sg-m", "additionalMasterSecurityGroups": ["sg-a"]},
  "tags": [{"key": "use-case", "value": "etl"}]}`)
	for name, c := range map[string]*model.Cluster{"api": api, "cli": cli, "cloudtrail": trail} {
		if c.Ref.ID != "n" || c.ReleaseLabel.Val != "emr-7.14.0" || c.SecurityConfiguration.Val != "s" || c.ServiceRole.Val != "svc" ||
			c.InstanceProfile.Val != "ec2" || c.KeyName.Val != "k" || len(c.SubnetIDs.Val) != 2 || c.Tags["use-case"] != "etl" {
			t.Errorf("%s: %+v", name, c)
		}
		if g := c.MasterGroups(); len(g) != 2 || g[0].Val != "sg-m" || g[1].Val != "sg-a" {
			t.Errorf("%s master groups: %+v", name, g)
		}
	}
}

// Ensure describe-cluster output gives ID, account and region, and
// --use-default-roles the default role names.
func TestDescribeAndDefaults(t *testing.T) {
	c := load(t, `{"Cluster": {"Id": "j-1", "Name": "n", "ClusterArn": "arn:aws:elasticmapreduce:eu-west-1:210987654321:cluster/j-1",
  "ReleaseLabel": "emr-7.14.0", "Ec2InstanceAttributes": {"Ec2SubnetId": "subnet-1", "IamInstanceProfile": "p"}}}`)
	if c.Ref.ID != "j-1" || c.Ref.Account != "210987654321" || c.Ref.Region != "eu-west-1" || c.InstanceProfile.Val != "p" || c.SubnetIDs.Val[0] != "subnet-1" {
		t.Errorf("describe-cluster: %+v", c)
	}
	d := load(t, `{"Name": "n", "ReleaseLabel": "emr-7.14.0", "UseDefaultRoles": true, "SecurityConfiguration": ""}`)
	if d.ServiceRole.Val != DefaultServiceRole || d.InstanceProfile.Val != DefaultInstanceProfile || !d.SecurityConfiguration.IsAbsent() {
		t.Errorf("defaults: %+v", d)
	}
}

// Ensure a wrong type is an error and makes the field Unknown, not absent.
func TestWrongTypes(t *testing.T) {
	n, _ := tree.ParseJSON("r.json", []byte(`{"Name": "n", "ReleaseLabel": 7, "Instances": {"AdditionalMasterSecurityGroups": [1]}}`))
	ev, diags := LoadCluster("r.json", n)
	c := ev.Clusters[0]
	if !c.ReleaseLabel.IsUnknown() || !c.AdditionalMasterGroups.IsUnknown() || len(diags.Errors()) != 2 {
		t.Errorf("release %+v, groups %+v, diags %v", c.ReleaseLabel, c.AdditionalMasterGroups, diags)
	}
}

// Ensure describe-security-groups output becomes one rule per source.
func TestGroups(t *testing.T) {
	n, _ := tree.ParseJSON("g.json", []byte(`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
  {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "0.0.0.0/0"}],
   "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}]}]}`))
	if !DetectGroups(n) {
		t.Fatal("not detected")
	}
	ev, diags := LoadGroups("g.json", n)
	if diags.Err() != nil || len(ev.SecurityGroups) != 1 {
		t.Fatal(diags.Err())
	}
	if got := len(ev.SecurityGroups[0].Ingress); got != 4 {
		t.Errorf("%d rules, want 4", got)
	}
}

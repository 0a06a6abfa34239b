package harden_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/harden"
)

const oidcARN = "arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/4F1E2D3C4B5A69788796A5B4C3D2E1F0"

func iamSpec() harden.IAMSpec {
	return harden.IAMSpec{
		Prefix: "etl", Account: "210987654321", Region: "eu-west-1",
		Buckets: []string{"acme-data", "acme-scratch"}, LogBucket: "acme-logs",
		KMSKeys:      []string{keyS3, keyDisk},
		OIDCProvider: oidcARN, Namespace: "spark-jobs", LogGroup: "/emr-on-eks/etl",
	}
}

// The controls the roles of harden iam address.
var iamControls = []string{"EMR501", "EMR602", "EKS101", "EKS102"}

// A cluster that uses the generated roles, so that the controls on the
// roles a cluster uses (EMR501, EMR602) judge them.
const cfnCluster = `{"Type": "AWS::EMR::Cluster", "Properties": {"Name": "etl", "ReleaseLabel": "emr-7.14.0",
  "ServiceRole": {"Ref": "ServiceRole"}, "JobFlowRole": {"Ref": "InstanceProfile"},
  "Instances": {"Ec2SubnetId": "subnet-0aa11bb22cc33dd44"}}}`

const tfCluster = `resource "aws_emr_cluster" "etl" {
  name          = "etl"
  release_label = "emr-7.14.0"
  service_role  = aws_iam_role.service.arn
  ec2_attributes {
    subnet_id        = "subnet-0aa11bb22cc33dd44"
    instance_profile = aws_iam_instance_profile.instance.arn
  }
}
`

// TestIAMRoundTrip scans the roles in CloudFormation and Terraform beside
// a cluster that uses them: every control on roles passes (the cluster's
// own findings, no security configuration and the like, are not the
// roles' concern and are left out).
func TestIAMRoundTrip(t *testing.T) {
	cfn, err := harden.IAM(iamSpec(), harden.CFN)
	if err != nil {
		t.Fatal(err)
	}
	cfnLint(t, "iam.json", cfn)
	var tmpl map[string]any
	if err := json.Unmarshal(cfn, &tmpl); err != nil {
		t.Fatal(err)
	}
	var cluster any
	if err := json.Unmarshal([]byte(cfnCluster), &cluster); err != nil {
		t.Fatal(err)
	}
	tmpl["Resources"].(map[string]any)["Cluster"] = cluster
	withCluster, _ := json.Marshal(tmpl)
	tf, err := harden.IAM(iamSpec(), harden.Terraform)
	if err != nil {
		t.Fatal(err)
	}
	for name, files := range map[string]map[string][]byte{
		"cfn":       {"iam.template.json": withCluster},
		"terraform": {"iam.tf": tf, "cluster.tf": []byte(tfCluster)},
	} {
		t.Run(name, func(t *testing.T) {
			by := scanFiles(t, files)
			only := map[string][]control.Result{}
			for _, id := range iamControls {
				only[id] = by[id]
			}
			requirePass(t, only, iamControls...)
			if n := len(by["EKS102"]); n != 1 {
				t.Errorf("EKS102 judged %d roles, want the one job execution role", n)
			}
		})
	}
}

// TestIAMDocuments checks what the controls do not read: the service
// account name (base36 of the role name, as the AWS CLI writes it), the
// v2 managed policy and its tag, no wildcard resource but where IAM has no
// resource-level permission, and --for.
func TestIAMDocuments(t *testing.T) {
	out, err := harden.IAM(iamSpec(), harden.JSON)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		// base36("etl-job-role"), checked with awscli's Base36().encode.
		`"system:serviceaccount:spark-jobs:emr-containers-sa-*-*-210987654321-` + "31l87f59om4qdb6k2n9" + `"`,
		`"oidc.eks.eu-west-1.amazonaws.com/id/4F1E2D3C4B5A69788796A5B4C3D2E1F0:sub"`,
		`"arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"`,
		`"aws:ResourceTag/for-use-with-amazon-emr-managed-policies": "true"`,
		`"kms:GrantIsForAWSResource": true`,
		`"arn:aws:s3:::acme-logs/*"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the roles lack %s", want)
		}
	}
	if strings.Contains(text, `"Resource": "*"`) || strings.Contains(text, `"*"`) || strings.Contains(text, `:*",`) {
		t.Errorf("a statement on every resource or of every action:\n%s", text)
	}
	var roles map[string]json.RawMessage
	if err := json.Unmarshal(out, &roles); err != nil {
		t.Fatal(err)
	}
	if len(roles) != 3 {
		t.Errorf("%d roles, want service, instance and job execution", len(roles))
	}
	s := iamSpec()
	s.For = "cluster"
	out, err = harden.IAM(s, harden.JSON)
	if err != nil || strings.Contains(string(out), "JobExecutionRole") || !strings.Contains(string(out), "InstanceRole") {
		t.Errorf("--for cluster: %v\n%s", err, out)
	}
}

func TestIAMBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*harden.IAMSpec)
		want string
	}{
		{"oidc not an arn", func(s *harden.IAMSpec) { s.OIDCProvider = "oidc.eks.eu-west-1.amazonaws.com/id/4F1E" }, "not an EKS OIDC provider ARN"},
		{"oidc of another account", func(s *harden.IAMSpec) {
			s.OIDCProvider = strings.Replace(oidcARN, "210987654321", "123456789012", 1)
		}, "not --account"},
		{"bad key", func(s *harden.IAMSpec) { s.KMSKeys = []string{"arn:aws:kms:eu-west-1:210987654321:key/not-a-uuid"} }, "--kms-key"},
		{"bad account", func(s *harden.IAMSpec) { s.Account, s.OIDCProvider = "21098765432", "" }, "--account"},
		{"no bucket", func(s *harden.IAMSpec) { s.Buckets = nil }, "--bucket"},
		{"bad bucket", func(s *harden.IAMSpec) { s.Buckets = []string{"s3://acme-data"} }, "not an S3 bucket name"},
		{"wildcard namespace", func(s *harden.IAMSpec) { s.Namespace = "*" }, "--eks-namespace"},
		{"eks without oidc", func(s *harden.IAMSpec) { s.OIDCProvider, s.For = "", "eks" }, "--eks-oidc-provider"},
		{"bad for", func(s *harden.IAMSpec) { s.For = "all" }, "--for"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := iamSpec()
			c.edit(&s)
			_, err := harden.IAM(s, harden.JSON)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// writeTree writes files under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Ensure no secret reaches any report or an alert: sensitive Terraform
// variables, NoEcho parameters, and values under keys naming secrets
// (Kerberos passwords, a Hive metastore password) in Terraform,
// CloudFormation, a RunJobFlow request and a launch event.
func TestSecretsNeverReported(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"tf/main.tf": `
variable "sc" {
  default   = "SECRET-sc"
  sensitive = true
}
variable "kdc_password" {
  default = "SECRET-kdc-var"
}
resource "aws_emr_cluster" "c" {
  name                   = "c-${var.sc}"
  release_label          = "emr-7.1.0"
  service_role           = "r"
  security_configuration = var.sc
  log_uri                = "s3://${var.sc}/"
  kerberos_attributes {
    kdc_admin_password = var.kdc_password
    ad_domain_join_password = "SECRET-ad"
    realm              = "EC2.INTERNAL"
  }
  configurations_json = jsonencode([{ Classification = "hive-site", Properties = { "javax.jdo.option.ConnectionPassword" = "SECRET-hive" } }])
  ec2_attributes {
    key_name         = var.sc
    subnet_id        = var.sc
    instance_profile = "p"
  }
}
`,
		"cfn/t.yaml": `
Parameters:
  Pw:
    Type: String
    NoEcho: true
    Default: SECRET-cfn
Resources:
  C:
    Type: AWS::EMR::Cluster
    Properties:
      Name: !Ref Pw
      ReleaseLabel: !Sub "emr-${Pw}"
      ServiceRole: r
      JobFlowRole: p
      LogUri: !Ref Pw
      SecurityConfiguration: !Ref Pw
      KerberosAttributes:
        KdcAdminPassword: SECRET-cfn-kdc
        CrossRealmTrustPrincipalPassword: SECRET-cfn-cross
        ADDomainJoinPassword: SECRET-cfn-ad
        Realm: EC2.INTERNAL
      Instances:
        Ec2KeyName: !Ref Pw
        Ec2SubnetId: !Ref Pw
`,
		"requests/run.json": `{"Name": "r", "ReleaseLabel": "emr-7.1.0", "ServiceRole": "r", "JobFlowRole": "p",
 "KerberosAttributes": {"KdcAdminPassword": "SECRET-req-kdc", "Realm": "EC2.INTERNAL", "CrossRealmTrustPrincipalPassword": "SECRET-req-cross"},
 "Instances": {"Ec2SubnetId": "subnet-1"}}`,
	})
	event := `{"version": "0", "id": "e1", "detail-type": "AWS API Call via CloudTrail", "source": "aws.elasticmapreduce",
 "account": "111122223333", "time": "2026-09-14T08:02:11Z", "region": "eu-west-1", "resources": [],
 "detail": {"eventVersion": "1.11", "eventTime": "2026-09-14T08:02:09Z", "eventSource": "elasticmapreduce.amazonaws.com",
  "eventName": "RunJobFlow", "awsRegion": "eu-west-1", "eventID": "e1",
  "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/x/y", "accountId": "111122223333"},
  "requestParameters": {"name": "n", "releaseLabel": "emr-6.1.0", "serviceRole": "r", "jobFlowRole": "p",
   "kerberosAttributes": {"kdcAdminPassword": "SECRET-event-kdc", "realm": "EC2.INTERNAL"},
   "instances": {"ec2SubnetId": "subnet-1"}},
  "responseElements": {"jobFlowId": "j-1"}}}`
	writeTree(t, dir, map[string]string{"events/e.json": event})
	for _, format := range []string{"table", "json", "sarif", "junit", "asff", "html", "markdown"} {
		code, out, errs := runCLI(t, "scan", filepath.Join(dir, "tf"), filepath.Join(dir, "cfn"), filepath.Join(dir, "requests"),
			"--format", format, "--show", "all", "--fail-on", "none", "--aws-account", "111122223333", "--region", "eu-west-1")
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", format, code, errs)
		}
		if strings.Contains(out+errs, "SECRET") {
			t.Errorf("%s report quotes a secret:\n%s\n%s", format, out, errs)
		}
		if !strings.Contains(out, "(sensitive)") {
			t.Errorf("%s report does not say (sensitive)", format)
		}
	}
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"monitor", "--events", filepath.Join(dir, "events", "e.json"), "--no-aws", "--notify", "stdout", "--format", "json"}, nil, &stdout, &stderr)
	if !strings.Contains(stdout.String(), "j-1") {
		t.Fatalf("monitor raised no alert on the event:\n%s\n%s", stdout.String(), stderr.String())
	}
	if strings.Contains(stdout.String()+stderr.String(), "SECRET") {
		t.Errorf("an alert quotes a secret:\n%s\n%s", stdout.String(), stderr.String())
	}
}

// Ensure suppressions written in a module terraform init installed do
// not silence its findings (each is named in a warning), and that
// standard input takes no sidecar from the working folder.
func TestUnreviewedSuppressionsIgnored(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"main.tf": `module "emr" {
  source = "vendor-org/emr/aws"
}
`,
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"emr","Source":"registry.terraform.io/vendor-org/emr/aws","Dir":".terraform/modules/emr"}]}`,
		".terraform/modules/emr/main.tf": `resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-6.1.0" # emrguard:ignore * reason="vendor says fine"
  service_role  = "r"
}
`,
		".terraform/modules/emr/main.tf.emrguard-ignore": "* emrguard:ignore * reason=\"vendor says fine\"\n",
	})
	code, out, errs := runCLI(t, "scan", dir, "--format", "table", "--fail-on", "none")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if strings.Contains(out, "suppressed") && !strings.Contains(out, "in vendored code is ignored") {
		t.Errorf("a vendored directive suppressed a result:\n%s", out)
	}
	if strings.Contains(out, "(1 suppressed)") || strings.Contains(out, " suppressed)") {
		t.Errorf("results suppressed by vendored code:\n%s", out)
	}
	if !strings.Contains(out, "main.tf.emrguard-ignore:1: emrguard:ignore * in vendored code is ignored") || !strings.Contains(out, "main.tf:3: emrguard:ignore * in vendored code is ignored") {
		t.Errorf("no warning names the ignored directives:\n%s", out)
	}
	if !strings.Contains(out, "fail") {
		t.Fatalf("the vendored module gave no failing result to suppress:\n%s", out)
	}

	stdinDir := t.TempDir()
	writeTree(t, stdinDir, map[string]string{"<stdin>.emrguard-ignore": "* emrguard:ignore * reason=\"planted\"\n"})
	t.Chdir(stdinDir)
	req := `{"Name": "r", "ReleaseLabel": "emr-6.1.0", "ServiceRole": "r", "JobFlowRole": "p", "Instances": {"Ec2SubnetId": "subnet-1"}}`
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"scan", "-", "--format", "table", "--fail-on", "none"}, strings.NewReader(req), &stdout, &stderr)
	if s := stdout.String(); strings.Contains(s, "suppressed") || !strings.Contains(s, "fail") {
		t.Errorf("stdin results suppressed by a file in the working folder, or none failing:\n%s\n%s", s, stderr.String())
	}
}

// Ensure monitor --events takes a folder holding a named pipe without
// blocking on it: the pipe is named as not read, and exit is 2.
func TestEventsNamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "e.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"monitor", "--events", dir, "--no-aws", "--notify", "stdout"}, nil, &stdout, &stderr)
	if code != exitError || !strings.Contains(stderr.String(), "e.json is a named pipe (FIFO), not a regular file") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
	}
}

// Ensure --output into a folder that does not exist is one line naming
// the folder (not the temporary file's name), exit 2, nothing written.
func TestOutputFolderMissing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "missing", "report.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"scan", "../../examples/cfn", "--format", "json", "--output", out}, nil, &stdout, &stderr)
	want := "--output " + out + ": cannot write in " + filepath.Dir(out) + ": no such file or directory"
	if code != exitError || !strings.Contains(stderr.String(), want) || strings.Count(strings.TrimSpace(stderr.String()), "\n") > 0 {
		t.Errorf("exit %d, stderr %q, want one line with %q", code, stderr.String(), want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d entries in %s", len(entries), dir)
	}
}

package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenExt names each writer's golden file.
var goldenExt = map[string]string{
	"table": "txt", "json": "json", "sarif": "sarif", "junit": "junit.xml",
	"asff": "asff.json", "html": "html", "markdown": "md",
}

var (
	ctlTLS = &control.Control{ID: "EMR102", Title: "In-transit encryption is not enabled", Severity: control.High, BestPractice: "BP 3.1",
		Remediation: control.Remediation{Text: "Enable in-transit encryption in the security configuration.", CLI: "aws emr create-security-configuration --name tls \\\n  --security-configuration file://tls.json", Terraform: "resource \"aws_emr_security_configuration\" \"tls\" {\n  configuration = jsonencode({EncryptionConfiguration = {EnableInTransitEncryption = true}})\n}"},
		URL:         "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-encryption-enable.html", Doc: "In-transit encryption is not enabled\nWithout TLS, shuffle and HDFS traffic crosses the network in clear text."}
	ctlSSH = &control.Control{ID: "EMR204", Title: "SSH to the primary node is open to any source", Severity: control.Medium, BestPractice: "BP 4.2",
		Remediation: control.Remediation{Text: "Restrict port 22 to a bastion's security group, or use Session Manager."},
		URL:         "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-block-public-access.html", Doc: "SSH to the primary node is open to any source\nAn open port 22 invites brute force."}
	ctlLogs = &control.Control{ID: "EMR111", Title: "Cluster logs in S3 are not encrypted with a KMS key", Severity: control.Low, BestPractice: "BP 3.4",
		Remediation: control.Remediation{Text: "Set LogEncryptionKmsKeyId."}, Doc: "Cluster logs in S3 are not encrypted with a KMS key"}
	ctlRel = &control.Control{ID: "EMR802", Title: "Release no longer receives fixes", Severity: control.Medium, BestPractice: "BP 6.1",
		Remediation: control.Remediation{Text: "Move to a supported release."}, Doc: "Release no longer receives fixes"}
)

// fixture is a run with every verdict, a suppressed failure, a live
// resource with no file, a result from a CloudTrail event, input errors and
// warnings, and text that would break naive escaping.
func fixture() *Run {
	etl := model.Ref{Kind: "AWS::EMR::Cluster", ID: "NightlyEtl", Name: "nightly-etl", Loc: model.Loc{File: "infra/etl.yaml", Line: 12, Col: 3}}
	adhoc := model.Ref{Kind: "aws_emr_cluster", ID: "module.spark.aws_emr_cluster.adhoc", Loc: model.Loc{File: "infra/main.tf", Line: 40}}
	live := model.Ref{Kind: "emr:cluster", ID: "j-3KQ7V0EXAMPLE", Name: "prod <b>\"secure\"</b> | `x`", Account: "111122223333", Region: "eu-west-1"}
	event := model.Ref{Kind: "emr:cluster", ID: "j-2AXXXXXXGAPLF", Event: &model.Event{ID: "0c9e2f4e-EXAMPLE", Time: "2026-11-20T10:00:00Z", Name: "RunJobFlow", Source: "elasticmapreduce.amazonaws.com", Account: "444455556666", Region: "us-east-1", Principal: "arn:aws:iam::444455556666:role/ci"}}
	return &Run{
		Tool:    Tool{Name: "emrguard", Version: "v1.2.3"},
		Time:    time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC),
		Account: "111122223333", Region: "eu-west-1",
		Results: []control.Result{
			{Control: ctlTLS, Resource: etl, Verdict: control.Failed, Message: "security configuration \"weak\" leaves in-transit encryption off", At: model.Loc{File: "infra/etl.yaml", Line: 18, Col: 7, EndLine: 18}},
			{Control: ctlSSH, Resource: adhoc, Verdict: control.Failed, Message: "port 22 open to 0.0.0.0/0", At: model.Loc{File: "infra/main.tf", Line: 44},
				Suppressed: &control.Suppression{Reason: "bastion-only subnet, ticket OPS-12", Until: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), Origin: model.Loc{File: "infra/main.tf", Line: 43}}},
			{Control: ctlLogs, Resource: adhoc, Verdict: control.Unknown, Message: "log_encryption_kms_key_id is unresolved var.log_key", At: model.Loc{File: "infra/main.tf", Line: 47}},
			{Control: ctlTLS, Resource: live, Verdict: control.Passed, Message: "security configuration <prod> enables TLS | & more"},
			{Control: ctlLogs, Resource: live, Verdict: control.NotApplicable, Message: "the cluster writes no logs to S3"},
			{Control: ctlRel, Resource: event, Verdict: control.Failed, Message: "emr-6.1.0 no longer receives fixes"},
		},
		Errors:   source.Diagnostics{{At: model.Loc{File: "infra/broken.json", Line: 3, Col: 9}, Msg: "invalid character '}' looking for beginning of value"}, {Call: "emr DescribeCluster j-1 in eu-west-1", Msg: "AccessDeniedException"}},
		Warnings: source.Diagnostics{{At: model.Loc{File: ".emrguard.yaml", Line: 9}, Level: source.Warning, Msg: "suppression of EMR102 expired on 2026-01-31"}},
	}
}

// Ensure each writer's output matches its golden file (go test ./report
// -update rewrites them).
func TestGolden(t *testing.T) {
	for name, w := range Writers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w(&buf, fixture()); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", "run."+goldenExt[name]), buf.Bytes())
		})
	}
	for name := range Writers {
		if goldenExt[name] == "" {
			t.Errorf("writer %q has no golden file", name)
		}
	}
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test ./report -update and review the diff.\ngot:\n%s", path, got)
	}
}

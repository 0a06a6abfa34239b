package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	hkS3   = "arn:aws:kms:eu-west-1:210987654321:key/7c1e55aa-3b0d-4f6e-9a21-5d8c0e4f1b77"
	hkDisk = "arn:aws:kms:eu-west-1:210987654321:key/e02b9d31-64c8-4a5f-b0d7-1f3a9c6e2d48"
)

// TestHardenThenScan runs the walkthrough as a user would: certs, then a
// security configuration naming the zip, then a scan of the folder; every
// result passes, EMR109 among them (it read the zip).
func TestHardenThenScan(t *testing.T) {
	dir := t.TempDir()
	zip := filepath.Join(dir, "emr-certs.zip")
	out, errs, code := emrguard(t, "", "harden", "certs", "--region", "eu-west-1", "--out", zip)
	if code != 0 || !strings.Contains(out, "*.eu-west-1.compute.internal") || !strings.Contains(errs, "warning:") {
		t.Fatalf("certs: exit %d\n%s%s", code, out, errs)
	}
	for name, mode := range map[string]os.FileMode{"emr-certs.zip": 0o600, "emr-ca-key.pem": 0o600, "emr-ca.pem": 0o644} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: %v, want mode %o", name, err, mode)
		}
	}
	_, errs, code = emrguard(t, "", "harden", "secconf", "--name", "hardened", "--cert-s3", "s3://acme-artifacts/tls/emr-certs.zip",
		"--s3-key", hkS3, "--local-disk-key", hkDisk, "--out", filepath.Join(dir, "hardened.json"))
	if code != 0 {
		t.Fatalf("secconf: exit %d: %s", code, errs)
	}
	out, errs, code = emrguard(t, "", "scan", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("scan: exit %d: %s\n%s", code, errs, out)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rep.Results {
		seen[r.Control] = true
		if r.Verdict != "pass" {
			t.Errorf("%s %s: %s", r.Control, r.Verdict, r.Message)
		}
	}
	for _, id := range []string{"EMR102", "EMR103", "EMR104", "EMR105", "EMR106", "EMR107", "EMR108", "EMR109", "EMR401", "EMR403"} {
		if !seen[id] {
			t.Errorf("%s did not judge the configuration", id)
		}
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors: %+v", rep.Errors)
	}

	// A renewal signed by the same CA: only the zip is written, and only
	// with --force, since it exists.
	before, _ := os.ReadFile(zip)
	ca, key := filepath.Join(dir, "emr-ca.pem"), filepath.Join(dir, "emr-ca-key.pem")
	_, errs, code = emrguard(t, "", "harden", "certs", "--region", "eu-west-1", "--out", zip, "--ca-cert", ca, "--ca-key", key)
	if after, _ := os.ReadFile(zip); code != 2 || !strings.Contains(errs, "--force") || !bytes.Equal(before, after) {
		t.Errorf("renewal over an existing zip: exit %d, changed %v: %s", code, !bytes.Equal(before, after), errs)
	}
	out, errs, code = emrguard(t, "", "harden", "certs", "--region", "eu-west-1", "--out", zip, "--ca-cert", ca, "--ca-key", key, "--force")
	if after, _ := os.ReadFile(zip); code != 0 || bytes.Equal(before, after) || strings.Contains(out, "emr-ca-key.pem") || errs != "" {
		t.Errorf("renewal --force: exit %d\n%s%s", code, out, errs)
	}
}

// TestHardenBadInput: each mistake is exit 2 with a message naming it,
// and nothing is written.
func TestHardenBadInput(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	if _, errs, code := emrguard(t, "", "harden", "certs", "--region", "eu-west-1", "--out", filepath.Join(other, "a.zip")); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := emrguard(t, "", "harden", "certs", "--region", "eu-west-1", "--ecdsa", "--out", filepath.Join(other, "b.zip"),
		"--ca-cert-out", filepath.Join(other, "b-ca.pem"), "--ca-key-out", filepath.Join(other, "b-ca-key.pem")); code != 0 {
		t.Fatal(errs)
	}
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, nil, 0o644)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", []string{"harden"}, "needs a command"},
		{"unknown command", []string{"harden", "vpc"}, `unknown command "vpc"`},
		{"mismatched CA key", []string{"harden", "certs", "--region", "eu-west-1", "--out", filepath.Join(dir, "c.zip"),
			"--ca-cert", filepath.Join(other, "emr-ca.pem"), "--ca-key", filepath.Join(other, "b-ca-key.pem")}, "does not match the CA certificate"},
		{"missing CA file", []string{"harden", "certs", "--region", "eu-west-1", "--out", filepath.Join(dir, "c.zip"),
			"--ca-cert", filepath.Join(dir, "none.pem"), "--ca-key", filepath.Join(other, "b-ca-key.pem")}, "none.pem"},
		{"unwritable", []string{"harden", "certs", "--region", "eu-west-1", "--out", filepath.Join(notDir, "c.zip")}, "c.zip"},
		{"bad validity", []string{"harden", "certs", "--region", "eu-west-1", "--validity", "a year", "--out", filepath.Join(dir, "c.zip")}, "--validity"},
		{"malformed key ARN", []string{"harden", "secconf", "--cert-s3", "s3://b-1/c.zip", "--s3-key", "arn:aws:kms:eu-west-1:210987654321:key/oops",
			"--local-disk-key", hkDisk, "--out", filepath.Join(dir, "s.json")}, "--s3-key"},
		{"malformed role ARN", []string{"harden", "keys", "--instance-role", "etl-ec2-role", "--service-role", "arn:aws:iam::210987654321:role/s",
			"--out", filepath.Join(dir, "k.json")}, "--instance-role"},
		{"malformed OIDC ARN", []string{"harden", "iam", "--bucket", "acme-data", "--eks-oidc-provider", "arn:aws:iam::210987654321:oidc-provider/example.com",
			"--eks-namespace", "spark", "--out", filepath.Join(dir, "i.json")}, "--eks-oidc-provider"},
		{"unsupported form", []string{"harden", "keys", "--instance-role", "arn:aws:iam::210987654321:role/i", "--service-role", "arn:aws:iam::210987654321:role/s",
			"--as", "json"}, `--as "json"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errs, code := emrguard(t, "", c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, errs, c.want)
			}
			if es, _ := os.ReadDir(dir); len(es) != 1 {
				t.Errorf("%d files left in the output folder", len(es)-1)
			}
		})
	}
}

// TestHardenForms: each command writes each of its forms to stdout, and
// --out refuses an existing file without --force.
func TestHardenForms(t *testing.T) {
	iam := []string{"harden", "iam", "--account", "210987654321", "--region", "eu-west-1", "--bucket", "acme-data", "--kms-key", hkS3}
	keys := []string{"harden", "keys", "--instance-role", "arn:aws:iam::210987654321:role/i", "--service-role", "arn:aws:iam::210987654321:role/s"}
	sc := []string{"harden", "secconf", "--cert-s3", "s3://acme-artifacts/c.zip", "--s3-key", hkS3, "--local-disk-key", hkDisk}
	for _, c := range []struct {
		args []string
		as   string
		want string
	}{
		{sc, "json", `"EnableInTransitEncryption": true`},
		{sc, "cli", `"SecurityConfiguration": "{\"EncryptionConfiguration\"`},
		{sc, "cfn", `"AWS::EMR::SecurityConfiguration"`},
		{sc, "terraform", `configuration = jsonencode(`},
		{iam, "json", `service-role/AmazonEMRServicePolicy_v2"`},
		{iam, "cfn", `"AWS::IAM::InstanceProfile"`},
		{iam, "terraform", `resource "aws_iam_instance_profile" "instance"`},
		{keys, "cfn", `"EnableKeyRotation": true`},
		{keys, "terraform", `enable_key_rotation = true`},
	} {
		out, errs, code := emrguard(t, "", append(c.args, "--as", c.as)...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%s --as %s: exit %d, %s\n%s", c.args[1], c.as, code, errs, out)
		}
	}
	p := filepath.Join(t.TempDir(), "iam.json")
	if _, errs, code := emrguard(t, "", append(iam, "--out", p)...); code != 0 || !strings.Contains(errs, "wrote "+p) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, errs, code := emrguard(t, "", append(iam, "--out", p)...); code != 2 || !strings.Contains(errs, "--force") {
		t.Errorf("over an existing file: exit %d: %s", code, errs)
	}
	if _, errs, code := emrguard(t, "", append(iam, "--out", p, "--force")...); code != 0 {
		t.Errorf("--force: exit %d: %s", code, errs)
	}
}

// TestHardenEnvironmentThenScan: the environment in each form, written
// with --out and scanned as a user would, gives a summary of 0 fail and
// 0 unknown; the CloudFormation form says on stderr that block public
// access has no resource there.
func TestHardenEnvironmentThenScan(t *testing.T) {
	for form, file := range map[string]string{"cfn": "environment.json", "terraform": "main.tf"} {
		t.Run(form, func(t *testing.T) {
			dir := t.TempDir()
			_, errs, code := emrguard(t, "", "harden", "environment", "--account", "210987654321", "--region", "eu-west-1",
				"--cert-s3", "s3://acme-artifacts/tls/emr-certs.zip", "--as", form, "--out", filepath.Join(dir, file))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if got := strings.Contains(errs, "put-block-public-access-configuration"); got != (form == "cfn") {
				t.Errorf("block public access note %v on stderr: %s", got, errs)
			}
			out, errs, code := emrguard(t, "", "scan", dir)
			if code != 0 || !strings.Contains(out, ": 0 fail, ") || !strings.Contains(out, " pass, 0 unknown, ") {
				t.Errorf("scan: exit %d\n%s%s", code, out, errs)
			}
		})
	}
	_, errs, code := emrguard(t, "", "harden", "environment", "--account", "210987654321", "--region", "eu-west-1")
	if code != 2 || !strings.Contains(errs, "harden environment: in-transit encryption needs certificates") {
		t.Errorf("no certificates: exit %d: %s", code, errs)
	}
}

// TestHardenFix: the diff goes to stdout and nothing is written without
// --write; with it the file is patched and a scan fails less; a file the
// scan cannot parse stops fix with exit 2 before anything is written.
func TestHardenFix(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../examples/cfn/emr-weak-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "weak.yaml")
	if err := os.WriteFile(file, src, 0o640); err != nil {
		t.Fatal(err)
	}
	out, errs, code := emrguard(t, "", "harden", "fix", dir)
	if code != 0 || !strings.Contains(out, "+++ "+file) || !strings.Contains(out, "-      ReleaseLabel: emr-7.8.0") ||
		!strings.Contains(errs, "decide: ") || !strings.Contains(errs, "5 fixes in 1 file; 2 results to decide") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if got, _ := os.ReadFile(file); !bytes.Equal(got, src) {
		t.Fatal("written without --write")
	}
	if _, errs, code = emrguard(t, "", "harden", "fix", "--write", dir); code != 0 {
		t.Fatalf("--write: exit %d: %s", code, errs)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %o, want the file's own 0640", st.Mode().Perm())
	}
	out, _, _ = emrguard(t, "", "scan", dir, "--fail-on", "none")
	if !strings.Contains(out, ": 2 fail") {
		t.Errorf("after --write the scan says:\n%s", out)
	}

	bad := filepath.Join(dir, "broken.yaml")
	text := "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Cluster:\n    Type: AWS::EMR::Cluster\n    Properties: {Name: [unclosed\n"
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(file)
	out, errs, code = emrguard(t, "", "harden", "fix", "--write", dir)
	if code != 2 || !strings.Contains(errs, "broken.yaml") || !strings.Contains(errs, "nothing fixed or written") || out != "" {
		t.Errorf("unparsable file: exit %d\n%s\n%s", code, out, errs)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(after, before) {
		t.Error("a file was written despite the input error")
	}
}

// TestScanCerts: EMR109 reads a zip given with --certs, matched by file
// name or by the whole S3 URI, when it does not sit beside the
// configuration; without it EMR109 cannot judge; a zip nothing names is a
// warning.
func TestScanCerts(t *testing.T) {
	certsDir, confDir := t.TempDir(), t.TempDir()
	zip := filepath.Join(certsDir, "emr-certs.zip")
	if _, errs, code := emrguard(t, "", "harden", "certs", "--region", "eu-west-1", "--out", zip); code != 0 {
		t.Fatalf("certs: %s", errs)
	}
	if _, errs, code := emrguard(t, "", "harden", "secconf", "--name", "hardened", "--cert-s3", "s3://acme-artifacts/tls/emr-certs.zip",
		"--s3-key", hkS3, "--local-disk-key", hkDisk, "--out", filepath.Join(confDir, "hardened.json")); code != 0 {
		t.Fatalf("secconf: %s", errs)
	}
	emr109 := func(args ...string) (string, string) {
		out, errs, _ := emrguard(t, "", append([]string{"scan", confDir, "--format", "json", "--fail-on", "none"}, args...)...)
		var rep jsonReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		for _, r := range rep.Results {
			if r.Control == "EMR109" {
				return r.Verdict, errs
			}
		}
		return "", errs
	}
	if v, _ := emr109(); v == "pass" {
		t.Errorf("without the zip: EMR109 %s", v)
	}
	if v, errs := emr109("--certs", zip); v != "pass" {
		t.Errorf("--certs FILE: EMR109 %q: %s", v, errs)
	}
	other := filepath.Join(certsDir, "renamed.zip")
	data, _ := os.ReadFile(zip)
	if err := os.WriteFile(other, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if v, errs := emr109("--certs", "s3://acme-artifacts/tls/emr-certs.zip="+other); v != "pass" {
		t.Errorf("--certs URI=FILE: EMR109 %q: %s", v, errs)
	}
	if v, errs := emr109("--certs", other); v == "pass" || !strings.Contains(errs, "renamed.zip") || !strings.Contains(errs, "names as its PEM certificates") {
		t.Errorf("--certs naming nothing: EMR109 %q, stderr %s", v, errs)
	}
}

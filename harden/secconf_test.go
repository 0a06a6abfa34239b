package harden_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/harden"
)

const (
	keyS3   = "arn:aws:kms:eu-west-1:210987654321:key/7c1e55aa-3b0d-4f6e-9a21-5d8c0e4f1b77"
	keyDisk = "arn:aws:kms:eu-west-1:210987654321:key/e02b9d31-64c8-4a5f-b0d7-1f3a9c6e2d48"
	keyRaw  = "arn:aws:kms:eu-west-1:210987654321:key/mrk-0123456789abcdef0123456789abcdef"
)

func pemSpec() harden.SecConfSpec {
	return harden.SecConfSpec{
		Name: "hardened", CertS3: "s3://acme-emr-artifacts/tls/emr-certs.zip",
		S3Key: keyS3, LocalDiskKey: keyDisk,
		Overrides: []string{"acme-raw=CSE-KMS=" + keyRaw},
	}
}

// The controls a security configuration from harden secconf addresses.
var secconfControls = []string{"EMR102", "EMR103", "EMR104", "EMR105", "EMR106", "EMR107", "EMR108", "EMR401", "EMR403"}

// TestSecConfRoundTrip scans every form harden secconf writes, PEM and
// custom provider, SSE-KMS and CSE-KMS: each passes the controls it
// addresses and nothing fails or is unknown.
func TestSecConfRoundTrip(t *testing.T) {
	custom := pemSpec()
	custom.CertS3, custom.CertJAR, custom.CertClass = "", "s3://acme-emr-artifacts/tls/provider.jar", "com.acme.emr.TLSProvider"
	custom.S3Mode = "cse-kms"
	file := map[harden.Format]string{harden.JSON: "hardened.json", harden.CLI: "create-hardened.json", harden.CFN: "secconf.template.json", harden.Terraform: "main.tf"}
	for _, spec := range []harden.SecConfSpec{pemSpec(), custom} {
		for _, f := range []harden.Format{harden.JSON, harden.CLI, harden.CFN, harden.Terraform} {
			t.Run(string(f)+"/"+spec.S3Mode, func(t *testing.T) {
				out, err := harden.SecConf(spec, f)
				if err != nil {
					t.Fatal(err)
				}
				by := scanFiles(t, map[string][]byte{file[f]: out})
				requirePass(t, by, secconfControls...)
				if f == harden.CFN {
					cfnLint(t, "secconf.json", out)
				}
			})
		}
	}
}

// TestSecConfDocument checks the document's content the controls do not
// all read: the override, the custom class, the CLI input's string form.
func TestSecConfDocument(t *testing.T) {
	out, err := harden.SecConf(pemSpec(), harden.CLI)
	if err != nil {
		t.Fatal(err)
	}
	var in struct{ Name, SecurityConfiguration string }
	if err := json.Unmarshal(out, &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "hardened" {
		t.Errorf("Name = %q", in.Name)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(in.SecurityConfiguration), &doc); err != nil {
		t.Fatalf("SecurityConfiguration is not a JSON document string: %v", err)
	}
	s3 := doc["EncryptionConfiguration"].(map[string]any)["AtRestEncryptionConfiguration"].(map[string]any)["S3EncryptionConfiguration"].(map[string]any)
	ov := s3["Overrides"].([]any)[0].(map[string]any)
	if ov["BucketName"] != "acme-raw" || ov["EncryptionMode"] != "CSE-KMS" || ov["AwsKmsKey"] != keyRaw {
		t.Errorf("override = %v", ov)
	}
}

func TestSecConfBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*harden.SecConfSpec)
		want string
	}{
		{"alias", func(s *harden.SecConfSpec) { s.S3Key = "arn:aws:kms:eu-west-1:210987654321:alias/emr" }, "an alias"},
		{"key id", func(s *harden.SecConfSpec) { s.LocalDiskKey = "e02b9d31-64c8-4a5f-b0d7-1f3a9c6e2d48" }, "--local-disk-key"},
		{"short account", func(s *harden.SecConfSpec) {
			s.S3Key = "arn:aws:kms:eu-west-1:2109:key/7c1e55aa-3b0d-4f6e-9a21-5d8c0e4f1b77"
		}, "not a KMS key ARN"},
		{"no certs", func(s *harden.SecConfSpec) { s.CertS3 = "" }, "needs certificates"},
		{"not s3", func(s *harden.SecConfSpec) { s.CertS3 = "https://example.com/c.zip" }, "--cert-s3"},
		{"not zip", func(s *harden.SecConfSpec) { s.CertS3 = "s3://acme-emr-artifacts/tls/certs.tar" }, "not a .zip"},
		{"jar without class", func(s *harden.SecConfSpec) { s.CertS3, s.CertJAR = "", "s3://acme-emr-artifacts/p.jar" }, "--cert-class"},
		{"sse-s3", func(s *harden.SecConfSpec) { s.S3Mode = "SSE-S3" }, "EMR107"},
		{"weak override", func(s *harden.SecConfSpec) { s.Overrides = []string{"acme-raw=SSE-S3=" + keyRaw} }, "EMR108"},
		{"override shape", func(s *harden.SecConfSpec) { s.Overrides = []string{"acme-raw:SSE-KMS"} }, "BUCKET=MODE=KMS_KEY_ARN"},
		{"bad bucket", func(s *harden.SecConfSpec) { s.Overrides = []string{"Acme_Raw=SSE-KMS=" + keyRaw} }, "bucket name"},
		{"bad name", func(s *harden.SecConfSpec) { s.Name = "has space" }, "--name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := pemSpec()
			c.edit(&s)
			_, err := harden.SecConf(s, harden.JSON)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := harden.SecConf(pemSpec(), "yaml"); err == nil || !strings.Contains(err.Error(), "yaml") {
		t.Errorf("--as yaml: %v", err)
	}
}

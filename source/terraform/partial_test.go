package terraform

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

const partialMain = `
variable "log_bucket" { type = string }

resource "aws_kms_key" "emr" {}

resource "aws_emr_cluster" "tpl" {
  name          = "tpl"
  release_label = "emr-7.1.0"
  service_role  = "svc"
  log_uri       = "s3://${var.log_bucket}/emr/"
}

resource "aws_emr_cluster" "fmt" {
  name          = "fmt"
  release_label = "emr-7.1.0"
  service_role  = "svc"
  log_uri       = format("s3://%s/", var.log_bucket)
}

resource "aws_emr_security_configuration" "heredoc" {
  name          = "heredoc"
  configuration = <<EOF
{
  "EncryptionConfiguration": {
    "EnableInTransitEncryption": false,
    "EnableAtRestEncryption": true,
    "AtRestEncryptionConfiguration": {
      "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "${aws_kms_key.emr.arn}"}
    }
  },
  "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2}
}
EOF
}

resource "aws_emr_security_configuration" "file" {
  name          = "file"
  configuration = templatefile("${path.module}/sc.json.tpl", { key = var.log_bucket })
}
`

const partialTemplate = `{
  "EncryptionConfiguration": {
    "EnableInTransitEncryption": true,
    "EnableAtRestEncryption": true,
    "AtRestEncryptionConfiguration": {
      "LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms", "AwsKmsKey": "${key}", "EnableEbsEncryption": false}
    }
  }
}
`

// Ensure a Terraform string with unknown parts keeps its known start
// (templates and format), and a heredoc or templatefile document with one
// unknown interpolation is read with only that value unknown.
func TestPartialStrings(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": partialMain, "sc.json.tpl": partialTemplate}, Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	if len(ev.Clusters) != 2 {
		t.Fatalf("%d clusters", len(ev.Clusters))
	}
	for _, c := range ev.Clusters {
		p, ok := model.PartOf(c.LogURI)
		if !ok {
			t.Errorf("%s log_uri = %+v, want known in part", c.Ref.ID, c.LogURI)
			continue
		}
		if yes, known := p.HasPrefix("s3://"); !yes || !known || !p.NonEmpty() {
			t.Errorf("%s log_uri = %q", c.Ref.ID, p.String())
		}
		if !strings.Contains(c.LogURI.Why, "var.log_bucket") {
			t.Errorf("%s log_uri why = %q", c.Ref.ID, c.LogURI.Why)
		}
	}
	byName := map[string]*model.SecurityConfiguration{}
	for _, sc := range ev.SecurityConfigurations {
		byName[sc.Ref.ID] = sc
	}
	h := byName["aws_emr_security_configuration.heredoc"]
	if h == nil || !h.InTransit.IsSet() || h.InTransit.Val || h.S3Mode.Get("") != "SSE-KMS" || h.IMDSMinVersion.Get(0) != 2 {
		t.Fatalf("heredoc = %+v", h)
	}
	if !h.S3KMSKey.IsUnknown() || !strings.Contains(h.S3KMSKey.Why, "aws_kms_key.emr") {
		t.Errorf("heredoc key = %+v", h.S3KMSKey)
	}
	f := byName["aws_emr_security_configuration.file"]
	if f == nil || !f.InTransit.Get(false) || f.LocalDiskProvider.Get("") != "AwsKms" || !f.EBSEncryption.IsSet() || f.EBSEncryption.Val {
		t.Fatalf("templatefile = %+v", f)
	}
	if !f.LocalDiskKMSKey.IsUnknown() || !strings.Contains(f.LocalDiskKMSKey.Why, "var.log_bucket") {
		t.Errorf("templatefile key = %+v", f.LocalDiskKMSKey)
	}
}

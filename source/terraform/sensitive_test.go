package terraform

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// Ensure the values of variables marked sensitive, of variables named for
// a secret, and of sensitive module outputs never enter the evidence or a
// diagnostic: the fields they reach are unknown, saying (sensitive), and
// the rest is read as usual.
func TestSensitiveValuesMasked(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "cname" {
  default   = "SECRET-name"
  sensitive = true
}
variable "sc" {
  type      = string
  default   = "SECRET-sc"
  sensitive = true
}
variable "db_password" {
  default = "SECRET-pw"
}
variable "port" {
  type      = number
  default   = "SECRET-not-a-number"
  sensitive = true
}
variable "plain" {
  default   = "emr-7.1.0"
  sensitive = false
}

module "m" {
  source = "./m"
}

locals {
  api_token = "SECRET-token"
}

resource "aws_emr_cluster" "c" {
  name                   = var.cname
  release_label          = nonsensitive(var.plain)
  custom_ami_id          = sensitive("SECRET-ami")
  service_role           = "arn:aws:iam::111122223333:role/s-${var.db_password}"
  security_configuration = var.sc
  log_uri                = "s3://logs-${module.m.bucket}/x"
  ec2_attributes {
    key_name         = var.port
    instance_profile = module.m.profile
    subnet_id        = "subnet-${local.api_token}"
    emr_managed_master_security_group = module.m.admin_password
  }
  kerberos_attributes {
    kdc_admin_password = "SECRET-kdc"
    realm              = "EC2.INTERNAL"
  }
}
`, "m/main.tf": `
output "bucket" {
  value     = "SECRET-bucket"
  sensitive = true
}
output "admin_password" {
  value = "SECRET-admin"
}
output "profile" {
  value = "profile-1"
}
`}, Options{})
	all, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	text := string(all) + fmt.Sprint(diags)
	if strings.Contains(text, "SECRET") {
		t.Errorf("a secret reached the evidence or a diagnostic:\n%s", text)
	}
	if len(ev.Clusters) != 1 {
		t.Fatalf("want 1 cluster, got %d", len(ev.Clusters))
	}
	c := ev.Clusters[0]
	for name, f := range map[string]struct {
		unknown bool
		why     string
	}{
		"security_configuration": {c.SecurityConfiguration.IsUnknown(), c.SecurityConfiguration.Why},
		"log_uri":                {c.LogURI.IsUnknown(), c.LogURI.Why},
		"key_name":               {c.KeyName.IsUnknown(), c.KeyName.Why},
		"subnet_id":              {c.SubnetIDs.IsUnknown(), c.SubnetIDs.Why},
		"master group":           {c.MasterSecurityGroup.IsUnknown(), c.MasterSecurityGroup.Why},
		"custom_ami_id":          {c.CustomAMI.IsUnknown(), c.CustomAMI.Why},
	} {
		if !f.unknown || !strings.Contains(f.why, source.Sensitive) {
			t.Errorf("%s: unknown=%v why=%q, want unknown saying %s", name, f.unknown, f.why, source.Sensitive)
		}
	}
	if !strings.Contains(c.SecurityConfiguration.Why, "var.sc") || !strings.Contains(c.LogURI.Why, "module.m.bucket") {
		t.Errorf("the reasons should name what is sensitive: %q, %q", c.SecurityConfiguration.Why, c.LogURI.Why)
	}
	if c.ReleaseLabel.Get("") != "emr-7.1.0" {
		t.Errorf("a variable with sensitive = false is read: release label %+v", c.ReleaseLabel)
	}
	if c.Ref.Name != "" {
		t.Errorf("cluster name = %q, want none (its value is sensitive)", c.Ref.Name)
	}
}

// Ensure a plan's sensitive values, which terraform show -json writes in
// clear and marks in after_sensitive, are read as unknown saying
// (sensitive), and unmarked values as usual.
func TestPlanSensitiveValuesMasked(t *testing.T) {
	plan := `{"format_version": "1.2", "terraform_version": "1.9.0",
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_emr_cluster.c", "mode": "managed", "type": "aws_emr_cluster", "name": "c",
   "values": {"name": "SECRET-name", "release_label": "emr-7.1.0", "log_uri": "s3://SECRET-logs/",
     "security_configuration": "sc", "kerberos_attributes": [{"kdc_admin_password": "SECRET-kdc", "realm": "R"}]}}]}},
 "resource_changes": [{"address": "aws_emr_cluster.c", "change": {"actions": ["create"],
   "after": {}, "after_unknown": {},
   "after_sensitive": {"name": true, "log_uri": true, "kerberos_attributes": [{"kdc_admin_password": true}], "tags": {}}}}]}`
	root, err := tree.ParseJSON("plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	ev, diags := LoadPlan("plan.json", root)
	all, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if text := string(all) + fmt.Sprint(diags); strings.Contains(text, "SECRET") {
		t.Errorf("a sensitive planned value reached the evidence:\n%s", text)
	}
	c := ev.Clusters[0]
	if f := c.LogURI; !f.IsUnknown() || !strings.Contains(f.Why, source.Sensitive) {
		t.Errorf("log URI %+v, want unknown saying (sensitive)", f)
	}
	if c.ReleaseLabel.Get("") != "emr-7.1.0" || c.SecurityConfiguration.Get("") != "sc" {
		t.Errorf("unmarked values should be read: release %+v, security configuration %+v", c.ReleaseLabel, c.SecurityConfiguration)
	}
}

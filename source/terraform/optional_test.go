package terraform

import (
	"testing"
)

// Ensure a variable whose type has optional attributes is given them as
// Terraform 1.3+ does: a missing optional attribute is null or its
// default, in nested objects and collections too, also when another
// attribute of the value is known only after apply.
func TestOptionalAttributes(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "subnets" {}

module "known" {
  source = "./m"
  ec2    = { subnets = ["a"] }
}

module "unknown" {
  source = "./m"
  ec2    = { subnets = var.subnets }
}
`, "m/main.tf": `
variable "ec2" {
  type = object({
    key_name  = optional(string)
    subnet_id = optional(string, "subnet-default")
    subnets   = optional(list(string))
  })
}

variable "groups" {
  type = list(object({
    name = string
    ebs = optional(object({
      size = optional(number, 256)
      type = optional(string, "gp3")
    }), {})
  }))
  default = [{ name = "core" }]
}

resource "aws_emr_cluster" "c" {
  name          = "${var.groups[0].name}-${var.groups[0].ebs.type}-${var.groups[0].ebs.size}"
  release_label = "emr-7.1.0"
  service_role  = "s"

  dynamic "ec2_attributes" {
    for_each = [var.ec2]
    content {
      key_name         = ec2_attributes.value.key_name
      subnet_id        = ec2_attributes.value.subnet_id
      instance_profile = "p"
    }
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.Clusters) != 2 {
		t.Fatalf("%d clusters, want 2", len(ev.Clusters))
	}
	for _, c := range ev.Clusters {
		if c.Ref.Name != "core-gp3-256" {
			t.Errorf("%s: name = %q, want core-gp3-256", c.Ref.ID, c.Ref.Name)
		}
		if c.KeyName.IsUnknown() || c.KeyName.IsSet() {
			t.Errorf("%s: key name = %+v, want unset", c.Ref.ID, c.KeyName)
		}
		if got := c.SubnetIDs.Get(nil); len(got) != 1 || got[0] != "subnet-default" {
			t.Errorf("%s: subnets = %+v, want [subnet-default]", c.Ref.ID, c.SubnetIDs)
		}
	}
}

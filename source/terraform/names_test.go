package terraform

import (
	"strings"
	"testing"
)

// Ensure a name argument set to null — as when a module names by
// name_prefix instead — is a name AWS gives at apply, so a reference to
// it (or to the id, which is the name) links to the resource, as when
// name is left out: it is not a null link.
func TestNullNameIsGivenAtApply(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "prefix" {
  default = true
}

resource "aws_iam_role" "r" {
  name               = var.prefix ? null : "r"
  name_prefix        = var.prefix ? "r-" : null
  assume_role_policy = "{}"
}

resource "aws_iam_instance_profile" "p" {
  name        = var.prefix ? null : "p"
  name_prefix = var.prefix ? "p-" : null
  role        = aws_iam_role.r.name
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.1.0"
  service_role  = aws_iam_role.r.id

  ec2_attributes {
    instance_profile = aws_iam_instance_profile.p.name
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := ev.Clusters[0]
	if c.InstanceProfile.Val != "aws_iam_instance_profile.p" {
		t.Errorf("instance profile = %+v", c.InstanceProfile)
	}
	if c.ServiceRole.Val != "aws_iam_role.r" {
		t.Errorf("service role = %+v", c.ServiceRole)
	}
	if p := ev.InstanceProfiles[0]; len(p.Roles) != 1 || p.Roles[0].Val != "aws_iam_role.r" {
		t.Errorf("profile roles = %+v", p.Roles)
	}
}

// Ensure a data source's argument left null is what the provider fills in
// when Terraform reads it, not null: a template using it is unknown with
// that reason, never an error about a null value.
func TestNullDataArgumentIsReadAtPlan(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "region" {
  type    = string
  default = null
}

data "aws_region" "current" {
  count  = 1
  region = var.region
}

locals {
  region = try(data.aws_region.current[0].region, "")
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.1.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-${local.region}"
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if r := ev.Clusters[0].ServiceRole; !r.IsUnknown() || !strings.Contains(r.Why, "data.aws_region.current[0].region is read from AWS when planning") {
		t.Errorf("service role %+v, want unknown because the region is read when planning", r)
	}
}

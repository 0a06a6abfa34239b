package terraform

import (
	"testing"
)

// Ensure a function given a value known only after apply keeps the
// reason it is unknown: cty drops the marks of an argument whose
// parameter takes marked values when it returns unknown early (element,
// lookup, merge …), and the reason would then be lost.
func TestFunctionKeepsUnknownReason(t *testing.T) {
	for expr, want := range map[string]string{
		"element(var.subnets, 0)":                         "var.subnets has no value",
		"lookup(var.net, \"subnet\", \"subnet-a\")":       "var.net has no value",
		"merge(var.net, { subnet = \"x\" }).subnet":       "var.net has no value",
		"concat(var.subnets, [\"subnet-a\"])[0]":          "var.subnets has no value",
		"coalesce(element(var.subnets, 0), \"subnet-a\")": "var.subnets has no value",
	} {
		t.Run(expr, func(t *testing.T) {
			ev, diags := load(t, map[string]string{"main.tf": `
variable "subnets" {}
variable "net" {}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.1.0"
  service_role  = "s"

  ec2_attributes {
    subnet_id        = ` + expr + `
    instance_profile = "p"
  }
}
`}, Options{})
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			if got := ev.Clusters[0].SubnetIDs; !got.IsUnknown() || got.Why != want {
				t.Errorf("subnets = %+v, want unknown: %s", got, want)
			}
		})
	}
}

// Ensure try and can keep the reason of the value known only after apply
// that makes them unknown (hcl's give a bare unknown).
func TestTryKeepsUnknownReason(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "release" {
  type    = string
  default = null
}
variable "subnets" {}

data "aws_emr_release_labels" "l" {
  filters {
    prefix = "emr-7"
  }
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = try(coalesce(var.release, element(data.aws_emr_release_labels.l.release_labels, 0)), "")
  service_role  = "s"

  ec2_attributes {
    subnet_id        = can(var.subnets[0]) ? "subnet-a" : "subnet-b"
    instance_profile = "p"
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := ev.Clusters[0]
	if got := c.ReleaseLabel; !got.IsUnknown() || got.Why != "data.aws_emr_release_labels.l.release_labels is read from AWS when planning, not by a static scan" {
		t.Errorf("release = %+v", got)
	}
	if got := c.SubnetIDs; !got.IsUnknown() || got.Why != "var.subnets has no value" {
		t.Errorf("subnets = %+v", got)
	}
}

// Ensure replace treats a substring between slashes as a regular
// expression, as Terraform does (cty's replace is literal only):
// terraform-aws-modules' EMR virtual-cluster module writes the IRSA
// condition key as replace(var.oidc_provider_arn, "/^(.*provider/)/", ""),
// which otherwise kept the ARN and made EKS102 fail a scoped trust.
func TestReplaceRegex(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
locals {
  parts = [
    replace("arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", "/^(.*provider/)/", ""),
    replace("emr-7.1.0", "/emr-(\\d+)\\..*/", "v$1"),
    replace("a/b.c", "/", "-"),
    replace("a.b.c", ".", "-"),
  ]
}

resource "aws_emr_cluster" "c" {
  name          = join(" ", local.parts)
  release_label = "emr-7.1.0"
  service_role  = "s"
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if got, want := ev.Clusters[0].Ref.Name, "oidc.eks.eu-west-1.amazonaws.com/id/ABC v7 a-b.c a-b-c"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
}

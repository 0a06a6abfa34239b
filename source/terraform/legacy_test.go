package terraform

import (
	"strings"
	"testing"
)

// Ensure the type constraints of Terraform 0.11 that Terraform still reads
// are read: the bare keywords list and map (Terraform 1.x: list(any),
// map(any)) without a message, and the quoted "string", "list", "map"
// (as Terraform 0.12 to 0.14 read them) with a warning, never an error.
func TestLegacyVariableTypes(t *testing.T) {
	for _, c := range []struct {
		decl, value, want string
		warn              bool
	}{
		{decl: `type = list` + "\n" + `default = ["subnet-a", "subnet-b"]`, value: `var.v[1]`, want: "subnet-b"},
		{decl: `type = map` + "\n" + `default = { prod = "subnet-p" }`, value: `var.v["prod"]`, want: "subnet-p"},
		{decl: `type = list` + "\n" + `default = ["subnet-a", 1]`, value: `var.v[1]`, want: "1"}, // one element type: string
		{decl: `type = "list"` + "\n" + `default = ["subnet-a"]`, value: `var.v[0]`, want: "subnet-a", warn: true},
		{decl: `type = "map"` + "\n" + `default = { a = "subnet-m" }`, value: `var.v.a`, want: "subnet-m", warn: true},
		{decl: `type = "string"` + "\n" + `default = "subnet-s"`, value: `var.v`, want: "subnet-s", warn: true},
	} {
		t.Run(c.decl, func(t *testing.T) {
			ev, diags := load(t, map[string]string{"main.tf": `
variable "v" {
  ` + c.decl + `
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.1.0"
  service_role  = "s"

  ec2_attributes {
    subnet_id        = ` + c.value + `
    instance_profile = "p"
  }
}
`}, Options{})
			if errs := diags.Errors(); len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if c.warn != (len(diags) == 1 && strings.Contains(diags[0].Msg, "Terraform 0.11's form")) {
				t.Errorf("diagnostics %v, want a warning: %v", diags, c.warn)
			}
			got := ev.Clusters[0].SubnetIDs
			if !got.IsSet() || len(got.Val) != 1 || got.Val[0] != c.want {
				t.Errorf("subnet = %+v, want %s", got, c.want)
			}
		})
	}
}

// Ensure the legacy splat (data.x.y.*.attr) and the full splat
// (data.x.y[*].attr) on a resource or data source without count give a
// list of one, as in Terraform, whatever attribute they read, and that a
// for expression or splat over a whole resource (count, for_each) reads
// any attribute; they failed with "Unsupported attribute" for one other
// than id, arn and name.
func TestSplatWithoutCount(t *testing.T) {
	for expr, want := range map[string]string{
		`"${element(aws_s3_bucket.logs.*.bucket, 0)}"`:                             "s3://example-logs/",
		`"${one(aws_s3_bucket.logs[*].bucket)}"`:                                   "s3://example-logs/",
		`"${length(data.aws_caller_identity.me.*.account_id)}"`:                    "s3://1/",
		`"${join("-", aws_s3_bucket.logs.*.tags.team)}"`:                           "s3://data/",
		`"${data.aws_caller_identity.me.*.account_id[0]}"`:                         "unknown: data.aws_caller_identity.me.account_id is read from AWS when planning, not by a static scan",
		`"${join("+", [for b in aws_s3_bucket.many : b.bucket])}"`:                 "s3://b0+b1/",
		`"${join("+", values(aws_s3_bucket.each)[*].bucket)}"`:                     "s3://e-a+e-b/",
		`"${join("+", [for k, b in aws_s3_bucket.each : "${k}=${b.tags.team}"])}"`: "s3://a=t-a+b=t-b/",
		`"${element(aws_s3_bucket.many.*.bucket, 1)}"`:                             "s3://b1/",
	} {
		t.Run(expr, func(t *testing.T) {
			ev, diags := load(t, map[string]string{"main.tf": `
data "aws_caller_identity" "me" {}

resource "aws_s3_bucket" "logs" {
  bucket = "example-logs"
  tags   = { team = "data" }
}

resource "aws_s3_bucket" "many" {
  count  = 2
  bucket = "b${count.index}"
}

resource "aws_s3_bucket" "each" {
  for_each = toset(["a", "b"])
  bucket   = "e-${each.key}"
  tags     = { team = "t-${each.key}" }
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.1.0"
  service_role  = "s"
  log_uri       = "s3://${` + expr + `}/"
}
`}, Options{})
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			got := ev.Clusters[0].LogURI
			if w, ok := strings.CutPrefix(want, "unknown: "); ok {
				if !got.IsUnknown() || got.Why != w {
					t.Errorf("log_uri = %+v, want unknown: %s", got, w)
				}
				return
			}
			if !got.IsSet() || got.Val != want {
				t.Errorf("log_uri = %+v, want %s", got, want)
			}
		})
	}
}

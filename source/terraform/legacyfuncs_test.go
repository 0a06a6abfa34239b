package terraform

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source"
)

// Ensure Terraform 0.11's list() and map() are read as Terraform 0.12
// read them, each call with a warning naming its file and line, and that
// the type constraints list(string) and map(object({…})) — not calls —
// give none.
func TestLegacyListMap(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "subnets" {
  type    = list(string)
  default = ["subnet-a"]
}

variable "tags" {
  type    = map(object({ owner = string }))
  default = {}
}

locals {
  uris = "${map("prod", "s3://prod-logs/emr/", "dev", "s3://dev-logs/emr/")}"
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-5.36.0"
  service_role  = "s"
  log_uri       = "${lookup(local.uris, "prod")}"

  ec2_attributes {
    subnet_id        = "${element(list("subnet-a", "subnet-b"), 1)}"
    instance_profile = "p"
  }
}
`}, Options{})
	if errs := diags.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var warned []string
	for _, d := range diags {
		if d.Level == source.Warning && strings.Contains(d.Msg, "Terraform 0.11's, read as") {
			warned = append(warned, filepath.Base(d.At.File)+":"+strconv.Itoa(d.At.Line)+" "+d.Msg[:strings.Index(d.Msg, ":")])
		}
	}
	if want := "main.tf:13 Removed function map(),main.tf:23 Removed function list()"; strings.Join(warned, ",") != want {
		t.Errorf("warnings %q (all: %v), want %s", warned, diags, want)
	}
	c := ev.Clusters[0]
	if c.LogURI.Val != "s3://prod-logs/emr/" || len(c.SubnetIDs.Val) != 1 || c.SubnetIDs.Val[0] != "subnet-b" {
		t.Errorf("log_uri %+v, subnet %+v", c.LogURI, c.SubnetIDs)
	}
}

// Ensure an argument name in quotes (HCL1, Terraform 0.11) stays an input
// error, whose message says what it is and where, in place of hcl's
// "Argument names must not be quoted".
func TestQuotedArgumentName(t *testing.T) {
	_, diags := load(t, map[string]string{"main.tf": `resource "aws_emr_cluster" "c" {
  name = "c"
  tags {
    "Name" = "hbase"
  }
}
`}, Options{})
	errs := diags.Errors()
	if len(errs) == 0 {
		t.Fatalf("no error; diagnostics %v", diags)
	}
	got := errs[0].Error()
	if !strings.Contains(got, "main.tf:4:5: Terraform 0.11 syntax: quoted argument name") || !strings.Contains(got, "Terraform ≥ 0.12 refuses it too") {
		t.Errorf("error %q, want file:line and the Terraform 0.11 message", got)
	}
}

// Ensure abspath and pathexpand never put the runner's folders into a
// value: the cluster's fields, and the evidence as a whole, name none of
// the scan's folder, the working directory or the home folder; the fields
// are unknown with the reason.
func TestMachinePathsNotInValues(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home folder:", err)
	}
	dir := t.TempDir()
	ev, diags := loadIn(t, dir, map[string]string{"main.tf": `
resource "aws_emr_cluster" "c" {
  name          = abspath(path.module)
  release_label = "emr-7.1.0"
  service_role  = pathexpand("~/roles/emr")
  log_uri       = "s3://logs/${abspath("x")}"
  security_configuration = pathexpand("/srv/conf")
}
`}, Options{})
	if errs := diags.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	c := ev.Clusters[0]
	if !c.ServiceRole.IsUnknown() || !strings.Contains(c.ServiceRole.Why, "pathexpand(): the home folder depends on the machine") {
		t.Errorf("service_role %+v, want unknown: the home folder", c.ServiceRole)
	}
	if !c.LogURI.IsUnknown() || !strings.Contains(c.LogURI.Why, "abspath(): depends on the machine that runs terraform") {
		t.Errorf("log_uri %+v, want unknown: abspath", c.LogURI)
	}
	if c.SecurityConfiguration.Val != "/srv/conf" {
		t.Errorf("security_configuration %+v, want /srv/conf as given", c.SecurityConfiguration)
	}
	cwd, _ := os.Getwd()
	fields := strings.Join([]string{c.Ref.Name, c.ServiceRole.Val, c.ServiceRole.Why, c.LogURI.Val, c.LogURI.Why, c.SecurityConfiguration.Val}, "|")
	for _, p := range []string{dir, cwd, home} {
		if strings.Contains(fields, p) {
			t.Errorf("a value names the runner's folder %s: %s", p, fields)
		}
	}
}

// Ensure issensitive and templatestring, which take their first argument
// as an expression, work in a module (through the budget and reason
// wrappers of the function table): a sensitive variable is sensitive, a
// plain one is not, and a template renders.
func TestExpressionFunctionsInModule(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}

variable "region" {
  default = "eu-west-1"
}

locals {
  name = "emr-$${env}-$${region}"
}

resource "aws_emr_cluster" "c" {
  name          = templatestring(local.name, { env = "prod", region = var.region })
  release_label = issensitive(var.password) ? "emr-7.1.0" : "not sensitive"
  service_role  = issensitive(var.region) ? "sensitive" : "plain"
}
`}, Options{})
	if errs := diags.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	c := ev.Clusters[0]
	if c.Ref.Name != "emr-prod-eu-west-1" || c.ReleaseLabel.Val != "emr-7.1.0" || c.ServiceRole.Val != "plain" {
		t.Errorf("name %q, release %+v, role %+v", c.Ref.Name, c.ReleaseLabel, c.ServiceRole)
	}
}

package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// load writes files into a temporary folder and reads each folder holding
// configuration, except under .terraform, as the scan would.
func load(t testing.TB, files map[string]string, opt Options) (*model.Evidence, source.Diagnostics) {
	t.Helper()
	return loadIn(t, t.TempDir(), files, opt)
}

// loadIn is load in dir, which may be relative to the working directory.
func loadIn(t testing.TB, dir string, files map[string]string, opt Options) (*model.Evidence, source.Diagnostics) {
	t.Helper()
	folders := map[string]*Folder{}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		d := filepath.Dir(p)
		if folders[d] == nil {
			folders[d] = &Folder{Dir: d}
		}
		switch {
		case tfeval.IsConfig(p):
			folders[d].Files = append(folders[d].Files, p)
		case tfeval.IsVars(p):
			folders[d].VarFiles = append(folders[d].VarFiles, p)
		}
	}
	var fs []Folder
	for d, f := range folders {
		// As the scan's walk, leave what terraform init installed to the
		// calls that use it.
		if rel, _ := filepath.Rel(dir, d); strings.HasPrefix(rel, ".terraform") {
			continue
		}
		if len(f.Files) > 0 {
			fs = append(fs, *f)
		}
	}
	if opt.Roots == nil {
		opt.Roots = []string{dir} // as the scan of dir: its folders are the scanned tree
	}
	ev, diags := LoadFolders(fs, opt)
	ev.Link() // what the resources say of each other (rules, routes, policies)
	return ev, diags
}

func hasDiag(ds source.Diagnostics, file string, line int, substr string) bool {
	for _, d := range ds {
		if strings.HasSuffix(d.At.File, file) && (line == 0 || d.At.Line == line) && strings.Contains(d.Msg, substr) {
			return true
		}
	}
	return false
}

const cluster = `
resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = var.release
  service_role  = "arn:aws:iam::111122223333:role/s"
}
`

// Ensure variables take the precedence Terraform gives them: --var over
// --var-file over *.auto.tfvars over terraform.tfvars over the default.
func TestVariablePrecedence(t *testing.T) {
	decl := "variable \"release\" {\n  default = \"emr-default\"\n}\n" + cluster
	cases := []struct {
		name  string
		files map[string]string
		opt   Options
		want  string
	}{
		{"default", map[string]string{"main.tf": decl}, Options{}, "emr-default"},
		{"terraform.tfvars", map[string]string{"main.tf": decl, "terraform.tfvars": `release = "emr-tfvars"`}, Options{}, "emr-tfvars"},
		{"auto over tfvars", map[string]string{"main.tf": decl, "terraform.tfvars": `release = "emr-tfvars"`, "x.auto.tfvars": `release = "emr-auto"`}, Options{}, "emr-auto"},
		{"--var wins", map[string]string{"main.tf": decl, "x.auto.tfvars": `release = "emr-auto"`}, Options{Vars: []string{"release=emr-flag"}}, "emr-flag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, diags := load(t, c.files, c.opt)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			if got := ev.Clusters[0].ReleaseLabel; !got.IsSet() || got.Val != c.want {
				t.Errorf("release = %+v, want %q", got, c.want)
			}
		})
	}
}

// Ensure --var-file is read after the folder's own variable files.
func TestVarFile(t *testing.T) {
	dir := t.TempDir()
	vf := filepath.Join(dir, "prod.tfvars")
	os.WriteFile(vf, []byte(`release = "emr-file"`), 0o644)
	ev, _ := load(t, map[string]string{"main.tf": "variable \"release\" {}\n" + cluster, "terraform.tfvars": `release = "emr-tfvars"`}, Options{VarFiles: []string{vf}})
	if got := ev.Clusters[0].ReleaseLabel; got.Val != "emr-file" {
		t.Errorf("release = %+v, want emr-file", got)
	}
}

// Ensure a variable with no value and an attribute known only after apply
// are Unknown with their reasons, never guessed.
func TestUnknownReasons(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "release" {}

resource "aws_s3_bucket" "b" {}

resource "aws_emr_cluster" "c" {
  name                      = "c"
  release_label             = var.release
  service_role              = "s"
  log_encryption_kms_key_id = aws_s3_bucket.b.arn
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := ev.Clusters[0]
	if !c.ReleaseLabel.IsUnknown() || c.ReleaseLabel.Why != "var.release has no value" || c.ReleaseLabel.At.Line != 8 {
		t.Errorf("release = %+v", c.ReleaseLabel)
	}
	if !c.LogKMSKey.IsUnknown() || c.LogKMSKey.Why != "aws_s3_bucket.b.arn is known only after apply" {
		t.Errorf("log key = %+v", c.LogKMSKey)
	}
}

// Ensure a KMS key known only after apply is a key all the same when it
// comes from a KMS key resource, data source or alias of the inputs.
func TestKMSKeyFromResource(t *testing.T) {
	for ref, want := range map[string]string{
		"aws_kms_key.k.arn":            "aws_kms_key.k",
		"aws_kms_alias.a.arn":          "aws_kms_alias.a",
		"data.aws_kms_key.d.arn":       "data.aws_kms_key.d",
		"module.keys[\"a.b\"].key_arn": "module.keys[\"a.b\"].aws_kms_key.k",
	} {
		ev, diags := load(t, map[string]string{"main.tf": `
resource "aws_kms_key" "k" {}
resource "aws_kms_alias" "a" {
  target_key_id = aws_kms_key.k.key_id
}
data "aws_kms_key" "d" {
  key_id = "alias/emr"
}
module "keys" {
  for_each = toset(["a.b"])
  source   = "./keys"
}

resource "aws_emr_cluster" "c" {
  name                      = "c"
  release_label             = "emr-7.2.0"
  service_role              = "s"
  log_encryption_kms_key_id = ` + ref + `
}
`, "keys/main.tf": "resource \"aws_kms_key\" \"k\" {}\noutput \"key_arn\" {\n  value = aws_kms_key.k.arn\n}\n"}, Options{})
		if len(diags) > 0 {
			t.Fatalf("%s: diagnostics: %v", ref, diags)
		}
		if k := ev.Clusters[0].LogKMSKey; !k.IsSet() || k.Val != want || k.At.Line != 18 {
			t.Errorf("%s: log key %+v, want %s at line 18", ref, k, want)
		}
	}
}

// Ensure bad input gives positioned diagnostics and the rest is still read:
// invalid HCL in one file, an undefined local, a cycle, an unknown
// function, a duplicate resource.
func TestBadInput(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"broken.tf": "resource \"aws_emr_cluster\" {\n  = oops\n",
		"main.tf": `locals {
  a = local.b
  b = local.a
}

resource "aws_emr_cluster" "c" {
  name          = local.a
  release_label = local.missing
  service_role  = nosuchfn("x")
}

resource "aws_emr_cluster" "ok" {
  name          = "ok"
  release_label = "emr-7.8.0"
  service_role  = "s"
}
`}, Options{})
	for _, w := range []struct {
		file string
		line int
		msg  string
	}{
		{"broken.tf", 2, "Argument or block definition required"},
		{"main.tf", 0, "reference cycle"},
		{"main.tf", 8, "undeclared local value local.missing"},
		{"main.tf", 9, "nosuchfn"},
	} {
		if !hasDiag(diags, w.file, w.line, w.msg) {
			t.Errorf("no diagnostic %s:%d %q in %v", w.file, w.line, w.msg, diags)
		}
	}
	if len(ev.Clusters) != 2 {
		t.Fatalf("%d clusters, want 2", len(ev.Clusters))
	}
	for _, c := range ev.Clusters {
		if c.Ref.ID == "aws_emr_cluster.c" && (!c.ReleaseLabel.IsUnknown() || !strings.Contains(c.ReleaseLabel.Why, "local.missing")) {
			t.Errorf("release of c = %+v", c.ReleaseLabel)
		}
		if c.Ref.ID == "aws_emr_cluster.ok" && c.ReleaseLabel.Val != "emr-7.8.0" {
			t.Errorf("release of ok = %+v", c.ReleaseLabel)
		}
	}
}

// Ensure .tf.json files are read like native syntax.
func TestJSONSyntax(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf.json": `{
  "variable": {"release": {"default": "emr-7.8.0"}},
  "resource": {
    "aws_emr_cluster": {"c": {"name": "c", "release_label": "${var.release}", "service_role": "s",
      "ec2_attributes": {"subnet_id": "subnet-1", "additional_master_security_groups": "sg-1, sg-2"}}}
  }
}`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := ev.Clusters[0]
	if c.ReleaseLabel.Val != "emr-7.8.0" || len(c.AdditionalMasterGroups.Val) != 2 || c.AdditionalMasterGroups.Val[1] != "sg-2" {
		t.Errorf("cluster = %+v", c)
	}
}

// Ensure references link resources by address: a group's id, a
// configuration's name, a role's arn; and modules prefix addresses.
func TestLinksAndModules(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"main.tf": `
module "net" {
  source = "./net"
  cidr   = "0.0.0.0/0"
}

module "remote" {
  source = "terraform-aws-modules/emr/aws"
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.8.0"
  service_role  = module.remote.service_role_arn
  ec2_attributes {
    instance_profile                  = "p"
    emr_managed_master_security_group = module.net.sg
  }
}
`,
		"net/main.tf": `
variable "cidr" {}

resource "aws_security_group" "sg" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}

output "sg" {
  value = aws_security_group.sg.id
}
`}, Options{})
	if len(diags) != 1 || diags[0].Level != source.Warning || !hasDiag(diags, "main.tf", 8, "its resources are not scanned") {
		t.Fatalf("diagnostics %v, want the warning that module.remote is not read", diags)
	}
	c := ev.Clusters[0]
	if c.MasterSecurityGroup.Val != "module.net.aws_security_group.sg" {
		t.Errorf("master group = %+v", c.MasterSecurityGroup)
	}
	if !c.ServiceRole.IsUnknown() || !strings.Contains(c.ServiceRole.Why, "not fetched") {
		t.Errorf("service role = %+v", c.ServiceRole)
	}
	if len(ev.SecurityGroups) != 1 || ev.SecurityGroups[0].Ingress[0].CIDR.Val != "0.0.0.0/0" {
		t.Errorf("groups = %+v", ev.SecurityGroups)
	}
}

// Ensure hostile input neither panics nor hangs: deep nesting, a huge
// count, a self-referencing resource.
func TestHostile(t *testing.T) {
	deep := "locals {\n  x = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n}\n"
	_, _ = load(t, map[string]string{"deep.tf": deep}, Options{})
	_, diags := load(t, map[string]string{"main.tf": `
resource "aws_security_group" "a" {
  count = 100000000
}

resource "aws_security_group" "b" {
  name = aws_security_group.b.name
}
`}, Options{})
	if !hasDiag(diags, "main.tf", 3, "out of range") || !hasDiag(diags, "main.tf", 7, "refers to itself") {
		t.Errorf("diagnostics: %v", diags)
	}
}

// FuzzEvaluate ensures no configuration text makes the evaluator panic.
func FuzzEvaluate(f *testing.F) {
	f.Add(cluster)
	f.Add("locals {\n a = [for x in range(3) : x]\n b = local.a[0]\n}\n")
	f.Add("resource \"aws_emr_cluster\" \"c\" {\n count = 2\n name = count.index\n}\n")
	f.Add("resource \"aws_security_group\" \"s\" {\n dynamic \"ingress\" {\n  for_each = {a = 1}\n  iterator = i\n  content {\n   from_port = i.value\n   dynamic \"x\" {\n    for_each = [i.key]\n    content { y = x.value }\n   }\n  }\n }\n}\n")
	f.Add("module \"t\" {\n source = \"./team\"\n for_each = toset([\"a\", \"b\"])\n name = each.key\n open = each.key == \"b\"\n}\noutput \"o\" {\n value = module.t[\"a\"].sg\n}\n")
	f.Add("module \"t\" {\n source = \"./team\"\n count = 2\n name = count.index\n open = true\n}\nlocals {\n x = module.t[*].sc_name\n}\n")
	// A child module beside the root: calls to ./team (count, for_each)
	// are evaluated too.
	f.Fuzz(func(t *testing.T, text string) {
		ev, _ := load(t, map[string]string{"main.tf": text, "team/main.tf": teamModule}, Options{})
		ev.Link() // what the root's IAM resources say of each other
	})
}

package terraform

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

const (
	scTransitOn  = `{"EncryptionConfiguration": {"EnableInTransitEncryption": true, "EnableAtRestEncryption": false}}`
	scTemplate   = `{"EncryptionConfiguration": {"EnableInTransitEncryption": ${in_transit}, "EnableAtRestEncryption": false}}`
	pathsRootTF  = "module \"emr\" {\n  source = \"./modules/emr\"\n}\n\nresource \"aws_emr_security_configuration\" \"by_module_path\" {\n  name          = \"a\"\n  configuration = file(\"${path.module}/sc.json\")\n}\n\nresource \"aws_emr_security_configuration\" \"by_root_path\" {\n  name          = \"b\"\n  configuration = file(\"sc.json\")\n}\n"
	pathsChildTF = "resource \"aws_emr_security_configuration\" \"tpl\" {\n  name          = \"c\"\n  configuration = templatefile(\"${path.module}/sc.json.tpl\", { in_transit = false })\n}\n\nresource \"aws_emr_security_configuration\" \"file\" {\n  name          = \"d\"\n  configuration = file(\"${path.module}/own.json\")\n}\n\nresource \"aws_emr_security_configuration\" \"root_relative\" {\n  name          = \"e\"\n  configuration = file(\"sc.json\")\n}\n"
)

func secConfByID(ev *model.Evidence, id string) *model.SecurityConfiguration {
	for _, sc := range ev.SecurityConfigurations {
		if sc.Ref.ID == id {
			return sc
		}
	}
	return nil
}

// Ensure file() and templatefile() read the file Terraform would, with
// the scan given a relative or an absolute path: path.module is the
// module's folder relative to the root module's, and relative paths are
// read from the root module's folder (Terraform's working directory). The
// document's fields point into the file read, not at the argument.
func TestFilePaths(t *testing.T) {
	files := map[string]string{
		"main.tf":                 pathsRootTF,
		"sc.json":                 scTransitOn,
		"modules/emr/main.tf":     pathsChildTF,
		"modules/emr/sc.json.tpl": scTemplate,
		"modules/emr/own.json":    scTransitOn,
		"modules/emr/sc.json":     `{"EncryptionConfiguration": {"EnableInTransitEncryption": false}}`, // what file("sc.json") must not read in the module
	}
	want := []struct {
		id      string
		transit bool
		file    string
	}{
		{"aws_emr_security_configuration.by_module_path", true, "sc.json"},
		{"aws_emr_security_configuration.by_root_path", true, "sc.json"},
		{"module.emr.aws_emr_security_configuration.tpl", false, "modules/emr/sc.json.tpl"},
		{"module.emr.aws_emr_security_configuration.file", true, "modules/emr/own.json"},
		{"module.emr.aws_emr_security_configuration.root_relative", true, "sc.json"},
	}
	check := func(t *testing.T, dir string) {
		ev, diags := loadIn(t, dir, files, Options{})
		if len(diags) > 0 {
			t.Errorf("diagnostics: %v", diags)
		}
		for _, w := range want {
			sc := secConfByID(ev, w.id)
			if sc == nil {
				t.Errorf("no %s", w.id)
				continue
			}
			if !sc.InTransit.IsSet() || sc.InTransit.Val != w.transit {
				t.Errorf("%s: in transit %+v, want %v", w.id, sc.InTransit, w.transit)
				continue
			}
			if f := filepath.Clean(filepath.Join(dir, w.file)); filepath.Clean(sc.InTransit.At.File) != f {
				t.Errorf("%s: in transit at %v, want in %s", w.id, sc.InTransit.At, f)
			}
		}
	}
	t.Run("absolute", func(t *testing.T) { check(t, t.TempDir()) })
	t.Run("relative", func(t *testing.T) {
		t.Chdir(t.TempDir())
		check(t, "stack")
	})
}

// Ensure templatefile reports what is wrong where: a variable the
// template uses and the map lacks, a template that calls templatefile,
// a template over the size limit, a template that does not parse; and
// an unknown variable makes the rendering unknown with its reason.
func TestTemplatefileErrors(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"main.tf": `variable "unset" {}

locals {
  missing = templatefile("t.tpl", { other = 1 })
  nested  = templatefile("nested.tpl", {})
  big     = templatefile("big.tpl", {})
  broken  = templatefile("broken.tpl", {})
}

resource "aws_emr_cluster" "c" {
  name          = "${local.missing}${local.nested}${local.big}${local.broken}"
  release_label = templatefile("t.tpl", { in_transit = var.unset })
  service_role  = "s"
}
`,
		"t.tpl":      "emr-${in_transit}",
		"nested.tpl": `${templatefile("t.tpl", {in_transit = 1})}`,
		"big.tpl":    strings.Repeat("x", 2000),
		"broken.tpl": "line one\n${oops(",
	}, Options{MaxFileSize: 1000})
	for _, w := range []struct {
		line int
		msg  string
	}{
		{4, `vars map does not contain key "in_transit", referenced at `},
		{5, "cannot recursively call templatefile"},
		{6, "over the 1000 bytes limit"},
		{7, "broken.tpl:2"},
	} {
		if !hasDiag(diags, "main.tf", w.line, w.msg) {
			t.Errorf("no diagnostic main.tf:%d %q in %v", w.line, w.msg, diags)
		}
	}
	if !hasDiag(diags, "main.tf", 4, "t.tpl:1,") {
		t.Errorf("the missing key's diagnostic does not name t.tpl:1: %v", diags)
	}
	if len(ev.Clusters) != 1 {
		t.Fatalf("clusters %+v", ev.Clusters)
	}
	if r := ev.Clusters[0].ReleaseLabel; !r.IsUnknown() || !strings.Contains(r.Why, "var.unset has no value") {
		t.Errorf("release %+v, want unknown because var.unset has no value", r)
	}
}

// Ensure file and filebase64 read within the size limit, as every other
// read of the scan, and that file refuses bytes that are not text.
func TestFileLimits(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"main.tf": `locals {
  big    = file("big.json")
  binary = file("bin.dat")
}

resource "aws_emr_cluster" "c" {
  name          = "${local.big}${local.binary}"
  release_label = file("release.txt")
  service_role  = filebase64("bin.dat")
}
`,
		"big.json":    strings.Repeat("x", 2000),
		"bin.dat":     "\xff\xfe",
		"release.txt": "emr-7.2.0",
	}, Options{MaxFileSize: 1000})
	if !hasDiag(diags, "main.tf", 2, "over the 1000 bytes limit") || !hasDiag(diags, "main.tf", 3, "is not UTF-8 text; use filebase64") {
		t.Errorf("diagnostics %v", diags)
	}
	c := ev.Clusters[0]
	if c.ReleaseLabel.Val != "emr-7.2.0" || c.ServiceRole.Val != "//4=" || c.Ref.Name != "" {
		t.Errorf("release %+v, role %+v, name %q", c.ReleaseLabel, c.ServiceRole, c.Ref.Name)
	}
}

// Ensure path.module and path.root are what Terraform gives, relative
// to the root module's folder, and path.cwd names the folder Terraform
// runs in, the root module's, without the runner's folders above it
// (Terraform's is absolute; a report must not name the runner's folders):
// the examples of terraform-aws-modules name everything
// replace(basename(path.cwd), "-cluster", ""), which must give the
// folder's name, not ".", also when the scan is of ".".
func TestPathValues(t *testing.T) {
	t.Chdir(t.TempDir())
	ev, diags := loadIn(t, "public-cluster", map[string]string{
		"main.tf":           "module \"m\" {\n  source = \"./modules/m\"\n}\n\nresource \"aws_emr_cluster\" \"c\" {\n  name          = \"${path.module}|${path.root}|${replace(basename(path.cwd), \"-cluster\", \"\")}\"\n  release_label = module.m.p\n  service_role  = path.cwd\n}\n",
		"modules/m/main.tf": "output \"p\" {\n  value = \"${path.module}|${path.root}|${path.cwd}\"\n}\n",
	}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := ev.Clusters[0]
	cwd := "public-cluster"
	if c.Ref.Name != ".|.|public" || c.ReleaseLabel.Val != filepath.Join("modules", "m")+"|.|"+cwd {
		t.Errorf("root sees %q, module sees %q", c.Ref.Name, c.ReleaseLabel.Val)
	}
	if c.ServiceRole.Val != cwd {
		t.Errorf("path.cwd = %q, want %q", c.ServiceRole.Val, cwd)
	}
	t.Chdir("public-cluster")
	ev, _ = loadIn(t, ".", map[string]string{"main.tf": "resource \"aws_emr_cluster\" \"c\" {\n  service_role = path.cwd\n}\n"}, Options{})
	if got, want := ev.Clusters[0].ServiceRole.Val, filepath.Join("..", "public-cluster"); got != want {
		t.Errorf("path.cwd of a scan of . = %q, want %q", got, want)
	}
}

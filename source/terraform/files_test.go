package terraform

import (
	"path/filepath"
	"testing"

	"github.com/emrguard/emrguard/model"
)

const (
	scTransitOn  = `{"EncryptionConfiguration": {"EnableInTransitEncryption": true, "EnableAtRestEncryption": false}}`
	pathsRootTF  = "module \"emr\" {\n  source = \"./modules/emr\"\n}\n\nresource \"aws_emr_security_configuration\" \"by_module_path\" {\n  name          = \"a\"\n  configuration = file(\"${path.module}/sc.json\")\n}\n\nresource \"aws_emr_security_configuration\" \"by_root_path\" {\n  name          = \"b\"\n  configuration = file(\"sc.json\")\n}\n"
	pathsChildTF = "resource \"aws_emr_security_configuration\" \"file\" {\n  name          = \"d\"\n  configuration = file(\"${path.module}/own.json\")\n}\n\nresource \"aws_emr_security_configuration\" \"root_relative\" {\n  name          = \"e\"\n  configuration = file(\"sc.json\")\n}\n"
)

func secConfByID(ev *model.Evidence, id string) *model.SecurityConfiguration {
	for _, sc := range ev.SecurityConfigurations {
		if sc.Ref.ID == id {
			return sc
		}
	}
	return nil
}

// Ensure file() reads the file Terraform would, with
// the scan given a relative or an absolute path: path.module is the
// module's folder relative to the root module's, and relative paths are
// read from the root module's folder (Terraform's working directory). The
// document's fields point into the file read, not at the argument.
func TestFilePaths(t *testing.T) {
	files := map[string]string{
		"main.tf":              pathsRootTF,
		"sc.json":              scTransitOn,
		"modules/emr/main.tf":  pathsChildTF,
		"modules/emr/own.json": scTransitOn,
		"modules/emr/sc.json":  `{"EncryptionConfiguration": {"EnableInTransitEncryption": false}}`, // what file("sc.json") must not read in the module
	}
	want := []struct {
		id      string
		transit bool
		file    string
	}{
		{"aws_emr_security_configuration.by_module_path", true, "sc.json"},
		{"aws_emr_security_configuration.by_root_path", true, "sc.json"},
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

// Ensure path.module, path.root and path.cwd are what Terraform gives,
// relative to the root module's folder.
func TestPathValues(t *testing.T) {
	t.Chdir(t.TempDir())
	ev, diags := loadIn(t, "stack", map[string]string{
		"main.tf":           "module \"m\" {\n  source = \"./modules/m\"\n}\n\nresource \"aws_emr_cluster\" \"c\" {\n  name          = \"${path.module}|${path.root}|${path.cwd}\"\n  release_label = module.m.p\n  service_role  = \"s\"\n}\n",
		"modules/m/main.tf": "output \"p\" {\n  value = \"${path.module}|${path.root}\"\n}\n",
	}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := ev.Clusters[0]
	if c.Ref.Name != ".|.|." || c.ReleaseLabel.Val != filepath.Join("modules", "m")+"|." {
		t.Errorf("root sees %q, module sees %q", c.Ref.Name, c.ReleaseLabel.Val)
	}
}

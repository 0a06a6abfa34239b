//go:build unix

package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source"
)

// moduleMarker is planted in the module outside the repository.
const moduleMarker = "SECRET-MODULE-MARKER-91d2"

// outsideModuleTF is another checkout's module: a cluster named by the
// marker, an output carrying it.
const outsideModuleTF = `
resource "aws_emr_cluster" "leak" {
  name          = "` + moduleMarker + `"
  release_label = "emr-7.2.0"
  service_role  = "s"
}

output "name" {
  value = "` + moduleMarker + `"
}
`

const repoModuleTF = `
output "name" {
  value = "from-the-repo"
}
`

// moduleSandboxTree writes a repository (a .git folder) holding the
// scanned folder infra/envs/prod and modules/emr, beside another
// checkout's module outside the repository holding moduleMarker, and
// returns the repository and the scanned folder. The scanned folder calls
// the repository's module, the outside one by a relative path, by a link
// inside the tree, and by an absolute path; and a repository module whose
// second file links to the outside one.
func moduleSandboxTree(t *testing.T) (repo, scanned string) {
	t.Helper()
	base := t.TempDir()
	outside := filepath.Join(base, "other-checkout", "secrets-module")
	mustWrite(t, filepath.Join(outside, "main.tf"), outsideModuleTF)
	mustWrite(t, filepath.Join(base, "other-checkout", "leak.tf"), `output "leak" { value = "`+moduleMarker+`" }`+"\n")
	repo = filepath.Join(base, "repo")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(repo, "modules", "emr", "main.tf"), repoModuleTF)
	mustWrite(t, filepath.Join(repo, "modules", "mixed", "main.tf"), repoModuleTF)
	if err := os.Symlink(filepath.Join(base, "other-checkout", "leak.tf"), filepath.Join(repo, "modules", "mixed", "leak.tf")); err != nil {
		t.Fatal(err)
	}
	scanned = filepath.Join(repo, "infra", "envs", "prod")
	if err := os.MkdirAll(scanned, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(scanned, "linked")); err != nil {
		t.Fatal(err)
	}
	calls := map[string]string{
		"inrepo":   "../../../modules/emr",
		"mixed":    "../../../modules/mixed",
		"outside":  "../../../../other-checkout/secrets-module",
		"linked":   "./linked",
		"absolute": outside,
	}
	var src strings.Builder
	for name, from := range calls {
		fmt.Fprintf(&src, "module %q {\n  source = %q\n}\n\n", name, from)
		fmt.Fprintf(&src, "resource \"aws_emr_cluster\" %q {\n  name          = %q\n  release_label = module.%s.name\n  service_role  = \"s\"\n}\n\n", name, name, name)
	}
	mustWrite(t, filepath.Join(scanned, "main.tf"), src.String())
	return repo, scanned
}

// Ensure a local module source is read only inside the scanned folder or
// the repository holding it: a module elsewhere in the repository is
// followed; one outside it (by a relative path, a link inside the tree
// or an absolute path) is not read — the call's outputs are unknown with
// the reason, a warning names it, and no byte of it reaches the evidence
// or the diagnostics; a module file linking outside is skipped alone.
func TestModuleSandbox(t *testing.T) {
	_, scanned := moduleSandboxTree(t)
	ev, diags := LoadFolders([]Folder{{Dir: scanned, Files: []string{filepath.Join(scanned, "main.tf")}}}, Options{Roots: []string{scanned}})
	for _, d := range diags {
		if strings.Contains(d.Msg, moduleMarker) {
			t.Errorf("a diagnostic quotes the outside module: %v", d)
		}
		if d.Level == source.Error {
			t.Errorf("an input error: %v", d)
		}
	}
	names := map[string]string{}
	for _, c := range ev.Clusters {
		if strings.Contains(c.Ref.Name, moduleMarker) || strings.Contains(c.ReleaseLabel.Val, moduleMarker) {
			t.Errorf("the outside module was read: %+v", c.Ref)
		}
		if c.ReleaseLabel.IsUnknown() {
			names[c.Ref.ID] = "unknown: " + c.ReleaseLabel.Why
		} else {
			names[c.Ref.ID] = c.ReleaseLabel.Val
		}
	}
	want := map[string]string{
		"aws_emr_cluster.inrepo":   "from-the-repo",
		"aws_emr_cluster.mixed":    "from-the-repo",
		"aws_emr_cluster.outside":  "unknown: the outputs of module.outside are unknown: module.outside: module source ../../../../other-checkout/secrets-module is outside the scanned folders and their repository; not read",
		"aws_emr_cluster.linked":   "unknown: the outputs of module.linked are unknown: module.linked: module source ./linked is outside the scanned folders and their repository; not read",
		"aws_emr_cluster.absolute": "unknown: the outputs of module.absolute are unknown: module.absolute comes from",
	}
	for id, w := range want {
		if got, ok := names[id]; !ok || !strings.HasPrefix(got, w) {
			t.Errorf("%s: release label %q, want %q", id, got, w)
		}
	}
	if len(ev.Clusters) != len(want) {
		t.Errorf("%d clusters, want %d: %v", len(ev.Clusters), len(want), names)
	}
	for _, w := range []string{"module.outside: module source ../../../../other-checkout/secrets-module is outside", "module.linked: module source ./linked is outside", "module file links outside the scanned folders"} {
		found := false
		for _, d := range diags {
			found = found || d.Level == source.Warning && strings.Contains(d.Msg, w)
		}
		if !found {
			t.Errorf("no warning %q in %v", w, diags)
		}
	}
}

// Ensure without a repository around the scanned folder only the folder
// itself is the sandbox: the same module of the same tree, one level
// above, is not read.
func TestModuleSandboxNoRepository(t *testing.T) {
	repo, scanned := moduleSandboxTree(t)
	if err := os.RemoveAll(filepath.Join(repo, ".git")); err != nil {
		t.Fatal(err)
	}
	for d := filepath.Dir(scanned); d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			t.Skip("a folder above the temporary folder holds .git")
		}
	}
	ev, _ := LoadFolders([]Folder{{Dir: scanned, Files: []string{filepath.Join(scanned, "main.tf")}}}, Options{Roots: []string{scanned}})
	for _, c := range ev.Clusters {
		if c.Ref.ID == "aws_emr_cluster.inrepo" && !strings.Contains(c.ReleaseLabel.Why, "module source ../../../modules/emr is outside the scanned folders") {
			t.Errorf("module.inrepo read without a repository around the scan: %+v", c.ReleaseLabel)
		}
	}
}

package harden_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/testtool"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/scan"
)

// scanFiles writes files into a fresh folder, scans it as `emrguard scan`
// does (infrastructure code: scan.Paths, then every control) and returns
// the verdict of each control as "ID verdict" lines, and fails the test on
// any input error: a generated file emrguard cannot read is a failure.
func scanFiles(t *testing.T, files map[string][]byte) map[string][]control.Result {
	t.Helper()
	by, _ := scanEvidence(t, files)
	return by
}

// scanEvidence is scanFiles that also returns what the scan read.
func scanEvidence(t *testing.T, files map[string][]byte) (map[string][]control.Result, *model.Evidence) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res := scan.Paths([]string{dir}, scan.Options{})
	for _, d := range res.Diags {
		t.Errorf("scan diagnostic: %v", d)
	}
	rs := engine.Evaluate(controls.All(), res.Evidence, control.IaC, control.Config{Releases: release.Default()})
	by := map[string][]control.Result{}
	for _, r := range rs {
		by[r.Control.ID] = append(by[r.Control.ID], r)
	}
	if res.Files != len(files) {
		t.Errorf("the scan recognised %d of %d files", res.Files, len(files))
	}
	return by, res.Evidence
}

// requirePass asserts that each control in ids has at least one result
// and only passing (or, where allowed, n/a) ones, and that no control at
// all fails or is unknown.
func requirePass(t *testing.T, by map[string][]control.Result, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if len(by[id]) == 0 {
			t.Errorf("%s: no result, want pass", id)
		}
		for _, r := range by[id] {
			if r.Verdict != control.Passed {
				t.Errorf("%s on %s: %v: %s", id, r.Resource.ID, r.Verdict, r.Message)
			}
		}
	}
	var ctrl []string
	for id := range by {
		ctrl = append(ctrl, id)
	}
	sort.Strings(ctrl)
	for _, id := range ctrl {
		for _, r := range by[id] {
			if r.Verdict == control.Failed || r.Verdict == control.Unknown {
				t.Errorf("%s on %s: %v: %s", id, r.Resource.ID, r.Verdict, r.Message)
			}
		}
	}
}

// cfnLint runs cfn-lint on a template and fails on any error (E rule);
// skipped where cfn-lint is absent unless EMRGUARD_CI=1.
func cfnLint(t *testing.T, name string, data []byte) {
	t.Helper()
	lint := testtool.Require(t, "cfn-lint", "pip install cfn-lint==1.51")
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(lint, "--format", "parseable", p).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.SplitN(line, ":", 6); len(f) == 6 && (strings.HasPrefix(f[5], "E") || strings.HasPrefix(f[5], "W")) {
			t.Errorf("cfn-lint: %s", line)
		}
	}
}

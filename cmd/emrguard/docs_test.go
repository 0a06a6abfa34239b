package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/controls"
)

// mdLink matches a Markdown link's target: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// Ensure docs writes a page per control with its sections (a passing
// result is shown even where the good resource shares a file with the
// bad one), an index
// linking every page, and no relative link that does not resolve.
func TestDocs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	_, stderr, code := emrguard(t, "", "docs", "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range controls.All() {
		page, err := os.ReadFile(filepath.Join(dir, c.ID+".md"))
		if err != nil {
			t.Errorf("no page for %s: %v", c.ID, err)
			continue
		}
		p := string(page)
		for _, want := range []string{"# " + c.ID + ": ", "## Rationale", "## Verdicts", "- **unknown**", "## Remediation", "## Frameworks", "## Bad examples", c.ID + ":pass`", "| severity | " + c.Severity.String() + " |"} {
			if !strings.Contains(p, want) {
				t.Errorf("%s.md lacks %q", c.ID, want)
			}
		}
		if !strings.Contains(string(index), "]("+c.ID+".md)") {
			t.Errorf("index does not link %s", c.ID)
		}
	}
	if p, _ := os.ReadFile(filepath.Join(dir, "EMR102.md")); !strings.Contains(string(p), "| [AWS Foundational Security Best Practices v1.0.0](framework-fsbp.md) | EMR.4 |") {
		t.Error("EMR102.md does not name FSBP EMR.4")
	}
	ents, _ := os.ReadDir(dir)
	links := 0
	for _, e := range ents {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			links++
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target))); err != nil {
				t.Errorf("%s links %s, which does not exist", e.Name(), m[1])
			}
		}
	}
	if links < 2*len(controls.All()) {
		t.Errorf("only %d relative links checked", links)
	}
}

// Ensure docs refuses a non-empty folder unless --force, and needs --out.
func TestDocsRefusesNonEmpty(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	os.WriteFile(keep, []byte("mine"), 0o644)
	_, stderr, code := emrguard(t, "", "docs", "--out", dir)
	if code != exitError || !strings.Contains(stderr, dir+" is not empty; give --force") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.md")); err == nil {
		t.Fatal("wrote into a non-empty folder")
	}
	if _, _, code := emrguard(t, "", "docs", "--out", dir, "--force"); code != exitOK {
		t.Fatalf("--force: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.md")); err != nil {
		t.Error("--force wrote no index")
	}
	if data, _ := os.ReadFile(keep); string(data) != "mine" {
		t.Error("--force touched another file")
	}
	if _, stderr, code := emrguard(t, "", "docs"); code != exitError || !strings.Contains(stderr, "--out DIR is required") {
		t.Errorf("no --out: exit %d, %q", code, stderr)
	}
}

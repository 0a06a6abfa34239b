package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure every label form in use parses, and others are refused.
func TestParse(t *testing.T) {
	good := map[string]string{
		"emr-7.14.0":               "7 7.14.0 ",
		"emr-5.36.2":               "5 5.36.2 ",
		"emr-spark-8.0.0":          "spark-8 8.0.0 ",
		"emr-6.15.0-20231109":      "6 6.15.0 20231109",
		"emr-7.14.0-latest":        "7 7.14.0 latest",
		"emr-spark-8.0.0-20260421": "spark-8 8.0.0 20260421",
		"emr-spark-8.0-preview":    "spark-8 8.0 preview",
	}
	for in, want := range good {
		l, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if got := l.Series + " " + l.Version() + " " + l.Suffix; got != want {
			t.Errorf("Parse(%q) = %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"", "3.11.0", "emr-", "emr-7", "emr-7.x.0", "emr-1.2.3.4", "EMR 7"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) succeeded", in)
		}
	}
}

// Ensure versions order numerically, not as text.
func TestCompare(t *testing.T) {
	a, _ := Parse("emr-5.9.0")
	b, _ := Parse("emr-5.36.2")
	if Compare(a, b) != -1 || Compare(b, a) != 1 || Compare(a, a) != 0 {
		t.Fatal("5.9.0 must be older than 5.36.2")
	}
	if !a.Less("emr-5.10.0") || a.Less("emr-5.9.0") {
		t.Fatal("Less")
	}
}

// Ensure the embedded table loads, covers every series, and is consistent.
func TestDefaultTable(t *testing.T) {
	tab := Default()
	for _, s := range []string{"4", "5", "6", "7", "spark-8"} {
		l, _ := Parse("emr-" + map[bool]string{true: "spark-8.0.0", false: s + ".0.0"}[s == "spark-8"])
		got, ok := tab.Lookup(l)
		if !ok {
			t.Errorf("series %s missing", s)
			continue
		}
		if got.Source == "" {
			t.Errorf("series %s has no source", s)
		}
	}
	for _, r := range tab.Releases {
		if _, err := Parse(r.Label); err != nil {
			t.Errorf("release %q: %v", r.Label, err)
		}
		if r.Source == "" {
			t.Errorf("release %q has no source", r.Label)
		}
	}
}

// Ensure a broken override file is refused with its path in the error.
func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "r.json")
	os.WriteFile(bad, []byte(`{"as_of":"2026-01-01","series":[{"series":"7","newest":"emr-7.1.0","receives_fixes":true}]}`), 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load(inconsistent) = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("Load(missing) succeeded")
	}
}

package controls_test

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/report"
	"github.com/emrguard/emrguard/scan"
)

// evaluate scans paths and returns the results of every control.
func evaluate(t *testing.T, paths ...string) []control.Result {
	t.Helper()
	res := scan.Paths(paths, scan.Options{})
	return engine.Evaluate(controls.All(), res.Evidence, control.IaC|control.Event|control.Live, control.Config{Releases: release.Default()})
}

// twins returns a line for each result whose identity needed an ordinal:
// a control that reported twice on one resource without telling the
// results apart by their subjects.
func twins(rs []control.Result) []string {
	var out []string
	for i, id := range control.Identify(rs) {
		if id.Ordinal > 0 {
			r := rs[i]
			out = append(out, r.Control.ID+" on "+r.Resource.String()+" subject "+r.Subject+": "+r.Message)
		}
	}
	return out
}

// Ensure the results of examples/, and of every example of testdata
// scanned alone, are told apart by control, resource and subject: no
// control reports twice on one thing without a subject, so no identity
// rests on an ordinal, and every ASFF Id is unique.
func TestIdentitiesNeedNoOrdinal(t *testing.T) {
	rs := evaluate(t, "../examples")
	if len(rs) < 100 {
		t.Fatalf("examples gave %d results; want the quickstart's", len(rs))
	}
	for _, tw := range twins(rs) {
		t.Errorf("examples: %s", tw)
	}
	run := &report.Run{Results: rs, Time: time.Unix(0, 0), Account: "111122223333", Region: "eu-west-1"}
	fs, err := report.ASFFFindings(run)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Id] {
			t.Errorf("ASFF Id %s is not unique", f.Id)
		}
		seen[f.Id] = true
	}
	for _, c := range controls.All() {
		exs, err := controls.ReadExamples(os.DirFS("."), "testdata", c.ID)
		if err != nil {
			continue
		}
		for _, ex := range exs {
			for _, tw := range twins(evaluate(t, filepath.Join("testdata", c.ID, ex.Name))) {
				t.Errorf("testdata/%s/%s: %s", c.ID, ex.Name, tw)
			}
		}
	}
}

// Ensure identities are the same across two scans of the examples, and
// after every file's lines move: a copy of examples/ is scanned, then
// each text file gets blank lines (and, where the format has them,
// comments) at its top, and the copy is scanned again; every identity
// keeps its verdict and no identity comes or goes.
func TestIdentitiesSurviveLineMoves(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../examples")); err != nil {
		t.Fatal(err)
	}
	byID := func() map[string]string {
		rs := evaluate(t, dir)
		m := map[string]string{}
		for i, id := range control.Identify(rs) {
			m[id.String()] = rs[i].Verdict.String()
		}
		return m
	}
	before, again := byID(), byID()
	if !maps.Equal(before, again) {
		t.Fatalf("two scans of one copy gave different identities")
	}
	moved := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var top string
		switch filepath.Ext(path) {
		case ".yaml", ".yml":
			top = "# moved down by a comment\n\n\n"
		case ".tf":
			top = "# moved down by a comment\n/* and a block\n   comment */\n\n"
		case ".json":
			if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) && !bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
				return nil
			}
			top = "\n\n\n\n"
		default:
			return nil
		}
		moved++
		return os.WriteFile(path, append([]byte(top), data...), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if moved < 20 {
		t.Fatalf("moved the lines of %d files; want every template, plan and JSON input", moved)
	}
	after := byID()
	if len(before) < 100 {
		t.Fatalf("only %d identities", len(before))
	}
	for id, v := range before {
		if w, ok := after[id]; !ok {
			t.Errorf("%s (%s) is gone after the lines moved", id, v)
		} else if w != v {
			t.Errorf("%s was %s, is %s after the lines moved", id, v, w)
		}
	}
	for id, v := range after {
		if _, ok := before[id]; !ok {
			t.Errorf("%s (%s) is new after the lines moved", id, v)
		}
	}
}

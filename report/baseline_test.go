package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// writeBaseline writes r as a JSON report in a temporary folder and
// reads it back as a baseline.
func writeBaseline(t *testing.T, r *Run) *Baseline {
	t.Helper()
	var buf bytes.Buffer
	if err := JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edited returns the fixture after an edit: the in-transit failure on
// NightlyEtl fixed (gone), a new failure on it, and every line of
// infra/main.tf moved down by 5.
func edited() *Run {
	r := fixture()
	var out []control.Result
	for _, res := range r.Results {
		if res.Control == ctlTLS && res.Resource.ID == "NightlyEtl" {
			continue // fixed
		}
		if res.Resource.Loc.File == "infra/main.tf" {
			res.Resource.Loc.Line += 5
			res.At.Line += 5
		}
		out = append(out, res)
	}
	etl := model.Ref{Kind: "AWS::EMR::Cluster", ID: "NightlyEtl", Name: "nightly-etl", Loc: model.Loc{File: "infra/etl.yaml", Line: 12, Col: 3}}
	out = append(out, control.Result{Control: ctlLogs, Resource: etl, Verdict: control.Failed, Message: "logs are not encrypted", At: model.Loc{File: "infra/etl.yaml", Line: 30}})
	r.Results = out
	return r
}

// Ensure a run compared with its baseline marks the added failure new,
// the results whose lines moved unchanged, and lists the removed failure
// as fixed; that --fail-on weighs only the new failure; and that every
// format shows the split.
func TestBaselineSplit(t *testing.T) {
	r := edited()
	r.Baseline = writeBaseline(t, fixture())
	states := r.States()
	for i, res := range r.Results {
		want := Unchanged
		if res.Message == "logs are not encrypted" {
			want = New
		}
		if states[i] != want {
			t.Errorf("%s on %s (%s:%d): %s, want %s", res.Control.ID, res.Resource.ID, res.Location().File, res.Location().Line, states[i], want)
		}
	}
	fixed := r.Fixed()
	if len(fixed) != 1 || fixed[0].Control != "EMR102" || fixed[0].Resource.ID != "NightlyEtl" {
		t.Fatalf("fixed = %+v, want the EMR102 failure on NightlyEtl", fixed)
	}
	c, _ := CountBaseline(r)
	if c.New != 1 || c.NewFailing != 1 || c.Fixed != 1 || c.Unchanged != len(r.Results)-1 {
		t.Errorf("counts %+v", c)
	}
	// ctlLogs is low: failing at low counts the new failure, at medium
	// nothing is new (the unchanged medium failure does not count).
	if !r.Failing(control.Low) || r.Failing(control.Medium) {
		t.Errorf("Failing(low) = %v, Failing(medium) = %v; want true, false", r.Failing(control.Low), r.Failing(control.Medium))
	}
	if plain := edited(); !plain.Failing(control.Medium) {
		t.Errorf("without a baseline the unchanged medium failure should count")
	}

	var doc struct {
		Results []struct {
			ID, Control, Message, Baseline string
		}
		Baseline BaselineCounts
		Fixed    []BaselineResult
	}
	if err := json.Unmarshal(write(t, "json", r), &doc); err != nil {
		t.Fatal(err)
	}
	for _, res := range doc.Results {
		if want := map[bool]string{true: "new", false: "unchanged"}[res.Message == "logs are not encrypted"]; res.Baseline != want || res.ID == "" {
			t.Errorf("JSON result %s %q: baseline %q id %q, want %q", res.Control, res.Message, res.Baseline, res.ID, want)
		}
	}
	if doc.Baseline.New != 1 || len(doc.Fixed) != 1 || doc.Fixed[0].ID != fixed[0].ID {
		t.Errorf("JSON baseline %+v fixed %+v", doc.Baseline, doc.Fixed)
	}

	var sarif struct {
		Runs []struct {
			Results []struct {
				BaselineState string `json:"baselineState"`
				Message       struct{ Text string }
			}
			Properties struct {
				Fixed []struct{ BaselineState, Control string }
			}
		}
	}
	if err := json.Unmarshal(write(t, "sarif", r), &sarif); err != nil {
		t.Fatal(err)
	}
	states2 := map[string]string{}
	for _, res := range sarif.Runs[0].Results {
		states2[res.Message.Text] = res.BaselineState
	}
	if states2["logs are not encrypted"] != "new" || states2["emr-6.1.0 no longer receives fixes"] != "unchanged" {
		t.Errorf("SARIF baselineState: %v", states2)
	}
	if f := sarif.Runs[0].Properties.Fixed; len(f) != 1 || f[0].BaselineState != "absent" || f[0].Control != "EMR102" {
		t.Errorf("SARIF fixed: %+v", f)
	}

	line := "against baseline " + r.Baseline.File + ": 1 new (1 failing), 5 unchanged, 1 fixed"
	for _, format := range []string{"table", "markdown", "html", "junit"} {
		out := string(write(t, format, r))
		if format == "markdown" {
			line = strings.ReplaceAll(line, "_", "\\_")
		}
		if !strings.Contains(out, line) {
			t.Errorf("%s does not say %q:\n%s", format, line, out)
		}
	}
	if table := string(write(t, "table", r)); !strings.Contains(table, "fixed   medium EMR102") && !strings.Contains(table, "high EMR102 AWS::EMR::Cluster NightlyEtl (infra/etl.yaml:18) was fail") {
		t.Errorf("the table does not list the fixed result:\n%s", table)
	}
	if md := string(write(t, "markdown", r)); !strings.Contains(md, "Fixed since the baseline (1)") || !strings.Contains(md, "low **new** | EMR111") {
		t.Errorf("the markdown does not show the fixed and the new result:\n%s", md)
	}
}

// Ensure a baseline that is not an emrguard JSON report, or not of this
// report version, is refused with an error naming the file, and the line
// for malformed JSON.
func TestReadBaselineRefuses(t *testing.T) {
	var good bytes.Buffer
	if err := JSON(&good, fixture()); err != nil {
		t.Fatal(err)
	}
	noID := strings.Replace(good.String(), `"id": "EMR204/`, `"ident": "EMR204/`, 1)
	for name, c := range map[string]struct{ text, want string }{
		"sarif":      {`{"$schema": "x", "version": "2.1.0", "runs": []}`, "not an emrguard JSON report"},
		"array":      {`[1, 2]`, "not an emrguard JSON report"},
		"other tool": {`{"tool": {"name": "trivy"}, "report_version": 1, "results": []}`, "not an emrguard JSON report"},
		"old":        {`{"tool": {"name": "emrguard", "version": "v0.9.0"}, "results": [{"control": "EMR102"}]}`, "without report_version, from an emrguard before baselines (v0.9.0)"},
		"newer":      {strings.Replace(good.String(), `"report_version": 1`, `"report_version": 2`, 1), "report version 2, but this emrguard reads version 1"},
		"no id":      {noID, ":27: result 2 has no id"},
		"broken":     {"{\"tool\": {\"name\": \"emrguard\"},\n\"report_version\": 1,\n\"results\": [\n{\"id\": nope}]}", ":4: not an emrguard JSON report: invalid character"},
		"cut":        {good.String()[:len(good.String())/2], "it ends early"},
		"no results": {`{"tool": {"name": "emrguard"}, "report_version": 1}`, "not an emrguard JSON report"},
		"not an obj": {`"text"`, "not an emrguard JSON report"},
		"empty":      {``, "it ends early"},
		"a template": {"Resources:\n  Cluster:\n    Type: AWS::EMR::Cluster\n", ":1: not an emrguard JSON report: invalid character"},
	} {
		path := filepath.Join(t.TempDir(), "base.json")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadBaseline(path)
		if err == nil || !strings.Contains(err.Error(), "baseline "+path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one naming %s and saying %q", name, err, path, c.want)
		}
	}
	if _, err := ReadBaseline(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a missing baseline: %v", err)
	}
}

// Ensure the markdown of a run far larger than a comment holds stays
// under GitHub's limit, keeps the summary first, folds the tables, closes
// every <details> it opens, and says how many results it left out — a
// count that adds up with the rows it shows.
func TestMarkdownStaysUnderTheCommentLimit(t *testing.T) {
	r := fixture()
	r.Errors, r.Warnings = nil, nil
	for i := range 3000 {
		ref := model.Ref{Kind: "AWS::EMR::Cluster", ID: fmt.Sprintf("Cluster%04d", i), Loc: model.Loc{File: fmt.Sprintf("stacks/s%04d.yaml", i), Line: 3}}
		r.Results = append(r.Results, control.Result{Control: ctlTLS, Resource: ref, Verdict: control.Failed,
			Message: strings.Repeat("in-transit encryption is off ", 4), At: model.Loc{File: ref.Loc.File, Line: 9}})
	}
	out := string(write(t, "markdown", r))
	if n := len([]rune(out)); n > MarkdownLimit {
		t.Fatalf("the comment has %d characters, over %d", n, MarkdownLimit)
	}
	if !strings.HasPrefix(out, "## ❌ emrguard: 3006 results: 3003 fail") {
		t.Errorf("the summary is not first:\n%.300s", out)
	}
	if o, c := strings.Count(out, "<details>"), strings.Count(out, "</details>"); o != c || o == 0 {
		t.Errorf("%d <details> opened, %d closed", o, c)
	}
	var left int
	if _, err := fmt.Sscanf(out[strings.LastIndex(out, "\n_")+2:], "%d results, the remediation of 2 controls left out", &left); err != nil {
		t.Fatalf("no line saying how many results were left out: %v\n%s", err, out[len(out)-400:])
	}
	rows := strings.Count(out, "| high | EMR102") + strings.Count(out, "| medium | EMR204") + strings.Count(out, "| low | EMR111") + strings.Count(out, "| medium | EMR802")
	if listed := 3002 + 1 + 1; rows+left != listed { // failing (one more is suppressed), unknown, suppressed
		t.Errorf("%d rows shown + %d left out = %d, want the %d failing, unknown and suppressed results", rows, left, rows+left, listed)
	}
	if !strings.Contains(out, "emrguard scan --format json") {
		t.Errorf("the last line does not say how to see them all")
	}
	// A small run is written whole.
	if small := string(write(t, "markdown", fixture())); strings.Contains(small, "left out") {
		t.Errorf("a small run lost rows:\n%s", small)
	}
}

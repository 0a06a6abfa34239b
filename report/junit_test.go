package report

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// Ensure the streamed document is byte for byte junitSuites encoded as
// one value (as the writer built it before streaming), for the fixture
// (failures, skips, suppressions, input errors) and an empty run.
func TestJUnitStreamMatches(t *testing.T) {
	for name, r := range map[string]*Run{"fixture": fixture(), "empty": {Tool: Tool{Name: "emrguard"}}} {
		var got bytes.Buffer
		if err := JUnit(&got, r); err != nil {
			t.Fatal(err)
		}
		out := junitSuites{Name: r.Tool.Name}
		byID := map[string]int{}
		ts := ""
		if !r.Time.IsZero() {
			ts = r.Time.UTC().Format("2006-01-02T15:04:05")
		}
		for _, c := range usedControls(r.Results, nil) {
			byID[c.ID] = len(out.Suites)
			out.Suites = append(out.Suites, junitSuite{Name: c.ID + " " + c.Title, Timestamp: ts})
		}
		for i := range r.Results {
			s := &out.Suites[byID[r.Results[i].Control.ID]]
			tc := junitCaseOf(&r.Results[i], true)
			s.count(tc)
			s.Cases = append(s.Cases, tc)
		}
		if in := junitInputs(r, ts); len(in.Cases) > 0 {
			out.Suites = append(out.Suites, in)
		}
		for _, s := range out.Suites {
			out.Tests += s.Tests
			out.Failures += s.Failures
			out.Errors += s.Errors
			out.Skipped += s.Skipped
		}
		var want bytes.Buffer
		want.WriteString(xml.Header)
		enc := xml.NewEncoder(&want)
		enc.Indent("", "  ")
		if err := enc.Encode(out); err != nil {
			t.Fatal(err)
		}
		want.WriteString("\n")
		if got.String() != want.String() {
			t.Errorf("%s: streamed document differs:\n got %s\nwant %s", name, got.String(), want.String())
		}
	}
}

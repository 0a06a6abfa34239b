package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/emrguard/emrguard/control"
)

// JUnit XML, as CI dashboards (Jenkins, GitLab, Azure) read it: one test
// suite per control, one test case per control×resource. A failing result
// is a <failure> (type = severity); unknown and n/a are <skipped> with the
// reason; a suppressed failure is <skipped> too, with the suppression's
// reason, so an accepted risk does not fail the dashboard yet stays listed.
// Input errors form a last suite, "emrguard inputs", one <error> each.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name      string      `xml:"name,attr"`
		Tests     int         `xml:"tests,attr"`
		Failures  int         `xml:"failures,attr"`
		Errors    int         `xml:"errors,attr"`
		Skipped   int         `xml:"skipped,attr"`
		Timestamp string      `xml:"timestamp,attr,omitempty"`
		Cases     []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Line      int           `xml:"line,attr,omitempty"`
		Failure   *junitProblem `xml:"failure,omitempty"`
		Error     *junitProblem `xml:"error,omitempty"`
		Skipped   *junitSkipped `xml:"skipped,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
)

// JUnit writes r as JUnit XML.
func JUnit(w io.Writer, r *Run) error {
	out := junitSuites{Name: r.Tool.Name}
	byID := map[string]int{}
	for _, c := range usedControls(r.Results) {
		byID[c.ID] = len(out.Suites)
		out.Suites = append(out.Suites, junitSuite{Name: c.ID + " " + c.Title})
	}
	ts := ""
	if !r.Time.IsZero() {
		ts = r.Time.UTC().Format("2006-01-02T15:04:05")
	}
	for _, res := range r.Results {
		s := &out.Suites[byID[res.Control.ID]]
		s.Timestamp = ts
		loc := res.Location()
		tc := junitCase{Name: res.Resource.String(), Classname: res.Control.ID, File: loc.File, Line: loc.Line,
			SystemOut: fmt.Sprintf("%s: %s: %s", res.Verdict, where(res), res.Message)}
		switch {
		case res.Verdict == control.Passed:
		case res.Suppressed != nil:
			tc.Skipped = &junitSkipped{Message: fmt.Sprintf("%s: %s", res.Verdict, suppressionText(res.Suppressed))}
		case res.Verdict == control.Failed:
			tc.Failure = &junitProblem{Message: res.Message, Type: res.Control.Severity.String(),
				Text: fmt.Sprintf("%s: %s\n\nRemediation: %s\n%s", where(res), res.Message, remediationText(res.Control), res.Control.URL)}
		default:
			tc.Skipped = &junitSkipped{Message: fmt.Sprintf("%s: %s", res.Verdict, res.Message)}
		}
		s.add(tc)
	}
	if len(r.Errors) > 0 {
		s := junitSuite{Name: r.Tool.Name + " inputs", Timestamp: ts}
		for _, d := range r.Errors {
			name := d.At.String()
			if d.Call != "" {
				name = d.Call
			}
			s.add(junitCase{Name: name, Classname: "input", File: d.At.File, Line: d.At.Line,
				Error: &junitProblem{Message: d.Msg, Type: "input", Text: d.Error()}})
		}
		out.Suites = append(out.Suites, s)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (s *junitSuite) add(tc junitCase) {
	s.Tests++
	switch {
	case tc.Failure != nil:
		s.Failures++
	case tc.Error != nil:
		s.Errors++
	case tc.Skipped != nil:
		s.Skipped++
	}
	tc.SystemOut = strings.TrimSpace(tc.SystemOut)
	s.Cases = append(s.Cases, tc)
}

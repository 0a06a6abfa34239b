package report

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
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

// JUnit writes r as JUnit XML. Suites and their counts are written first
// and each case is encoded as it is built, so memory stays flat whatever
// the number of results (the document as one value took hundreds of MiB on
// a corpus: bench/README.md); the bytes are those of encoding junitSuites as one
// value (TestJUnitStreamMatches).
func JUnit(w io.Writer, r *Run) error {
	ts := ""
	if !r.Time.IsZero() {
		ts = r.Time.UTC().Format("2006-01-02T15:04:05")
	}
	ctls := usedControls(r.Results, nil)
	byID := map[string]int{}
	suites := make([]junitSuite, len(ctls), len(ctls)+1)
	for i, c := range ctls {
		byID[c.ID] = i
		suites[i] = junitSuite{Name: c.ID + " " + c.Title, Timestamp: ts}
	}
	for i := range r.Results {
		suites[byID[r.Results[i].Control.ID]].count(junitCaseOf(&r.Results[i], false))
	}
	inputs := junitInputs(r, ts)
	if len(inputs.Cases) > 0 {
		suites = append(suites, inputs)
	}
	top := junitSuites{Name: r.Tool.Name}
	for _, s := range suites {
		top.Tests += s.Tests
		top.Failures += s.Failures
		top.Errors += s.Errors
		top.Skipped += s.Skipped
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xml.Header)
	if line := baselineLine(r); line != "" {
		// JUnit has no place for a comparison: a comment says it, and
		// each case's system-out says whether it is new.
		fmt.Fprintf(bw, "<!-- %s -->\n", xmlComment(line))
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	attrs := func(kv ...string) []xml.Attr {
		var out []xml.Attr
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, xml.Attr{Name: xml.Name{Local: kv[i]}, Value: kv[i+1]})
		}
		return out
	}
	counts := func(name string, tests, failures, errors, skipped int) []xml.Attr {
		return attrs("name", name, "tests", strconv.Itoa(tests), "failures", strconv.Itoa(failures), "errors", strconv.Itoa(errors), "skipped", strconv.Itoa(skipped))
	}
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: counts(top.Name, top.Tests, top.Failures, top.Errors, top.Skipped)}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	caseElem := xml.StartElement{Name: xml.Name{Local: "testcase"}}
	for i, s := range suites {
		start := xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: counts(s.Name, s.Tests, s.Failures, s.Errors, s.Skipped)}
		if s.Timestamp != "" {
			start.Attr = append(start.Attr, attrs("timestamp", s.Timestamp)...)
		}
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		if i < len(ctls) {
			for j := range r.Results {
				if r.Results[j].Control.ID == ctls[i].ID {
					tc := junitCaseOf(&r.Results[j], true)
					if s := r.stateOf(j); s != NoBaseline {
						tc.SystemOut = s.String() + " since the baseline: " + tc.SystemOut
					}
					if err := enc.EncodeElement(tc, caseElem); err != nil {
						return err
					}
				}
			}
		} else {
			for _, tc := range inputs.Cases {
				if err := enc.EncodeElement(tc, caseElem); err != nil {
					return err
				}
			}
		}
		if err := enc.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// junitInputs is the last suite: one case, an <error>, per input error.
func junitInputs(r *Run, ts string) junitSuite {
	s := junitSuite{Name: r.Tool.Name + " inputs", Timestamp: ts}
	for _, d := range r.Errors {
		name := d.At.String()
		if d.Call != "" {
			name = d.Call
		}
		tc := junitCase{Name: printable(name), Classname: "input", File: printable(d.At.File), Line: d.At.Line,
			Error: &junitProblem{Message: printable(d.Msg), Type: "input", Text: printable(d.Error())}}
		s.count(tc)
		s.Cases = append(s.Cases, tc)
	}
	return s
}

// junitCaseOf builds the case of one result; without text it leaves out
// what only the document needs (the failure text and output), enough to
// count the case.
//
// Text from the inputs goes through printable: encoding/xml would turn
// the characters XML 1.0 forbids (NUL, form feed, ESC) into U+FFFD, losing
// what they were, and a dashboard may print the text to a terminal.
func junitCaseOf(res *control.Result, text bool) junitCase {
	tc := junitCase{Name: printable(res.Resource.String()), Classname: res.Control.ID}
	msg := printable(res.Message)
	if text {
		loc := res.Location()
		tc.File, tc.Line = printable(loc.File), loc.Line
		tc.SystemOut = strings.TrimSpace(fmt.Sprintf("%s: %s: %s", res.Verdict, printable(where(*res)), msg))
	}
	switch {
	case res.Verdict == control.Passed:
	case res.Suppressed != nil:
		tc.Skipped = &junitSkipped{Message: fmt.Sprintf("%s: %s", res.Verdict, printable(suppressionText(res.Suppressed)))}
	case res.Verdict == control.Failed:
		tc.Failure = &junitProblem{Message: msg, Type: res.Control.Severity.String()}
		if text {
			tc.Failure.Text = fmt.Sprintf("%s: %s\n\nRemediation: %s\n%s", printable(where(*res)), msg, remediationText(res.Control), res.Control.URL)
		}
	default:
		tc.Skipped = &junitSkipped{Message: fmt.Sprintf("%s: %s", res.Verdict, msg)}
	}
	return tc
}

// count adds a case to the suite's counts.
func (s *junitSuite) count(tc junitCase) {
	s.Tests++
	switch {
	case tc.Failure != nil:
		s.Failures++
	case tc.Error != nil:
		s.Errors++
	case tc.Skipped != nil:
		s.Skipped++
	}
}

// xmlComment makes s safe inside an XML comment, which may not hold "--"
// or control characters.
func xmlComment(s string) string {
	s = printable(s)
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return strings.TrimSuffix(s, "-") // a comment may not end in "--->"
}

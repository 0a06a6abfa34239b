package report

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/emrguard/emrguard/control"
)

//go:embed html.tmpl
var htmlSource string

var htmlPage = template.Must(template.New("page").Parse(htmlSource))

// htmlData is what the page template reads.
type htmlData struct {
	Tool       Tool
	Time       string
	Summary    Summary
	Severities []string
	Verdicts   []string
	Controls   []*control.Control
	Findings   []htmlFinding
	Errors     []string
	Warnings   []string
	Baseline   string   // the comparison with --baseline, "" without one
	Fixed      []string // the baseline's fixed results
}

type htmlFinding struct {
	control.Result
	Verdict     string
	Severity    string
	Location    string
	Suppression string
	Variants    []variant
}

// Count returns the number of results with severity sev and verdict v.
func (d htmlData) Count(sev, v string) int { return d.Summary.BySeverity[sev][v] }

// HTML writes one self-contained page: no external scripts, styles, fonts
// or images, so it can be attached to a build or mailed. It has a summary
// by severity and verdict, a filter by control and verdict (also driven by
// the query string, e.g. report.html?control=EMR102&verdict=fail, so a link
// can open a filtered view), and each finding with its remediation. All
// text goes through html/template, so input data cannot inject markup.
func HTML(w io.Writer, r *Run) error {
	d := htmlData{Tool: r.Tool, Summary: Summarize(r), Controls: usedControls(r.Results, nil)}
	if !r.Time.IsZero() {
		d.Time = r.Time.UTC().Format("2006-01-02 15:04 UTC")
	}
	for _, s := range []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Info} {
		if _, ok := d.Summary.BySeverity[s.String()]; ok {
			d.Severities = append(d.Severities, s.String())
		}
	}
	for _, v := range []control.Verdict{control.Failed, control.Unknown, control.Passed, control.NotApplicable} {
		d.Verdicts = append(d.Verdicts, v.String())
	}
	for _, res := range orderForPeople(r.Results) {
		f := htmlFinding{Result: res, Verdict: res.Verdict.String(), Severity: res.Control.Severity.String(),
			Location: printable(where(res)), Variants: remediationVariants(res.Control)}
		// html/template escapes markup; control characters, which HTML
		// forbids and a copy to a terminal would obey, are shown escaped.
		f.Resource = printableRef(res.Resource)
		f.Message = printable(res.Message)
		if res.Suppressed != nil {
			f.Suppression = printable(suppressionText(res.Suppressed))
		}
		d.Findings = append(d.Findings, f)
	}
	d.Baseline = printable(baselineLine(r))
	for _, f := range r.Fixed() {
		d.Fixed = append(d.Fixed, printable(fixedText(f)))
	}
	for _, e := range r.Errors {
		d.Errors = append(d.Errors, printable(e.Error()))
	}
	for _, e := range r.Warnings {
		d.Warnings = append(d.Warnings, printable(e.Error()))
	}
	return htmlPage.Execute(w, d)
}

// orderForPeople sorts results: failures first, most severe first, then
// by control and location.
func orderForPeople(rs []control.Result) []control.Result {
	out := append([]control.Result(nil), rs...)
	sortStable(out, comparePeople)
	return out
}

var peopleRank = map[control.Verdict]int{control.Failed: 0, control.Unknown: 1, control.Passed: 2, control.NotApplicable: 3}

// comparePeople is the order of orderForPeople.
func comparePeople(a, b control.Result) int {
	if x, y := peopleRank[a.Verdict], peopleRank[b.Verdict]; x != y {
		return x - y
	}
	if a.Control.Severity != b.Control.Severity {
		return int(b.Control.Severity) - int(a.Control.Severity)
	}
	if c := strings.Compare(a.Control.ID, b.Control.ID); c != 0 {
		return c
	}
	return strings.Compare(a.Location().String(), b.Location().String())
}

package report

import (
	_ "embed"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
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
	BPs        []string       // the matrix's columns and the chart's first bars
	Resources  []htmlResource // the matrix's rows and the findings' groups
	Chart      htmlChart
	Compliance []htmlFramework // with --compliance
	Total      int             // results
	Errors     []string
	Warnings   []string
	Baseline   string   // the comparison with --baseline, "" without one
	Fixed      []string // the baseline's fixed results
}

type htmlFinding struct {
	control.Result
	Verdict     string
	Severity    string
	BP          string
	Location    string
	Suppression string
	Variants    []variant
}

// htmlResource is one resource: a row of the matrix and a collapsible
// group of findings, whose element id is Anchor.
type htmlResource struct {
	Anchor   string
	Ref      model.Ref // printable
	Where    string
	Worst    string
	Counts   [4]int // by control.Verdict
	Cells    []htmlCell
	Findings []htmlFinding
}

// htmlCell is the worst verdict of a resource's results under one best
// practice; Verdict is "" when no control of that practice judged it.
type htmlCell struct {
	BP, Verdict string
	N           int
}

// htmlFramework is a compliance framework's requirement-level status.
type htmlFramework struct {
	Title, Source, Counts string
	Requirements          []htmlRequirement
}

type htmlRequirement struct {
	ID, Title, Status, Controls string
	Fail, Pass, Unknown, NA     int
}

// Count returns the number of results with severity sev and verdict v.
func (d htmlData) Count(sev, v string) int { return d.Summary.BySeverity[sev][v] }

// HTML writes one self-contained page: no external scripts, styles, fonts
// or images, so it can be attached to a build or mailed. It shows posture
// first: a matrix of resources × best practices, each cell the worst
// verdict and a link to the resource's findings, and an inline SVG chart of
// verdicts by best practice and by severity; then the compliance
// frameworks' requirements (--compliance), then the findings grouped by
// resource, failing resources first, each group collapsible. A filter by
// control, best practice and verdict is also driven by the query string
// (report.html?control=EMR102&verdict=fail), so a link can open a filtered
// view. All text goes through html/template and printable, so input data
// cannot inject markup or control characters. Printed, every group is open.
func HTML(w io.Writer, r *Run) error {
	d := htmlData{Tool: r.Tool, Summary: Summarize(r), Controls: usedControls(r.Results, nil), Total: len(r.Results)}
	if !r.Time.IsZero() {
		d.Time = r.Time.UTC().Format("2006-01-02 15:04 UTC")
	}
	for _, s := range []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Info} {
		if _, ok := d.Summary.BySeverity[s.String()]; ok {
			d.Severities = append(d.Severities, s.String())
		}
	}
	for _, v := range chartVerdicts {
		d.Verdicts = append(d.Verdicts, v.String())
	}
	d.BPs = bestPractices(r.Results)
	d.Chart = buildChart(r.Results, d.BPs, d.Severities)
	for i, g := range groupByResource(r.Results) {
		hr := htmlResource{Anchor: "r" + strconv.Itoa(i+1), Ref: printableRef(g.Ref), Where: printable(resourceWhere(g.Ref)),
			Worst: g.Worst.String(), Counts: g.Counts}
		for _, bp := range d.BPs {
			c := htmlCell{BP: bp}
			if v, ok := g.ByBP[bp]; ok {
				c.Verdict = v.String()
			}
			for _, res := range g.Results {
				if bestPractice(res.Control) == bp {
					c.N++
				}
			}
			hr.Cells = append(hr.Cells, c)
		}
		for _, res := range g.Results {
			hr.Findings = append(hr.Findings, newHTMLFinding(res))
		}
		d.Resources = append(d.Resources, hr)
	}
	for _, rep := range complianceReports(r) {
		f := htmlFramework{Title: printable(rep.Framework.Title()), Source: printable(rep.Framework.Source), Counts: countsLine(rep)}
		for _, s := range rep.Requirements {
			f.Requirements = append(f.Requirements, htmlRequirement{ID: printable(s.ID), Title: printable(s.Title), Status: s.Verdict.String(),
				Controls: strings.Join(s.Controls, ", "), Fail: s.Results[control.Failed], Pass: s.Results[control.Passed],
				Unknown: s.Results[control.Unknown], NA: s.Results[control.NotApplicable]})
		}
		d.Compliance = append(d.Compliance, f)
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

// newHTMLFinding prepares one result for the page. html/template escapes
// markup; control characters, which HTML forbids and a copy to a terminal
// would obey, are shown escaped.
func newHTMLFinding(res control.Result) htmlFinding {
	f := htmlFinding{Result: res, Verdict: res.Verdict.String(), Severity: res.Control.Severity.String(), BP: bestPractice(res.Control),
		Location: printable(where(res)), Variants: remediationVariants(res.Control)}
	f.Resource = printableRef(res.Resource)
	f.Message = printable(res.Message)
	if res.Suppressed != nil {
		f.Suppression = printable(suppressionText(res.Suppressed))
	}
	return f
}

// resourceWhere says where a resource was read: its file, else its
// CloudTrail event, else its account and region.
func resourceWhere(ref model.Ref) string {
	switch {
	case ref.Loc.File != "":
		return ref.Loc.String()
	case ref.Event != nil:
		return ref.Event.Name + " event " + ref.Event.ID + " at " + ref.Event.Time
	}
	return strings.Trim(ref.Account+"/"+ref.Region, "/")
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

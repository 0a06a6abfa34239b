package report

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/emrguard/emrguard/compliance"
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/source"
)

// Tool names the program that produced a run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Run is everything a writer needs: the results and the inputs that could
// not be read.
type Run struct {
	Tool     Tool
	Results  []control.Result
	Errors   source.Diagnostics // Error level: the run could not check everything
	Warnings source.Diagnostics // inputs read, something in them ignored
	Color    bool               // the writer may use ANSI colours (a terminal)
	Show     []control.Verdict  // verdicts the table lists (all when empty)
	// Time is when the run happened: ASFF CreatedAt/UpdatedAt and the
	// SARIF invocation read it, so a writer never calls time.Now.
	Time time.Time
	// Account, Region and Partition are the AWS context for machine formats
	// (ASFF) when a result's resource does not name its own: the account
	// and region findings are imported into.
	Account, Region, Partition string
	// Compliance are the frameworks whose requirement-level status the
	// table, JSON and Markdown writers add (--compliance); none leaves the
	// output as it was.
	Compliance []*compliance.Framework
	// Frameworks are those whose requirements ASFF and SARIF attach to each
	// control (built-in and --compliance-file); nil means the built-in ones.
	Frameworks []*compliance.Framework
	// Baseline, when set, is the earlier report the results are compared
	// with (--baseline): each result is new or unchanged (States), and its
	// failing and unknown results that are gone are fixed (Fixed).
	Baseline *Baseline

	ords   map[int]int // control.Ordinals of Results, made once
	nords  int         // the number of Results ords was made for
	states []State     // compare, made once
	fixed  []BaselineResult
}

// identities returns a function giving the identity of result i
// (control.Identify's, made as it is asked for rather than held: a
// corpus's 285,000 identities took 25 MB). The ordinals are computed on
// the first call, so make that call before sharing r between goroutines,
// then one function per goroutine; do not change r.Results afterwards.
func (r *Run) identities() func(i int) control.Identity {
	if r.ords == nil || r.nords != len(r.Results) {
		r.ords, r.nords = control.Ordinals(r.Results), len(r.Results)
	}
	ords := r.ords
	var f control.Identifier
	return func(i int) control.Identity { return f.Of(&r.Results[i], ords[i]) }
}

// Writer renders a run.
type Writer func(w io.Writer, r *Run) error

// Writers are the output formats by --format name.
var Writers = map[string]Writer{
	"table":    Table,
	"json":     JSON,
	"sarif":    SARIF,
	"junit":    JUnit,
	"asff":     ASFF,
	"html":     HTML,
	"markdown": Markdown,
}

// Formats returns the names of Writers, sorted.
func Formats() []string {
	var out []string
	for k := range Writers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Summary counts results by verdict and by severity.
type Summary struct {
	Total      int                       `json:"total"`
	ByVerdict  map[string]int            `json:"by_verdict"`
	BySeverity map[string]map[string]int `json:"by_severity"`
	Errors     int                       `json:"errors"`
	Suppressed int                       `json:"suppressed"`
}

// Summarize counts r's results. Every verdict appears in ByVerdict, even
// at zero, so that consumers need not test for missing keys.
func Summarize(r *Run) Summary {
	s := Summary{Total: len(r.Results), ByVerdict: map[string]int{}, BySeverity: map[string]map[string]int{}, Errors: len(r.Errors)}
	for _, v := range []control.Verdict{control.Failed, control.Passed, control.Unknown, control.NotApplicable} {
		s.ByVerdict[v.String()] = 0
	}
	for _, res := range r.Results {
		v, sev := res.Verdict.String(), res.Control.Severity.String()
		s.ByVerdict[v]++
		if s.BySeverity[sev] == nil {
			s.BySeverity[sev] = map[string]int{}
		}
		s.BySeverity[sev][v]++
		if res.Suppressed != nil {
			s.Suppressed++
		}
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// AnyFailing reports whether a result fails at or above min with no
// suppression covering it: what decides the exit code.
func AnyFailing(rs []control.Result, min control.Severity) bool {
	for i := range rs {
		if r := &rs[i]; r.Verdict == control.Failed && r.Control.Severity >= min && r.Suppressed == nil {
			return true
		}
	}
	return false
}

package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

var verdictColor = map[control.Verdict]string{
	control.Failed: ansiRed, control.Passed: ansiGreen, control.Unknown: ansiYellow, control.NotApplicable: ansiDim,
}

// Table writes results for people: grouped by resource, each line with its
// verdict, severity, control, file:line and message; then the inputs that
// could not be read, and a one-line summary.
func Table(w io.Writer, r *Run) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !r.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}
	type group struct {
		ref     model.Ref
		results []control.Result
		states  []State
	}
	states := r.States()
	var groups []*group
	byKey := map[string]*group{}
	for i, res := range r.Results {
		if len(r.Show) > 0 && !slices.Contains(r.Show, res.Verdict) {
			continue
		}
		k := res.Resource.Kind + "\x00" + res.Resource.ID + "\x00" + res.Resource.Loc.File
		g := byKey[k]
		if g == nil {
			g = &group{ref: res.Resource}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.results = append(g.results, res)
		if states != nil {
			g.states = append(g.states, states[i])
		}
	}
	for _, g := range groups {
		// Within a resource: failures first, most severe first, then by ID.
		order := make([]int, len(g.results))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(i, j int) int {
			a, b := &g.results[i], &g.results[j]
			return cmp.Or(cmp.Compare(a.Verdict, b.Verdict), cmp.Compare(b.Control.Severity, a.Control.Severity), cmp.Compare(a.Control.ID, b.Control.ID))
		})
		rs := make([]control.Result, len(order))
		var ss []State
		for k, i := range order {
			rs[k] = g.results[i]
			if g.states != nil {
				ss = append(ss, g.states[i])
			}
		}
		g.results, g.states = rs, ss
	}
	for i, g := range groups {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		head := g.ref.String()
		if g.ref.Name != "" && g.ref.Name != g.ref.ID {
			head += " (" + g.ref.Name + ")"
		}
		where := g.ref.Loc.String()
		if e := g.ref.Event; e != nil {
			where = fmt.Sprintf("%s %s by %s in %s/%s", e.Name, e.Time, e.Who(), e.Account, e.Region)
		}
		// Names, files and messages come from the inputs: printable keeps a
		// terminal from obeying escape sequences in them.
		fmt.Fprintf(bw, "%s  %s\n", paint(ansiBold, printable(head)), paint(ansiDim, printable(where)))
		for k, res := range g.results {
			v := fmt.Sprintf("%-7s", res.Verdict)
			title := res.Control.Title
			if g.states != nil && g.states[k] == New {
				title += paint(ansiBold, " [new]")
			}
			fmt.Fprintf(bw, "  %s %-8s %s  %s\n      %s\n", paint(verdictColor[res.Verdict], v), res.Control.Severity, res.Control.ID,
				title, paint(ansiDim, printable(res.Location().String())+": ")+printable(res.Message))
			if res.Suppressed != nil {
				fmt.Fprintf(bw, "      %s\n", paint(ansiDim, printable(suppressionText(res.Suppressed))))
			}
		}
	}
	if len(r.Errors) > 0 || len(r.Warnings) > 0 {
		if len(groups) > 0 {
			fmt.Fprintln(bw)
		}
		for _, e := range r.Errors {
			fmt.Fprintf(bw, "%s %s\n", paint(ansiRed, "error:"), printable(e.Error()))
		}
		for _, e := range r.Warnings {
			fmt.Fprintf(bw, "%s %s\n", paint(ansiYellow, "warning:"), printable(e.Error()))
		}
	}
	body := len(groups) > 0 || len(r.Errors) > 0 || len(r.Warnings) > 0
	if fixed := r.Fixed(); len(fixed) > 0 {
		if body {
			fmt.Fprintln(bw)
		}
		fmt.Fprintln(bw, paint(ansiBold, "fixed since the baseline"))
		for _, f := range fixed {
			fmt.Fprintf(bw, "  %s %s\n", paint(ansiGreen, "fixed  "), printable(fixedText(f)))
		}
		body = true
	}
	if body {
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, summaryLine(r))
	if b := baselineLine(r); b != "" {
		fmt.Fprintln(bw, printable(b))
	}
	writeComplianceTable(bw, r, paint)
	return bw.Flush()
}

// summaryLine says, e.g., "31 results: 9 fail (4 high, 3 medium, 2 low),
// 14 pass, 2 unknown, 6 n/a; 1 input error".
func summaryLine(r *Run) string {
	s := Summarize(r)
	var sev []string
	for _, x := range []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Info} {
		if n := s.BySeverity[x.String()][control.Failed.String()]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, x))
		}
	}
	line := fmt.Sprintf("%s: %d fail", plural(s.Total, "result", "results"), s.ByVerdict["fail"])
	if len(sev) > 0 {
		line += " (" + strings.Join(sev, ", ") + ")"
	}
	line += fmt.Sprintf(", %d pass, %d unknown, %d n/a", s.ByVerdict["pass"], s.ByVerdict["unknown"], s.ByVerdict["n/a"])
	if s.Suppressed > 0 {
		line += fmt.Sprintf(" (%d suppressed)", s.Suppressed)
	}
	if len(r.Errors) > 0 {
		line += "; " + plural(len(r.Errors), "input error", "input errors")
	}
	if len(r.Show) > 0 && len(r.Show) < 4 {
		var names []string
		for _, v := range r.Show {
			names = append(names, v.String())
		}
		line += " (listed: " + strings.Join(names, ", ") + ")"
	}
	return line
}

package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/source"
)

// MarkdownLimit is the most characters a pull-request comment holds on
// GitHub (65,536); Markdown stays at or under it, counting bytes, which
// are never fewer than characters.
const MarkdownLimit = 65536

// Markdown writes a report for a pull-request comment. The summary comes
// first and open: a one-line verdict, the comparison with the baseline
// when there is one, the counts by severity. The rest is folded in
// <details>: tables of failing, unknown and suppressed results (new ones
// first and marked, with a baseline), the baseline's fixed results, the
// remediation of each failing control, and the input errors and warnings.
// Passing and n/a results are only counted. When the whole would pass
// MarkdownLimit, rows are left out from the end of each section and a last
// line says how many and how to see them all. Text from inputs is escaped
// so it cannot break the tables or inject markup.
func Markdown(w io.Writer, r *Run) error {
	return markdown(w, r, MarkdownLimit)
}

// mdBudget builds a comment that stays within limit bytes, keeping room
// for the closing tags of the open section and the last line.
type mdBudget struct {
	strings.Builder
	limit   int
	omitted int // result rows left out
	notes   int // input errors and warnings left out
	fixes   int // controls whose remediation was left out
}

// mdReserve is the room kept for the closing of a section and the line
// saying what was left out.
const mdReserve = 600

func (b *mdBudget) fits(s string) bool { return b.Len()+len(s) <= b.limit-mdReserve }

func markdown(w io.Writer, r *Run, limit int) error {
	b := &mdBudget{limit: limit}
	s := Summarize(r)
	states := r.States()
	type row struct {
		res   control.Result
		isNew bool
	}
	var open, unknown, suppressed []row
	for _, i := range orderIndexesForPeople(r.Results, states) {
		res := r.Results[i]
		x := row{res, states != nil && states[i] == New}
		switch {
		case res.Suppressed != nil:
			suppressed = append(suppressed, x)
		case res.Verdict == control.Failed:
			open = append(open, x)
		case res.Verdict == control.Unknown:
			unknown = append(unknown, x)
		}
	}
	icon := "✅"
	if len(open) > 0 || len(r.Errors) > 0 {
		icon = "❌"
	}
	all := *r
	all.Show = nil // the comment counts every verdict
	fmt.Fprintf(b, "## %s %s: %s\n\n", icon, r.Tool.Name, summaryLine(&all))
	if line := baselineLine(r); line != "" {
		fmt.Fprintf(b, "%s\n\n", mdText(line))
	}
	fmt.Fprintln(b, "| severity | fail | unknown | pass | n/a |")
	fmt.Fprintln(b, "| --- | ---: | ---: | ---: | ---: |")
	for _, sev := range []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Info} {
		row, ok := s.BySeverity[sev.String()]
		if !ok {
			continue
		}
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d |\n", sev, row["fail"], row["unknown"], row["pass"], row["n/a"])
	}
	// section writes a folded table of rows, as many as fit.
	section := func(title, head string, rows []string) {
		if len(rows) == 0 {
			return
		}
		start := fmt.Sprintf("\n<details><summary>%s (%d)</summary>\n\n%s", title, len(rows), head)
		if !b.fits(start) {
			b.omitted += len(rows)
			return
		}
		b.WriteString(start)
		for i, line := range rows {
			if !b.fits(line) {
				b.omitted += len(rows) - i
				break
			}
			b.WriteString(line)
		}
		b.WriteString("\n</details>\n")
	}
	const resultHead = "| severity | control | resource | location | message |\n| --- | --- | --- | --- | --- |\n"
	rows := func(rs []row, extra func(control.Result) string) []string {
		out := make([]string, len(rs))
		for i, x := range rs {
			msg := mdCell(x.res.Message)
			if extra != nil {
				msg += " — " + extra(x.res)
			}
			sev := x.res.Control.Severity.String()
			if x.isNew {
				sev += " **new**"
			}
			out[i] = fmt.Sprintf("| %s | %s %s | %s | %s | %s |\n", sev, x.res.Control.ID, mdCell(x.res.Control.Title),
				mdCode(x.res.Resource.String()), mdCode(where(x.res)), msg)
		}
		return out
	}
	section("Failing", resultHead, rows(open, nil))
	section("Could not be checked", resultHead, rows(unknown, nil))
	section("Suppressed", resultHead, rows(suppressed, func(res control.Result) string { return "_" + mdCell(suppressionText(res.Suppressed)) + "_" }))
	var fixed []string
	for _, f := range r.Fixed() {
		fixed = append(fixed, "- "+mdText(fixedText(f))+"\n")
	}
	section("Fixed since the baseline", "", fixed)
	var openResults []control.Result
	for _, x := range open {
		openResults = append(openResults, x.res)
	}
	if cs := usedControls(openResults, nil); len(cs) > 0 {
		var fixes []string
		for _, c := range cs {
			var f strings.Builder
			fmt.Fprintf(&f, "\n#### %s %s\n\n%s\n", c.ID, mdCell(c.Title), mdText(c.Remediation.Text))
			for _, m := range remediationVariants(c) {
				fmt.Fprintf(&f, "\n%s:\n\n```\n%s\n```\n", m.Name, strings.ReplaceAll(strings.TrimRight(m.Text, "\n"), "```", "` ` `"))
			}
			if c.URL != "" {
				fmt.Fprintf(&f, "\n[Documentation](%s)\n", c.URL)
			}
			fixes = append(fixes, f.String())
		}
		before := b.omitted
		section("How to fix", "", fixes)
		b.fixes, b.omitted = b.omitted-before, before // remediation is not a result
	}
	var cm strings.Builder
	writeComplianceMarkdown(&cm, r)
	if s := cm.String(); s != "" && b.fits(s) {
		b.WriteString(s)
	}
	notes := func(title string, ds source.Diagnostics) {
		var lines []string
		for _, e := range ds {
			lines = append(lines, "- "+mdCode(e.Error())+"\n")
		}
		before := b.omitted
		section(title, "", lines)
		b.notes += b.omitted - before
		b.omitted = before
	}
	notes("Input errors", r.Errors)
	notes("Warnings", r.Warnings)
	var left []string
	if b.omitted > 0 {
		left = append(left, plural(b.omitted, "result", "results"))
	}
	if b.fixes > 0 {
		left = append(left, "the remediation of "+plural(b.fixes, "control", "controls"))
	}
	if b.notes > 0 {
		left = append(left, plural(b.notes, "input error or warning", "input errors and warnings"))
	}
	if len(left) > 0 {
		fmt.Fprintf(b, "\n_%s left out to stay under GitHub's %d-character comment limit: run `emrguard scan --format json` (or `--format html`) to see them all, `emrguard rules --explain ID` for a control's remediation._\n", strings.Join(left, ", "), limit)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// orderIndexesForPeople returns the indexes of rs in the order of
// orderForPeople, with new results before unchanged ones when states
// (a baseline's) are given.
func orderIndexesForPeople(rs []control.Result, states []State) []int {
	idx := make([]int, len(rs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		if states != nil && states[i] != states[j] {
			return cmp.Compare(states[i], states[j]) // New before Unchanged
		}
		return comparePeople(rs[i], rs[j])
	})
	return idx
}

// mdText escapes the characters that start markup or HTML in a paragraph,
// and shows control characters as escapes (printable).
func mdText(s string) string {
	return mdEscaper.Replace(printable(s))
}

var mdEscaper = strings.NewReplacer("\\", "\\\\", "<", "&lt;", ">", "&gt;", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "`", "\\`", "|", "\\|")

// mdCell is mdText on one line, for a table cell.
func mdCell(s string) string {
	return mdText(strings.Join(strings.Fields(s), " "))
}

// mdCode puts s in a code span, long enough to hold any backticks in s.
func mdCode(s string) string {
	s = printable(strings.Join(strings.Fields(s), " "))
	s = strings.ReplaceAll(s, "|", "\\|")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

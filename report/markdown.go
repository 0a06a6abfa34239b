package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/emrguard/emrguard/control"
)

// Markdown writes a report for a pull-request comment: a one-line verdict,
// the counts by severity, tables of failing, unknown and suppressed results,
// the remediation of each failing control in a collapsed section, and the
// input errors. Passing and n/a results are only counted, to keep the
// comment short. Text from inputs is escaped so it cannot break the tables
// or inject markup.
func Markdown(w io.Writer, r *Run) error {
	bw := bufio.NewWriter(w)
	s := Summarize(r)
	var open, unknown, suppressed []control.Result
	for _, res := range orderForPeople(r.Results) {
		switch {
		case res.Suppressed != nil:
			suppressed = append(suppressed, res)
		case res.Verdict == control.Failed:
			open = append(open, res)
		case res.Verdict == control.Unknown:
			unknown = append(unknown, res)
		}
	}
	icon := "✅"
	if len(open) > 0 || len(r.Errors) > 0 {
		icon = "❌"
	}
	all := *r
	all.Show = nil // the comment counts every verdict
	fmt.Fprintf(bw, "## %s %s: %s\n\n", icon, r.Tool.Name, summaryLine(&all))
	fmt.Fprintln(bw, "| severity | fail | unknown | pass | n/a |")
	fmt.Fprintln(bw, "| --- | ---: | ---: | ---: | ---: |")
	for _, sev := range []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Info} {
		row, ok := s.BySeverity[sev.String()]
		if !ok {
			continue
		}
		fmt.Fprintf(bw, "| %s | %d | %d | %d | %d |\n", sev, row["fail"], row["unknown"], row["pass"], row["n/a"])
	}
	section := func(title string, rs []control.Result, extra func(control.Result) string) {
		if len(rs) == 0 {
			return
		}
		fmt.Fprintf(bw, "\n### %s (%d)\n\n| severity | control | resource | location | message |\n| --- | --- | --- | --- | --- |\n", title, len(rs))
		for _, res := range rs {
			msg := mdCell(res.Message)
			if extra != nil {
				msg += " — " + extra(res)
			}
			fmt.Fprintf(bw, "| %s | %s %s | %s | %s | %s |\n", res.Control.Severity, res.Control.ID, mdCell(res.Control.Title),
				mdCode(res.Resource.String()), mdCode(where(res)), msg)
		}
	}
	section("Failing", open, nil)
	section("Could not be checked", unknown, nil)
	section("Suppressed", suppressed, func(res control.Result) string { return "_" + mdCell(suppressionText(res.Suppressed)) + "_" })
	if cs := usedControls(open, nil); len(cs) > 0 {
		fmt.Fprintln(bw, "\n### How to fix")
		for _, c := range cs {
			fmt.Fprintf(bw, "\n<details><summary>%s %s</summary>\n\n%s\n", c.ID, mdCell(c.Title), mdText(c.Remediation.Text))
			for _, m := range remediationVariants(c) {
				fmt.Fprintf(bw, "\n%s:\n\n```\n%s\n```\n", m.Name, strings.ReplaceAll(strings.TrimRight(m.Text, "\n"), "```", "` ` `"))
			}
			if c.URL != "" {
				fmt.Fprintf(bw, "\n[Documentation](%s)\n", c.URL)
			}
			fmt.Fprintln(bw, "\n</details>")
		}
	}
	writeComplianceMarkdown(bw, r)
	if len(r.Errors) > 0 {
		fmt.Fprintf(bw, "\n### Input errors (%d)\n\n", len(r.Errors))
		for _, e := range r.Errors {
			fmt.Fprintf(bw, "- %s\n", mdCode(e.Error()))
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(bw, "\n### Warnings (%d)\n\n", len(r.Warnings))
		for _, e := range r.Warnings {
			fmt.Fprintf(bw, "- %s\n", mdCode(e.Error()))
		}
	}
	return bw.Flush()
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

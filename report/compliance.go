package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/emrguard/emrguard/compliance"
	"github.com/emrguard/emrguard/control"
)

// maxRelated is the most entries ASFF takes in Compliance.RelatedRequirements.
const maxRelated = 32

// frameworks returns the frameworks whose requirements machine formats
// attach to controls.
func frameworks(r *Run) []*compliance.Framework {
	if r.Frameworks == nil {
		return compliance.Builtin()
	}
	return r.Frameworks
}

// relatedRequirements names the requirements control id bears on, as
// Security Hub writes them ("NIST.800-53.r5 SC-8"), at most maxRelated.
func relatedRequirements(r *Run, id string) []string {
	var out []string
	for _, f := range frameworks(r) {
		for _, req := range f.RequirementsOf(id) {
			if len(out) < maxRelated {
				out = append(out, clip(f.Related(req), 256))
			}
		}
	}
	return out
}

// requirementsByFramework maps framework short name → the requirement IDs
// control id bears on, for SARIF rule properties.
func requirementsByFramework(r *Run, id string) map[string][]string {
	out := map[string][]string{}
	for _, f := range frameworks(r) {
		if reqs := f.RequirementsOf(id); len(reqs) > 0 {
			out[f.Short] = reqs
		}
	}
	return out
}

// complianceReports evaluates r's results against the selected frameworks.
func complianceReports(r *Run) []compliance.Report {
	var out []compliance.Report
	for _, f := range r.Compliance {
		out = append(out, compliance.Evaluate(f, r.Results))
	}
	return out
}

// countsLine says "9 requirements: 2 fail, 3 pass, 1 unknown, 3 n/a".
func countsLine(rep compliance.Report) string {
	return fmt.Sprintf("%s: %d fail, %d pass, %d unknown, %d n/a", plural(len(rep.Requirements), "requirement", "requirements"),
		rep.Counts[control.Failed], rep.Counts[control.Passed], rep.Counts[control.Unknown], rep.Counts[control.NotApplicable])
}

// writeComplianceTable writes each selected framework's requirements with
// their status and the counts of the results behind it.
func writeComplianceTable(bw *bufio.Writer, r *Run, paint func(code, s string) string) {
	for _, rep := range complianceReports(r) {
		f := rep.Framework
		fmt.Fprintf(bw, "\n%s\n%s\n", paint(ansiBold, "Compliance: "+f.Title()), paint(ansiDim, "Source: "+f.Source))
		tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REQUIREMENT\tSTATUS\tFAIL\tPASS\tUNKNOWN\tN/A\tTITLE\tCONTROLS")
		for _, s := range rep.Requirements {
			// The status is padded before painting, so colour codes do not
			// upset the columns; the controls come last, as their list can
			// be long.
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", s.ID, paint(verdictColor[s.Verdict], fmt.Sprintf("%-7s", s.Verdict)),
				s.Results[control.Failed], s.Results[control.Passed], s.Results[control.Unknown], s.Results[control.NotApplicable],
				printable(clipRunes(s.Title, 60)), strings.Join(s.Controls, ","))
		}
		tw.Flush()
		fmt.Fprintln(bw, countsLine(rep))
	}
}

// The JSON "compliance" block, written only when --compliance is given.
type (
	jsonFramework struct {
		Framework    jsonFrameworkID   `json:"framework"`
		Summary      map[string]int    `json:"summary"`
		Requirements []jsonRequirement `json:"requirements"`
	}
	jsonFrameworkID struct {
		Short   string `json:"short"`
		Name    string `json:"name"`
		Version string `json:"version"`
		Source  string `json:"source"`
	}
	jsonRequirement struct {
		ID       string         `json:"id"`
		Title    string         `json:"title"`
		Status   string         `json:"status"`
		Controls []string       `json:"controls"`
		Results  map[string]int `json:"results"`
	}
)

// verdictCounts names the four counts by verdict.
func verdictCounts(n [4]int) map[string]int {
	out := map[string]int{}
	for v, c := range n {
		out[control.Verdict(v).String()] = c
	}
	return out
}

// complianceJSON returns the "compliance" member's value, indented for the
// report's second level.
func complianceJSON(r *Run) ([]byte, error) {
	var out []jsonFramework
	for _, rep := range complianceReports(r) {
		f := rep.Framework
		j := jsonFramework{Framework: jsonFrameworkID{Short: f.Short, Name: f.Name, Version: f.Version, Source: f.Source}, Summary: verdictCounts(rep.Counts)}
		j.Summary["total"] = len(rep.Requirements)
		for _, s := range rep.Requirements {
			j.Requirements = append(j.Requirements, jsonRequirement{ID: s.ID, Title: s.Title, Status: s.Verdict.String(), Controls: s.Controls, Results: verdictCounts(s.Results)})
		}
		out = append(out, j)
	}
	return json.MarshalIndent(out, "  ", "  ")
}

// memo caches fn's answer per key: findings of one control share it.
func memo(fn func(string) []string) func(string) []string {
	cache := map[string][]string{}
	return func(k string) []string {
		v, ok := cache[k]
		if !ok {
			v = fn(k)
			cache[k] = v
		}
		return v
	}
}

// clipRunes shortens s to n runes, ending in "…" when cut.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// writeComplianceMarkdown writes each selected framework's counts, with
// its requirements folded (a pull-request comment stays short).
func writeComplianceMarkdown(bw io.Writer, r *Run) {
	for _, rep := range complianceReports(r) {
		fmt.Fprintf(bw, "\n### Compliance: %s\n\n%s\n\n<details><summary>Requirements</summary>\n\n| requirement | status | fail | pass | unknown | n/a | title |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n",
			mdCell(rep.Framework.Title()), countsLine(rep))
		for _, s := range rep.Requirements {
			fmt.Fprintf(bw, "| %s | %s | %d | %d | %d | %d | %s |\n", mdCell(s.ID), s.Verdict, s.Results[control.Failed], s.Results[control.Passed],
				s.Results[control.Unknown], s.Results[control.NotApplicable], mdCell(s.Title))
		}
		fmt.Fprintln(bw, "\n</details>")
	}
}

package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/emrguard/emrguard/control"
)

// The JSON contract of DESIGN.md ("Command line"): these field names are
// what the benchmark scorers and users' pipelines read. Change them only
// with a new contract.
type (
	jsonResult struct {
		ID           string        `json:"id"` // control.Identity: stable across runs and line moves
		Control      string        `json:"control"`
		Severity     string        `json:"severity"`
		Verdict      string        `json:"verdict"`
		Resource     jsonResource  `json:"resource"`
		Location     *jsonLocation `json:"location,omitempty"`
		Message      string        `json:"message"`
		BestPractice string        `json:"best_practice"`
		Event        *jsonEvent    `json:"event,omitempty"`
		Suppressed   *jsonSuppress `json:"suppressed,omitempty"`
		Baseline     string        `json:"baseline,omitempty"` // new or unchanged, with --baseline
	}
	jsonSuppress struct {
		Reason string `json:"reason"`
		Until  string `json:"until,omitempty"` // YYYY-MM-DD, inclusive
		Origin string `json:"origin"`          // file:line of the suppression
	}
	jsonResource struct {
		Kind    string `json:"kind"`
		ID      string `json:"id"`
		Name    string `json:"name"`
		Account string `json:"account"`
		Region  string `json:"region"`
	}
	jsonLocation struct {
		File string `json:"file"`
		Line int    `json:"line,omitempty"`
	}
	jsonEvent struct {
		ID        string `json:"id"`
		Time      string `json:"time"`
		Name      string `json:"name"`
		Source    string `json:"source"`
		Account   string `json:"account"`
		Region    string `json:"region"`
		Principal string `json:"principal"`
		Issuer    string `json:"issuer,omitempty"`
		File      string `json:"file,omitempty"`
	}
	jsonError struct {
		File    string `json:"file,omitempty"`
		Call    string `json:"call,omitempty"`
		Line    int    `json:"line,omitempty"`
		Message string `json:"message"`
	}
)

// JSON writes the machine contract: tool, report_version, results (each
// with its id), errors and summary; with a baseline, each result's
// baseline state, and the baseline's counts and fixed results.
// Results are encoded in blocks into a buffered writer, so memory stays
// flat whatever their number (279,000 results of a 10,000-template corpus
// took 400 MiB when encoded as one value).
func JSON(w io.Writer, r *Run) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	section := func(name string, n int, item func(buf []byte, i int) ([]byte, error)) error {
		fmt.Fprintf(bw, "  %q: [", name)
		var buf []byte
		for i := 0; i < n; i++ {
			var err error
			if buf, err = item(buf[:0], i); err != nil {
				return err
			}
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n    ")
			bw.Write(buf)
		}
		if n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
		return nil
	}
	tool, err := json.MarshalIndent(r.Tool, "  ", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "{\n  \"tool\": %s,\n  \"report_version\": %d,\n", tool, ReportVersion)
	fmt.Fprintf(bw, "  %q: [", "results")
	writeResults(bw, r)
	if len(r.Results) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n")
	if err := section("errors", len(r.Errors), func(_ []byte, i int) ([]byte, error) {
		e := r.Errors[i]
		return json.MarshalIndent(jsonError{File: e.At.File, Call: e.Call, Line: e.At.Line, Message: e.Msg}, "    ", "  ")
	}); err != nil {
		return err
	}
	if counts, ok := CountBaseline(r); ok {
		b, err := json.MarshalIndent(counts, "  ", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, ",\n  \"baseline\": %s,\n", b)
		fixed := r.Fixed()
		if err := section("fixed", len(fixed), func(_ []byte, i int) ([]byte, error) {
			return json.MarshalIndent(fixed[i], "    ", "  ")
		}); err != nil {
			return err
		}
	}
	summary, err := json.MarshalIndent(Summarize(r), "  ", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, ",\n  \"summary\": %s", summary)
	if len(r.Compliance) > 0 {
		block, err := complianceJSON(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, ",\n  \"compliance\": %s", block)
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

func toJSON(res control.Result, id control.Identity, state State) jsonResult {
	ref := res.Resource
	j := jsonResult{
		ID: id.String(), Baseline: state.String(),
		Control: res.Control.ID, Severity: res.Control.Severity.String(), Verdict: res.Verdict.String(),
		Resource: jsonResource{Kind: ref.Kind, ID: ref.ID, Name: ref.Name, Account: ref.Account, Region: ref.Region},
		Message:  res.Message, BestPractice: res.Control.BestPractice,
	}
	if loc := res.Location(); loc.File != "" {
		j.Location = &jsonLocation{File: loc.File, Line: loc.Line}
	}
	if e := ref.Event; e != nil {
		j.Event = &jsonEvent{ID: e.ID, Time: e.Time, Name: e.Name, Source: e.Source, Account: e.Account, Region: e.Region, Principal: e.Principal, Issuer: e.Issuer, File: e.File}
	}
	if s := res.Suppressed; s != nil {
		j.Suppressed = &jsonSuppress{Reason: s.Reason, Until: untilText(s), Origin: s.Origin.String()}
	}
	return j
}

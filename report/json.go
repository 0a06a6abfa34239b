package report

import (
	"encoding/json"
	"io"

	"github.com/emrguard/emrguard/control"
)

// The JSON contract of DESIGN.md ("Command line"): these field names are
// what the benchmark scorers and users' pipelines read. Change them only
// with a new contract.
type (
	jsonRun struct {
		Tool    Tool         `json:"tool"`
		Results []jsonResult `json:"results"`
		Errors  []jsonError  `json:"errors"`
		Summary Summary      `json:"summary"`
	}
	jsonResult struct {
		Control      string        `json:"control"`
		Severity     string        `json:"severity"`
		Verdict      string        `json:"verdict"`
		Resource     jsonResource  `json:"resource"`
		Location     *jsonLocation `json:"location,omitempty"`
		Message      string        `json:"message"`
		BestPractice string        `json:"best_practice"`
		Event        *jsonEvent    `json:"event,omitempty"`
		Suppressed   *jsonSuppress `json:"suppressed,omitempty"`
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
		File      string `json:"file,omitempty"`
	}
	jsonError struct {
		File    string `json:"file,omitempty"`
		Call    string `json:"call,omitempty"`
		Line    int    `json:"line,omitempty"`
		Message string `json:"message"`
	}
)

// JSON writes the machine contract: tool, results, errors and summary.
func JSON(w io.Writer, r *Run) error {
	out := jsonRun{Tool: r.Tool, Results: make([]jsonResult, 0, len(r.Results)), Errors: make([]jsonError, 0, len(r.Errors)), Summary: Summarize(r)}
	for _, res := range r.Results {
		out.Results = append(out.Results, toJSON(res))
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, jsonError{File: e.At.File, Call: e.Call, Line: e.At.Line, Message: e.Msg})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func toJSON(res control.Result) jsonResult {
	ref := res.Resource
	j := jsonResult{
		Control: res.Control.ID, Severity: res.Control.Severity.String(), Verdict: res.Verdict.String(),
		Resource: jsonResource{Kind: ref.Kind, ID: ref.ID, Name: ref.Name, Account: ref.Account, Region: ref.Region},
		Message:  res.Message, BestPractice: res.Control.BestPractice,
	}
	if loc := res.Location(); loc.File != "" {
		j.Location = &jsonLocation{File: loc.File, Line: loc.Line}
	}
	if e := ref.Event; e != nil {
		j.Event = &jsonEvent{ID: e.ID, Time: e.Time, Name: e.Name, Source: e.Source, Account: e.Account, Region: e.Region, Principal: e.Principal, File: e.File}
	}
	if s := res.Suppressed; s != nil {
		j.Suppressed = &jsonSuppress{Reason: s.Reason, Until: untilText(s), Origin: s.Origin.String()}
	}
	return j
}

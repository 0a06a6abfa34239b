package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/emrguard/emrguard/control"
)

// sarifSchema compiles the SARIF 2.1.0 schema vendored in testdata (the
// schemastore copy GitHub validates against; see testdata/README.md).
func compileSARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// ValidateSARIF checks a SARIF log against the official schema.
func validateSARIF(t testing.TB, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// Ensure the SARIF writer's output is valid against the SARIF 2.1.0 schema,
// for the full fixture and for an empty run, and that the validator does
// reject an invalid log (so the check can fail).
func TestSARIFSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	for name, r := range map[string]*Run{"fixture": fixture(), "empty": {Tool: Tool{Name: "emrguard", Version: "dev"}}} {
		var buf bytes.Buffer
		if err := SARIF(&buf, r); err != nil {
			t.Fatal(err)
		}
		if err := validateSARIF(t, sch, buf.Bytes()); err != nil {
			t.Errorf("%s: SARIF output is not valid SARIF 2.1.0:\n%v", name, err)
		}
	}
	// The committed example output of a real scan (cmd/emrguard -update writes it).
	if data, err := os.ReadFile("../examples/out/scan.sarif"); err == nil {
		if err := validateSARIF(t, sch, data); err != nil {
			t.Errorf("examples/out/scan.sarif is not valid SARIF 2.1.0:\n%v", err)
		}
	} else {
		t.Errorf("examples/out/scan.sarif: %v", err)
	}
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"X","level":"severe","message":{"text":"m"}}]}]}`
	if err := validateSARIF(t, sch, []byte(bad)); err == nil {
		t.Error("the schema accepted level \"severe\"; the validator is not checking")
	}
}

// Ensure what SARIF consumers rely on: levels from severity as tfsec maps
// them, unknown as kind review, pass and n/a left out, fingerprints that do
// not depend on the line, suppressions present.
func TestSARIFContent(t *testing.T) {
	r := fixture()
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID, Kind, Level string
				PartialFingerprints map[string]string
				Suppressions        []struct{ Kind, Status, Justification string }
				Locations           []struct {
					PhysicalLocation *struct {
						Region struct{ StartLine int }
					}
				}
			}
		}
	}
	decode := func(r *Run) {
		var buf bytes.Buffer
		if err := SARIF(&buf, r); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
	}
	decode(r)
	got := log.Runs[0].Results
	var summary []string
	for _, res := range got {
		summary = append(summary, res.RuleID+":"+res.Kind+":"+res.Level)
	}
	want := "EMR102:fail:error EMR204:fail:warning EMR111:review:none EMR802:fail:warning"
	if s := strings.Join(summary, " "); s != want {
		t.Errorf("results %s, want %s", s, want)
	}
	if len(got[1].Suppressions) != 1 || got[1].Suppressions[0].Kind != "inSource" || got[1].Suppressions[0].Status != "accepted" || got[1].Suppressions[0].Justification == "" {
		t.Errorf("suppression of EMR204: %+v", got[1].Suppressions)
	}
	fp := got[0].PartialFingerprints["emrguard/v1"]
	// Move the finding down ten lines: same fingerprint.
	r.Results[0].At.Line += 10
	decode(r)
	if again := log.Runs[0].Results[0].PartialFingerprints["emrguard/v1"]; again != fp || fp == "" {
		t.Errorf("fingerprint changed with the line: %q then %q", fp, again)
	}
	if line := log.Runs[0].Results[0].Locations[0].PhysicalLocation.Region.StartLine; line != 28 {
		t.Errorf("region startLine = %d, want 28", line)
	}
	for _, s := range []control.Severity{control.Critical, control.High, control.Medium, control.Low, control.Info} {
		t.Logf("%s → %s", s, sarifLevel(s))
	}
}

// Ensure the streamed log is byte for byte the log encoded as one value
// (sarifLog, as the writer built it before streaming), for the fixture,
// an empty run and a run with only passes.
func TestSARIFStreamMatches(t *testing.T) {
	passes := fixture()
	passes.Errors, passes.Warnings = nil, nil
	var kept []control.Result
	for _, r := range passes.Results {
		if r.Verdict == control.Passed {
			kept = append(kept, r)
		}
	}
	passes.Results = kept
	for name, r := range map[string]*Run{"fixture": fixture(), "empty": {Tool: Tool{Name: "emrguard", Version: "dev"}}, "passes": passes} {
		var got bytes.Buffer
		if err := SARIF(&got, r); err != nil {
			t.Fatal(err)
		}
		var reported []control.Result
		for _, res := range r.Results {
			if res.Verdict == control.Failed || res.Verdict == control.Unknown {
				reported = append(reported, res)
			}
		}
		run := sarifRun{
			Tool:        sarifTool{Driver: sarifDriver{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: "https://github.com/emrguard/emrguard", Rules: []sarifRule{}}},
			Invocations: []sarifInvocation{{ExecutionSuccessful: len(r.Errors) == 0}},
			Results:     []sarifResult{},
			Properties:  map[string]any{"summary": Summarize(r)},
		}
		if !r.Time.IsZero() {
			run.Invocations[0].EndTimeUTC = r.Time.UTC().Format("2006-01-02T15:04:05Z")
		}
		index := map[string]int{}
		for i, c := range usedControls(reported, nil) {
			index[c.ID] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(c, requirementsByFramework(r, c.ID)))
		}
		id := r.identities()
		for i, res := range r.Results {
			if res.Verdict == control.Failed || res.Verdict == control.Unknown {
				run.Results = append(run.Results, sarifResultOf(res, index[res.Control.ID], id(i), NoBaseline))
			}
		}
		for _, d := range r.Errors {
			run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, sarifNote("error", d))
		}
		for _, d := range r.Warnings {
			run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, sarifNote("warning", d))
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: streamed log differs from the log as one value:\n got %s\nwant %s", name, got.String(), want.String())
		}
	}
}

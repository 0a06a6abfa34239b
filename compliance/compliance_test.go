package compliance_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/compliance"
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/controls"
)

// Ensure the seven built-in frameworks parse, map only controls of the
// catalogue, and cite where their IDs come from.
func TestBuiltinFrameworks(t *testing.T) {
	want := []string{"cis", "emr-bp", "emr-eks-bp", "fsbp", "hipaa", "nist-800-53", "pci-dss"}
	got := compliance.Names(compliance.Builtin())
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("built-in frameworks = %v, want %v", got, want)
	}
	known := func(id string) bool { _, ok := controls.Lookup(id); return ok }
	for _, f := range compliance.Builtin() {
		if err := f.Check(known); err != nil {
			t.Error(err)
		}
		if !strings.HasPrefix(f.Source, "https://") {
			t.Errorf("%s: source %q is not a URL", f.Short, f.Source)
		}
	}
}

// Ensure emr-bp agrees with each control's BestPractice field: every EMR
// control maps to exactly the section it names.
func TestEMRBestPracticesMatchCatalogue(t *testing.T) {
	f, ok := compliance.Find(compliance.Builtin(), "emr-bp")
	if !ok {
		t.Fatal("no emr-bp")
	}
	for _, c := range controls.All() {
		if !strings.HasPrefix(c.BestPractice, "BP ") {
			continue
		}
		got := f.RequirementsOf(c.ID)
		if len(got) != 1 || got[0] != c.BestPractice {
			t.Errorf("%s: emr-bp maps %v, the control says %s", c.ID, got, c.BestPractice)
		}
	}
}

// Ensure every EKS control is in the EKS framework, every EMR control in
// emr-bp (a new control without a mapping is caught here).
func TestEveryControlMappedToItsGuide(t *testing.T) {
	fws := compliance.Builtin()
	for _, c := range controls.All() {
		short := "emr-bp"
		if strings.HasPrefix(c.ID, "EKS") {
			short = "emr-eks-bp"
		}
		f, _ := compliance.Find(fws, short)
		if len(f.RequirementsOf(c.ID)) == 0 {
			t.Errorf("%s is not mapped in %s", c.ID, short)
		}
	}
}

const valid = `short: mine
name: My framework
version: "1"
source: https://example.com/fw
requirements:
  - {id: R1, title: Encrypt}
  - {id: R2, title: Log}
controls:
  EMR102: [R1]
  EMR103: [R1]
  EMR704: [R2]
`

// Ensure a malformed file is refused with its name and the line at fault.
func TestParseErrorsNameFileAndLine(t *testing.T) {
	if _, err := compliance.Parse("mine.yaml", []byte(valid)); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"undeclared requirement", strings.Replace(valid, "EMR704: [R2]", "EMR704: [R3]", 1), `mine.yaml:11: control EMR704: requirement "R3" is not declared`},
		{"bad control ID", strings.Replace(valid, "EMR103:", "emr103:", 1), `mine.yaml:10: "emr103" is not a control ID`},
		{"unknown field", strings.Replace(valid, "version:", "versoin:", 1), `mine.yaml:3: unknown field "versoin"`},
		{"not YAML", "short: [\n", "mine.yaml:1: did not find expected node content"},
		{"missing name", strings.Replace(valid, "name: My framework\n", "", 1), `mine.yaml: "name" is missing`},
		{"unmapped requirement", strings.Replace(valid, "EMR704: [R2]\n", "", 1), `requirement "R2" has no control`},
		{"mapped twice", valid + "  EMR102: [R2]\n", "mine.yaml:12: control EMR102 is mapped twice"},
		{"empty list", strings.Replace(valid, "[R2]", "[]", 1), "mine.yaml:11: control EMR704: want a non-empty list"},
		{"empty", "", "mine.yaml: empty framework file"},
	} {
		_, err := compliance.Parse("mine.yaml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	f, _ := compliance.Parse("mine.yaml", []byte(strings.Replace(valid, "EMR704", "EMR999", 1)))
	err := f.Check(func(id string) bool { _, ok := controls.Lookup(id); return ok })
	if err == nil || !strings.Contains(err.Error(), "mine.yaml:11: no control EMR999") {
		t.Errorf("unknown control: %v", err)
	}
}

// Ensure the roll-up: fail beats unknown beats pass; n/a results and
// results of unmapped controls do not count.
func TestEvaluate(t *testing.T) {
	f, err := compliance.Parse("mine.yaml", []byte(valid+"  EMR101: [R1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	res := func(id string, v control.Verdict) control.Result {
		c, _ := controls.Lookup(id)
		return control.Result{Control: c, Verdict: v}
	}
	for _, tc := range []struct {
		name       string
		results    []control.Result
		r1, r2     control.Verdict
		countsFail int
	}{
		{"nothing", nil, control.NotApplicable, control.NotApplicable, 0},
		{"pass and n/a", []control.Result{res("EMR102", control.Passed), res("EMR103", control.NotApplicable)}, control.Passed, control.NotApplicable, 0},
		{"unknown beats pass", []control.Result{res("EMR102", control.Passed), res("EMR103", control.Unknown)}, control.Unknown, control.NotApplicable, 0},
		{"fail beats unknown", []control.Result{res("EMR101", control.Failed), res("EMR103", control.Unknown), res("EMR704", control.Passed)}, control.Failed, control.Passed, 1},
		{"unmapped control ignored", []control.Result{res("EMR201", control.Failed), res("EMR704", control.Failed)}, control.NotApplicable, control.Failed, 1},
	} {
		rep := compliance.Evaluate(f, tc.results)
		if rep.Requirements[0].Verdict != tc.r1 || rep.Requirements[1].Verdict != tc.r2 || rep.Counts[control.Failed] != tc.countsFail {
			t.Errorf("%s: R1 %s, R2 %s, %d failing; want %s, %s, %d", tc.name, rep.Requirements[0].Verdict, rep.Requirements[1].Verdict, rep.Counts[control.Failed], tc.r1, tc.r2, tc.countsFail)
		}
	}
	rep := compliance.Evaluate(f, []control.Result{res("EMR102", control.Failed), res("EMR103", control.Failed), res("EMR101", control.Passed)})
	if got := rep.Requirements[0].Results; got[control.Failed] != 2 || got[control.Passed] != 1 {
		t.Errorf("R1 counts %v, want 2 fail 1 pass", got)
	}
}

// Ensure the ASFF names follow Security Hub's spelling.
func TestRelated(t *testing.T) {
	fws := compliance.Builtin()
	for short, want := range map[string]string{
		"nist-800-53": "NIST.800-53.r5 SC-8", "pci-dss": "PCI DSS v4.0.1/SC-8", "cis": "CIS AWS Foundations Benchmark v3.0.0/SC-8",
		"emr-bp": "EMR security best practices SC-8",
	} {
		f, _ := compliance.Find(fws, short)
		if got := f.Related("SC-8"); got != want {
			t.Errorf("%s: %q, want %q", short, got, want)
		}
	}
	f, _ := compliance.Parse("mine.yaml", []byte(valid))
	if got := f.Related("R1"); got != "My framework 1/R1" {
		t.Errorf("default: %q", got)
	}
}

package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emrguard/emrguard/control"
)

// requiredASFF reads the field list of testdata/securityhub-required-fields.txt.
func requiredASFF(t *testing.T) []string {
	f, err := os.Open("testdata/securityhub-required-fields.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// present reports whether path ("A", or "A[].B") has a non-empty value in v.
func present(v any, path string) bool {
	head, rest, nested := strings.Cut(path, "[].")
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	x, ok := m[head]
	if !ok || x == nil || x == "" {
		return false
	}
	if !nested {
		if a, isArr := x.([]any); isArr {
			return len(a) > 0
		}
		return true
	}
	a, ok := x.([]any)
	if !ok || len(a) == 0 {
		return false
	}
	for _, e := range a {
		if !present(e, rest) {
			return false
		}
	}
	return true
}

// Ensure every finding has the attributes Security Hub requires, within
// its format rules, and that the verdict mapping is as documented.
func TestASFFRequiredFields(t *testing.T) {
	var buf bytes.Buffer
	if err := ASFF(&buf, fixture()); err != nil {
		t.Fatal(err)
	}
	var findings []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &findings); err != nil {
		t.Fatal(err)
	}
	if len(findings) != 5 {
		t.Fatalf("%d findings, want 5 (6 results less the n/a one)", len(findings))
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	for _, f := range findings {
		for _, p := range requiredASFF(t) {
			if !present(f, p) {
				t.Errorf("finding %v lacks required %s", f["Id"], p)
			}
		}
		if id := f["Id"].(string); len(id) > 512 {
			t.Errorf("Id longer than 512: %s", id)
		}
		for _, k := range []string{"CreatedAt", "UpdatedAt"} {
			if !stamp.MatchString(f[k].(string)) {
				t.Errorf("%s %q is not ISO 8601 UTC with milliseconds", k, f[k])
			}
		}
		if !strings.HasPrefix(f["ProductArn"].(string), "arn:aws:securityhub:") {
			t.Errorf("ProductArn %s", f["ProductArn"])
		}
	}
	status := func(i int) string { return findings[i]["Compliance"].(map[string]any)["Status"].(string) }
	workflow := func(i int) string { return findings[i]["Workflow"].(map[string]any)["Status"].(string) }
	label := func(i int) string { return findings[i]["Severity"].(map[string]any)["Label"].(string) }
	got := []string{status(0) + "/" + label(0), status(1) + "/" + workflow(1), status(2) + "/" + label(2), status(3) + "/" + label(3)}
	want := []string{"FAILED/HIGH", "FAILED/SUPPRESSED", "NOT_AVAILABLE/INFORMATIONAL", "PASSED/INFORMATIONAL"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("mapping %v, want %v", got, want)
	}
	// The event's account and region win over the run's.
	if a := findings[4]["AwsAccountId"]; a != "444455556666" {
		t.Errorf("event finding in account %v, want the event's", a)
	}
}

// Ensure the finding Id follows the fixed recipe and does not move with a
// line, but does change with control, account, region or resource.
func TestASFFStableId(t *testing.T) {
	id := func(mod func(r *Run)) string {
		r := fixture()
		r.Results = r.Results[:1]
		mod(r)
		fs, err := ASFFFindings(r)
		if err != nil {
			t.Fatal(err)
		}
		return fs[0].Id
	}
	base := id(func(*Run) {})
	if want := "emrguard/v1/EMR102/111122223333/eu-west-1/"; !strings.HasPrefix(base, want) || len(base) != len(want)+32 {
		t.Fatalf("Id %s does not follow the recipe", base)
	}
	if other := id(func(r *Run) {
		r.Results[0].At.Line = 99
		r.Results[0].Resource.Loc.Line = 90
		r.Results[0].Message = "x"
	}); other != base {
		t.Errorf("Id moved with the line or message: %s vs %s", other, base)
	}
	for name, mod := range map[string]func(*Run){
		"account":  func(r *Run) { r.Account = "999999999999" },
		"region":   func(r *Run) { r.Region = "us-east-2" },
		"resource": func(r *Run) { r.Results[0].Resource.ID = "Other" },
		"file":     func(r *Run) { r.Results[0].Resource.Loc.File = "other.yaml" },
		"control":  func(r *Run) { c := *r.Results[0].Control; c.ID = "EMR103"; r.Results[0].Control = &c },
	} {
		if id(mod) == base {
			t.Errorf("changing the %s kept Id %s", name, base)
		}
	}
}

// Ensure a result with no known account is an error naming it, not a
// finding Security Hub would reject.
func TestASFFNoAccount(t *testing.T) {
	r := fixture()
	r.Account = ""
	_, err := ASFFFindings(r)
	if err == nil || !strings.Contains(err.Error(), "EMR102 on AWS::EMR::Cluster NightlyEtl") {
		t.Errorf("err = %v", err)
	}
	r.Results = []control.Result{}
	if fs, err := ASFFFindings(r); err != nil || len(fs) != 0 {
		t.Errorf("empty run: %v %v", fs, err)
	}
}

// Ensure clip never splits a rune and respects the limit.
func TestClip(t *testing.T) {
	s := strings.Repeat("é", 600)
	c := clip(s, 1024)
	if len(c) > 1024 || !strings.HasSuffix(c, "...") || !utf8.ValidString(c) {
		t.Errorf("clip: len %d", len(c))
	}
}

package suppress

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

var (
	emr102 = &control.Control{ID: "EMR102", Severity: control.High}
	emr204 = &control.Control{ID: "EMR204", Severity: control.High}
	today  = time.Date(2027, 3, 31, 15, 0, 0, 0, time.UTC)
)

func known(id string) bool { return id == "EMR102" || id == "EMR204" }

func result(c *control.Control, v control.Verdict, file string, line int) control.Result {
	ref := model.Ref{Kind: "AWS::EMR::Cluster", ID: "Etl", Account: "111122223333", Region: "eu-west-1", Loc: model.Loc{File: file, Line: 1}}
	return control.Result{Control: c, Resource: ref, Verdict: v, At: model.Loc{File: file, Line: line}}
}

func files(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := m[name]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
}

func diagText(ds source.Diagnostics) string {
	var s []string
	for _, d := range ds {
		lvl := "error"
		if d.Level == source.Warning {
			lvl = "warning"
		}
		s = append(s, lvl+" "+d.Error())
	}
	return strings.Join(s, "\n")
}

// Ensure an inline comment on the result's line or the comment block
// above it suppresses, and one further away or for another control does not.
func TestInlineYAML(t *testing.T) {
	src := `Resources:
  Etl:
    # emrguard:ignore EMR102 until=2027-12-31 reason="TLS ends at the load balancer"
    # another comment
    SecurityConfiguration: !Ref Sec
    KeyName: ops   # emrguard:ignore EMR204 reason="bastion only"
    Other: x
    Name: "# emrguard:ignore EMR102 reason=\"in a string\""
`
	rs := []control.Result{
		result(emr102, control.Failed, "t.yaml", 5),
		result(emr204, control.Failed, "t.yaml", 6),
		result(emr102, control.Failed, "t.yaml", 7),
		result(emr204, control.Failed, "t.yaml", 5),
		result(emr102, control.Passed, "t.yaml", 5),
		result(emr102, control.Failed, "t.yaml", 8),
	}
	ds := Apply(rs, Options{Now: today, Known: known, ReadFile: files(map[string]string{"t.yaml": src})})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %s", diagText(ds))
	}
	want := []bool{true, true, false, false, false, false}
	for i, r := range rs {
		if got := r.Suppressed != nil; got != want[i] {
			t.Errorf("result %d (%s line %d): suppressed=%v, want %v", i, r.Control.ID, r.At.Line, got, want[i])
		}
	}
	s := rs[0].Suppressed
	if s.Reason != "TLS ends at the load balancer" || s.Until.Format(time.DateOnly) != "2027-12-31" || s.Origin.String() != "t.yaml:3" || s.External {
		t.Errorf("suppression = %+v", s)
	}
}

// Ensure a suppression expires after its until day, and says so once.
func TestExpiry(t *testing.T) {
	src := "cluster:  # emrguard:ignore EMR102 until=2027-03-31 reason=\"migration ticket OPS-1\"\n"
	for _, tc := range []struct {
		now        time.Time
		suppressed bool
		warning    string
	}{
		{today, true, ""}, // the last day still applies
		{today.Add(9 * time.Hour), false, "warning t.hcl:1: suppression of EMR102 expired on 2027-03-31: EMR102 on AWS::EMR::Cluster Etl is reported again (reason was \"migration ticket OPS-1\")"},
	} {
		rs := []control.Result{result(emr102, control.Failed, "t.hcl", 1), result(emr102, control.Unknown, "t.hcl", 1)}
		ds := Apply(rs, Options{Now: tc.now, Known: known, ReadFile: files(map[string]string{"t.hcl": src})})
		if got := rs[0].Suppressed != nil; got != tc.suppressed {
			t.Errorf("at %s: suppressed=%v, want %v", tc.now, got, tc.suppressed)
		}
		if got := diagText(ds); got != tc.warning {
			t.Errorf("at %s: diagnostics\n%s\nwant\n%s", tc.now, got, tc.warning)
		}
	}
}

// Ensure suppressions without a reason, with bad dates, unknown controls or
// keys are refused with errors naming the line.
func TestRefused(t *testing.T) {
	src := strings.Join([]string{
		"a: 1 # emrguard:ignore EMR102",
		"b: 1 # emrguard:ignore EMR102 reason=\"\"",
		"c: 1 # emrguard:ignore EMR102 until=31/03/2027 reason=x",
		"d: 1 # emrguard:ignore EMR999 reason=x",
		"e: 1 # emrguard:ignore EMR102 because=x",
		"f: 1 # emrguard:ignore reason=x",
		"g: 1 # emrguard:ignore EMR102 reason=\"open",
	}, "\n")
	var rs []control.Result
	for i := 1; i <= 7; i++ {
		rs = append(rs, result(emr102, control.Failed, "bad.yaml", i))
	}
	ds := Apply(rs, Options{Now: today, Known: known, ReadFile: files(map[string]string{"bad.yaml": src})})
	for _, r := range rs {
		if r.Suppressed != nil {
			t.Errorf("line %d suppressed by a refused suppression", r.At.Line)
		}
	}
	if len(ds) != 7 {
		t.Fatalf("got %d diagnostics, want 7:\n%s", len(ds), diagText(ds))
	}
	for i, d := range ds {
		if d.Level != source.Error || d.At.Line != i+1 || !strings.Contains(d.Msg, "refused") {
			t.Errorf("diagnostic %d = %s", i, diagText(source.Diagnostics{d}))
		}
	}
	if !strings.Contains(ds[0].Msg, "no reason") {
		t.Errorf("first diagnostic should say the reason is missing: %s", ds[0].Msg)
	}
}

// Ensure a JSON file's sidecar suppresses by line and for the whole file,
// and that comment-like text inside the JSON itself is ignored.
func TestJSONSidecar(t *testing.T) {
	fs := files(map[string]string{
		"r.json":                 "{\n \"Name\": \"# emrguard:ignore EMR204 reason=x\",\n \"KeyName\": \"k\"\n}\n",
		"r.json" + SidecarSuffix: "# accepted risks for r.json\n\n3 emrguard:ignore EMR204 until=2028-01-01 reason=\"break-glass key\"\n* emrguard:ignore EMR102 reason=\"sandbox account\"\n",
	})
	rs := []control.Result{result(emr204, control.Failed, "r.json", 2), result(emr204, control.Failed, "r.json", 3), result(emr102, control.Failed, "r.json", 4)}
	ds := Apply(rs, Options{Now: today, Known: known, ReadFile: fs})
	if len(ds) != 0 {
		t.Fatal(diagText(ds))
	}
	if rs[0].Suppressed != nil || rs[1].Suppressed == nil || rs[2].Suppressed == nil {
		t.Fatalf("suppressed: %v %v %v", rs[0].Suppressed, rs[1].Suppressed, rs[2].Suppressed)
	}
	if got := rs[1].Suppressed.Origin.String(); got != "r.json.emrguard-ignore:3" || !rs[1].Suppressed.External {
		t.Errorf("origin = %s external=%v", got, rs[1].Suppressed.External)
	}
}

// Ensure config rules match by control, resource pattern, account and region.
func TestConfigRules(t *testing.T) {
	rules := []Rule{
		{Controls: []string{"EMR102"}, Resource: "E*", Account: "111122223333", Region: "eu-*", Reason: "r1", External: true},
		{Controls: []string{"*"}, Resource: "Other", Reason: "r2"},
		{Controls: []string{"EMR204"}, Region: "us-east-1", Reason: "r3"},
	}
	rs := []control.Result{result(emr102, control.Failed, "", 0), result(emr204, control.Failed, "", 0)}
	if ds := Apply(rs, Options{Now: today, Rules: rules}); len(ds) != 0 {
		t.Fatal(diagText(ds))
	}
	if rs[0].Suppressed == nil || rs[0].Suppressed.Reason != "r1" {
		t.Errorf("EMR102: %+v", rs[0].Suppressed)
	}
	if rs[1].Suppressed != nil {
		t.Errorf("EMR204 in eu-west-1 suppressed by a us-east-1 rule: %+v", rs[1].Suppressed)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		r    Rule
		want string
	}{
		{Rule{Controls: []string{"EMR102"}}, "no reason"},
		{Rule{Reason: "x"}, "names no control"},
		{Rule{Controls: []string{"EMR1"}, Reason: "x"}, "unknown control"},
		{Rule{Controls: []string{"EMR102"}, Resource: "[", Reason: "x"}, "pattern"},
	} {
		err := tc.r.Validate(known)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tc.r, err, tc.want)
		}
	}
}

// Ensure hostile input neither panics nor takes long: a huge file of
// comment lines and a directive full of quotes.
func TestHostile(t *testing.T) {
	big := strings.Repeat("# emrguard:ignore EMR102 reason=\"x\"\n", 100000) + "k: v\n"
	rs := []control.Result{result(emr102, control.Failed, "big.yaml", 100001)}
	ds := Apply(rs, Options{Now: today, Known: known, ReadFile: files(map[string]string{"big.yaml": big})})
	if len(ds) != 0 || rs[0].Suppressed == nil {
		t.Fatalf("diags=%d suppressed=%v", len(ds), rs[0].Suppressed)
	}
	if _, err := parseDirective(strings.Repeat(`"\`, 5000)); err == nil {
		t.Error("unterminated quotes accepted")
	}
}

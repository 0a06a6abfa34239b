package control

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

func evidence() *model.Evidence {
	return &model.Evidence{
		Clusters: []*model.Cluster{
			{Ref: model.Ref{Kind: "emr:cluster", ID: "a", Loc: model.Loc{File: "a.json", Line: 1}}},
			{Ref: model.Ref{Kind: "emr:cluster", ID: "b", Loc: model.Loc{File: "b.json", Line: 1}}},
		},
		SecurityConfigurations: []*model.SecurityConfiguration{{Ref: model.Ref{Kind: "emr:security-configuration", ID: "s", Loc: model.Loc{File: "s.json", Line: 1}}}},
	}
}

// Ensure a panicking control becomes Unknown results naming it, for the
// resources it had not judged, and the other controls still run.
func TestEvaluatePanic(t *testing.T) {
	bad := &Control{ID: "EMR998", Sources: IaC, Run: func(p *Pass) {
		p.Failf(p.Evidence.Clusters[0].Ref, model.Loc{}, "judged before the panic")
		var m map[string]int
		m["boom"]++
	}}
	good := &Control{ID: "EMR999", Sources: IaC, Run: func(p *Pass) {
		for _, c := range p.Evidence.Clusters {
			p.Passf(c.Ref, model.Loc{}, "fine")
		}
	}}
	rs := Evaluate([]*Control{bad, good}, evidence(), IaC, Config{})
	var got []string
	for _, r := range rs {
		got = append(got, r.Control.ID+" "+r.Resource.ID+" "+r.Verdict.String())
		if r.Control == bad && r.Verdict == Unknown && !strings.Contains(r.Message, "internal error in control EMR998") {
			t.Errorf("message %q does not name the control", r.Message)
		}
	}
	want := "EMR998 a fail|EMR999 a pass|EMR998 b unknown|EMR999 b pass|EMR998 s unknown"
	if strings.Join(got, "|") != want {
		t.Errorf("results\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

// Ensure controls run only on the source kinds they declare, and planned
// controls (no Run) are skipped.
func TestEvaluateSources(t *testing.T) {
	live := &Control{ID: "EMR997", Sources: Live, Run: func(p *Pass) { p.Failf(p.Evidence.Clusters[0].Ref, model.Loc{}, "x") }}
	planned := &Control{ID: "EMR996", Sources: IaC}
	if rs := Evaluate([]*Control{live, planned}, evidence(), IaC, Config{}); len(rs) != 0 {
		t.Errorf("got %d results, want none", len(rs))
	}
	if rs := Evaluate([]*Control{live}, evidence(), Live|IaC, Config{}); len(rs) != 1 {
		t.Errorf("got %d results, want 1", len(rs))
	}
}

// Ensure verdicts and severities print and parse by the names of the JSON contract.
func TestNames(t *testing.T) {
	for _, v := range []Verdict{Failed, Passed, Unknown, NotApplicable} {
		b, _ := v.MarshalText()
		back, err := ParseVerdict(string(b))
		if err != nil || back != v {
			t.Errorf("verdict %v round trip: %v %v", v, back, err)
		}
	}
	if NotApplicable.String() != "n/a" || Failed.String() != "fail" {
		t.Error("verdict names")
	}
	if s, err := ParseSeverity("HIGH"); err != nil || s != High {
		t.Errorf("ParseSeverity: %v %v", s, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted severe")
	}
	if (IaC | Event).String() != "I E" {
		t.Errorf("sources %q", (IaC | Event).String())
	}
}

// Ensure a control sees only resources of the kinds it can judge: a
// cluster from a launch event is not judged by an IaC/Live control.
func TestEvaluateOrigins(t *testing.T) {
	ev := evidence()
	ev.Clusters[1].Ref.Origin = model.FromEvent
	var seen []string
	iac := &Control{ID: "EMR995", Sources: IaC | Live, Run: func(p *Pass) {
		for _, c := range p.Evidence.Clusters {
			seen = append(seen, c.Ref.ID)
		}
	}}
	all := &Control{ID: "EMR994", Sources: IaC | Live | Event, Run: func(p *Pass) {
		for _, c := range p.Evidence.Clusters {
			seen = append(seen, "all:"+c.Ref.ID)
		}
	}}
	Evaluate([]*Control{iac, all}, ev, IaC|Event, Config{})
	if got := strings.Join(seen, " "); got != "a all:a all:b" {
		t.Errorf("clusters seen: %s, want a all:a all:b", got)
	}
}

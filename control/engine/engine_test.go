package engine

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/emrguard/emrguard/control"
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
	bad := &control.Control{ID: "EMR998", Sources: control.IaC, Run: func(p *control.Pass) {
		p.Failf(p.Evidence.Clusters[0].Ref, model.Loc{}, "judged before the panic")
		var m map[string]int
		m["boom"]++
	}}
	good := &control.Control{ID: "EMR999", Sources: control.IaC, Run: func(p *control.Pass) {
		for _, c := range p.Evidence.Clusters {
			p.Passf(c.Ref, model.Loc{}, "fine")
		}
	}}
	rs := Evaluate([]*control.Control{bad, good}, evidence(), control.IaC, control.Config{})
	var got []string
	for _, r := range rs {
		got = append(got, r.Control.ID+" "+r.Resource.ID+" "+r.Verdict.String())
		if r.Control == bad && r.Verdict == control.Unknown && !strings.Contains(r.Message, "internal error in control EMR998") {
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
	live := &control.Control{ID: "EMR997", Sources: control.Live, Run: func(p *control.Pass) { p.Failf(p.Evidence.Clusters[0].Ref, model.Loc{}, "x") }}
	planned := &control.Control{ID: "EMR996", Sources: control.IaC}
	if rs := Evaluate([]*control.Control{live, planned}, evidence(), control.IaC, control.Config{}); len(rs) != 0 {
		t.Errorf("got %d results, want none", len(rs))
	}
	if rs := Evaluate([]*control.Control{live}, evidence(), control.Live|control.IaC, control.Config{}); len(rs) != 1 {
		t.Errorf("got %d results, want 1", len(rs))
	}
}

// Ensure a control sees only resources of the kinds it can judge: a
// cluster from a launch event is not judged by an IaC/Live control.
func TestEvaluateOrigins(t *testing.T) {
	ev := evidence()
	ev.Clusters[1].Ref.Origin = model.FromEvent
	var seen []string
	iac := &control.Control{ID: "EMR995", Sources: control.IaC | control.Live, Run: func(p *control.Pass) {
		for _, c := range p.Evidence.Clusters {
			seen = append(seen, c.Ref.ID)
		}
	}}
	all := &control.Control{ID: "EMR994", Sources: control.IaC | control.Live | control.Event, Run: func(p *control.Pass) {
		for _, c := range p.Evidence.Clusters {
			seen = append(seen, "all:"+c.Ref.ID)
		}
	}}
	Evaluate([]*control.Control{iac, all}, ev, control.IaC|control.Event, control.Config{})
	if got := strings.Join(seen, " "); got != "a all:a all:b" {
		t.Errorf("clusters seen: %s, want a all:a all:b", got)
	}
}

// Ensure a run of bigRun results or more asks the caller's Room for the
// size of its merged slice, and resumes it once merged, with the same
// results as without one: the engine itself never tunes the collector.
func TestEvaluateRoom(t *testing.T) {
	many := &control.Control{ID: "EMR993", Sources: control.IaC, Run: func(p *control.Pass) {
		for i := range bigRun {
			c := p.Evidence.Clusters[i%2]
			p.On(strconv.Itoa(i)).Passf(c.Ref, model.Loc{}, "fine")
		}
	}}
	var asked uint64
	resumed := false
	o := Options{Room: func(n uint64) func() {
		asked = n
		return func() { resumed = true }
	}}
	got := o.Evaluate([]*control.Control{many}, evidence(), control.IaC, control.Config{})
	if want := uint64(bigRun) * uint64(unsafe.Sizeof(control.Result{})); asked != want || !resumed {
		t.Errorf("Room asked for %d bytes, resumed %v; want %d, true", asked, resumed, want)
	}
	plain := Evaluate([]*control.Control{many}, evidence(), control.IaC, control.Config{})
	if !reflect.DeepEqual(got, plain) {
		t.Error("results with Room differ from those without")
	}
}

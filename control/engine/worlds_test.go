package engine

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// Ensure the worlds of an alternative decide the root's unknown results
// only: a verdict every world where the resource has one agrees on
// replaces the unknown and says so; disagreeing worlds leave it unknown
// saying what each gives; a decided result stays, except a pass some
// world fails, which becomes unknown; a result about a
// resource the root does not own alone stays; an unknown the worlds judge
// away (its resource judged, this result not) goes; and a result only the
// worlds give is added.
func TestSettleWorlds(t *testing.T) {
	// EMR990 judges a cluster by its name; EMR991 passes every cluster, so
	// that a cluster EMR990 is silent about is still judged.
	byName := &control.Control{ID: "EMR990", Sources: control.IaC, Run: func(p *control.Pass) {
		for _, c := range p.Evidence.Clusters {
			switch c.Ref.Name {
			case "pass":
				p.Passf(c.Ref, model.Loc{}, "ok")
			case "fail":
				p.Failf(c.Ref, model.Loc{}, "bad")
			case "unknown":
				p.Unknownf(c.Ref, model.Loc{}, "count is unknown")
			case "na":
				p.NAf(c.Ref, model.Loc{}, "does not apply")
			}
		}
	}}
	every := &control.Control{ID: "EMR991", Sources: control.IaC, Run: func(p *control.Pass) {
		for _, c := range p.Evidence.Clusters {
			p.Passf(c.Ref, model.Loc{}, "fine")
		}
	}}
	ev := func(names map[string]string) *model.Evidence {
		e := &model.Evidence{}
		for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
			if n, ok := names[id]; ok {
				e.Clusters = append(e.Clusters, &model.Cluster{Ref: model.Ref{ID: id, Name: n, Loc: model.Loc{File: "main.tf", Line: 1}}})
			}
		}
		return e
	}
	root := ev(map[string]string{"a": "unknown", "b": "unknown", "c": "pass", "e": "unknown", "g": "unknown", "h": "na"})
	all := ev(map[string]string{"a": "unknown", "b": "unknown", "c": "pass", "d": "unknown", "e": "unknown", "g": "unknown", "h": "na"})
	all.Alternatives = []*model.Alternatives{{
		Unknowns: []string{"var.x"},
		Base:     root,
		Worlds: []model.World{
			{Values: []bool{true}, Evidence: ev(map[string]string{"a": "pass", "b": "pass", "c": "fail", "d": "pass", "f": "fail", "g": "gone", "h": "fail"})},
			{Values: []bool{false}, Evidence: ev(map[string]string{"a": "pass", "b": "fail", "c": "fail", "d": "pass", "g": "gone"})},
		},
	}}
	got := map[string]control.Result{}
	for _, r := range Evaluate([]*control.Control{byName, every}, all, control.IaC, control.Config{}) {
		if r.Control == byName {
			if _, dup := got[r.Resource.ID]; dup {
				t.Errorf("two results for %s", r.Resource.ID)
			}
			got[r.Resource.ID] = r
		}
	}
	want := map[string]struct {
		v   control.Verdict
		msg string
	}{
		"a": {control.Passed, "ok (the same whether var.x is true or false)"},
		"b": {control.Unknown, "count is unknown; the verdict depends on var.x: when var.x is true: pass, ok; when var.x is false: fail, bad"},
		"c": {control.Unknown, "ok; but when var.x is true: fail, bad; when var.x is false: fail, bad"},
		"d": {control.Unknown, "count is unknown"},
		"e": {control.Unknown, "count is unknown"},
		"f": {control.Failed, "bad (in every case where it exists: when var.x is true)"},
		// An n/a of the first reading that fails in a world is unknown too.
		"h": {control.Unknown, "does not apply; but when var.x is true: fail, bad"},
	}
	for id, w := range want {
		r, ok := got[id]
		switch {
		case !ok:
			t.Errorf("%s: no result, want %s %q", id, w.v, w.msg)
		case r.Verdict != w.v || r.Message != w.msg:
			t.Errorf("%s: %s %q, want %s %q", id, r.Verdict, r.Message, w.v, w.msg)
		}
	}
	if r, ok := got["g"]; ok {
		t.Errorf("g: %s %q, want no result (the worlds judge g, and EMR990 says nothing of it)", r.Verdict, r.Message)
	}
	if len(all.Alternatives) != 0 || !strings.Contains(got["a"].Message, "var.x") {
		t.Errorf("alternatives left in the evidence, or a not settled")
	}
}

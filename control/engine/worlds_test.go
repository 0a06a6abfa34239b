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

// Ensure worlds of count unknowns say "is 0" and "is at least 1", that
// the cases a resource exists in name only the unknowns fixed in them
// when the others take every value, and that a root over the bound keeps
// its count unknowns unknown, saying why, and nothing else changes.
func TestWorldTexts(t *testing.T) {
	alt := &model.Alternatives{Unknowns: []string{"var.on", "length(var.l)", "var.n > 0"}, Kinds: []model.UnknownKind{model.Boolean, model.Count, model.Boolean}}
	w := func(v ...bool) model.World { return model.World{Values: v} }
	if got, want := worldText(alt, []bool{true, false, true}), "var.on is true and length(var.l) is 0 and var.n > 0 is true"; got != want {
		t.Errorf("worldText %q, want %q", got, want)
	}
	if got, want := orText(alt), "var.on is true or false and length(var.l) is 0 or more and var.n > 0 is true or false"; got != want {
		t.Errorf("orText %q, want %q", got, want)
	}
	for _, c := range []struct {
		in   []model.World
		want string
	}{
		{[]model.World{w(true, true, true), w(true, true, false)}, "when var.on is true and length(var.l) is at least 1"},
		{[]model.World{w(true, true, true), w(false, true, true), w(true, true, false), w(false, true, false)}, "when length(var.l) is at least 1"},
		// Not every combination of the others: each world is named.
		{[]model.World{w(true, true, true), w(false, false, true)}, "when var.on is true and length(var.l) is at least 1 and var.n > 0 is true, or when var.on is false and length(var.l) is 0 and var.n > 0 is true"},
	} {
		if got := existsText(alt, c.in); got != "in every case where it exists: "+c.want {
			t.Errorf("existsText %q, want %q", got, c.want)
		}
	}

	say := &control.Control{ID: "EMR992", Sources: control.IaC, Run: func(p *control.Pass) {
		for _, c := range p.Evidence.Clusters {
			p.Unknownf(c.Ref, model.Loc{}, "%s", c.Ref.Name)
		}
	}}
	root := &model.Evidence{Clusters: []*model.Cluster{
		{Ref: model.Ref{ID: "a", Name: "count of aws_x.a is unknown", Loc: model.Loc{File: "main.tf", Line: 1}}},
		{Ref: model.Ref{ID: "b", Name: "role is not in the inputs", Loc: model.Loc{File: "main.tf", Line: 2}}},
	}}
	all := &model.Evidence{}
	all.Merge(root)
	all.Alternatives = []*model.Alternatives{{Unknowns: []string{"var.a", "var.b", "var.c", "var.d"}, Base: root, Bound: 3}}
	got := map[string]string{}
	for _, r := range Evaluate([]*control.Control{say}, all, control.IaC, control.Config{}) {
		got[r.Resource.ID] = r.Message
	}
	if want := "count of aws_x.a is unknown; not judged per case: too many unknown conditions (4: var.a, var.b, var.c, var.d; at most 3 are)"; got["a"] != want {
		t.Errorf("a: %q, want %q", got["a"], want)
	}
	if want := "role is not in the inputs"; got["b"] != want {
		t.Errorf("b: %q, want %q", got["b"], want)
	}
}

// Ensure a result the first reading decided on a for_each's one instance
// standing for each says it holds for every element, when the worlds
// where it exists are those where the collection has elements and they
// give the same verdict; a resource in every world says nothing more,
// and one that fails in a world is unknown as before.
func TestForEveryElement(t *testing.T) {
	byName := &control.Control{ID: "EMR993", Sources: control.IaC, Run: func(p *control.Pass) {
		for _, c := range p.Evidence.Clusters {
			if c.Ref.Name == "pass" {
				p.Passf(c.Ref, model.Loc{}, "ok")
			} else {
				p.Failf(c.Ref, model.Loc{}, "bad")
			}
		}
	}}
	ev := func(names map[string]string) *model.Evidence {
		e := &model.Evidence{}
		for _, id := range []string{"a", "b", "c", "d"} {
			if n, ok := names[id]; ok {
				e.Clusters = append(e.Clusters, &model.Cluster{Ref: model.Ref{ID: id, Name: n, Loc: model.Loc{File: "main.tf", Line: 1}}})
			}
		}
		return e
	}
	first := map[string]string{"a": "fail", "b": "pass", "c": "pass", "d": "pass"}
	root := ev(first)
	all := ev(first)
	all.Alternatives = []*model.Alternatives{{Unknowns: []string{"var.names"}, Kinds: []model.UnknownKind{model.Each}, Base: root,
		Worlds: []model.World{
			{Values: []bool{true}, Evidence: ev(map[string]string{"a": "fail", "b": "pass", "c": "pass", "d": "fail"})},
			{Values: []bool{false}, Evidence: ev(map[string]string{"c": "pass"})},
		}}}
	got := map[string]string{}
	for _, r := range Evaluate([]*control.Control{byName}, all, control.IaC, control.Config{}) {
		got[r.Resource.ID] = r.Verdict.String() + " " + r.Message
	}
	want := map[string]string{
		"a": "fail bad (for every element of var.names)",
		"b": "pass ok (for every element of var.names)",
		"c": "pass ok",
		"d": "unknown ok; but when var.names is not empty: fail, bad",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
}

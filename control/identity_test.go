package control

import (
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

// Ensure an identity is made of control, resource and subject, and of
// nothing positional: the line and column of the resource and of the
// attribute do not change it, the file, the ID, the account and the
// subject do.
func TestIdentityParts(t *testing.T) {
	ctl := &Control{ID: "EMR602"}
	base := Result{Control: ctl, Resource: model.Ref{Kind: "AWS::EMR::Cluster", ID: "Etl", Loc: model.Loc{File: "stacks/etl.yaml", Line: 10}},
		At: model.Loc{File: "stacks/etl.yaml", Line: 14}, Message: "m", Subject: "service role"}
	id := func(r Result) string { return Identify([]Result{r})[0].String() }
	want := id(base)
	if !strings.HasPrefix(want, "EMR602/") || !strings.Contains(want, "/s:") {
		t.Fatalf("identity %q: want EMR602/<resource>/s:<subject>", want)
	}
	moved := base
	moved.Resource.Loc.Line, moved.At.Line, moved.At.Col = 40, 44, 3
	moved.Message = "m" // the message may change with the line; here it does not
	if got := id(moved); got != want {
		t.Errorf("moving the lines changed the identity: %s → %s", want, got)
	}
	for name, change := range map[string]func(r *Result){
		"file":    func(r *Result) { r.Resource.Loc.File = "stacks/other.yaml" },
		"id":      func(r *Result) { r.Resource.ID = "Adhoc" },
		"kind":    func(r *Result) { r.Resource.Kind = "aws_emr_cluster" },
		"control": func(r *Result) { r.Control = &Control{ID: "EMR601"} },
		"subject": func(r *Result) { r.Subject = "instance profile" },
		"account": func(r *Result) { r.Resource.Account = "111122223333" },
		"none":    func(r *Result) { r.Subject = "" },
	} {
		r := base
		change(&r)
		if got := id(r); got == want {
			t.Errorf("changing the %s kept the identity %s", name, got)
		}
	}
	// Windows and slash paths name one file.
	win := base
	win.Resource.Loc.File = `stacks\etl.yaml`
	if got := id(win); got != want {
		t.Errorf("a backslash path changed the identity: %s → %s", want, got)
	}
}

// Ensure results that share control, resource and subject still get
// distinct identities, by an ordinal that follows what they say, not the
// order they come in or their lines: the twin whose message sorts first
// keeps the bare identity whichever order the results are given in.
func TestIdentifyTwins(t *testing.T) {
	ctl := &Control{ID: "EMR205"}
	ref := model.Ref{Kind: "ec2:security-group", ID: "sg-1", Account: "111122223333", Region: "eu-west-1"}
	rs := []Result{
		{Control: ctl, Resource: ref, Subject: "ingress tcp port 22 from 0.0.0.0/0", Message: "b", At: model.Loc{File: "f", Line: 1}},
		{Control: ctl, Resource: ref, Subject: "ingress tcp port 22 from 0.0.0.0/0", Message: "a", At: model.Loc{File: "f", Line: 2}},
		{Control: ctl, Resource: ref, Subject: "ingress tcp port 22 from 0.0.0.0/0", Message: "c", At: model.Loc{File: "f", Line: 3}},
		{Control: ctl, Resource: ref, Subject: "ingress all traffic from ::/0", Message: "a"},
	}
	byMessage := func(rs []Result) map[string]string {
		m := map[string]string{}
		for i, id := range Identify(rs) {
			m[rs[i].Message+"|"+rs[i].Subject] = id.String()
		}
		return m
	}
	got := byMessage(rs)
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("identity %s given twice: %v", id, got)
		}
		seen[id] = true
	}
	bare := got["a|ingress tcp port 22 from 0.0.0.0/0"]
	if strings.Contains(bare, "/#") {
		t.Errorf("the first twin by message has an ordinal: %s", bare)
	}
	if !strings.HasSuffix(got["b|ingress tcp port 22 from 0.0.0.0/0"], "/#2") || !strings.HasSuffix(got["c|ingress tcp port 22 from 0.0.0.0/0"], "/#3") {
		t.Errorf("the later twins are not #2 and #3 by message: %v", got)
	}
	if strings.Contains(got["a|ingress all traffic from ::/0"], "/#") {
		t.Errorf("a result alone on its subject has an ordinal: %v", got)
	}
	// The same results in another order, at other lines: the same identities.
	rev := slices.Clone(rs)
	slices.Reverse(rev)
	for i := range rev {
		rev[i].At.Line += 100
	}
	if again := byMessage(rev); !maps.Equal(again, got) {
		t.Errorf("reordered results got other identities:\n got %v\nwant %v", again, got)
	}
}

// Ensure keys whose hashes meet are told apart by the keys themselves:
// with every hash equal, the twins still get #2 and #3 and no other
// result gets an ordinal (Identify gives what it gives with a real hash).
func TestOrdinalsHashesMeet(t *testing.T) {
	ctl := &Control{ID: "EMR205"}
	ref := model.Ref{Kind: "ec2:security-group", ID: "sg-1"}
	other := ref
	other.ID = "sg-2"
	rs := []Result{
		{Control: ctl, Resource: ref, Subject: "s", Message: "b"},
		{Control: ctl, Resource: other, Subject: "s", Message: "z"},
		{Control: ctl, Resource: ref, Subject: "t", Message: "a"},
		{Control: ctl, Resource: other, Subject: "s", Message: "y"},
		{Control: ctl, Resource: ref, Subject: "s", Message: "a"},
		{Control: ctl, Resource: ref, Subject: "s", Message: "c"},
	}
	want := map[int]int{0: 2, 1: 2, 5: 3}
	if got := Ordinals(rs); !maps.Equal(got, want) {
		t.Fatalf("real hash: ordinals %v, want %v", got, want)
	}
	real := Identify(rs)
	defer func(h func(maphash.Seed, twinKey) uint64) { twinHash = h }(twinHash)
	twinHash = func(maphash.Seed, twinKey) uint64 { return 7 }
	if got := Ordinals(rs); !maps.Equal(got, want) {
		t.Errorf("every hash equal: ordinals %v, want %v", got, want)
	}
	if got := Identify(rs); !slices.Equal(got, real) {
		t.Errorf("every hash equal: identities\n %v\nwant %v", got, real)
	}
}

// Ensure Pass.On carries its subject into the result, cut like any
// quoted value, and the plain helpers leave it empty.
func TestPassOnSubject(t *testing.T) {
	var got []Result
	p := &Pass{Control: &Control{ID: "EMR203"}, report: func(r Result) { got = append(got, r) }}
	ref := model.Ref{Kind: "k", ID: "i"}
	p.On("ingress tcp port 22 from 0.0.0.0/0").Failf(ref, model.Loc{}, "open")
	p.On(strings.Repeat("x", MaxQuoted+10)).Unknownf(ref, model.Loc{}, "long")
	p.Passf(ref, model.Loc{}, "plain")
	if got[0].Subject != "ingress tcp port 22 from 0.0.0.0/0" || got[0].Verdict != Failed {
		t.Errorf("On(...).Failf: %+v", got[0])
	}
	if len(got[1].Subject) > MaxQuoted+len("…") {
		t.Errorf("a long subject was not cut: %d bytes", len(got[1].Subject))
	}
	if got[2].Subject != "" {
		t.Errorf("Passf set a subject: %q", got[2].Subject)
	}
}

// corpusResults is a corpus-sized run: 280,000 results on 28,000
// resources, each resource's results with their own subjects.
func corpusResults() []Result {
	ctl := &Control{ID: "EMR102"}
	rs := make([]Result, 280_000)
	for i := range rs {
		rs[i] = Result{Control: ctl, Resource: model.Ref{Kind: "AWS::EMR::Cluster", ID: "Cluster", Loc: model.Loc{File: fmt.Sprintf("cfn-10000/stack-%05d.yaml", i/10), Line: 3}},
			Subject: fmt.Sprint(i % 10), Message: "m"}
	}
	return rs
}

// BenchmarkIdentify measures the identities of a corpus-sized run.
func BenchmarkIdentify(b *testing.B) {
	rs := corpusResults()
	b.ReportAllocs()
	for b.Loop() {
		Identify(rs)
	}
}

// BenchmarkOrdinals measures finding the twins of a corpus-sized run
// (what a writer pays before its first identity).
func BenchmarkOrdinals(b *testing.B) {
	rs := corpusResults()
	b.ReportAllocs()
	for b.Loop() {
		Ordinals(rs)
	}
}

package control

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emrguard/emrguard/model"
)

// Ensure a result quotes at most MaxQuoted bytes of a name, ID or
// string argument, cut on a character with "…", and short ones whole.
func TestResultsCutQuotes(t *testing.T) {
	huge := strings.Repeat("é", 10<<20) // 20 MiB, two bytes a character
	ev := &model.Evidence{Clusters: []*model.Cluster{
		{Ref: model.Ref{Kind: "emr:cluster", ID: "j-" + huge, Name: huge, Loc: model.Loc{File: "r.json", Line: 1}}},
		{Ref: model.Ref{Kind: "emr:cluster", ID: "j-short", Name: "short", Loc: model.Loc{File: "s.json", Line: 1}}},
	}}
	ctl := &Control{ID: "EMR999", Sources: IaC, Run: func(p *Pass) {
		for _, c := range p.Evidence.Clusters {
			p.Failf(c.Ref, model.Loc{}, "cluster %q has roles %v", c.Ref.Name, []string{c.Ref.Name, "r"})
		}
	}}
	var rs []Result
	ctl.Run(NewPass(ctl, ev, IaC, Config{}, func(r Result) { rs = append(rs, r) }))
	if len(rs) != 2 {
		t.Fatalf("%d results, want 2", len(rs))
	}
	long, short := rs[0], rs[1]
	for _, s := range []string{long.Resource.Name, long.Resource.ID} {
		if len(s) > MaxQuoted+len("…") || !strings.HasSuffix(s, "…") || !utf8.ValidString(s) {
			t.Errorf("cut to %d bytes, valid %v: %.40q…", len(s), utf8.ValidString(s), s)
		}
	}
	if len(long.Message) > 4*MaxQuoted || strings.Count(long.Message, "…") != 2 || !utf8.ValidString(long.Message) {
		t.Errorf("message of %d bytes: %.80q", len(long.Message), long.Message)
	}
	if short.Resource.Name != "short" || short.Resource.ID != "j-short" || short.Message != `cluster "short" has roles [short r]` {
		t.Errorf("short one changed: %+v %q", short.Resource, short.Message)
	}
}

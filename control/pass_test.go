package control

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

// Ensure each reporting helper of a Pass, and of a subject within it,
// gives its verdict, its subject, and points at the resource when no
// attribute is given: what an engine receives through NewPass.
func TestPassReports(t *testing.T) {
	ref := model.Ref{Kind: "emr:cluster", ID: "j-1", Loc: model.Loc{File: "c.json", Line: 4}}
	attr := model.Loc{File: "c.json", Line: 9, Col: 3}
	ctl := &Control{ID: "EMR990", Sources: IaC}
	var got []string
	p := NewPass(ctl, &model.Evidence{}, IaC, Config{}, func(r Result) {
		got = append(got, strings.Join([]string{r.Control.ID, r.Verdict.String(), r.Subject, r.Message, r.Location().String()}, " | "))
	})
	p.Failf(ref, attr, "f %d", 1)
	p.Passf(ref, model.Loc{}, "p")
	p.Unknownf(ref, model.Loc{}, "u")
	p.NAf(ref, model.Loc{}, "n")
	s := p.On("role a")
	s.Failf(ref, model.Loc{}, "sf")
	s.Passf(ref, attr, "sp")
	s.Unknownf(ref, model.Loc{}, "su")
	s.NAf(ref, model.Loc{}, "sn")
	want := []string{
		"EMR990 | fail |  | f 1 | c.json:9:3",
		"EMR990 | pass |  | p | c.json:4",
		"EMR990 | unknown |  | u | c.json:4",
		"EMR990 | n/a |  | n | c.json:4",
		"EMR990 | fail | role a | sf | c.json:4",
		"EMR990 | pass | role a | sp | c.json:9:3",
		"EMR990 | unknown | role a | su | c.json:4",
		"EMR990 | n/a | role a | sn | c.json:4",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("reports\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ctl.Implemented() {
		t.Error("a control without Run is implemented")
	}
}

// Ensure a zero Config reads as the documented defaults, and set values win.
func TestConfigDefaults(t *testing.T) {
	var zero Config
	if zero.TagKey() != DefaultUseCaseTagKey || zero.RoleLimit() != DefaultSharedRoleLimit || zero.AMIAgeLimit() != DefaultAMIAgeLimitDays {
		t.Errorf("zero config: %q %d %d", zero.TagKey(), zero.RoleLimit(), zero.AMIAgeLimit())
	}
	set := Config{UseCaseTagKey: "team", SharedRoleLimit: 7, AMIAgeLimitDays: 30}
	if set.TagKey() != "team" || set.RoleLimit() != 7 || set.AMIAgeLimit() != 30 {
		t.Errorf("set config: %q %d %d", set.TagKey(), set.RoleLimit(), set.AMIAgeLimit())
	}
}

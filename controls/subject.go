package controls

import (
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// subject is what a control of a security configuration's content judges:
// a cluster, through the configuration it uses, or a configuration that no
// cluster of the inputs uses, judged on its own (CONTROLS.md, "Where a
// result lands").
type subject struct {
	ref     model.Ref
	cluster *model.Cluster // nil for a configuration judged on its own
	link    model.Link
}

// sc returns the configuration judged, or nil when there is none or it is
// unresolved.
func (s subject) sc() *model.SecurityConfiguration { return s.link.SC }

// subjects returns what the configuration controls judge; ten controls
// ask for the same list, so it is built once per evidence.
func subjects(ev *model.Evidence) []subject { return subjectsView.Of(ev) }

var subjectsView = model.NewView(buildSubjects)

func buildSubjects(ev *model.Evidence) []subject {
	out := make([]subject, 0, len(ev.Clusters)+len(ev.SecurityConfigurations))
	used := map[*model.SecurityConfiguration]bool{}
	for _, c := range ev.Clusters {
		l := ev.SecurityConfigurationOf(c)
		if l.State == model.LinkFound {
			used[l.SC] = true
		}
		out = append(out, subject{ref: c.Ref, cluster: c, link: l})
	}
	for _, sc := range ev.SecurityConfigurations {
		if !used[sc] {
			out = append(out, subject{ref: sc.Ref, link: model.Link{State: model.LinkFound, SC: sc, At: sc.Ref.Loc}})
		}
	}
	return out
}

// withConfiguration runs judge on each subject whose configuration is
// found; a cluster without one gets none(p, s), and a configuration that
// cannot be resolved gets Unknown with the reason.
func withConfiguration(p *control.Pass, none func(s subject), judge func(s subject, sc *model.SecurityConfiguration)) {
	for _, s := range subjects(p.Evidence) {
		switch s.link.State {
		case model.LinkNone:
			none(s)
		case model.LinkUnknown:
			p.Unknownf(s.ref, s.link.At, "%s", s.link.Why)
		default:
			judge(s, s.sc())
		}
	}
}

// atRestOn judges the precondition of EMR104–EMR108: it returns true when
// at-rest encryption is on, and otherwise reports n/a (off: EMR103 says so)
// or Unknown.
func atRestOn(p *control.Pass, s subject, sc *model.SecurityConfiguration) bool {
	switch f := sc.AtRest; {
	case f.IsUnknown():
		p.Unknownf(s.ref, f.At, "whether at-rest encryption is on is unknown: %s", f.Why)
		return false
	case !f.Get(false):
		p.NAf(s.ref, f.At.Or(sc.Ref.Loc), "at-rest encryption is off (EMR103 reports it)")
		return false
	}
	return true
}

// naNoConfiguration is the n/a of a control that starts from a state of
// the security configuration when the cluster has none (EMR101 fails).
func naNoConfiguration(p *control.Pass) func(subject) {
	return func(s subject) {
		p.NAf(s.ref, s.link.At, "cluster has no security configuration (EMR101 reports it)")
	}
}

// clusters runs judge on each cluster.
func clusters(p *control.Pass, judge func(c *model.Cluster)) {
	for _, c := range p.Evidence.Clusters {
		judge(c)
	}
}

// name returns how a message names a security configuration.
func name(sc *model.SecurityConfiguration) string {
	if sc.Name.IsSet() {
		return "security configuration " + quote(sc.Name.Val)
	}
	return "security configuration " + sc.Ref.ID
}

func quote(s string) string { return "\"" + s + "\"" }

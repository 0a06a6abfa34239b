package main

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/cloudtrail"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/secconf"
)

// audit judges an archive's EMR records in time order, as the monitor
// judges one event (source/event's evidence, the controls of source E),
// except that the security configuration a launch names is the one the
// archive created last before it in the same account and region, never
// fetched: the audit is of what was, not of what is.
type audit struct {
	s       *settings
	seen    map[string]bool // event IDs: a record delivered twice counts once
	configs map[string]configState
	results []control.Result
	diags   source.Diagnostics
	// For the summary.
	launches []launch
	changes  []change
	// resolve, when set (--resolve), reads a configuration the archive
	// never created from AWS.
	resolve func(account, region, name string) (*model.SecurityConfiguration, error)
}

type configState struct {
	sc      *model.SecurityConfiguration
	deleted *model.Event
}

// launch is one RunJobFlow (or attempt) and the controls it failed.
type launch struct {
	ev      model.Event
	attempt string // the errorCode of a failed call
	failed  []string
}

// change is a configuration created, replaced or deleted, or a
// block-public-access setting put.
type change struct {
	ev   model.Event
	what string
}

func newAudit(s *settings) *audit {
	return &audit{s: s, seen: map[string]bool{}, configs: map[string]configState{}}
}

func configKey(account, region, name string) string { return account + "/" + region + "/" + name }

func (a *audit) add(c cloudtrail.Candidate) {
	rec, err := c.Decode()
	if err != nil {
		a.diags = append(a.diags, source.Diagnostic{At: model.Loc{File: c.Event.File}, Level: source.Error, Msg: err.Error()})
		return
	}
	if k := rec.Key(); k != "" {
		if a.seen[k] {
			return
		}
		a.seen[k] = true
	}
	e := rec.Event
	switch {
	case !rec.Handled():
		return
	case rec.Failed() && !rec.Launch():
		return // a refused change changed nothing
	}
	ev, diags, err := event.Attempted(rec)
	if err != nil {
		a.diags = append(a.diags, source.Diagnostic{At: rec.At, Level: source.Error, Msg: err.Error()})
		return
	}
	a.diags = append(a.diags, diags...)
	name := rec.SecurityConfigurationName()
	switch e.Name {
	case "DeleteSecurityConfiguration":
		a.configs[configKey(e.Account, e.Region, name)] = configState{deleted: &e}
		a.changes = append(a.changes, change{ev: e, what: fmt.Sprintf("security configuration %q deleted", name)})
		return
	case "CreateSecurityConfiguration":
		what := "created"
		if st, ok := a.configs[configKey(e.Account, e.Region, name)]; ok && st.sc != nil {
			what = "created again (replacing the one created " + st.sc.Ref.Event.Time + ")"
		}
		a.changes = append(a.changes, change{ev: e, what: fmt.Sprintf("security configuration %q %s", name, what)})
	case "PutBlockPublicAccessConfiguration":
		what := "block public access set"
		if len(ev.BlockPublicAccess) == 1 && ev.BlockPublicAccess[0].Block.IsSet() && !ev.BlockPublicAccess[0].Block.Val {
			what = "block public access turned OFF"
		}
		a.changes = append(a.changes, change{ev: e, what: what})
	}
	for _, cl := range ev.Clusters {
		if cl.SecurityConfiguration.IsSet() {
			ev.SecurityConfigurations = append(ev.SecurityConfigurations, a.lookup(e, cl.SecurityConfiguration.Val))
		}
	}
	rs := engine.Evaluate(a.s.controls, ev, control.Event, a.s.cfg)
	if rec.Failed() {
		note := fmt.Sprintf(" (an attempt: the call failed with %s; nothing was launched)", rec.ErrorCode)
		for i := range rs {
			rs[i].Message += note
		}
	}
	a.results = append(a.results, rs...)
	for _, sc := range ev.SecurityConfigurations {
		if sc.Ref.Event != nil && sc.Ref.Event.ID == e.ID && !rec.Failed() {
			a.configs[configKey(e.Account, e.Region, sc.Name.Get(name))] = configState{sc: sc}
		}
	}
	if rec.Launch() {
		l := launch{ev: e, attempt: rec.ErrorCode}
		for _, r := range rs {
			if r.Verdict == control.Failed {
				l.failed = append(l.failed, r.Control.ID)
			}
		}
		a.launches = append(a.launches, l)
	}
}

// lookup returns the configuration a launch names, as the archive shows it
// at the launch; unknown when the archive never created it or deleted it.
func (a *audit) lookup(e model.Event, name string) *model.SecurityConfiguration {
	st, ok := a.configs[configKey(e.Account, e.Region, name)]
	ref := model.Ref{Kind: secconf.Kind, ID: name, Name: name, Account: e.Account, Region: e.Region}
	switch {
	case ok && st.sc != nil:
		return st.sc
	case ok && st.deleted != nil:
		return secconf.Placeholder(name, ref, fmt.Sprintf("security configuration %q was deleted at %s (event %s), before this launch", name, st.deleted.Time, st.deleted.ID))
	}
	if a.resolve != nil {
		sc, err := a.resolve(e.Account, e.Region, name)
		if err != nil {
			why := err.Error()
			var api smithy.APIError
			if errors.As(err, &api) { // the reason, not the SDK's wrapping
				why = "emr DescribeSecurityConfiguration: " + api.ErrorCode() + ": " + api.ErrorMessage()
			}
			return secconf.Placeholder(name, ref, fmt.Sprintf("security configuration %q was not created in the archive read, and reading it failed: %s", name, why))
		}
		return sc
	}
	return secconf.Placeholder(name, ref, fmt.Sprintf("security configuration %q was not created in the archive read (in %s/%s); its settings are not known (--resolve reads it from AWS)", name, e.Account, e.Region))
}

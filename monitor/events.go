package monitor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/notify"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/secconf"
)

// AlertOnByEvent are the controls that raise an alert by default, per
// event: each event's evidence is judged only by the controls that can
// read it, so DefaultAlertOn, their union, alerts on each event exactly
// for its own. DeleteSecurityConfiguration raises its own alert when
// active clusters use the configuration (or that cannot be checked), and
// CreateVirtualCluster names nothing a control judges yet.
var AlertOnByEvent = []struct {
	Event    string
	Controls []string
}{
	{"RunJobFlow", []string{"EMR101", "EMR102"}},
	{"CreateSecurityConfiguration", []string{"EMR102"}},
	{"PutBlockPublicAccessConfiguration", []string{"EMR201", "EMR202"}},
	{"CreateManagedEndpoint", []string{"EKS101", "EKS102", "EKS201", "EKS202"}},
	{"StartJobRun", []string{"EKS101", "EKS102"}},
	{"CreateJobTemplate", []string{"EKS101", "EKS102"}},
}

// judgesOtherEvents reports whether a control judges only what events
// other than a launch carry (block public access, EMR on EKS objects),
// so that an unreadable launch does not make it unknown.
func judgesOtherEvents(id string) bool {
	other := false
	for _, e := range AlertOnByEvent {
		if slices.Contains(e.Controls, id) {
			if e.Event == "RunJobFlow" || e.Event == "CreateSecurityConfiguration" {
				return false
			}
			other = true
		}
	}
	return other
}

// titleOf names a resource kind in an alert's title.
var titleOf = map[string]string{
	secconf.Kind:                "EMR security configuration",
	event.KindBlockPublicAccess: "EMR block public access of",
	event.KindVirtualCluster:    "EMR on EKS virtual cluster",
	event.KindManagedEndpoint:   "EMR on EKS managed endpoint",
	event.KindJobRun:            "EMR on EKS job run",
	event.KindJobTemplate:       "EMR on EKS job template",
	"iam:role":                  "execution role",
}

// InUse is the Control of the finding raised when a security
// configuration is deleted while clusters use it (not a catalogue
// control: no scan can see a deletion).
const InUse = "DeleteSecurityConfiguration"

// deleted judges a DeleteSecurityConfiguration: active clusters of the
// region that still use the configuration raise an alert naming them;
// when they cannot be listed, the alert says the monitor could not check
// (with AlertOnUnknown).
func (m *Monitor) deleted(ctx context.Context, rec *event.Record, out Outcome) (Outcome, error) {
	name := rec.SecurityConfigurationName()
	if name == "" {
		return out, &event.InputError{At: rec.At, ID: rec.Key(), Msg: "DeleteSecurityConfiguration record names no configuration"}
	}
	out.Kind = Evaluated
	e := rec.Event
	var clusters []string
	err := fmt.Errorf("the monitor has no AWS credentials to list the clusters")
	if m.cfg.Reader != nil {
		clusters, err = m.cfg.Reader.ClustersUsing(ctx, e.Account, e.Region, name)
	}
	f := notify.Finding{Control: InUse, Severity: "high", Title: "A security configuration in use was deleted", Alerting: true}
	var verdict string
	switch {
	case err != nil:
		out.Diags = append(out.Diags, source.Diagnostic{Call: "clusters using security configuration " + name, Level: source.Error, Msg: err.Error()})
		if !m.cfg.AlertOnUnknown {
			return out, nil
		}
		f.Verdict = "unknown"
		f.Message = fmt.Sprintf("whether active clusters use security configuration %q could not be checked: %v", name, err)
		verdict = "deleted; could not check whether clusters use it"
	case len(clusters) == 0:
		return out, nil
	default:
		f.Verdict = "fail"
		f.Message = fmt.Sprintf("security configuration %q was deleted while active clusters use it: %s; they keep running, but a clone or relaunch of them cannot name it", name, strings.Join(clusters, ", "))
		verdict = "deleted while clusters " + strings.Join(clusters, ", ") + " use it"
	}
	a := &notify.Alert{
		ID:       rec.Key(),
		Resource: notify.Resource{Kind: secconf.Kind, ID: name, Name: name, Account: e.Account, Region: e.Region},
		Event:    alertEvent(e),
		Findings: []notify.Finding{f},
		RaisedBy: m.raiser(ctx),
		Title:    fmt.Sprintf("EMR security configuration %s: %s by %s in %s/%s %s", name, e.Name, shortPrincipal(e.Who()), e.Account, e.Region, verdict),
	}
	if m.cfg.Sink == nil {
		return out, nil
	}
	if err := m.cfg.Sink.Send(ctx, *a); err != nil {
		return out, fmt.Errorf("alert for event %s: %w", rec.Key(), err)
	}
	out.Alert = a
	return out, nil
}

// logDiags logs, for the front doors that have no report, what an event's
// evaluation could not read (a member account whose role was refused, a
// denied call): the alert quotes it too, but a change raising no alert
// would otherwise leave no line.
func (m *Monitor) logDiags(out Outcome) {
	for _, d := range out.Diags {
		m.log.Warn("event evaluated with missing evidence", "event", out.Event.ID, "account", out.Event.Account, "call", d.Call, "err", d.Msg)
	}
}

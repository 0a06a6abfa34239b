package monitor

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/iamcli"
	"github.com/emrguard/emrguard/source/snapshot"
)

// enrich adds to ev what its controls need beyond the event: the
// execution roles a job run, job template or managed endpoint names
// (EKS101, EKS102), and the network of a created managed endpoint
// (EKS201, EKS202), read with the Reader in the event's account. What
// cannot be read stays in the evidence as Unknown fields quoting why, so
// those controls say unknown instead of nothing.
func (m *Monitor) enrich(ctx context.Context, rec *event.Record, ev *model.Evidence) source.Diagnostics {
	q := Query{Account: rec.Event.Account, Region: rec.Event.Region, Roles: event.ExecutionRoles(ev)}
	for _, me := range ev.ManagedEndpoints {
		// Its ID is known only from the reply; the name is not an ID.
		if id, _ := rec.Response.Fold("id").Str(); id != "" && me.VirtualClusterID.IsSet() {
			q.VirtualCluster, q.Endpoint = me.VirtualClusterID.Val, id
		}
	}
	if len(q.Roles) == 0 && len(ev.ManagedEndpoints) == 0 {
		return nil
	}
	var acct *snapshot.Account
	var why string
	var diags source.Diagnostics
	switch {
	case m.cfg.Reader == nil:
		why = "the monitor has no AWS credentials to read it"
		if nf, ok := m.cfg.Fetcher.(NoFetcher); ok && nf.Why != "" {
			why += " (" + nf.Why + ")"
		}
	default:
		var err error
		if acct, err = m.cfg.Reader.Read(ctx, q); err != nil {
			why = err.Error()
			var ae *AssumeError
			if errors.As(err, &ae) {
				why = ae.Why()
			}
			diags = append(diags, source.Diagnostic{Call: "read account " + q.Account, Level: source.Error, Msg: err.Error()})
		}
	}
	e := rec.Event
	defer func() {
		// Results on the roles are drawn from this event too.
		for _, r := range ev.Roles {
			if r.Ref.Event == nil {
				r.Ref.Event = &e
			}
		}
	}()
	if acct == nil {
		unread(ev, q, why)
		return diags
	}
	live, ds := snapshot.Evidence(&snapshot.Snapshot{Accounts: []*snapshot.Account{acct}})
	diags = append(diags, ds...)
	state := ""
	for _, r := range acct.Regions {
		for _, e := range r.ManagedEndpoints {
			state = string(e.State)
		}
	}
	for _, me := range ev.ManagedEndpoints {
		var found *model.ManagedEndpoint
		for _, lm := range live.ManagedEndpoints {
			if lm.Ref.ID == q.Endpoint {
				found = lm
			}
		}
		switch {
		case q.Endpoint == "":
			noNetwork(me, "the event does not give the endpoint's ID (no responseElements.id), so its network was not read")
		case found == nil:
			noNetwork(me, fmt.Sprintf("managed endpoint %s was not read: %s", q.Endpoint, failureWhy(acct, "DescribeManagedEndpoint")))
		default:
			me.SecurityGroup, me.SubnetIDs = found.SecurityGroup, found.SubnetIDs
			if !me.SecurityGroup.IsSet() {
				me.SecurityGroup = model.Unresolved[string](fmt.Sprintf("DescribeManagedEndpoint %s shows no security group yet (state %s)", q.Endpoint, state), me.Ref.Loc)
			}
			if !me.SubnetIDs.IsSet() {
				me.SubnetIDs = model.Unresolved[[]string](fmt.Sprintf("DescribeManagedEndpoint %s shows no subnets yet (state %s)", q.Endpoint, state), me.Ref.Loc)
			}
		}
	}
	for _, arn := range q.Roles {
		if !slices.ContainsFunc(live.Roles, func(r *model.Role) bool { return r.ARN.Val == arn }) {
			unread(live, Query{Account: q.Account, Roles: []string{arn}}, failureWhy(acct, "GetRole"))
		}
	}
	// The event's own resources stay the judged ones; the live part adds
	// only what they refer to.
	live.ManagedEndpoints, live.JobRoles, live.JobRuns, live.VirtualClusters = nil, nil, nil, nil
	ev.Merge(live)
	return diags
}

// unread puts into ev, for each object q asks for, one that says why it
// was not read.
func unread(ev *model.Evidence, q Query, why string) {
	for _, arn := range q.Roles {
		w := fmt.Sprintf("execution role %s was not read: %s", arn, why)
		ev.Roles = append(ev.Roles, &model.Role{Ref: model.Ref{Kind: iamcli.RoleKind, ID: arn, Name: arn[lastSlash(arn)+1:], Account: q.Account, Origin: model.FromLive},
			ARN: model.Known(arn, model.Loc{}), Trust: &model.PolicyDocument{Unknown: w}, PoliciesComplete: model.Unresolved[bool](w, model.Loc{})})
	}
	for _, me := range ev.ManagedEndpoints {
		noNetwork(me, "its network was not read: "+why)
	}
}

func noNetwork(me *model.ManagedEndpoint, why string) {
	me.SecurityGroup = model.Unresolved[string](why, me.Ref.Loc)
	me.SubnetIDs = model.Unresolved[[]string](why, me.Ref.Loc)
}

// failureWhy quotes the first failure of op the account recorded.
func failureWhy(a *snapshot.Account, op string) string {
	all := slices.Clone(a.Failures)
	for _, r := range a.Regions {
		all = append(all, r.Failures...)
	}
	for _, f := range all {
		if f.Operation == op {
			return fmt.Sprintf("%s %s failed: %s: %s", f.Service, f.Operation, f.Code, f.Message)
		}
	}
	return "no reply"
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

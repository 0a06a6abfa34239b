package monitor

import (
	"context"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/request"
	"github.com/emrguard/emrguard/source/tree"
)

// unverified judges a successful launch whose parameters cannot be read:
// every alerting control is unknown, with why, so that (AlertOnUnknown)
// it alerts. Deleting it as bad input would let an unverified cluster
// run unseen.
func (m *Monitor) unverified(ctx context.Context, rec *event.Record, out Outcome, ie *event.InputError) (Outcome, error) {
	e := rec.Event
	ref := model.Ref{Kind: request.ClusterKind, ID: rec.Key(), Account: e.Account, Region: e.Region, Loc: rec.At, Event: &e, Origin: model.FromEvent}
	if id, _ := rec.Response.Fold("jobFlowId").Str(); id != "" {
		ref.ID = id
	}
	why := "the launch cannot be verified: " + ie.Msg
	out.Kind = Unverified
	out.Diags = append(out.Diags, source.Diagnostic{At: ie.At, Level: source.Error, Msg: "event " + rec.Key() + ": " + ie.Msg})
	for _, c := range m.cfg.Controls {
		if m.alert[c.ID] && !judgesOtherEvents(c.ID) {
			out.Results = append(out.Results, control.Result{Control: c, Resource: ref, Verdict: control.Unknown, Message: why, At: ie.At})
		}
	}
	return m.raise(ctx, rec, out)
}

// unreadableLaunch returns the record of an event that event.Read refused
// but that names a successful RunJobFlow of EMR (its requestParameters
// are not an object): the record read without them. Any other event
// yields nil: it names no launch.
func unreadableLaunch(file string, root *tree.Node, readErr error) *event.Record {
	if root == nil || root.Kind != tree.Object || event.IsOtherService(readErr) {
		return nil
	}
	ct := root
	if d := root.Get("detail"); d != nil {
		ct = d
	}
	if ct.Kind != tree.Object {
		return nil
	}
	src, _ := ct.Get("eventSource").Str()
	name, _ := ct.Get("eventName").Str()
	code, _ := ct.Get("errorCode").Str()
	if src != event.SourceEMR || name != "RunJobFlow" || code != "" {
		return nil
	}
	stripped := without(ct, "requestParameters")
	if ct != root {
		stripped = replaced(root, "detail", stripped)
	}
	rec, err := event.Read(file, stripped)
	if err != nil {
		return nil
	}
	return rec
}

// without returns a shallow copy of object n without key.
func without(n *tree.Node, key string) *tree.Node {
	c := *n
	c.Fields = nil
	for _, f := range n.Fields {
		if f.Key != key {
			c.Fields = append(c.Fields, f)
		}
	}
	return &c
}

// replaced returns a shallow copy of object n whose key holds v.
func replaced(n *tree.Node, key string, v *tree.Node) *tree.Node {
	c := *n
	c.Fields = make([]tree.Member, len(n.Fields))
	copy(c.Fields, n.Fields)
	for i := range c.Fields {
		if c.Fields[i].Key == key {
			c.Fields[i].Val = v
		}
	}
	return &c
}

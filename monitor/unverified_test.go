package monitor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
)

// Ensure a successful launch whose parameters cannot be read is alerted
// on as unverified (every alerting control unknown, with the reason), not
// skipped as bad input; while a failed or other call without parameters
// raises nothing.
func TestUnverifiedLaunch(t *testing.T) {
	const env = `{"id":"env-1","detail-type":"AWS API Call via CloudTrail","account":"210987654321","region":"eu-west-1","detail":%s}`
	for _, tc := range []struct {
		name, event string
		kind        monitor.Kind
		alert       bool
		reason      string
	}{
		{"no requestParameters", `{"eventID":"np-1","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow","awsRegion":"eu-west-1","recipientAccountId":"210987654321","responseElements":{"jobFlowId":"j-NOPARAMS"}}`,
			monitor.Unverified, true, "no requestParameters"},
		{"requestParameters null, in an envelope", strings.Replace(env, "%s", `{"eventID":"np-2","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow","requestParameters":null}`, 1),
			monitor.Unverified, true, "no requestParameters"},
		{"requestParameters a string", strings.Replace(env, "%s", `{"eventID":"np-3","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow","requestParameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}`, 1),
			monitor.Unverified, true, "requestParameters is a string"},
		{"failed launch without parameters", `{"eventID":"np-4","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow","errorCode":"AccessDenied","errorMessage":"no"}`,
			monitor.FailedCall, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := &recorder{}
			m := newMonitor(t, nil, sink)
			out, err := m.Handle(context.Background(), "", []byte(tc.event))
			if err != nil || out.Kind != tc.kind {
				t.Fatalf("kind %v err %v, want %v", out.Kind, err, tc.kind)
			}
			got := sink.alerts()
			if !tc.alert {
				if len(got) != 0 {
					t.Fatalf("alerted: %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d alerts, want 1", len(got))
			}
			a := got[0]
			ids := map[string]bool{}
			for _, f := range a.Findings {
				if f.Verdict != control.Unknown.String() || !f.Alerting || !strings.Contains(f.Message, tc.reason) {
					t.Errorf("finding %+v", f)
				}
				ids[f.Control] = true
			}
			if !ids["EMR101"] || !ids["EMR102"] || !strings.Contains(a.Title, "cannot be verified") || a.Resource.Account != "210987654321" || a.Resource.Region != "eu-west-1" {
				t.Errorf("alert %+v", a)
			}
			if len(out.Diags) != 1 || !strings.Contains(out.Diags[0].Msg, tc.reason) {
				t.Errorf("diags %v", out.Diags)
			}
		})
	}
	// The resource is the launched cluster when the response names it.
	sink := &recorder{}
	m := newMonitor(t, nil, sink)
	m.Handle(context.Background(), "", []byte(`{"eventID":"np-5","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow","responseElements":{"jobFlowId":"j-NOPARAMS"}}`))
	if a := sink.alerts(); len(a) != 1 || a[0].Resource.ID != "j-NOPARAMS" {
		t.Errorf("alerts %+v", a)
	}
	// Without AlertOnUnknown the launch is judged unknown but not alerted.
	quiet := &recorder{}
	m2 := newMonitor(t, nil, quiet, func(c *monitor.Config) { c.AlertOnUnknown = false })
	out, err := m2.Handle(context.Background(), "", []byte(`{"eventID":"np-6","eventSource":"elasticmapreduce.amazonaws.com","eventName":"RunJobFlow"}`))
	if err != nil || out.Kind != monitor.Unverified || len(out.Results) != 2 || len(quiet.alerts()) != 0 {
		t.Errorf("AlertOnUnknown=false: %v %v %d results, %d alerts", out.Kind, err, len(out.Results), len(quiet.alerts()))
	}
}

// gate blocks sends until released, then fails or delivers.
type gate struct {
	entered chan struct{}
	release chan error
	rec     recorder
}

func (g *gate) Send(ctx context.Context, a notify.Alert) error {
	g.entered <- struct{}{}
	if err := <-g.release; err != nil {
		return err
	}
	return g.rec.Send(ctx, a)
}

// Ensure a copy of an event arriving while the first copy is in hand is
// not a duplicate (ErrInFlight: leave it for redelivery), and when the
// first copy fails, the redelivered copy alerts.
func TestCopyInFlight(t *testing.T) {
	g := &gate{entered: make(chan struct{}), release: make(chan error)}
	m := newMonitor(t, nil, g)
	ev := read(t, "adhoc-spark-launch.json")
	first := make(chan error)
	go func() { _, err := m.Handle(context.Background(), "", ev); first <- err }()
	<-g.entered
	out, err := m.Handle(context.Background(), "", ev)
	if !errors.Is(err, monitor.ErrInFlight) || out.Kind == monitor.Duplicate {
		t.Fatalf("copy in flight: %v %v", out.Kind, err)
	}
	g.release <- errors.New("sink down and spool full")
	if err := <-first; err == nil {
		t.Fatal("first copy's failure not returned")
	}
	go func() { <-g.entered; g.release <- nil }()
	if out, err := m.Handle(context.Background(), "", ev); err != nil || out.Alert == nil || len(g.rec.alerts()) != 1 {
		t.Fatalf("redelivered copy: %v %v", out.Kind, err)
	}
}

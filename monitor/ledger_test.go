package monitor_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/source"
)

const ledgerTable = "emrguard-alerts"

// instances returns n monitors, each with its own in-process cache, as n
// Lambda instances or daemons would be, sharing sink and ledger table.
func instances(t *testing.T, n int, s *awstest.Server, sink *recorder, ledger func(i int) monitor.Ledger) []*monitor.Monitor {
	var ms []*monitor.Monitor
	for i := range n {
		ms = append(ms, newMonitor(t, s, sink, func(c *monitor.Config) {
			if ledger != nil {
				c.Ledger = ledger(i)
			}
		}))
	}
	return ms
}

// deliver hands every delivery to the instances, at once, one worker per
// instance; a copy left for redelivery (ErrInFlight) is delivered again,
// as SQS or EventBridge would. It returns how many were redelivered.
func deliver(t *testing.T, ms []*monitor.Monitor, deliveries [][]byte) int {
	t.Helper()
	queue := make(chan []byte, len(deliveries))
	var pending sync.WaitGroup
	for _, d := range deliveries {
		pending.Add(1)
		queue <- d
	}
	var redelivered sync.WaitGroup
	var mu sync.Mutex
	n := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, m := range ms {
		redelivered.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case d := <-queue:
					_, err := m.Handle(ctx, "", d)
					switch {
					case errors.Is(err, monitor.ErrInFlight):
						mu.Lock()
						n++
						mu.Unlock()
						queue <- d // pending stays counted
						continue
					case err != nil:
						t.Error(err)
					}
					pending.Done()
				}
			}
		})
	}
	pending.Wait()
	cancel()
	redelivered.Wait()
	return n
}

// ledgerServer returns a test AWS with the weak configuration and an
// empty ledger table.
func ledgerServer(t *testing.T) *awstest.Server {
	s := awstest.New()
	t.Cleanup(s.Close)
	s.AddSecurityConfiguration("eu-west-1", "weak", noTransit)
	s.CreateTable("eu-west-1", ledgerTable, monitor.LedgerKey)
	return s
}

// dynamoLedger gives each instance its own ledger client on s's table.
func dynamoLedger(s *awstest.Server) func(int) monitor.Ledger {
	return func(int) monitor.Ledger { return monitor.NewDynamoLedger(s.Config("eu-west-1"), ledgerTable) }
}

// perEvent counts the sink's alerts by event ID.
func perEvent(r *recorder) map[string]int {
	out := map[string]int{}
	for _, a := range r.alerts() {
		out[a.ID]++
	}
	return out
}

// duplicated returns every one of n launches three times, interleaved.
func duplicated(t *testing.T, prefix string, n int) [][]byte {
	var out [][]byte
	for range 3 {
		for i := range n {
			out = append(out, withConfiguration(t, "weak", fmt.Sprintf("%s-%d", prefix, i)))
		}
	}
	return out
}

// checkOnePerEvent fails unless each of the n events alerted exactly once.
func checkOnePerEvent(t *testing.T, sink *recorder, prefix string, n int) {
	t.Helper()
	got := perEvent(sink)
	for i := range n {
		if id := fmt.Sprintf("%s-%d", prefix, i); got[id] != 1 {
			t.Errorf("event %s: %d alerts, want 1", id, got[id])
		}
	}
	if len(got) != n {
		t.Errorf("alerts for %d events, want %d", len(got), n)
	}
}

// Ensure 8 instances fed every event three times send exactly one alert
// per event through the shared DynamoDB ledger, and the ledger says sent
// for each.
func TestLedgerEightInstances(t *testing.T) {
	s := ledgerServer(t)
	sink := &recorder{}
	ms := instances(t, 8, s, sink, dynamoLedger(s))
	deliver(t, ms, duplicated(t, "ev", 40))
	checkOnePerEvent(t, sink, "ev", 40)
	items := s.Items("eu-west-1", ledgerTable)
	if len(items) != 40 {
		t.Errorf("%d ledger items, want 40", len(items))
	}
	for _, it := range items {
		if st := it["state"].(map[string]any)["S"]; st != "sent" || it[monitor.LedgerTTL] == nil {
			t.Errorf("ledger item %v", it)
		}
	}
}

// Ensure that without a ledger, copies handled by different instances
// each alert: the behaviour the README describes (duplicates possible
// across instances).
func TestNoLedgerDuplicatesAcrossInstances(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.AddSecurityConfiguration("eu-west-1", "weak", noTransit)
	sink := &recorder{}
	ms := instances(t, 2, s, sink, nil)
	ev := withConfiguration(t, "weak", "twice")
	for _, m := range ms {
		if out, err := m.Handle(context.Background(), "", ev); err != nil || out.Alert == nil {
			t.Fatalf("%v %+v", err, out)
		}
	}
	if n := perEvent(sink)["twice"]; n != 2 {
		t.Errorf("%d alerts without a ledger, want 2", n)
	}
}

// Ensure a throttled ledger (past the SDK's retries) does not stop the
// alert: it is sent, and the outcome warns that duplicates are possible.
func TestLedgerThrottledAlertsAnyway(t *testing.T) {
	s := ledgerServer(t)
	s.Inject(awstest.Fault{Op: "dynamodb.PutItem", Code: "ProvisionedThroughputExceededException", Message: "slow down"})
	sink := &recorder{}
	m := instances(t, 1, s, sink, dynamoLedger(s))[0]
	out, err := m.Handle(context.Background(), "", withConfiguration(t, "weak", "throttled"))
	if err != nil || out.Alert == nil {
		t.Fatalf("throttled ledger: %v, alert %v", err, out.Alert)
	}
	if !hasDiag(out.Diags, "duplicates are possible") || !hasDiag(out.Diags, "ProvisionedThroughputExceededException") {
		t.Errorf("diagnostics %v", out.Diags)
	}
	if n := s.Calls("dynamodb.PutItem"); n != 3 {
		t.Errorf("%d PutItem attempts, want 3 (the SDK's retries)", n)
	}
	if n := len(sink.alerts()); n != 1 {
		t.Errorf("%d alerts", n)
	}
}

func hasDiag(ds source.Diagnostics, sub string) bool {
	for _, d := range ds {
		if strings.Contains(d.Msg, sub) {
			return true
		}
	}
	return false
}

// Ensure a ConditionalCheckFailedException without the old item (another
// instance wrote it) makes the copy a duplicate: no alert.
func TestLedgerConditionalCheckFailedIsDuplicate(t *testing.T) {
	s := ledgerServer(t)
	s.Inject(awstest.Fault{Op: "dynamodb.PutItem", Code: "ConditionalCheckFailedException", Times: 1})
	sink := &recorder{}
	m := instances(t, 1, s, sink, dynamoLedger(s))[0]
	out, err := m.Handle(context.Background(), "", withConfiguration(t, "weak", "dup"))
	if err != nil || out.Kind != monitor.Duplicate || out.Alert != nil {
		t.Fatalf("%v: %s, alert %v", err, out.Kind, out.Alert)
	}
	if n := len(sink.alerts()); n != 0 {
		t.Errorf("%d alerts for a duplicate", n)
	}
	if n := s.Calls("dynamodb.PutItem"); n != 1 {
		t.Errorf("%d PutItem attempts: a failed condition is not retried", n)
	}
}

// Ensure a claim whose alert could not be sent is released, so the
// redelivery (on another instance) alerts: nothing is lost.
func TestLedgerReleasesFailedSend(t *testing.T) {
	s := ledgerServer(t)
	sink := &recorder{fail: 1}
	ms := instances(t, 2, s, sink, dynamoLedger(s))
	ev := withConfiguration(t, "weak", "retry-me")
	if _, err := ms[0].Handle(context.Background(), "", ev); err == nil {
		t.Fatal("a failed send was not reported")
	}
	if n := len(s.Items("eu-west-1", ledgerTable)); n != 0 {
		t.Errorf("%d ledger items after a failed send, want 0 (released)", n)
	}
	out, err := ms[1].Handle(context.Background(), "", ev)
	if err != nil || out.Alert == nil {
		t.Fatalf("redelivery: %v, alert %v", err, out.Alert)
	}
}

// Ensure a copy arriving while another instance holds the claim is left
// for redelivery, and once the claim's lease is over (its owner died) a
// redelivery takes it over and alerts.
func TestLedgerHeldClaim(t *testing.T) {
	s := ledgerServer(t)
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	dead := &monitor.DynamoLedger{Client: dynamodb.NewFromConfig(s.Config("eu-west-1")), Table: ledgerTable, Owner: "dead", Now: func() time.Time { return now }}
	if _, err := dead.Claim(context.Background(), "held"); err != nil {
		t.Fatal(err)
	}
	clock := now
	live := &monitor.DynamoLedger{Client: dynamodb.NewFromConfig(s.Config("eu-west-1")), Table: ledgerTable, Now: func() time.Time { return clock }}
	sink := &recorder{}
	m := instances(t, 1, s, sink, func(int) monitor.Ledger { return live })[0]
	ev := withConfiguration(t, "weak", "held")
	if _, err := m.Handle(context.Background(), "", ev); !errors.Is(err, monitor.ErrInFlight) || !errors.Is(err, monitor.ErrClaimHeld) {
		t.Fatalf("copy under a live claim: %v", err)
	}
	clock = now.Add(6 * time.Minute)
	out, err := m.Handle(context.Background(), "", ev)
	if err != nil || out.Alert == nil {
		t.Fatalf("after the lease: %v, alert %v", err, out.Alert)
	}
	if _, err := dead.Claim(context.Background(), "held"); !errors.Is(err, monitor.ErrAlreadySent) {
		t.Errorf("claim after the alert was sent: %v", err)
	}
}

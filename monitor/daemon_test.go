package monitor_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
)

// runDaemon runs a daemon until until() holds, then stops it as SIGTERM
// would (context cancelled) and waits for a clean return.
func runDaemon(t *testing.T, d *monitor.Daemon, until func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	deadline := time.After(20 * time.Second)
	for !until() {
		select {
		case <-deadline:
			cancel()
			t.Fatal("condition not reached")
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not stop after cancel")
	}
}

func snsSink(t *testing.T, s *awstest.Server, spool string) notify.Sink {
	sinks, err := notify.Open(context.Background(), []string{"sns:arn:aws:sns:eu-west-1:210987654321:emr-alerts"}, notify.Env{
		AWS:    func(r string) (aws.Config, error) { return s.Config(r), nil },
		Policy: notify.Policy{Attempts: 2, Sleep: func(context.Context, time.Duration) error { return nil }, SpoolDir: spool},
	})
	if err != nil {
		t.Fatal(err)
	}
	return sinks
}

// Ensure the daemon alerts through SNS for each launch, once for a
// duplicate, skips bad input, deletes every handled message, and stops
// cleanly.
func TestDaemon(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	url := s.CreateQueue("events")
	for i := range 5 {
		s.Enqueue("events", string(withConfiguration(t, "missing", fmt.Sprintf("ev-%d", i))))
	}
	s.Enqueue("events", string(withConfiguration(t, "missing", "ev-0"))) // duplicate delivery
	s.Enqueue("events", `{"broken`)
	m := newMonitor(t, s, snsSink(t, s, ""))
	d := &monitor.Daemon{Monitor: m, SQS: sqs.NewFromConfig(s.Config("eu-west-1")), QueueURL: url, Workers: 4, Wait: time.Second}
	runDaemon(t, d, func() bool { st := s.QueueState("events"); return st.Visible+st.InFlight == 0 })
	if n := len(s.Published()); n != 5 {
		t.Errorf("%d published, want 5", n)
	}
	if p := s.Published(); len(p) > 0 && !strings.Contains(p[0].Message, "does not exist in eu-west-1") {
		t.Errorf("message lacks the lookup reason:\n%s", p[0].Message)
	}
	if d.Deleted != 7 || d.Failed != 1 {
		t.Errorf("deleted %d failed %d", d.Deleted, d.Failed)
	}
}

// Ensure a message whose alert could not be delivered (SNS down, no spool)
// is not deleted, and goes through once SNS is back.
func TestDaemonKeepsUndelivered(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	url := s.CreateQueue("events")
	s.Enqueue("events", string(read(t, "adhoc-spark-launch.json")))
	s.Inject(awstest.Fault{Op: "sns.Publish", Times: 6, Status: 503, Code: "ServiceUnavailable"}) // 2 sends × 3 SDK attempts
	m := newMonitor(t, s, snsSink(t, s, ""))
	d := &monitor.Daemon{Monitor: m, SQS: sqs.NewFromConfig(s.Config("eu-west-1")), QueueURL: url, Workers: 2, Wait: time.Second, Visibility: 30 * time.Second}
	runDaemon(t, d, func() bool { return s.Calls("sns.Publish") >= 6 })
	if st := s.QueueState("events"); st.InFlight != 1 || d.Deleted != 0 {
		t.Fatalf("undelivered message: %+v, deleted %d", st, d.Deleted)
	}
	// Redelivery (visibility expired) with SNS back: delivered once, deleted.
	s.Expire("events")
	d2 := &monitor.Daemon{Monitor: m, SQS: d.SQS, QueueURL: url, Workers: 2, Wait: time.Second}
	runDaemon(t, d2, func() bool { st := s.QueueState("events"); return st.Visible+st.InFlight == 0 })
	if n := len(s.Published()); n != 1 {
		t.Errorf("%d published", n)
	}
}

// Ensure with a spool an undeliverable alert is spooled and its message
// deleted; the spool is resent after a "restart".
func TestDaemonSpools(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	url := s.CreateQueue("events")
	s.Enqueue("events", string(read(t, "adhoc-spark-launch.json")))
	s.Inject(awstest.Fault{Op: "sns.Publish", Times: 6, Status: 500, Code: "InternalError"})
	spool := t.TempDir()
	sink := snsSink(t, s, spool)
	m := newMonitor(t, s, sink)
	d := &monitor.Daemon{Monitor: m, SQS: sqs.NewFromConfig(s.Config("eu-west-1")), QueueURL: url, Wait: time.Second}
	runDaemon(t, d, func() bool { st := s.QueueState("events"); return st.Visible+st.InFlight == 0 })
	if len(s.Published()) != 0 || d.Deleted != 1 {
		t.Fatalf("published %d deleted %d", len(s.Published()), d.Deleted)
	}
	// A new process on the same spool folder.
	r := snsSink(t, s, spool).(notify.Multi)[0].(*notify.Retrier)
	if n, err := r.Flush(context.Background()); n != 1 || err != nil || len(s.Published()) != 1 {
		t.Errorf("flush after restart: %d %v", n, err)
	}
}

// slowSink takes longer than half the visibility timeout.
type slowSink struct{ d time.Duration }

func (s slowSink) Send(ctx context.Context, _ notify.Alert) error {
	time.Sleep(s.d)
	return nil
}

// Ensure long work renews the message's visibility.
func TestDaemonExtendsVisibility(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	url := s.CreateQueue("events")
	s.Enqueue("events", string(read(t, "adhoc-spark-launch.json")))
	m := newMonitor(t, nil, slowSink{1500 * time.Millisecond})
	d := &monitor.Daemon{Monitor: m, SQS: sqs.NewFromConfig(s.Config("eu-west-1")), QueueURL: url, Wait: time.Second, Visibility: 2 * time.Second}
	var done atomic.Bool
	runDaemon(t, d, func() bool {
		st := s.QueueState("events")
		done.Store(st.Visible+st.InFlight == 0)
		return done.Load()
	})
	if n := s.Calls("sqs.ChangeMessageVisibility"); n < 1 {
		t.Errorf("%d ChangeMessageVisibility calls", n)
	}
}

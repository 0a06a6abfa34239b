package monitor_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
	"github.com/emrguard/emrguard/release"
)

// childEnv makes the test binary run as a monitor daemon (the re-exec
// pattern): its value is "ENDPOINT QUEUE-URL SPOOL-DIR".
const childEnv = "EMRGUARD_TEST_DAEMON_CHILD"

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		os.Exit(daemonChild(v))
	}
	os.Exit(m.Run())
}

// The child's daemon: 4 workers, one receiver, a 5s visibility, alerts to
// SNS through a retrier with a spool it flushes at the start and every second. It runs until
// killed.
const childWorkers, childReceivers = 4, 1

func daemonChild(spec string) int {
	var endpoint, queue, spool string
	if _, err := fmt.Sscan(spec, &endpoint, &queue, &spool); err != nil {
		fmt.Fprintln(os.Stderr, "child spec:", err)
		return 2
	}
	cfg := func(region string) (aws.Config, error) {
		return aws.Config{Region: region, BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider(awstest.CallerKey, "secret", "")}, nil
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sinks, err := notify.Open(context.Background(), []string{"sns:arn:aws:sns:eu-west-1:210987654321:emr-alerts"}, notify.Env{AWS: cfg,
		Policy: notify.Policy{Attempts: 2, Base: 10 * time.Millisecond, SpoolDir: spool, Log: log}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	m, err := monitor.New(monitor.Config{Controls: controls.All(), Control: control.Config{Releases: release.Default()}, Sink: sinks,
		AlertOnUnknown: true, RaisedBy: "host/child", Log: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	go sinks[0].(*notify.Retrier).Run(context.Background(), time.Second)
	c, _ := cfg("eu-west-1")
	d := &monitor.Daemon{Monitor: m, SQS: sqs.NewFromConfig(c), QueueURL: queue, Workers: childWorkers, Receivers: childReceivers,
		Wait: time.Second, Visibility: 5 * time.Second, Log: log}
	if err := d.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// Ensure a daemon killed with SIGKILL mid-batch and restarted on the same
// spool and queue loses no alert: every launch is alerted at least once,
// and the duplicates are bounded by the messages the killed process had
// received and not yet deleted (each such message yields at most one
// extra alert: its alert was sent or spooled, its delete never made).
func TestDaemonKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the daemon as a subprocess")
	}
	s := awstest.New()
	defer s.Close()
	url := s.CreateQueue("events")
	const n = 60
	var ids []string
	for i := range n {
		id := fmt.Sprintf("launch-%02d", i)
		ids = append(ids, id)
		s.Enqueue("events", launch(t, id))
	}
	// SNS fails the first sends (10 alerts' worth: 2 tries × 3 SDK
	// attempts each) so alerts are in the spool at the kill, then answers
	// slowly so the kill lands mid-batch.
	s.Inject(awstest.Fault{Op: "sns.Publish", Times: 60, Status: 500, Code: "InternalError"})
	s.Inject(awstest.Fault{Op: "sns.Publish", Delay: 20 * time.Millisecond})
	spool := t.TempDir()
	start := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+s.URL+" "+url+" "+spool)
		var logs bytes.Buffer
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &logs
	}
	waitFor := func(what string, logs *bytes.Buffer, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s not reached; child log:\n%s", what, logs.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	pending := func() int {
		m, _ := filepath.Glob(filepath.Join(spool, "*", "*.json"))
		return len(m)
	}

	child, logs := start()
	waitFor("mid-batch", logs, func() bool { return len(s.Published()) >= 5 && pending() > 0 })
	child.Process.Kill() // SIGKILL: no deferred code, no deletes flushed
	child.Wait()
	atKill, spooledAtKill := s.QueueState("events"), pending()
	published := len(s.Published())
	if atKill.Visible+atKill.InFlight == 0 || published >= n || spooledAtKill == 0 {
		t.Fatalf("the kill was not mid-batch: queue %+v, %d published", atKill, published)
	}
	s.Expire("events") // the killed process's messages come back

	child, logs = start()
	defer child.Process.Kill()
	waitFor("queue and spool drained", logs, func() bool {
		q := s.QueueState("events")
		return q.Visible+q.InFlight == 0 && pending() == 0
	})
	child.Process.Kill()
	child.Wait()

	got := map[string]int{}
	for _, p := range s.Published() {
		got[p.Attributes["event_id"]]++
	}
	delivered, duplicated, lost := 0, 0, 0
	for _, id := range ids {
		if got[id] == 0 {
			lost++
			continue
		}
		delivered++
		duplicated += got[id] - 1
	}
	t.Logf("kill -9 mid-batch: expected %d, delivered %d, duplicated %d (bound: %d in flight at the kill), lost %d; %d published and %d spooled before the kill, %d messages left then",
		n, delivered, duplicated, atKill.InFlight, lost, published, spooledAtKill, atKill.Visible+atKill.InFlight)
	if lost != 0 {
		t.Errorf("%d alerts lost", lost)
	}
	if duplicated > atKill.InFlight {
		t.Errorf("%d duplicates, more than the %d messages in flight at the kill", duplicated, atKill.InFlight)
	}
	if len(got) != n {
		t.Errorf("alerts for %d events, want %d", len(got), n)
	}
}

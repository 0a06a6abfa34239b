package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/notify"
)

func sample() notify.Alert {
	return notify.Alert{
		ID: "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01", Title: "EMR cluster adhoc-spark launched without in-transit encryption",
		Resource: notify.Resource{Kind: "emr:cluster", ID: "j-1XEXAMPLE9ZQ", Name: "adhoc-spark", Account: "210987654321", Region: "eu-west-1"},
		Event:    notify.Event{ID: "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01", Time: "2026-09-14T08:02:09Z", Name: "RunJobFlow", Source: "elasticmapreduce.amazonaws.com", Principal: "arn:aws:iam::210987654321:role/data-engineer (session jdoe)"},
		Findings: []notify.Finding{{Control: "EMR101", Severity: "high", Verdict: "fail", Title: "Cluster has no security configuration", Message: "cluster names no security configuration", Alerting: true},
			{Control: "EMR704", Severity: "low", Verdict: "fail", Title: "Cluster writes no logs to S3", Message: "no LogUri"}},
		RaisedBy: "arn:aws:lambda:eu-west-1:210987654321:function:emrguard-monitor",
	}
}

var fast = notify.Policy{Attempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}

func snsEnv(s *awstest.Server) notify.Env {
	return notify.Env{AWS: func(region string) (aws.Config, error) { return s.Config(region), nil }}
}

// Ensure the SNS sink publishes subject, text and attributes through the
// real client.
func TestSNSContent(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	sinks, err := notify.Open(context.Background(), []string{"sns:arn:aws:sns:eu-west-1:210987654321:emr-alerts"}, snsEnv(s))
	if err != nil {
		t.Fatal(err)
	}
	if err := sinks.Send(context.Background(), sample()); err != nil {
		t.Fatal(err)
	}
	p := s.Published()
	if len(p) != 1 {
		t.Fatalf("%d published", len(p))
	}
	m := p[0]
	for _, want := range []string{"j-1XEXAMPLE9ZQ", "adhoc-spark", "210987654321", "eu-west-1", "data-engineer (session jdoe)", "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01", "EMR101", "EMR704", "function:emrguard-monitor"} {
		if !strings.Contains(m.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, m.Message)
		}
	}
	if m.Subject != "emrguard: RunJobFlow adhoc-spark in eu-west-1: EMR101" || m.Attributes["controls"] != "EMR101,EMR704" || m.Attributes["severity"] != "high" || m.Region != "eu-west-1" {
		t.Errorf("subject %q attributes %v", m.Subject, m.Attributes)
	}
}

// Ensure a subject stays under SNS's 100 characters and printable ASCII.
func TestSubjectLimits(t *testing.T) {
	a := sample()
	a.Resource.Name = strings.Repeat("ü", 200) + "\n"
	if s := a.Subject(); len(s) >= 100 || strings.ContainsAny(s, "\n\r") || strings.ContainsRune(s, 'ü') {
		t.Errorf("subject %q (%d bytes)", s, len(s))
	}
}

// Ensure SNS failing for two tries then recovering delivers the alert
// exactly once and spools nothing.
func TestSNSDownThenUp(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.Inject(awstest.Fault{Op: "sns.Publish", Times: 2 * 3, Status: 500, Code: "InternalError"}) // 2 Sends of 3 SDK attempts each
	env := snsEnv(s)
	env.Policy = fast
	env.Policy.SpoolDir = t.TempDir()
	sinks, _ := notify.Open(context.Background(), []string{"sns:arn:aws:sns:eu-west-1:210987654321:t"}, env)
	if err := sinks.Send(context.Background(), sample()); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Published()); n != 1 {
		t.Errorf("published %d times, want 1", n)
	}
	if r := sinks[0].(*notify.Retrier); r.Pending() != 0 {
		t.Errorf("%d spooled", r.Pending())
	}
}

type flaky struct {
	fail bool
	got  []notify.Alert
}

func (f *flaky) Send(_ context.Context, a notify.Alert) error {
	if f.fail {
		return errors.New("down")
	}
	f.got = append(f.got, a)
	return nil
}

// Ensure an alert that cannot be delivered is spooled durably, survives a
// "restart" (a new Retrier on the same folder), is resent once, and that
// the same alert spooled twice is kept once.
func TestSpoolSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	down := &flaky{fail: true}
	p := fast
	p.SpoolDir = dir
	r1 := notify.Retrying(down, p).(*notify.Retrier)
	for range 2 {
		if err := r1.Send(context.Background(), sample()); err != nil {
			t.Fatalf("send with spool: %v", err)
		}
	}
	other := sample()
	other.ID = "other"
	r1.Send(context.Background(), other)
	if r1.Pending() != 2 {
		t.Fatalf("pending %d, want 2 (duplicate kept once)", r1.Pending())
	}
	if n, err := r1.Flush(context.Background()); n != 0 || err == nil {
		t.Errorf("flush while down: %d, %v", n, err)
	}
	up := &flaky{}
	r2 := notify.Retrying(up, p).(*notify.Retrier) // the process restarted
	n, err := r2.Flush(context.Background())
	if n != 2 || err != nil || len(up.got) != 2 || up.got[0].ID != sample().ID || r2.Pending() != 0 {
		t.Errorf("flush after restart: %d %v %+v", n, err, up.got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("left in spool: %v", left)
	}
}

// Ensure without a spool the error comes back, and a corrupt spool file
// is set aside without blocking the others.
func TestNoSpoolAndCorruptFile(t *testing.T) {
	r := notify.Retrying(&flaky{fail: true}, fast)
	if err := r.Send(context.Background(), sample()); err == nil {
		t.Error("no spool: nil error")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1-bad.json"), []byte("{trunc"), 0o600)
	p := fast
	p.SpoolDir = dir
	down := &flaky{fail: true}
	rr := notify.Retrying(down, p).(*notify.Retrier)
	rr.Send(context.Background(), sample())
	down.fail = false
	n, err := rr.Flush(context.Background())
	if n != 1 || err == nil || !strings.Contains(err.Error(), "1-bad.json") {
		t.Errorf("flush: %d %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "1-bad.bad")); err != nil {
		t.Error("bad file not set aside")
	}
}

// Ensure the webhook posts JSON with a Slack text field, and a non-2xx
// status is an error.
func TestWebhook(t *testing.T) {
	var got map[string]any
	status := 200
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &got)
		if r.Header.Get("Content-Type") != "application/json" {
			t.Error("content type")
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	sinks, err := notify.Open(context.Background(), []string{srv.URL + "/hooks/secret"}, notify.Env{Policy: notify.Policy{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sinks.Send(context.Background(), sample()); err != nil {
		t.Fatal(err)
	}
	if txt, _ := got["text"].(string); !strings.Contains(txt, "j-1XEXAMPLE9ZQ") || got["id"] != sample().ID {
		t.Errorf("posted %v", got)
	}
	status = 500
	err = sinks.Send(context.Background(), sample())
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("500: %v (the URL path must be redacted)", err)
	}
}

// Ensure stdout writes one JSON line per alert and bad targets are
// startup errors naming them.
func TestStdoutAndTargets(t *testing.T) {
	var buf bytes.Buffer
	sinks, err := notify.Open(context.Background(), []string{"stdout"}, notify.Env{Stdout: &buf})
	if err != nil {
		t.Fatal(err)
	}
	sinks.Send(context.Background(), sample())
	sinks.Send(context.Background(), sample())
	if lines := strings.Split(strings.TrimSpace(buf.String()), "\n"); len(lines) != 2 || !json.Valid([]byte(lines[0])) {
		t.Errorf("stdout: %q", buf.String())
	}
	for _, bad := range []string{"sns:arn:aws:sqs:eu-west-1:1:q", "sns:nope", "http://example.com/x", "ftp://x", "email:a@b"} {
		if _, err := notify.Open(context.Background(), []string{bad}, notify.Env{AWS: func(string) (aws.Config, error) { return aws.Config{}, nil }}); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// Ensure a spool file that is not an alert of ours, too big (a sparse
// file: its size is refused before a byte is read) or a named pipe (its
// open would wait for a writer), is set aside as .bad and the spooled
// alert still goes.
func TestSpoolFileBounded(t *testing.T) {
	dir := t.TempDir()
	big, err := os.Create(filepath.Join(dir, "1-big.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(64 << 20); err != nil {
		t.Fatal(err)
	}
	big.Close()
	if err := syscall.Mkfifo(filepath.Join(dir, "2-pipe.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := fast
	p.SpoolDir = dir
	down := &flaky{fail: true}
	r := notify.Retrying(down, p).(*notify.Retrier)
	r.Send(context.Background(), sample())
	down.fail = false
	n, err := r.Flush(context.Background())
	if n != 1 || err == nil || !strings.Contains(err.Error(), "1-big.json") || !strings.Contains(err.Error(), "2-pipe.json") {
		t.Errorf("flush: sent %d, %v", n, err)
	}
	for _, name := range []string{"1-big.bad", "2-pipe.bad"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not set aside: %v", name, err)
		}
	}
}

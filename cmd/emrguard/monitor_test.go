package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/internal/awstest"
)

// jsonLines joins the example events into one JSON-lines file.
func jsonLines(t *testing.T) string {
	t.Helper()
	files, _ := filepath.Glob("../../examples/events/*.json")
	var b bytes.Buffer
	for _, f := range files {
		data, _ := os.ReadFile(f)
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		line, _ := json.Marshal(v)
		b.Write(append(line, '\n'))
	}
	b.WriteString("{not json\n")
	out := filepath.Join(t.TempDir(), "events.jsonl")
	os.WriteFile(out, b.Bytes(), 0o600)
	return out
}

// Ensure --events replays JSON lines: results carry their event, alerts go
// to stdout as JSON lines, a bad line is an error naming its line, and the
// exit code is 2 because of it.
func TestMonitorReplay(t *testing.T) {
	file := jsonLines(t)
	report := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"monitor", "--events", file, "--no-aws", "--alert-on-unknown=false", "--notify", "stdout", "--format", "json", "--output", report}, nil, &stdout, &stderr)
	if code != exitError {
		t.Errorf("exit %d, want 2 (one bad line); stderr %s", code, stderr.String())
	}
	var alerts []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var a map[string]any
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("alert line %q: %v", line, err)
		}
		alerts = append(alerts, a)
	}
	if len(alerts) != 2 { // adhoc-spark (EMR101/102) and the weak configuration (EMR102)
		t.Errorf("%d alerts: %s", len(alerts), stdout.String())
	}
	data, _ := os.ReadFile(report)
	var r struct {
		Results []struct {
			Control string
			Verdict string
			Event   *struct{ ID, Principal string }
		}
		Errors []struct {
			File    string
			Line    int
			Message string
		}
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Results) == 0 {
		t.Fatal("no results")
	}
	for _, res := range r.Results {
		if res.Event == nil || res.Event.ID == "" || res.Event.Principal == "" {
			t.Errorf("%s result without event", res.Control)
		}
	}
	if len(r.Errors) != 1 || r.Errors[0].Line != 6 || r.Errors[0].File != file {
		t.Errorf("errors %+v", r.Errors)
	}
}

// Ensure monitor deploy prints a template, and bad flags are usage errors.
func TestMonitorDeployAndUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"monitor", "deploy", "--multi-region"}, nil, &stdout, &stderr); code != 0 || !json.Valid(stdout.Bytes()) || !strings.Contains(stdout.String(), "ForwardRule") {
		t.Errorf("deploy: %d %s", code, stderr.String())
	}
	for _, args := range [][]string{{"monitor"}, {"monitor", "--events", "x", "--sqs-queue", "y"}, {"monitor", "--events", "-", "--notify", "smtp:x"}, {"monitor", "--events", "-", "--alert-on", "EMR203"}} {
		stderr.Reset()
		if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitError || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

// Ensure the daemon command reads the queue through --endpoint-url,
// publishes to SNS, deletes the message and stops on cancel (SIGTERM).
func TestMonitorDaemonCommand(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	url := s.CreateQueue("events")
	data, _ := os.ReadFile("../../examples/events/adhoc-spark-launch.json")
	s.Enqueue("events", string(data))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stdout, stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"monitor", "--sqs-queue", url, "--endpoint-url", s.URL, "--spool", t.TempDir(),
			"--notify", "sns:arn:aws:sns:eu-west-1:210987654321:emr-alerts", "--raised-by", "host/test"}, nil, &stdout, &stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for len(s.Published()) == 0 || s.QueueState("events").InFlight > 0 {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no alert; stderr %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
	p := s.Published()
	if len(p) != 1 || !strings.Contains(p[0].Message, "host/test") || !strings.Contains(p[0].Subject, "adhoc-spark") {
		t.Errorf("published %+v", p)
	}
}

// Ensure the Lambda runtime's variable selects Lambda mode before any
// command, and a missing alert target stops the start with its name.
func TestLambdaModeNeedsTarget(t *testing.T) {
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
	t.Setenv("EMRGUARD_NOTIFY", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, nil, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), "EMRGUARD_NOTIFY") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	t.Setenv("EMRGUARD_NOTIFY", "sns:not-an-arn")
	stderr.Reset()
	if code := run(context.Background(), nil, nil, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), "sns:not-an-arn") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// Ensure the settings file's notify targets apply when --notify is not
// given, and a bad target there is a startup error.
func TestMonitorNotifyFromConfig(t *testing.T) {
	event, err := filepath.Abs("../../examples/events/adhoc-spark-launch.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile(filepath.Join(dir, ".emrguard.yaml"), []byte("notify: [stdout]\n"), 0o600)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"monitor", "--events", event, "--no-aws", "--format", "json", "--output", filepath.Join(dir, "r.json")}, nil, &stdout, &stderr)
	if code != exitFailing || !strings.Contains(stdout.String(), "EMR101") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	os.WriteFile(filepath.Join(dir, ".emrguard.yaml"), []byte("notify: [ftp://nowhere]\n"), 0o600)
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"monitor", "--events", event, "--no-aws"}, nil, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), "ftp://nowhere") {
		t.Errorf("bad target: exit %d, stderr %q", code, stderr.String())
	}
}

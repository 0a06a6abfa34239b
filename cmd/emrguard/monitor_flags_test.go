package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure the daemon's numbers are checked at the start: a visibility
// under a second (SQS would be asked for 0) or over SQS's 12 hours, and
// workers under one, are usage errors naming the flag.
func TestMonitorFlagChecks(t *testing.T) {
	for _, tc := range []struct{ flag, value string }{
		{"--visibility", "500ms"}, {"--visibility", "1ns"}, {"--visibility", "0s"}, {"--visibility", "-5s"}, {"--visibility", "13h"},
		{"--workers", "0"}, {"--workers", "-3"}, {"--workers", "100000"},
	} {
		var stdout, stderr bytes.Buffer
		args := []string{"monitor", "--sqs-queue", "https://sqs.eu-west-1.amazonaws.com/210987654321/q", tc.flag, tc.value}
		if code := run(context.Background(), args, nil, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), tc.flag) {
			t.Errorf("%s %s: exit %d, stderr %q", tc.flag, tc.value, code, stderr.String())
		}
	}
}

// Ensure replay reads every event after a line over EventBridge's 256 KiB:
// that line is one error naming its line, the next launch still alerts.
func TestReplayLongLine(t *testing.T) {
	var launch any
	data, _ := os.ReadFile("../../examples/events/adhoc-spark-launch.json")
	if err := json.Unmarshal(data, &launch); err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(launch)
	huge := `{"padding":"` + strings.Repeat("a", 300<<10) + `"}`
	file := filepath.Join(t.TempDir(), "events.jsonl")
	os.WriteFile(file, []byte(huge+"\n"+string(good)+"\n"), 0o600)
	report := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"monitor", "--events", file, "--no-aws", "--notify", "stdout", "--format", "json", "--output", report}, nil, &stdout, &stderr)
	if n := strings.Count(stdout.String(), "\n"); n != 1 || !strings.Contains(stdout.String(), "j-1XEXAMPLE9ZQ") {
		t.Errorf("%d alerts after the long line: %s%s", n, stdout.String(), stderr.String())
	}
	out, _ := os.ReadFile(report)
	var r struct {
		Errors []struct {
			Line    int
			Message string
		}
	}
	json.Unmarshal(out, &r)
	if len(r.Errors) != 1 || r.Errors[0].Line != 1 || !strings.Contains(r.Errors[0].Message, "over EventBridge") {
		t.Errorf("errors %+v", r.Errors)
	}
}

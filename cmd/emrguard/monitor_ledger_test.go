package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
)

// Ensure --dedup-table shares the alerts sent between runs (instances):
// replaying the same events a second time alerts on none of them.
func TestMonitorDedupTable(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.CreateTable("eu-west-1", "emrguard-alerts", monitor.LedgerKey)
	t.Setenv("AWS_ACCESS_KEY_ID", awstest.CallerKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	file := jsonLines(t)
	alerts := func() int {
		var stdout, stderr bytes.Buffer
		run(context.Background(), []string{"monitor", "--events", file, "--no-aws", "--alert-on-unknown=false", "--notify", "stdout",
			"--dedup-table", "emrguard-alerts", "--endpoint-url", s.URL, "--format", "json", "--output", os.DevNull}, nil, &stdout, &stderr)
		return strings.Count(stdout.String(), "\n")
	}
	if n := alerts(); n != 2 {
		t.Fatalf("first run: %d alerts, want 2", n)
	}
	if n := alerts(); n != 0 {
		t.Errorf("second run: %d alerts, want 0 (sent by the first)", n)
	}
	if n := len(s.Items("eu-west-1", "emrguard-alerts")); n != 2 {
		t.Errorf("%d ledger items, want 2", n)
	}
}

package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/internal/testtool"
)

// Ensure `scan --security-hub` sends the run's findings through the SDK
// to the --endpoint-url (moto_server here), reports what it sent on
// stderr, and keeps the exit code of the results.
func TestScanSecurityHubMoto(t *testing.T) {
	url := testtool.Moto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	fixedNow(t, time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC))
	code, _, stderr := runCLI(t, "scan", "../../examples", "--format", "json", "--security-hub", "--endpoint-url", url, "--region", "eu-west-1")
	// Every result but n/a is a finding; all of them imported (the count
	// follows the catalogue, so only its consistency is checked).
	m := regexp.MustCompile(`Security Hub 123456789012/eu-west-1: (\d+) findings sent in \d+ batches, (\d+) imported, 0 failed`).FindStringSubmatch(stderr)
	if code != exitFailing || m == nil || m[1] != m[2] || m[1] == "0" {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	// No region anywhere: a clear error, exit 2.
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	if code, _, stderr := runCLI(t, "scan", "../../examples", "--security-hub", "--endpoint-url", url); code != exitError || !strings.Contains(stderr, "no region") {
		t.Errorf("without a region: exit %d, %s", code, stderr)
	}
}

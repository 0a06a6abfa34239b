package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// TestScanCorpus scans the folder named by EMRGUARD_CORPUS as the command
// line would, writing JSON to nowhere: a harness for profiling a corpus
// (go test ./cmd/emrguard -run TestScanCorpus -cpuprofile cpu.out), not
// a test of its own. Without the variable it is skipped.
func TestScanCorpus(t *testing.T) {
	dir := os.Getenv("EMRGUARD_CORPUS")
	if dir == "" {
		t.Skip("EMRGUARD_CORPUS names no corpus to scan")
	}
	var errb strings.Builder
	if code := run(context.Background(), []string{"scan", "--format", "json", dir}, strings.NewReader(""), io.Discard, &errb); code > 1 {
		t.Fatalf("scan exited %d: %s", code, errb.String())
	}
}

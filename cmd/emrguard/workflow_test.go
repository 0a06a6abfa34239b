package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite examples/out from a scan of examples/")

// fixedNow pins the clock of a run for reproducible output.
func fixedNow(t *testing.T, at time.Time) {
	old := now
	now = func() time.Time { return at }
	t.Cleanup(func() { now = old })
}

// runCLI runs one command line in-process.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// outFiles names the example output of each format.
var outFiles = map[string]string{
	"table": "scan.txt", "json": "scan.json", "sarif": "scan.sarif", "junit": "scan.junit.xml",
	"asff": "scan.asff.json", "html": "scan.html", "markdown": "scan.md",
}

// Ensure examples/out holds what `emrguard scan examples` writes in each
// format today (go test ./cmd/emrguard -update rewrites them), with the
// examples' config file and sidecar suppressions applied.
func TestExamplesOut(t *testing.T) {
	t.Chdir("../..")
	fixedNow(t, time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC))
	for format, name := range outFiles {
		path := filepath.Join("examples", "out", name)
		args := []string{"scan", "examples", "--format", format, "--show", "all", "--aws-account", "111122223333", "--region", "eu-west-1"}
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			args = append(args, "--output", path)
		}
		code, stdout, stderr := runCLI(t, args...)
		if code != exitFailing {
			t.Fatalf("%s: exit %d, want 1 (failing results)\n%s", format, code, stderr)
		}
		if *update {
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./cmd/emrguard -update)", err)
		}
		if stdout != string(want) {
			t.Errorf("%s is out of date: run go test ./cmd/emrguard -update and review the diff", path)
		}
	}
}

// Ensure the examples' suppressions show in the output: the config entry
// and the sidecar line, each with its reason, and that a suppression that
// has expired no longer applies and says so.
func TestSuppressionsEndToEnd(t *testing.T) {
	t.Chdir("../..")
	fixedNow(t, time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC))
	_, stdout, _ := runCLI(t, "scan", "examples", "--format", "table")
	for _, want := range []string{
		"suppressed until 2027-06-30 (examples/.emrguard.yaml:7): sandbox cluster; its own roles land with ticket OPS-42",
		"suppressed until 2027-06-30 (examples/requests/adhoc-spark.json.emrguard-ignore:3): pinned to emr-6.1.0",
		"(3 suppressed)", // EMR501 on adhoc-spark and on its launch event; EMR801 on adhoc-spark
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	fixedNow(t, time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC))
	_, stdout, _ = runCLI(t, "scan", "examples", "--format", "table")
	if strings.Contains(stdout, "suppressed until") {
		t.Errorf("an expired suppression still applies:\n%s", stdout)
	}
	for _, want := range []string{
		"warning: examples/.emrguard.yaml:7: suppression of EMR501 expired on 2027-06-30: EMR501 on emr:cluster ",
		"warning: examples/requests/adhoc-spark.json.emrguard-ignore:3: suppression of EMR801 expired on 2027-06-30",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

// Ensure suppressions decide the exit code: a folder whose only failure is
// suppressed exits 0, and a suppression without a reason exits 2 naming it.
func TestSuppressionExitCodes(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../examples/requests/adhoc-spark.json")
	if err != nil {
		t.Fatal(err)
	}
	req := filepath.Join(dir, "adhoc.json")
	os.WriteFile(req, src, 0o644)
	os.WriteFile(filepath.Join(dir, ".emrguard.yaml"), []byte("suppressions:\n  - control: \"*\"\n    reason: sandbox account, torn down nightly\n"), 0o644)
	fixedNow(t, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	if code, stdout, stderr := runCLI(t, "scan", dir, "--controls", "EMR501,EMR101"); code != exitOK {
		t.Errorf("every failure suppressed: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	os.WriteFile(req+".emrguard-ignore", []byte("7 emrguard:ignore EMR501\n"), 0o644)
	code, stdout, _ := runCLI(t, "scan", dir, "--controls", "EMR501")
	if code != exitError || !strings.Contains(stdout, "adhoc.json.emrguard-ignore:1: suppression of EMR501 has no reason") {
		t.Errorf("suppression without reason: exit %d, want 2\n%s", code, stdout)
	}
}

// Ensure config mistakes are usage errors naming the file, line and key,
// and that --config wins over the file found upward.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bad.yaml")
	os.WriteFile(cfg, []byte("fail-on: high\nfail_on: low\n"), 0o644)
	code, _, stderr := runCLI(t, "scan", "../../examples", "--config", cfg)
	if code != exitError || !strings.Contains(stderr, cfg+":2: unknown key \"fail_on\"") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	os.WriteFile(cfg, []byte("controls: {EMR999: off}\n"), 0o644)
	if code, _, stderr := runCLI(t, "scan", "../../examples", "--config", cfg); code != exitError || !strings.Contains(stderr, `no control "EMR999"`) {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	// fail-on none from the file makes failures exit 0; --fail-on wins over it.
	os.WriteFile(cfg, []byte("fail-on: none\ncontrols: {EMR204: off}\nseverity: {EMR501: critical}\n"), 0o644)
	code, stdout, _ := runCLI(t, "scan", "../../examples", "--config", cfg, "--show", "all")
	if code != exitOK || strings.Contains(stdout, "EMR204") || !strings.Contains(stdout, "critical EMR501") {
		t.Errorf("config not applied: exit %d\n%s", code, stdout)
	}
	if code, _, _ := runCLI(t, "scan", "../../examples", "--config", cfg, "--fail-on", "low"); code != exitFailing {
		t.Errorf("--fail-on low under a config with none: exit %d, want 1", code)
	}
}

// Ensure `emrguard version` names the module version and the Go version.
func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(stdout, "emrguard ") || !strings.Contains(stdout, "go1.") {
		t.Errorf("exit %d: %q", code, stdout)
	}
}

// Ensure the progress line shows the stage once past its delay, clears
// itself on Stop, and writes nothing when disabled.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, after: 0, start: time.Now(), done: make(chan struct{})}
	p.Stage("scanning examples")
	p.tick()
	p.Stop()
	p.Stop()
	if got := buf.String(); !strings.Contains(got, "emrguard: scanning examples") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress wrote %q", got)
	}
	buf.Reset()
	q := startProgress(&buf, false)
	q.Stage("x")
	q.tick()
	q.Stop()
	if buf.Len() != 0 {
		t.Errorf("disabled progress wrote %q", buf.String())
	}
	// A run whose stderr is not a terminal prints no progress.
	if _, _, stderr := runCLI(t, "scan", "../../examples/requests/nightly-etl.json"); strings.Contains(stderr, "\r") {
		t.Errorf("progress on a non-terminal: %q", stderr)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure .emrguard.yaml's ami-age-limit-days reaches EMR803 when a
// snapshot is scanned: a custom AMI 100 days old fails the default limit
// of 90 and passes a limit of 120 set in the file beside it.
func TestSettingsReachControls(t *testing.T) {
	dir := t.TempDir()
	snap := `{"format": "emrguard-snapshot", "version": 1, "taken": "2026-12-01T00:00:00Z",
  "accounts": [{"id": "111122223333", "regions": [{"name": "eu-west-1",
    "clusters": [{"cluster": {"Id": "j-AMI", "Name": "etl", "Status": {"State": "WAITING"}, "CustomAmiId": "ami-1"}, "primaryRead": true}],
    "images": [{"ImageId": "ami-1", "CreationDate": "2026-08-23T00:00:00.000Z"}]}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "live.json"), []byte(snap), 0o600); err != nil {
		t.Fatal(err)
	}
	verdict := func() string {
		t.Helper()
		_, stdout, stderr := runCLI(t, "scan", dir, "--controls", "EMR803", "--format", "json", "--fail-on", "none")
		for _, v := range []string{`"verdict":"fail"`, `"verdict":"pass"`, `"verdict": "fail"`, `"verdict": "pass"`} {
			if strings.Contains(stdout, v) {
				return strings.Trim(strings.SplitN(v, ":", 2)[1], ` "`)
			}
		}
		t.Fatalf("no EMR803 verdict in %s (stderr %s)", stdout, stderr)
		return ""
	}
	if v := verdict(); v != "fail" {
		t.Errorf("default limit: EMR803 %s, want fail", v)
	}
	if err := os.WriteFile(filepath.Join(dir, ".emrguard.yaml"), []byte("ami-age-limit-days: 120\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if v := verdict(); v != "pass" {
		t.Errorf("ami-age-limit-days 120: EMR803 %s, want pass", v)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type baselineReport struct {
	Results []struct {
		ID       string `json:"id"`
		Control  string `json:"control"`
		Verdict  string `json:"verdict"`
		Message  string `json:"message"`
		Baseline string `json:"baseline"`
		Location *struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"results"`
	Baseline struct {
		New, Unchanged, Fixed int
		NewFailing            int `json:"new_failing"`
	} `json:"baseline"`
	Fixed []struct {
		ID, Control, Verdict, Message string
	} `json:"fixed"`
}

// Ensure a scan against a baseline, after one example file is edited —
// its lines moved down, one wide rule narrowed (a finding fixed), one wide
// rule added (a finding introduced) — marks exactly the added finding
// new, lists exactly the narrowed one as fixed, keeps every result whose
// line moved unchanged, and lets --fail-on weigh only the new failure.
func TestBaselineAfterAnEdit(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../examples")); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(t.TempDir(), "base.json")
	if code, _, stderr := runCLI(t, "scan", dir, "--format", "json", "--fail-on", "none", "--output", base); code != exitOK {
		t.Fatalf("baseline scan: exit %d\n%s", code, stderr)
	}
	groups := filepath.Join(dir, "describe", "security-groups.json")
	data, err := os.ReadFile(groups)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for old, new := range map[string]string{
		`"CidrIp": "10.0.0.0/8"`: `"CidrIp": "10.1.0.0/16"`, // fixes EMR205 on port 8443
		`"IpPermissions": [`: `"IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 18080, "ToPort": 18080, "IpRanges": [{"CidrIp": "172.16.0.0/12"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},`,
	} {
		if !strings.Contains(text, old) {
			t.Fatalf("the example no longer holds %s", old)
		}
		text = strings.Replace(text, old, new, 1)
	}
	if err := os.WriteFile(groups, []byte("\n\n\n"+text), 0o644); err != nil { // every line moves down
		t.Fatal(err)
	}

	code, out, stderr := runCLI(t, "scan", dir, "--format", "json", "--fail-on", "none", "--baseline", base)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var r baselineReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	var news []string
	moved := 0
	for _, res := range r.Results {
		switch res.Baseline {
		case "new":
			news = append(news, res.Control+" "+res.Verdict+": "+res.Message)
		case "unchanged":
			if res.Location != nil && strings.HasSuffix(res.Location.File, "security-groups.json") {
				moved++
			}
		default:
			t.Errorf("%s %s: baseline %q", res.Control, res.Message, res.Baseline)
		}
	}
	if len(news) != 1 || !strings.HasPrefix(news[0], "EMR205 fail: ") || !strings.Contains(news[0], "tcp port 18080 from 172.16.0.0/12") {
		t.Errorf("new results %q; want only the EMR205 failure on port 18080", news)
	}
	if len(r.Fixed) != 1 || r.Fixed[0].Control != "EMR205" || !strings.Contains(r.Fixed[0].Message, "tcp port 8443 from 10.0.0.0/8") {
		t.Errorf("fixed %+v; want only the EMR205 failure on port 8443", r.Fixed)
	}
	// EMR203, EMR204 and EMR205 on port 22 point into the edited file,
	// three lines lower than in the baseline, and are unchanged.
	if moved < 3 {
		t.Errorf("%d unchanged results in the edited file; want those on the port 22 rule", moved)
	}
	if r.Baseline.New != 1 || r.Baseline.NewFailing != 1 || r.Baseline.Fixed != 1 || r.Baseline.Unchanged != len(r.Results)-1 {
		t.Errorf("counts %+v", r.Baseline)
	}

	// EMR205 is low: the new failure trips --fail-on low, not medium,
	// though the unchanged EMR203 (high) still fails.
	if code, _, _ := runCLI(t, "scan", dir, "--fail-on", "low", "--baseline", base); code != exitFailing {
		t.Errorf("--fail-on low with a new low failure: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, "scan", dir, "--fail-on", "medium", "--baseline", base); code != exitOK {
		t.Errorf("--fail-on medium with only unchanged failures at medium and above: exit %d, want 0", code)
	}
	if code, _, _ := runCLI(t, "scan", dir, "--fail-on", "medium"); code != exitFailing {
		t.Errorf("--fail-on medium without a baseline: exit %d, want 1", code)
	}
	_, table, _ := runCLI(t, "scan", dir, "--fail-on", "none", "--baseline", base)
	for _, want := range []string{"EMR205  A cluster security group allows ingress from a wide range [new]", "fixed since the baseline", "1 new (1 failing)", "1 fixed"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q", want)
		}
	}
}

// Ensure a baseline that is not an emrguard JSON report stops the run
// with exit 2 and an error naming it, before anything is written.
func TestBaselineRefused(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.sarif")
	for _, bad := range []string{"../../examples/out/scan.sarif", "../../examples/requests/nightly-etl.json", filepath.Join(dir, "missing.json")} {
		code, stdout, stderr := runCLI(t, "scan", "../../examples/requests", "--format", "sarif", "--output", out, "--baseline", bad)
		if code != exitError || !strings.Contains(stderr, bad) || stdout != "" {
			t.Errorf("--baseline %s: exit %d, stderr %q, stdout %d bytes; want 2 and an error naming it", bad, code, stderr, len(stdout))
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("--baseline %s: the report was written", bad)
		}
	}
	if code, _, stderr := runCLI(t, "scan", "../../examples/requests", "--baseline", "../../examples/out/scan.json", "--fail-on", "none"); code != exitOK {
		t.Errorf("the examples' own JSON report as a baseline: exit %d\n%s", code, stderr)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type complianceReport struct {
	Results    json.RawMessage `json:"results"`
	Compliance []struct {
		Framework struct {
			Short string `json:"short"`
		} `json:"framework"`
		Summary      map[string]int `json:"summary"`
		Requirements []struct {
			ID       string   `json:"id"`
			Status   string   `json:"status"`
			Controls []string `json:"controls"`
		} `json:"requirements"`
	} `json:"compliance"`
}

func decodeCompliance(t *testing.T, s string) complianceReport {
	t.Helper()
	var r complianceReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return r
}

// Ensure --compliance adds the requirement status without changing a
// verdict: the results are the same bytes as without it.
func TestScanCompliance(t *testing.T) {
	plain, _, code := emrguard(t, "", "scan", "../../examples", "--format", "json", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	out, _, code := emrguard(t, "", "scan", "../../examples", "--format", "json", "--fail-on", "none", "--compliance", "fsbp,NIST-800-53")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	without, with := decodeCompliance(t, plain), decodeCompliance(t, out)
	if string(without.Results) != string(with.Results) || without.Compliance != nil {
		t.Fatal("--compliance changed the results, or the plain run has a compliance block")
	}
	if len(with.Compliance) != 2 || with.Compliance[0].Framework.Short != "fsbp" || with.Compliance[1].Framework.Short != "nist-800-53" {
		t.Fatalf("compliance block: %+v", with.Compliance)
	}
	status := map[string]string{}
	for _, r := range with.Compliance[0].Requirements {
		status[r.ID] = r.Status
	}
	// examples/ holds a cluster without in-transit encryption and a live
	// snapshot with a logging multi-Region trail.
	if status["EMR.4"] != "fail" || status["CloudTrail.1"] != "pass" {
		t.Errorf("fsbp statuses %v", status)
	}
	table, _, _ := emrguard(t, "", "scan", "../../examples", "--fail-on", "none", "--compliance", "nist-800-53")
	if !strings.Contains(table, "Compliance: NIST SP 800-53 rev 5 (nist-800-53)") || !strings.Contains(table, "\nSC-8 ") {
		t.Errorf("table lacks the NIST section:\n%s", table)
	}
}

// Ensure bad compliance input exits 2 before anything is written: an
// unknown name lists the known ones, a malformed file names file and line.
func TestComplianceBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "fw.yaml")
	os.WriteFile(bad, []byte("short: mine\nname: Mine\nversion: \"1\"\nsource: https://example.com\nrequirements:\n  - {id: R1, title: t}\ncontrols:\n  EMR102: [R2]\n"), 0o644)
	unknownControl := filepath.Join(dir, "unknown.yaml")
	os.WriteFile(unknownControl, []byte("short: mine\nname: Mine\nversion: \"1\"\nsource: https://example.com\nrequirements:\n  - {id: R1, title: t}\ncontrols:\n  EMR999: [R1]\n"), 0o644)
	report := filepath.Join(dir, "report.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "../../examples", "--compliance", "sox"}, `unknown framework "sox" (known: cis, emr-bp, emr-eks-bp, fsbp, hipaa, nist-800-53, pci-dss)`},
		{[]string{"scan", "../../examples", "--compliance-file", bad}, bad + `:8: control EMR102: requirement "R2" is not declared`},
		{[]string{"scan", "../../examples", "--compliance-file", unknownControl}, unknownControl + ":8: no control EMR999"},
		{[]string{"scan", "../../examples", "--compliance-file", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"aws", "--region", "us-east-1", "--compliance", "sox"}, `unknown framework "sox"`},
		{[]string{"rules", "--compliance", "sox"}, `unknown framework "sox"`},
	} {
		out, stderr, code := emrguard(t, "", append(tc.args, "--output", report)...)
		if tc.args[0] == "rules" {
			out, stderr, code = emrguard(t, "", tc.args...)
		}
		if code != exitError || !strings.Contains(stderr, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, stderr, tc.want)
		}
		if _, err := os.Stat(report); err == nil {
			t.Fatalf("%v wrote %s", tc.args, report)
		}
	}
}

// Ensure a user framework is added by --compliance-file (and reported
// without --compliance), and 'rules --compliance' lists a mapping.
func TestComplianceFile(t *testing.T) {
	fw := filepath.Join(t.TempDir(), "fw.yaml")
	os.WriteFile(fw, []byte("short: mine\nname: Mine\nversion: \"1\"\nsource: https://example.com\nrequirements:\n  - {id: R1, title: Encrypt in transit}\ncontrols:\n  EMR102: [R1]\n"), 0o644)
	out, stderr, code := emrguard(t, "", "scan", "../../examples", "--format", "json", "--fail-on", "none", "--compliance-file", fw)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := decodeCompliance(t, out)
	if len(r.Compliance) != 1 || r.Compliance[0].Framework.Short != "mine" || r.Compliance[0].Requirements[0].Status != "fail" {
		t.Fatalf("compliance block %+v", r.Compliance)
	}
	out, _, code = emrguard(t, "", "rules", "--compliance", "mine,nist-800-53", "--compliance-file", fw)
	if code != exitOK || !strings.Contains(out, "R1  Encrypt in transit\n    EMR102\n") || !strings.Contains(out, "SC-8  Transmission Confidentiality and Integrity\n    EMR101, EMR102\n") {
		t.Errorf("rules --compliance:\n%s", out)
	}
}

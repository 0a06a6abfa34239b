package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/compliance"
)

func builtin(t *testing.T, short string) *compliance.Framework {
	t.Helper()
	f, ok := compliance.Find(compliance.Builtin(), short)
	if !ok {
		t.Fatalf("no framework %s", short)
	}
	return f
}

// Ensure --compliance adds the requirement-level status to the table and
// Markdown and a "compliance" block to JSON (golden files), and that
// without it none appears.
func TestComplianceBlock(t *testing.T) {
	r := fixture()
	for _, name := range []string{"table", "json", "markdown"} {
		var plain bytes.Buffer
		if err := Writers[name](&plain, r); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plain.String(), "ompliance") {
			t.Errorf("%s without --compliance mentions compliance:\n%s", name, plain.String())
		}
	}
	r.Compliance = []*compliance.Framework{builtin(t, "fsbp"), builtin(t, "nist-800-53")}
	for name, ext := range map[string]string{"table": "txt", "json": "json", "markdown": "md"} {
		var buf bytes.Buffer
		if err := Writers[name](&buf, r); err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "golden", "run.compliance."+ext), buf.Bytes())
	}
	var buf bytes.Buffer
	if err := JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Compliance []jsonFramework `json:"compliance"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JSON with compliance does not parse: %v", err)
	}
	if len(doc.Compliance) != 2 || doc.Compliance[1].Framework.Short != "nist-800-53" {
		t.Fatalf("compliance block %+v", doc.Compliance)
	}
	status := map[string]string{}
	for _, req := range doc.Compliance[1].Requirements {
		status[req.ID] = req.Status
	}
	// EMR102 fails on one cluster and passes on another: SC-8 fails.
	// EMR111 is unknown on one, n/a on another: AU-9 is unknown. EMR204
	// fails (suppressed, still failing): SC-7 fails. No AU-12 control ran.
	for id, want := range map[string]string{"SC-8": "fail", "AU-9": "unknown", "SC-7": "fail", "AU-12": "n/a", "SI-2": "fail"} {
		if status[id] != want {
			t.Errorf("%s is %q, want %q", id, status[id], want)
		}
	}
	if s := doc.Compliance[0].Summary; s["fail"] != 1 || s["total"] != 8 {
		t.Errorf("fsbp summary %v, want 1 fail of 8 (EMR.4)", s)
	}
}

// Ensure ASFF findings and SARIF rules carry the requirements of their
// control, as Security Hub spells them.
func TestComplianceInMachineFormats(t *testing.T) {
	r := fixture()
	fs, err := ASFFFindings(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.GeneratorId != "emrguard-EMR102" {
			continue
		}
		for _, want := range []string{"EMR security best practices BP 3.1", "AWS Foundational Security Best Practices v1.0.0/EMR.4", "NIST.800-53.r5 SC-8", "PCI DSS v4.0.1/4", "HIPAA 45 CFR 164.312(e)(1)"} {
			if !slices.Contains(f.Compliance.RelatedRequirements, want) {
				t.Errorf("EMR102 finding lacks %q: %v", want, f.Compliance.RelatedRequirements)
			}
		}
	}
	mine, err := compliance.Parse("mine.yaml", []byte("short: mine\nname: Mine\nversion: \"1\"\nsource: https://example.com\nrequirements:\n  - {id: R1, title: t}\ncontrols:\n  EMR102: [R1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	r.Frameworks = []*compliance.Framework{mine}
	var buf bytes.Buffer
	if err := SARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string `json:"id"`
						Properties struct {
							Tags       []string            `json:"tags"`
							Compliance map[string][]string `json:"compliance"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		if rule.ID == "EMR102" {
			found = true
			if got := rule.Properties.Compliance["mine"]; len(got) != 1 || got[0] != "R1" || !slices.Contains(rule.Properties.Tags, "compliance/mine") {
				t.Errorf("EMR102 rule properties %+v", rule.Properties)
			}
		}
	}
	if !found {
		t.Error("no EMR102 rule")
	}
}

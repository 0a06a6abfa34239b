package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
)

func known(id string) bool { return id == "EMR102" || id == "EMR204" || id == "EMR402" }

const good = `controls:
  EMR204: off
  EMR102: on
severity:
  EMR402: high
fail-on: medium
emr-namespaces: [spark-jobs]
use-case-tag-key: team
ami-age-limit-days: 120
shared-role-limit: 5
notify: [arn:aws:sns:eu-west-1:111122223333:emrguard, stdout]
suppressions:
  - control: EMR102
    resource: "legacy-*"
    until: 2027-03-31
    reason: decommissioned in Q1
  - control: [EMR204, EMR102]
    region: eu-*
    reason: sandbox
`

// Ensure every documented key is read and applied.
func TestParse(t *testing.T) {
	f, err := Parse(".emrguard.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Check(known); err != nil {
		t.Fatal(err)
	}
	if f.FailOn != "medium" || f.UseCaseTagKey != "team" || f.AMIAgeLimitDays != 120 || len(f.EMRNamespaces) != 1 || len(f.Notify) != 2 {
		t.Errorf("decoded %+v", f)
	}
	cfg := control.Config{AMIAgeLimitDays: 30}
	f.Settings(&cfg)
	if cfg.TagKey() != "team" || cfg.RoleLimit() != 5 || cfg.AMIAgeLimit() != 120 {
		t.Errorf("settings %+v", cfg)
	}
	cfg = control.Config{AMIAgeLimitDays: 30}
	(&File{}).Settings(&cfg)
	if cfg.TagKey() != control.DefaultUseCaseTagKey || cfg.RoleLimit() != control.DefaultSharedRoleLimit || cfg.AMIAgeLimit() != 30 {
		t.Errorf("a file without settings changed %+v", cfg)
	}
	rules, err := f.Rules(known)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].Origin.Line != 13 || rules[0].Until.Format("2006-01-02") != "2027-03-31" || len(rules[1].Controls) != 2 {
		t.Errorf("rules %+v", rules)
	}
	orig402 := &control.Control{ID: "EMR402", Severity: control.Medium}
	cs := f.Apply([]*control.Control{{ID: "EMR102"}, {ID: "EMR204"}, orig402})
	if len(cs) != 2 || cs[0].ID != "EMR102" || cs[1].Severity != control.High {
		t.Errorf("applied: %v", cs)
	}
	if orig402.Severity != control.Medium {
		t.Error("severity override changed the shared control value")
	}
}

// Ensure mistakes are errors naming the file, line and key.
func TestErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"fail_on: high\n", `config c.yaml:1: unknown key "fail_on"`},
		{"controls:\n  EMR204: maybe\n", `config c.yaml:2: "maybe" is not on or off`},
		{"suppressions:\n  - control: EMR102\n    reasn: x\n", `config c.yaml:3: unknown key "reasn"`},
		{"fail-on: severe\n", `fail-on: unknown severity "severe"`},
		{"severity: {EMR102: urgent}\n", `severity of EMR102`},
		{"notify: [ftp://x]\n", `notify target "ftp://x"`},
		{"ami-age-limit-days: -1\n", `must be positive`},
		{"shared-role-limit: -2\n", `shared-role-limit must be positive`},
		{"controls: [\n", `config c.yaml:`},
	} {
		_, err := Parse("c.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want %q", tc.src, err, tc.want)
		}
	}
	f, _ := Parse("c.yaml", []byte("severity: {EMR999: high}\n"))
	if err := f.Check(known); err == nil || !strings.Contains(err.Error(), `no control "EMR999"`) {
		t.Errorf("Check = %v", err)
	}
	f, _ = Parse("c.yaml", []byte("suppressions:\n  - control: EMR102\n"))
	if _, err := f.Rules(known); err == nil || !strings.Contains(err.Error(), "c.yaml:2: suppression of EMR102 has no reason") {
		t.Errorf("Rules = %v", err)
	}
}

// Ensure the file is found in the scanned folder or above it, from a file
// or a folder, and not below.
func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(deep, "t.json"), []byte("{}"), 0o644)
	if got := Find(deep); got != "" && strings.HasPrefix(got, root) {
		t.Fatalf("found %s before writing one", got)
	}
	cfg := filepath.Join(root, "a", FileName)
	os.WriteFile(cfg, []byte("fail-on: high\n"), 0o644)
	for _, start := range []string{deep, filepath.Join(deep, "t.json"), filepath.Join(root, "a")} {
		if got := Find(start); got != cfg {
			t.Errorf("Find(%s) = %q, want %q", start, got, cfg)
		}
	}
}

package suppress

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/source"
)

// Ensure inline and sidecar suppressions in a module terraform init
// installed (and the other vendored folders) are not applied, each is
// named in a warning, a malformed one there is no error of the run, and
// the config file still suppresses there.
func TestVendoredSuppressionsIgnored(t *testing.T) {
	mod := ".terraform/modules/vendor_emr/main.tf"
	src := "resource \"aws_emr_cluster\" \"c\" {\n  # emrguard:ignore EMR102 reason=\"trust me\"\n  name = \"x\"\n  key_name = \"k\" # emrguard:ignore EMR204 reason=\"trust me too\"\n}\n# emrguard:ignore EMR999 broken\nlocals {}\n"
	fs := files(map[string]string{
		mod:                                src,
		mod + SidecarSuffix:                "* emrguard:ignore EMR102,EMR204 reason=\"all of it\"\nnot a directive\n",
		"node_modules/cdk/t.yaml":          "a: 1 # emrguard:ignore EMR102 reason=\"npm\"\n",
		"vendor/mods/t.tf":                 "a = 1 # emrguard:ignore EMR102 reason=\"vendored\"\n",
		`C:\repo\.terragrunt-cache\x\t.tf`: "a = 1 # emrguard:ignore EMR102 reason=\"cache\"\n",
		"mine/main.tf":                     "a = 1 # emrguard:ignore EMR102 reason=\"reviewed\"\n",
		"vendor.tf":                        "a = 1 # emrguard:ignore EMR102 reason=\"a file, not a folder\"\n",
	})
	rs := []control.Result{
		result(emr102, control.Failed, mod, 3),
		result(emr204, control.Failed, mod, 4),
		result(emr102, control.Unknown, mod, 7),
		result(emr102, control.Failed, "node_modules/cdk/t.yaml", 1),
		result(emr102, control.Failed, "vendor/mods/t.tf", 1),
		result(emr102, control.Failed, `C:\repo\.terragrunt-cache\x\t.tf`, 1),
		result(emr102, control.Failed, "mine/main.tf", 1),
		result(emr102, control.Failed, "vendor.tf", 1),
		result(emr204, control.Failed, ".terraform/modules/other/main.tf", 9),
	}
	cfg := Rule{Controls: []string{"EMR204"}, File: ".terraform/modules/other/*", Reason: "reviewed in .emrguard.yaml"}
	ds := Apply(rs, Options{Now: today, Known: known, ReadFile: fs, Rules: []Rule{cfg}})
	want := []bool{false, false, false, false, false, false, true, true, true}
	for i, r := range rs {
		if got := r.Suppressed != nil; got != want[i] {
			t.Errorf("result %d (%s %s:%d): suppressed=%v, want %v", i, r.Control.ID, r.At.File, r.At.Line, got, want[i])
		}
	}
	for _, d := range ds {
		if d.Level != source.Warning {
			t.Errorf("a vendored directive gave an error: %s", d.Error())
		}
	}
	text := diagText(ds)
	for _, w := range []string{
		mod + ":2: emrguard:ignore EMR102 in vendored code is ignored",
		mod + ":4: emrguard:ignore EMR204 in vendored code is ignored",
		mod + SidecarSuffix + ":1: emrguard:ignore EMR102,EMR204 in vendored code is ignored",
		"node_modules/cdk/t.yaml:1:", "vendor/mods/t.tf:1:", `C:\repo\.terragrunt-cache\x\t.tf:1:`,
	} {
		if !strings.Contains(text, w) {
			t.Errorf("no warning %q in:\n%s", w, text)
		}
	}
	if n := strings.Count(text, "in vendored code is ignored"); n != 7 {
		t.Errorf("want 7 warnings (one per directive and control that would apply), got %d:\n%s", n, text)
	}
}

// Ensure standard input takes no suppression from files in the working
// folder: neither "<stdin>.emrguard-ignore" nor a file named "<stdin>".
func TestStdinHasNoSidecar(t *testing.T) {
	fs := files(map[string]string{
		"<stdin>":                 "a: 1 # emrguard:ignore EMR102 reason=\"planted\"\n",
		"<stdin>" + SidecarSuffix: "* emrguard:ignore EMR102,EMR204 reason=\"planted\"\n",
	})
	rs := []control.Result{result(emr102, control.Failed, "<stdin>", 1), result(emr204, control.Failed, "<stdin>", 3)}
	ds := Apply(rs, Options{Now: today, Known: known, ReadFile: fs})
	for i, r := range rs {
		if r.Suppressed != nil {
			t.Errorf("result %d on stdin suppressed by %s", i, r.Suppressed.Origin)
		}
	}
	if len(ds) != 0 {
		t.Errorf("diagnostics: %s", diagText(ds))
	}
}

// Ensure vendored finds a VendoredDirs folder among a path's folders only.
func TestVendored(t *testing.T) {
	for path, want := range map[string]bool{
		".terraform/modules/m/main.tf":     true,
		"/abs/x/.terraform/modules/m/a.tf": true,
		`a\node_modules\b.yaml`:            true,
		"vendor/x.tf":                      true,
		"vendor":                           false,
		"vendored/x.tf":                    false,
		"my.terraform/x.tf":                false,
		"main.tf":                          false,
	} {
		if got := vendored(path); got != want {
			t.Errorf("vendored(%q) = %v, want %v", path, got, want)
		}
	}
}

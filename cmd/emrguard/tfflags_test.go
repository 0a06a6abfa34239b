package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure --var and --var-file reach Terraform root modules, --var winning,
// and a malformed --var is a usage error.
func TestTerraformVarFlags(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`variable "block" {
  type    = bool
  default = true
}

resource "aws_emr_block_public_access_configuration" "this" {
  block_public_security_group_rules = var.block
}
`), 0o644)
	vf := filepath.Join(t.TempDir(), "off.tfvars")
	os.WriteFile(vf, []byte("block = false\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{nil, `"verdict": "pass"`},
		{[]string{"--var-file", vf}, `"verdict": "fail"`},
		{[]string{"--var-file", vf, "--var", "block=true"}, `"verdict": "pass"`},
	}
	for _, c := range cases {
		args := append([]string{"scan", "--format", "json", "--controls", "EMR201"}, c.args...)
		_, out, errOut := runCLI(t, append(args, dir)...)
		if !strings.Contains(out, c.want) {
			t.Errorf("%v: want %s in\n%s\n%s", c.args, c.want, out, errOut)
		}
	}
	if code, _, _ := runCLI(t, "scan", "--var", "novalue", dir); code != 2 {
		t.Errorf("--var novalue: exit %d, want 2", code)
	}
}

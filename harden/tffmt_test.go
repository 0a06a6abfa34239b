package harden_test

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/emrguard/emrguard/harden"
)

// TestTerraformFmt: the generated Terraform is as `terraform fmt` writes
// it, so a user's fmt check passes on it unchanged. Style, not
// correctness (the round trips read it with emrguard's own reader), so
// it is skipped where terraform is absent, in CI too.
func TestTerraformFmt(t *testing.T) {
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform not on PATH: the fmt check is skipped")
	}
	sc, err1 := harden.SecConf(pemSpec(), harden.Terraform)
	iam, err2 := harden.IAM(iamSpec(), harden.Terraform)
	keys, err3 := harden.Keys(keysSpec(), harden.Terraform)
	env, err4 := harden.Environment(envSpec(), harden.Terraform)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, src := range map[string][]byte{"secconf": sc, "iam": iam, "keys": keys, "environment": env} {
		cmd := exec.Command(tf, "fmt", "-")
		cmd.Stdin = bytes.NewReader(src)
		cmd.Env = append(cmd.Environ(), "TF_CLI_CONFIG_FILE=/dev/null")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: terraform fmt: %v", name, err)
		}
		if !bytes.Equal(out, src) {
			t.Errorf("%s: terraform fmt changes it:\n--- generated\n%s\n--- fmt\n%s", name, src, out)
		}
	}
}

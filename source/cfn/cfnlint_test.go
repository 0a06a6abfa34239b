package cfn_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/testtool"
)

// Ensure the CloudFormation examples that document and test the controls
// are templates CloudFormation would accept: cfn-lint finds no error
// (warnings are allowed) in examples/cfn and controls/testdata. Skips
// where cfn-lint is absent, unless EMRGUARD_CI=1.
func TestExamplesPassCfnLint(t *testing.T) {
	lint := testtool.Require(t, "cfn-lint", "pip install cfn-lint==1.51")
	var files []string
	for _, pat := range []string{"../../examples/cfn/*.yaml", "../../controls/testdata/*/cfn-*.yaml", "../../controls/testdata/*/cfn-*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("found only %d example templates", len(files))
	}
	out, _ := exec.Command(lint, append([]string{"--format", "parseable"}, files...)...).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.SplitN(line, ":", 6); len(f) == 6 && strings.HasPrefix(f[5], "E") {
			t.Errorf("cfn-lint: %s", line)
		}
	}
}

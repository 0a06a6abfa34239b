package main

import (
	"os"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/awsapi"
)

// Ensure the README's live-scan section shows the policy --print-policy
// prints (itself held to the calls the collectors make by
// source/awsapi's TestPolicy).
func TestReadmePolicy(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "aws", "--print-policy")
	if code != exitOK || strings.TrimSpace(stdout) != strings.TrimSpace(awsapi.Policy()) {
		t.Fatalf("--print-policy: exit %d, output differs from awsapi.Policy()", code)
	}
	if !strings.Contains(string(readme), "```json\n"+strings.TrimSpace(awsapi.Policy())+"\n```") {
		t.Errorf("README.md's live scan section does not show the policy of 'emrguard aws --print-policy':\n%s", awsapi.Policy())
	}
}

// Ensure the aws command's usage mistakes are exit 2 with a clear line,
// before any AWS call.
func TestAWSUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"aws", "snap.json"}, "aws takes no arguments"},
		{[]string{"aws", "--job-runs-since", "soon"}, `"soon" is not an age`},
		{[]string{"aws", "--job-runs-since", "0d"}, `"0d" is not an age`},
		{[]string{"aws", "--concurrency", "0"}, "--concurrency must be at least 1"},
		{[]string{"aws", "--format", "xml"}, `unknown --format "xml"`},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != exitError || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

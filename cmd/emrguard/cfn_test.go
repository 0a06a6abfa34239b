package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure --cfn-params fills in a parameter without a default, turning the
// unknown verdict it caused into a real one, and that a bad parameters
// file is a usage error naming the file.
func TestScanCFNParams(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "stack.yaml")
	params := filepath.Join(dir, "params.json")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(tmpl, "Parameters:\n  Release: {Type: String}\nResources:\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n      ReleaseLabel: !Ref Release\n      Instances: {}\n")
	write(params, `{"Parameters": {"Release": "emr-6.1.0"}}`)
	verdict := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"scan", "--format", "json", "--controls", "EMR402"}, args...), strings.NewReader(""), &out, &errb)
		var rep struct {
			Results []struct{ Verdict, Message string }
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Results) != 1 {
			t.Fatalf("report %q (stderr %q): %v", out.String(), errb.String(), err)
		}
		return rep.Results[0].Verdict + ": " + rep.Results[0].Message, code
	}
	if v, code := verdict(tmpl); !strings.HasPrefix(v, "unknown") || !strings.Contains(v, "parameter Release has no default") || code != 0 {
		t.Errorf("without params: %s (exit %d)", v, code)
	}
	if v, code := verdict("--cfn-params", params, tmpl); !strings.HasPrefix(v, "fail") || code != 1 {
		t.Errorf("with params: %s (exit %d)", v, code)
	}
	var out, errb bytes.Buffer
	write(params, `{"Release": "x"}`)
	if code := run(context.Background(), []string{"scan", "--cfn-params", params, tmpl}, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), params) {
		t.Errorf("bad params file: exit %d, stderr %q", code, errb.String())
	}
}

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

const webBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm, namespace: web}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [delete]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm, namespace: web}
subjects: [{kind: User, name: bob}]
roleRef: {kind: Role, name: cm}
`

// Ensure --emr-namespace makes a namespace EMR's: the same binding is n/a
// without it and fails with it; a bad name is a usage error.
func TestEMRNamespaceFlag(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rbac.yaml")
	if err := os.WriteFile(file, []byte(webBinding), 0o600); err != nil {
		t.Fatal(err)
	}
	verdict := func(args ...string) (string, int) {
		var out, errw bytes.Buffer
		code := run(context.Background(), append([]string{"scan", "--format", "json", "--controls", "EKS601"}, append(args, file)...), nil, &out, &errw)
		var rep struct {
			Results []struct{ Verdict string }
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Results) != 1 {
			t.Fatalf("args %v: code %d, output %q, stderr %q", args, code, out.String(), errw.String())
		}
		return rep.Results[0].Verdict, code
	}
	if v, code := verdict(); v != "n/a" || code != 0 {
		t.Errorf("without the flag: %s, exit %d; want n/a, 0", v, code)
	}
	if v, code := verdict("--emr-namespace", "web"); v != "fail" || code != 1 {
		t.Errorf("with --emr-namespace web: %s, exit %d; want fail, 1", v, code)
	}
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"scan", "--emr-namespace", "Not_A_Namespace", file}, nil, &out, &errw); code != 2 || !strings.Contains(errw.String(), "not a Kubernetes namespace") {
		t.Errorf("bad name: exit %d, stderr %q; want 2 and a message", code, errw.String())
	}
}

// Ensure emr-namespaces in the settings file makes a namespace EMR's, as
// the flag does.
func TestEMRNamespaceConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "rbac.yaml")
	if err := os.WriteFile(file, []byte(webBinding), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".emrguard.yaml"), []byte("emr-namespaces: [web]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	code := run(context.Background(), []string{"scan", "--format", "json", "--controls", "EKS601", dir}, nil, &out, &errw)
	if code != 1 || !strings.Contains(out.String(), `"verdict": "fail"`) {
		t.Errorf("exit %d, stderr %q, output %s", code, errw.String(), out.String())
	}
}

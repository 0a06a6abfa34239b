//go:build unix

package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// sandboxMarker is planted in the file outside the scanned tree.
const sandboxMarker = "OUTSIDE-MARKER-5b1f"

// Ensure the file functions read only regular files inside the scanned
// tree: each hostile path leaves its attribute unknown with the reason,
// is no input error, and no byte of it reaches the evidence or the
// diagnostics; files inside the tree are read as before.
func TestFileFunctionsSandbox(t *testing.T) {
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	secret := filepath.Join(base, "secret.txt")
	mustWrite(t, secret, sandboxMarker)
	mustWrite(t, filepath.Join(tree, "policy.json"), "emr-7.2.0")
	mustWrite(t, filepath.Join(tree, "label.tftpl"), "emr-${v}")
	if err := syscall.Mkfifo(filepath.Join(tree, "pipe"), 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	for link, target := range map[string]string{"out.txt": secret, "zero": "/dev/zero", "kmsg": "/proc/kmsg", "in.txt": "policy.json"} {
		if err := os.Symlink(target, filepath.Join(tree, link)); err != nil {
			t.Fatal(err)
		}
	}
	depth := strings.Repeat("../", strings.Count(tree, "/"))
	cases := []struct {
		name, expr, why string // why: "" when the file is read
	}{
		{"environ", `file("/proc/self/environ")`, `file("/proc/self/environ"): outside the scanned folder, not read`},
		{"passwd", `file("` + depth + `etc/passwd")`, "outside the scanned folder, not read"},
		{"up", `file("../secret.txt")`, `file("../secret.txt"): outside the scanned folder, not read`},
		{"absolute", fmt.Sprintf("file(%q)", secret), "outside the scanned folder, not read"},
		{"stdout", `file("/dev/stdout")`, "outside the scanned folder, not read"},
		{"fifo", `file("${path.module}/pipe")`, "a named pipe (FIFO), not a regular file; not read"},
		{"link_out", `file("out.txt")`, `file("out.txt"): outside the scanned folder, not read`},
		{"link_zero", `filebase64("zero")`, `filebase64("zero"): outside the scanned folder, not read`},
		{"link_kmsg", `file("kmsg")`, "outside the scanned folder, not read"},
		{"tpl_out", `templatefile("../secret.txt", {})`, `templatefile("../secret.txt"): outside the scanned folder, not read`},
		{"tpl_etc", `templatefile("/etc/hostname", {})`, "outside the scanned folder, not read"},
		{"sha", `filesha256("../secret.txt")`, `filesha256("../secret.txt"): outside the scanned folder, not read`},
		{"exists", `tostring(fileexists("../secret.txt"))`, `fileexists("../secret.txt"): outside the scanned folder, not read`},
		{"set", `join(",", fileset("..", "*"))`, `fileset(".."): outside the scanned folder, not read`},
		{"set_up", `join(",", fileset(".", "../*"))`, "the pattern leaves the folder, not read"},
		{"inside", `file("${path.module}/policy.json")`, ""},
		{"inside_link", `file("in.txt")`, ""},
		{"inside_tpl", `templatefile("label.tftpl", { v = "7.2.0" })`, ""},
	}
	var src strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&src, "resource \"aws_emr_cluster\" %q {\n  name          = %q\n  release_label = %s\n  service_role  = \"s\"\n}\n\n", c.name, c.name, c.expr)
	}
	mustWrite(t, filepath.Join(tree, "main.tf"), src.String())
	ev, diags := LoadFolders([]Folder{{Dir: tree, Files: []string{filepath.Join(tree, "main.tf")}}}, Options{Roots: []string{tree}})
	for _, d := range diags {
		if strings.Contains(d.Msg, sandboxMarker) {
			t.Errorf("a diagnostic quotes the outside file: %v", d)
		}
		if d.Level == source.Error {
			t.Errorf("an input error: %v", d)
		}
	}
	got := map[string]model.Field[string]{}
	for _, cl := range ev.Clusters {
		got[cl.Ref.Name] = cl.ReleaseLabel
	}
	for _, c := range cases {
		f, ok := got[c.name]
		switch {
		case !ok:
			t.Errorf("%s: no cluster", c.name)
		case strings.Contains(f.Val, sandboxMarker) || strings.Contains(f.Why, sandboxMarker):
			t.Errorf("%s: the outside file was read: %+v", c.name, f)
		case c.why == "" && f.Val != "emr-7.2.0":
			t.Errorf("%s: %+v, want emr-7.2.0 read from inside the tree", c.name, f)
		case c.why != "" && (!f.IsUnknown() || !strings.Contains(f.Why, c.why)):
			t.Errorf("%s: %+v, want unknown because %q", c.name, f, c.why)
		}
	}
}

func mustWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

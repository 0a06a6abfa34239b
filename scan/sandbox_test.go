//go:build unix

package scan_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/emrguard/emrguard/scan"
)

// Ensure a walk reads nothing a link or a special file could make it
// read: a link out of the walked folder (to a secret, to /proc) is not
// followed and is warned of, a FIFO and a link to /dev/zero met in the
// walk are passed by, a link inside the tree is followed, and none is an
// input error.
func TestWalkStaysInTree(t *testing.T) {
	const marker = "WALK-MARKER-c41d"
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(base, "secret.yaml")
	if err := os.WriteFile(secret, []byte("key: ["+marker), 0o600); err != nil {
		t.Fatal(err)
	}
	sc := `{"EncryptionConfiguration": {"EnableInTransitEncryption": false, "EnableAtRestEncryption": false}}`
	if err := os.WriteFile(filepath.Join(tree, "sc.json"), []byte(sc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(tree, "pipe.json"), 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	for link, target := range map[string]string{"out.yaml": secret, "environ.json": "/proc/self/environ", "zero.json": "/dev/zero", "again.json": "sc.json"} {
		if err := os.Symlink(target, filepath.Join(tree, link)); err != nil {
			t.Fatal(err)
		}
	}
	res := scan.Paths([]string{tree}, scan.Options{})
	if err := res.Diags.Err(); err != nil {
		t.Errorf("an input error: %v", err)
	}
	warned := map[string]bool{}
	for _, d := range res.Diags {
		if strings.Contains(d.Msg, marker) {
			t.Errorf("a diagnostic quotes the file outside: %v", d)
		}
		if strings.Contains(d.Msg, "a symbolic link to outside the scanned folder; not followed") {
			warned[filepath.Base(d.At.File)] = true
		}
	}
	for _, l := range []string{"out.yaml", "environ.json"} {
		if !warned[l] {
			t.Errorf("no warning for the link %s: %v", l, res.Diags)
		}
	}
	if res.Files != 2 || len(res.Evidence.SecurityConfigurations) != 2 {
		t.Errorf("files %d, configurations %d; want sc.json and its link inside the tree read, nothing else", res.Files, len(res.Evidence.SecurityConfigurations))
	}
}

package rawopen

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Ensure Resolve tells inside from outside after resolving links: a file
// of the tree is inside, ../ out of it and a link inside pointing out are
// outside, a sibling folder sharing the root's name as prefix is outside,
// and /proc is outside even of the root "/".
func TestResolve(t *testing.T) {
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	if err := os.MkdirAll(filepath.Join(tree, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(tree, "sub", "in.txt"), filepath.Join(base, "secret.txt"), filepath.Join(base, "tree2.txt")} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	links := runtime.GOOS != "windows"
	if links {
		if err := os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(tree, "out.txt")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("sub", "in.txt"), filepath.Join(tree, "in-link.txt")); err != nil {
			t.Fatal(err)
		}
	}
	root, err := NewRoot(tree)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path   string
		inside bool
	}{
		{filepath.Join(tree, "sub", "in.txt"), true},
		{filepath.Join(tree, "missing.txt"), true},
		{tree, true},
		{filepath.Join(tree, "..", "secret.txt"), false},
		{filepath.Join(base, "tree2.txt"), false},
	}
	if links {
		cases = append(cases, struct {
			path   string
			inside bool
		}{filepath.Join(tree, "out.txt"), false}, struct {
			path   string
			inside bool
		}{filepath.Join(tree, "in-link.txt"), true})
	}
	for _, c := range cases {
		if _, in := Resolve(c.path, root); in != c.inside {
			t.Errorf("Resolve(%s) inside = %v, want %v", c.path, in, c.inside)
		}
	}
	if runtime.GOOS == "linux" {
		if _, in := Resolve("/proc/self/environ", Root("/")); in {
			t.Errorf("/proc/self/environ is inside the root /")
		}
	}
}

package tfeval

import (
	"os"
	"path/filepath"
	"testing"
)

// Ensure path.cwd of a root is the folder as the scan was given it, "."
// named by its name (TestPathValues in source/terraform reads it).
func TestCwdOf(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("public-cluster", 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir("public-cluster")
	for dir, want := range map[string]string{".": filepath.Join("..", "public-cluster"), "x/y": filepath.Join("x", "y"), "/": "/"} {
		if got := cwdOf(dir); got != want {
			t.Errorf("path.cwd of a scan of %q = %q, want %q", dir, got, want)
		}
	}
}

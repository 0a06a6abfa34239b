package tfeval

import (
	"os"
	"path/filepath"
	"testing"
)

// Ensure a worktree's .git file marks its repository as a clone's .git
// folder does.
func TestRepoOfWorktree(t *testing.T) {
	base := t.TempDir()
	deep := filepath.Join(base, "wt", "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "wt", ".git"), []byte("gitdir: elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := repoOf(deep); !ok || got != filepath.Join(base, "wt") {
		t.Errorf("repoOf(%s) = %q, %v; want the worktree", deep, got, ok)
	}
}

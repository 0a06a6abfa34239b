//go:build unix

package rawopen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Ensure ReadRegular reads a regular file within the limit, and refuses
// without reading — and without blocking — a named pipe no one writes
// to, a device that never ends, a folder, and a file over the limit.
func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("contents"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	if got, err := ReadRegular(file, 8); err != nil || string(got) != "contents" {
		t.Errorf("regular file: %q, %v", got, err)
	}
	var big *TooBigError
	if _, err := ReadRegular(file, 7); !errors.As(err, &big) || big.Size != 8 || big.Limit != 7 {
		t.Errorf("over the limit: %v, want a *TooBigError of 8 over 7", err)
	}
	for _, c := range []struct{ path, kind string }{
		{fifo, "a named pipe (FIFO)"},
		{"/dev/zero", "a character device"},
		{dir, "a folder"},
	} {
		_, err := ReadRegular(c.path, 1<<20)
		var nr *NotRegularError
		if !errors.As(err, &nr) || nr.Kind != c.kind || !IsNotRegular(err) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: %v, want a *NotRegularError naming it %s", c.path, err, c.kind)
		}
	}
}

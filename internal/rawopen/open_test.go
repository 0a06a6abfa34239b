package rawopen

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Ensure Open reads a file as os.Open does and fails like it: a
// *fs.PathError naming the file, fs.ErrNotExist for a missing one.
func TestOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txt")
	if err := os.WriteFile(path, []byte("contents"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	if err != nil || string(got) != "contents" {
		t.Errorf("read %q, %v; want %q", got, err, "contents")
	}
	if st, err := f.Stat(); err != nil || st.Size() != 8 || !st.Mode().IsRegular() {
		t.Errorf("stat: %v, %v", st, err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	_, err = Open(filepath.Join(filepath.Dir(path), "missing"))
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) || pe.Op != "open" {
		t.Errorf("missing file: %v (%T), want an open *fs.PathError wrapping fs.ErrNotExist", err, err)
	}
	_, want := os.Open(filepath.Join(filepath.Dir(path), "missing"))
	if err.Error() != want.Error() {
		t.Errorf("error %q, os.Open says %q", err, want)
	}
}

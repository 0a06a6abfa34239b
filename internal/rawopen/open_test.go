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

// TestFile holds File to *os.File: the same bytes, size and errors.
func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(path, []byte("contents"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if size, regular, err := f.Size(); err != nil || size != 8 || !regular {
		t.Errorf("size %d, regular %v, %v; want 8, true", size, regular, err)
	}
	got, err := io.ReadAll(f)
	if err != nil || string(got) != "contents" {
		t.Errorf("read %q, %v; want %q", got, err, "contents")
	}
	if n, err := f.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Errorf("read at the end: %d, %v; want 0, EOF", n, err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	_, err = OpenFile(filepath.Join(dir, "missing"))
	_, want := os.Open(filepath.Join(dir, "missing"))
	if err == nil || err.Error() != want.Error() || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, os.Open says %v", err, want)
	}
	d, err := OpenFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	od, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer od.Close()
	if _, regular, err := d.Size(); err != nil || regular {
		t.Errorf("a folder: regular %v, %v", regular, err)
	}
	_, err = d.Read(make([]byte, 4))
	_, want = od.Read(make([]byte, 4))
	if err == nil || want == nil || err.Error() != want.Error() {
		t.Errorf("reading a folder: %v, *os.File says %v", err, want)
	}
}

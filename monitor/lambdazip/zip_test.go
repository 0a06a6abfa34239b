package lambdazip_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"io"
	"testing"

	"github.com/emrguard/emrguard/monitor/lambdazip"
)

func zipOf(t *testing.T, bin []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := lambdazip.Write(&b, bin); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkZip fails unless z holds exactly bin as "bootstrap", mode 0755,
// at the fixed time, readable by archive/zip.
func checkZip(t *testing.T, z, bin []byte) {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != 1 {
		t.Fatalf("%d entries, want 1", len(r.File))
	}
	f := r.File[0]
	if f.Name != "bootstrap" || f.Mode() != 0o755 || !f.Modified.Equal(lambdazip.Epoch) || f.Method != zip.Deflate {
		t.Errorf("entry %s mode %v modified %v method %d", f.Name, f.Mode(), f.Modified, f.Method)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, bin) {
		t.Errorf("bootstrap read back: %v, %d bytes, want %d", err, len(got), len(bin))
	}
}

// Ensure the zip depends on its bootstrap only: two writes are the same
// bytes, another bootstrap gives other bytes, and the entry is what Lambda
// runs (bootstrap, executable).
func TestWriteReproducible(t *testing.T) {
	bin := bytes.Repeat([]byte("\x7fELF emrguard "), 5000)
	a, b := zipOf(t, bin), zipOf(t, bin)
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Error("two zips of one bootstrap differ")
	}
	if bytes.Equal(a, zipOf(t, append(bin, '!'))) {
		t.Error("zips of different bootstraps are equal")
	}
	checkZip(t, a, bin)
}

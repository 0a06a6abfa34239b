package lambdazip

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"time"
)

// Epoch is the time every entry carries: the earliest a zip (MS-DOS) time
// can say, so that the archive does not depend on when it was made.
var Epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Write writes a zip holding bootstrap as the file "bootstrap", mode
// 0755, at Epoch. Equal bootstraps give equal bytes.
func Write(w io.Writer, bootstrap []byte) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: Epoch}
	h.SetMode(0o755) // also marks the entry as made on Unix, where the mode is read
	f, err := zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("zip bootstrap: %w", err)
	}
	if _, err := f.Write(bootstrap); err != nil {
		return fmt.Errorf("zip bootstrap: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}

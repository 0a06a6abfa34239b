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

// Parameters are the CloudFormation parameters of a template whose
// functions run this zip: where it is (CodeBucket, CodeKey, the default
// key being what `emrguard monitor package` writes for arm64) and the
// architecture it was built for. The monitor's and trail's templates
// share them, so one upload serves both.
func Parameters() map[string]any {
	type obj = map[string]any
	return obj{
		"CodeBucket": obj{"Type": "String", "Description": "S3 bucket holding the function zip (emrguard monitor package), in this region"},
		"CodeKey":    obj{"Type": "String", "Default": "emrguard-lambda-arm64.zip", "Description": "S3 key of the function zip (emrguard monitor package writes emrguard-lambda-ARCH.zip)"},
		"Architecture": obj{"Type": "String", "Default": "arm64", "AllowedValues": []string{"arm64", "x86_64"},
			"Description": "The function's architecture: the zip's --arch (arm64, or amd64 for x86_64)"},
		"LogRetentionDays": obj{"Type": "Number", "Default": 90, "AllowedValues": []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653},
			"Description": "Days to keep the function's logs"},
	}
}

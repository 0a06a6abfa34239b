package cloudtrail_test

import (
	"os"
	"testing"

	"github.com/emrguard/emrguard/source/cloudtrail"
)

// BenchmarkReadArchive reads the archive named by EMRGUARD_TRAIL_ARCHIVE
// (e.g. a gen_cloudtrail.py corpus); MB/s is of uncompressed JSON.
func BenchmarkReadArchive(b *testing.B) {
	root := os.Getenv("EMRGUARD_TRAIL_ARCHIVE")
	if root == "" {
		b.Skip("EMRGUARD_TRAIL_ARCHIVE names no archive")
	}
	files, err := cloudtrail.List(root, cloudtrail.Filter{})
	if err != nil {
		b.Fatal(err)
	}
	var c cloudtrail.Counters
	for b.Loop() {
		c = cloudtrail.Counters{}
		if _, errs := cloudtrail.Read(files, cloudtrail.Options{Counters: &c}); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
	b.SetBytes(c.Bytes.Load())
}

package awsapi

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// Ensure certZip keeps the certificates and never the key, and names
// what is wrong with a zip EMR could not use: a certificate chain that
// inflates past the cap (read no further), a file given twice, none at
// the top level.
func TestCertZip(t *testing.T) {
	files, problem := certZip(testZip(t, map[string]string{"privateKey.pem": testKey, "certificateChain.pem": testChain}))
	if problem != "" || len(files) != 1 || files["certificateChain.pem"] != testChain {
		t.Errorf("good zip: %v, %q", files, problem)
	}

	big := testZip(t, map[string]string{"certificateChain.pem": strings.Repeat("A", certZipCap+1)})
	if len(big) >= certZipCap {
		t.Fatalf("the compressed test zip is %d bytes; it should be small", len(big))
	}
	if files, problem := certZip(big); files != nil || !strings.Contains(problem, "over") {
		t.Errorf("inflating zip: %d files, %q", len(files), problem)
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for range 2 {
		w, _ := zw.Create("certificateChain.pem")
		w.Write([]byte(testChain))
	}
	zw.Close()
	if files, problem := certZip(buf.Bytes()); files != nil || !strings.Contains(problem, "twice") {
		t.Errorf("duplicate: %v, %q", files, problem)
	}

	if files, problem := certZip(testZip(t, map[string]string{"privateKey.pem": testKey})); files != nil || !strings.Contains(problem, "no certificateChain.pem") {
		t.Errorf("key only: %v, %q", files, problem)
	}
	if files, problem := certZip(nil); files != nil || !strings.Contains(problem, "not a zip") {
		t.Errorf("empty: %v, %q", files, problem)
	}
}

// Ensure s3Location accepts s3://bucket/key only.
func TestS3Location(t *testing.T) {
	for loc, want := range map[string][2]string{
		"s3://certs/emr/pem.zip": {"certs", "emr/pem.zip"},
		"s3://certs/":            {},
		"s3://certs":             {},
		"s3:///key":              {},
		"https://certs/pem.zip":  {},
	} {
		b, k, ok := s3Location(loc)
		if ok != (want[0] != "") || ok && (b != want[0] || k != want[1]) {
			t.Errorf("s3Location(%q) = %q, %q, %v; want %q", loc, b, k, ok, want)
		}
	}
}

package scan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/scan"
	"github.com/emrguard/emrguard/source/pemzip/pemtest"
)

const pemConfiguration = `{"EncryptionConfiguration": {"EnableInTransitEncryption": true,
  "InTransitEncryptionConfiguration": {"TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": "s3://b/tls/%s"}}}}`

// Ensure a zip is linked to the configuration in its folder whose S3 key
// has its file name, read once for every such configuration; a zip of
// the same name elsewhere, and a zip nobody names, are not read; a zip
// named on the command line that nobody names is a warning.
func TestCertificateZips(t *testing.T) {
	leaf, err := pemtest.New(pemtest.Spec{CommonName: "node"})
	if err != nil {
		t.Fatal(err)
	}
	good, err := pemtest.Zip([]*pemtest.Cert{leaf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"a/one.json":      strings.ReplaceAll(pemConfiguration, "%s", "certs.zip"),
		"a/two.json":      strings.ReplaceAll(pemConfiguration, "%s", "certs.zip"),
		"a/certs.zip":     string(good),
		"a/lambda.zip":    "not a zip, and nobody names it",
		"b/three.json":    strings.ReplaceAll(pemConfiguration, "%s", "missing.zip"),
		"c/elsewhere.zip": string(good),
		"d/four.json":     strings.ReplaceAll(pemConfiguration, "%s", "elsewhere.zip"),
		"e/broken.json":   strings.ReplaceAll(pemConfiguration, "%s", "broken.zip"),
		"e/broken.zip":    "PK not a zip",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := scan.Paths([]string{dir}, scan.Options{})
	got := map[string]string{}
	for _, sc := range res.Evidence.SecurityConfigurations {
		f := sc.Certificates
		switch {
		case f.IsSet():
			got[sc.Name.Val] = filepath.Base(f.Val.Source) + " " + f.Val.Certs[0].Subject
			if f.Val.AsOf.IsZero() {
				t.Errorf("%s: the bundle has no time it was read", sc.Name.Val)
			}
		case f.IsUnknown():
			got[sc.Name.Val] = "unknown: " + f.Why
		default:
			got[sc.Name.Val] = "absent"
		}
	}
	want := map[string]string{"one": "certs.zip CN=node,O=emrguard test", "two": "certs.zip CN=node,O=emrguard test", "three": "absent", "four": "absent"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: certificates %q, want %q", name, got[name], w)
		}
	}
	if !strings.Contains(got["broken"], "pemzip: not a zip") {
		t.Errorf("broken: certificates %q, want unknown saying it is not a zip", got["broken"])
	}
	if errs := res.Diags.Errors(); len(errs) != 1 || !strings.HasSuffix(errs[0].At.File, "broken.zip") {
		t.Errorf("errors %v, want one on broken.zip", errs)
	}
	// certs.zip and broken.zip are read, beside the five configurations.
	if res.Files != 7 {
		t.Errorf("files read %d, want 7", res.Files)
	}
	res = scan.Paths([]string{filepath.Join(dir, "c/elsewhere.zip")}, scan.Options{})
	if len(res.Diags) != 1 || res.Diags.Err() != nil || !strings.Contains(res.Diags[0].Msg, "no scanned security configuration names") {
		t.Errorf("an explicit zip nobody names: %v", res.Diags)
	}
}

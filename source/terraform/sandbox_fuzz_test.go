package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzFileSandbox ensures no path given to a file function, however
// written (../ climbs, absolute paths, /proc, links, NUL bytes, templates),
// brings the content of a file outside the scanned folder into the
// evidence: the secret beside the scanned folder never appears in any
// value read.
func FuzzFileSandbox(f *testing.F) {
	for _, p := range []string{"../secret.txt", "/etc/passwd", "/proc/self/environ", "${path.module}/../secret.txt",
		"link/../../secret.txt", "./inside.txt", "link", "//..//secret.txt", "a\x00b", "${abspath(\"..\")}/secret.txt"} {
		f.Add("file", p)
		f.Add("templatefile", p)
	}
	f.Fuzz(func(t *testing.T, fn, path string) {
		switch fn {
		case "file", "filebase64", "templatefile", "fileexists", "fileset", "filemd5":
		default:
			return
		}
		base := t.TempDir()
		dir := filepath.Join(base, "scanned")
		os.MkdirAll(dir, 0o755)
		const secret = "EMRGUARD-SECRET-OUTSIDE"
		os.WriteFile(filepath.Join(base, "secret.txt"), []byte(secret), 0o600)
		os.WriteFile(filepath.Join(dir, "inside.txt"), []byte("inside"), 0o644)
		os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(dir, "link"))
		call := fn + "(" + quoteHCL(path) + ")"
		switch fn {
		case "templatefile":
			call = "templatefile(" + quoteHCL(path) + ", {})"
		case "fileset":
			call = "join(\",\", fileset(" + quoteHCL(path) + ", \"*\"))"
		case "fileexists":
			call = "tostring(fileexists(" + quoteHCL(path) + "))"
		}
		ev, diags := loadIn(t, dir, map[string]string{"main.tf": "resource \"aws_emr_cluster\" \"c\" {\n  name = " + call + "\n  log_uri = " + call + "\n  release_label = \"emr-7.2.0\"\n}\n"}, Options{})
		for _, c := range ev.Clusters {
			if strings.Contains(c.Ref.Name, secret) || strings.Contains(c.LogURI.Val, secret) {
				t.Fatalf("%s read the secret outside the scanned folder: %q %q", call, c.Ref.Name, c.LogURI.Val)
			}
		}
		for _, d := range diags {
			if strings.Contains(d.Msg, secret) {
				t.Fatalf("%s: a diagnostic quotes the secret: %s", call, d.Msg)
			}
		}
	})
}

// quoteHCL writes s as an HCL string literal with its template
// sequences kept (the fuzzer may write interpolations).
func quoteHCL(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

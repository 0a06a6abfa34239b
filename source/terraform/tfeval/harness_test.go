package tfeval

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source"
)

// evalFiles writes files in a folder and reads it as one root, as an
// adapter that evaluates every top-level argument of every managed
// resource would: it returns the addresses read, in order, and the
// diagnostics.
func evalFiles(t testing.TB, files map[string]string) ([]string, source.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	f := Folder{Dir: dir}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f.Files = append(f.Files, p)
	}
	sort.Strings(f.Files)
	a := Reading[*[]string]{
		Kind:  func(string) StepKind { return ReadStep },
		Fresh: func() *[]string { return new([]string) },
		Merge: func(dst, src *[]string) { *dst = append(*dst, *src...) },
		Read: func(r *Reader, out *[]string, in *Instance) {
			for name := range in.res.content().all() {
				in.Arg(r, name)
			}
			*out = append(*out, in.Address())
		},
	}
	root := func(f Folder, files []File, opt Options, d *source.Diagnostics) *[]string {
		return ReadRoot(f, files, opt, d, a).Base
	}
	out, diags := LoadFolders([]Folder{f}, Options{}, root, a.Fresh, a.Merge)
	return *out, diags
}

// hasDiag reports whether a diagnostic is at file:line (any line when 0)
// and says substr.
func hasDiag(ds source.Diagnostics, file string, line int, substr string) bool {
	for _, d := range ds {
		if strings.HasSuffix(d.At.File, file) && (line == 0 || d.At.Line == line) && strings.Contains(d.Msg, substr) {
			return true
		}
	}
	return false
}

package scan

import (
	"bytes"
	"io/fs"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/emrguard/emrguard/source/tree"
	"github.com/emrguard/emrguard/suppress"
)

// Ensure nothing a file's load returns points into the read buffer a
// scan worker reuses for the next file (TestParsersOwnTheirStrings): every
// JSON and YAML file of the examples and the controls' test data (CFN
// short and long forms, YAML read by yaml.v3, malformed files, requests,
// security configurations, RBAC) is loaded through one buffer that is then
// scribbled over, and what the load returned must equal a load from a
// buffer of its own.
func TestParsersOwnTheirStrings(t *testing.T) {
	var paths []string
	for _, root := range []string{"../examples", "../controls/testdata", "testdata"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			switch filepath.Ext(p) {
			case ".json", ".yaml", ".yml", ".template":
				if err == nil && !d.IsDir() {
					paths = append(paths, p)
				}
			}
			return nil
		})
	}
	if len(paths) < 50 {
		t.Fatalf("found %d inputs, want the examples and controls' test data", len(paths))
	}
	opt := Options{MaxFileSize: 20 << 20, Keep: suppress.HasDirective}
	var shared []byte
	var arena tree.Arena
	loaded := 0
	for _, p := range paths {
		in := input{path: p}
		got := readOne(in, opt, &arena, &shared)
		arena.Reset()
		scribble := shared[:cap(shared)]
		for i := range scribble {
			scribble[i] = '#'
		}
		var own []byte
		var fresh tree.Arena
		want := readOne(in, opt, &fresh, &own)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: what was read through the reused buffer changed when it was overwritten", p)
		}
		if got.ev != nil {
			loaded++
		}
		if got.kept != nil && bytes.Contains(got.kept, []byte("####")) {
			t.Errorf("%s: the kept bytes share the reused buffer", p)
		}
	}
	if loaded < 40 {
		t.Errorf("%d of %d files loaded evidence; the test data did not exercise the loaders", loaded, len(paths))
	}
}

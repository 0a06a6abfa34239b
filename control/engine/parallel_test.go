package engine_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/scan"
)

// Ensure the parallel path of the engine (controls on several workers,
// their results interned through one shared table, sorted and merged in
// parts) gives the sequential path's results, in the same order, on
// evidence large enough that Evaluate picks it by itself: the examples
// read from nine folders (over 4,096 results: the merge runs in parts
// too), with every control of the catalogue. Run under
// -race, it also checks that controls running in parallel share the
// evidence's indexes and views safely.
func TestParallelMatchesSequential(t *testing.T) {
	dir := t.TempDir()
	for _, copy := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"} {
		if err := os.CopyFS(filepath.Join(dir, copy), os.DirFS("../../examples")); err != nil {
			t.Fatal(err)
		}
	}
	read := func() *model.Evidence {
		res := scan.Paths([]string{dir}, scan.Options{})
		return res.Evidence
	}
	ev := read()
	if n := len(ev.Clusters) + len(ev.SecurityConfigurations) + len(ev.SecurityGroups) + len(ev.RBACBindings); n < 64 {
		t.Fatalf("%d resources of the kinds that decide parallelism, want at least 64", n)
	}
	cfg := control.Config{Releases: release.Default()}
	kinds := control.IaC | control.Event | control.Live
	want := engine.Options{Workers: 1}.Evaluate(controls.All(), ev, kinds, cfg)
	if len(want) < 4096 {
		t.Fatalf("%d results, want enough for the parallel merge", len(want))
	}
	for _, o := range []engine.Options{{}, {Workers: 2}, {Workers: 7}} {
		got := o.Evaluate(controls.All(), read(), kinds, cfg)
		if len(got) != len(want) {
			t.Fatalf("workers %d: %d results, sequentially %d", o.Workers, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("workers %d: result %d is\n%+v\nsequentially\n%+v", o.Workers, i, got[i], want[i])
			}
		}
	}
}

package terraform

import (
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/emrguard/emrguard/source/terraform/tfeval"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/release"
)

// Ensure the prefetching parsers (lazy.go), and the parallel reading of a
// module without calls (flat.go) where a module allows it, give on every
// Terraform example the results the sequential reading gives, in the same
// order: examples are far below the sizes those paths start from, so the
// test lowers the sizes to one step, and checks that prefetch ran.
func TestParallelPathsOnEveryExample(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // prefetch needs a core beside the reader's
	cfg := control.Config{Releases: release.Default()}
	judge := func(f Folder) []string {
		ev, diags := LoadFolders([]Folder{f}, Options{})
		var out []string
		for _, d := range diags {
			out = append(out, "diag "+d.Error())
		}
		for _, r := range engine.Evaluate(controls.All(), ev, control.IaC, cfg) {
			out = append(out, fmt.Sprintf("%s %s %s %s %s", r.Control.ID, r.Resource.ID, r.Verdict, r.Location(), r.Message))
		}
		return out
	}
	flat0, pre0 := tfeval.ParallelRuns()
	cases := planCases(t).Cases
	for _, c := range cases {
		f := caseFolder(c.Dir, c.Files, c.Vars)
		want := judge(f)
		restore := lowerParallelSizes()
		got := judge(f)
		restore()
		if !slices.Equal(got, want) {
			for i := range max(len(got), len(want)) {
				g, w := "", ""
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if g != w {
					t.Errorf("%s: parallel paths give\n  %s\nwhere the sequential reading gives\n  %s", c.Case, g, w)
					break
				}
			}
		}
	}
	flat1, pre1 := tfeval.ParallelRuns()
	flat, pre := flat1-flat0, pre1-pre0
	// The flat reading needs two groups of files that do not refer to
	// each other in a module without calls, which no example has (each is
	// one file, or files that refer to each other, or calls modules):
	// flat_test.go compares it with the sequential reading on such roots.
	t.Logf("%d examples: prefetch ran on %d readings, the flat reading on %d modules", len(cases), pre, flat)
	if pre < int64(len(cases)) {
		t.Errorf("prefetch ran on %d readings of %d examples", pre, len(cases))
	}
}

// lowerParallelSizes makes every module take the parallel paths; the
// returned function puts the sizes back.
func lowerParallelSizes() func() {
	was := tfeval.Tune
	tfeval.Tune.FlatMin, tfeval.Tune.PrefetchWindow, tfeval.Tune.PrefetchMin = 1, 2, 1
	return func() { tfeval.Tune = was }
}

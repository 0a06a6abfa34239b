package terraform

import (
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// Ensure the prefetching parsers and the parallel reading of a module
// without calls (tfeval's lazy.go and flat.go) give on every Terraform
// example the results the sequential reading gives, in the same order:
// examples are far below the sizes those paths start from, so the test
// lowers the sizes to one step (and one file group), reads each example
// once sequentially with prefetch and once flat where its root allows
// (no module calls, native syntax), and checks that both paths ran.
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
	cases := planCases(t).Cases
	var pre, flat, flatWant int64
	for _, c := range cases {
		f := caseFolder(c.Dir, c.Files, c.Vars)
		want := judge(f)
		for _, flatOn := range []bool{false, true} {
			restore := lowerParallelSizes()
			tfeval.Tune.Flat = flatOn
			flat0, pre0 := tfeval.ParallelRuns()
			got := judge(f)
			flat1, pre1 := tfeval.ParallelRuns()
			restore()
			pre, flat = pre+pre1-pre0, flat+flat1-flat0
			if d := firstDiff(got, want); d != "" {
				t.Errorf("%s (flat %v): parallel paths give%s", c.Case, flatOn, d)
			}
		}
		if flatRoot(t, f) {
			flatWant++
		}
	}
	t.Logf("%d examples: prefetch ran on %d readings, the flat reading on %d roots (%d without module calls)", len(cases), pre, flat, flatWant)
	if pre < int64(len(cases)) {
		t.Errorf("prefetch ran on %d readings of %d examples", pre, len(cases))
	}
	if flat < flatWant {
		t.Errorf("the flat reading ran on %d roots, want the %d without module calls", flat, flatWant)
	}
}

// firstDiff describes the first line where got and want differ, or "".
func firstDiff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("\n  %s\nwhere the sequential reading gives\n  %s", g, w)
		}
	}
	return ""
}

// flatRoot reports whether the flat reading can take f: native syntax,
// no module call, and a resource the adapter reads.
func flatRoot(t *testing.T, f Folder) bool {
	t.Helper()
	read := false
	for _, p := range f.Files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".json") || moduleCall.Match(b) {
			return false
		}
		for _, m := range resourceType.FindAllSubmatch(b, -1) {
			if k, _ := stepOf(string(m[1])); k == tfeval.ReadStep {
				read = true
			}
		}
	}
	return read
}

var (
	moduleCall   = regexp.MustCompile(`(?m)^\s*module\s+"`)
	resourceType = regexp.MustCompile(`(?m)^\s*resource\s+"([^"]+)"`)
)

// lowerParallelSizes makes every module take the parallel paths; the
// returned function puts the sizes back.
func lowerParallelSizes() func() {
	was := tfeval.Tune
	tfeval.Tune.FlatMin, tfeval.Tune.FlatMinGroups, tfeval.Tune.PrefetchWindow, tfeval.Tune.PrefetchMin = 1, 1, 2, 1
	return func() { tfeval.Tune = was }
}

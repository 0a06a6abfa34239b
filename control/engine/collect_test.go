package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// Ensure the chunked collectors and the parallel merge give exactly the
// order of one sort over all results, whatever the number of workers,
// runs and ties (equal files and lines across controls), with records
// keyed or compared in full.
func TestMergeOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ctls := []*control.Control{{ID: "EMR101"}, {ID: "EMR102"}, {ID: "EMR203"}, {ID: "EKS101"}}
	for _, n := range []int{0, 1, 7, 500, 5000, 20000} {
		var cols []collector
		var all []control.Result
		for _, c := range ctls {
			col := collector{refs: newRefs(0)}
			for range n / len(ctls) {
				r := control.Result{Control: c, Verdict: control.Verdict(rng.IntN(4)),
					Resource: model.Ref{ID: fmt.Sprint("r", rng.IntN(50)), Loc: model.Loc{File: fmt.Sprint("f", rng.IntN(30)), Line: 1 + rng.IntN(40)}},
					Message:  fmt.Sprint("m", rng.IntN(3))}
				if rng.IntN(2) == 0 {
					r.At = model.Loc{File: fmt.Sprint("f", rng.IntN(30)), Line: 1 + rng.IntN(40), Col: rng.IntN(5)}
				}
				col.add(r)
				all = append(all, r)
			}
			cols = append(cols, col)
		}
		SortResults(all)
		for try, workers := range []int{1, 2, 3, 8, 1, 2} {
			k := newKeyer(cols)
			if !k.ok && n > 0 {
				t.Fatalf("n=%d: no keys for %d files", n, len(k.files))
			}
			if try >= 4 {
				k = &keyer{} // records compared in full
			}
			runs := make([][]*record, len(cols))
			for i := range cols {
				runs[i] = cols[i].sorted(k)
			}
			got := merge(runs, workers, nil)
			if len(got) != len(all) {
				t.Fatalf("n=%d workers=%d: %d results, want %d", n, workers, len(got), len(all))
			}
			for i := range got {
				if compareResults(&got[i], &all[i]) != 0 {
					t.Fatalf("n=%d workers=%d: result %d is %v, want %v", n, workers, i, got[i], all[i])
				}
			}
			if !slices.IsSortedFunc(got, func(a, b control.Result) int { return compareResults(&a, &b) }) {
				t.Fatalf("n=%d workers=%d: not sorted", n, workers)
			}
		}
	}
}

// Ensure one resource's refs share one copy, and a ref that differs only
// outside the key (a name) keeps its own value.
func TestInternRefs(t *testing.T) {
	tab := newRefs(0)
	a := model.Ref{Kind: "k", ID: "A", Name: "n1", Loc: model.Loc{File: "f", Line: 3}}
	b := a
	b.Name = "n2"
	pa, pa2, pb := tab.intern(a), tab.intern(a), tab.intern(b)
	if pa != pa2 {
		t.Error("the same ref was copied twice")
	}
	if *pb != b || *pa != a {
		t.Errorf("interned %+v and %+v, want %+v and %+v", *pa, *pb, a, b)
	}
	// The key is where the strings are: an ID that is a prefix of another
	// in the same memory, or an equal one elsewhere, still reads as given.
	long := strings.Repeat("cluster-", 2)
	c, d := model.Ref{Kind: "k", ID: long, Loc: a.Loc}, model.Ref{Kind: "k", ID: long[:7], Loc: a.Loc}
	e := model.Ref{Kind: "k", ID: strings.Clone(long), Loc: a.Loc}
	if pc, pd, pe := tab.intern(c), tab.intern(d), tab.intern(e); *pc != c || *pd != d || *pe != e || pc == pd {
		t.Errorf("interned %+v, %+v, %+v; want %+v, %+v, %+v", *pc, *pd, *pe, c, d, e)
	}
}

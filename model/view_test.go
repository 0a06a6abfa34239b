package model

import (
	"sync"
	"sync/atomic"
	"testing"
)

// Views are declared at package level, as NewView asks.
var (
	builds atomic.Int32
	count  = NewView(func(e *Evidence) int { builds.Add(1); return len(e.Clusters) })
	name   = NewView(func(e *Evidence) string { return "clusters" })
)

// Ensure a view is built once per evidence however many goroutines ask at
// once, each evidence has its own, and two views of one evidence do not
// share a slot.
func TestViewOnce(t *testing.T) {
	builds.Store(0)
	one, two := &Evidence{Clusters: []*Cluster{{}}}, &Evidence{Clusters: []*Cluster{{}, {}}}
	var wg sync.WaitGroup
	got := make([]int, 16)
	for i := range got {
		wg.Go(func() {
			ev := one
			if i%2 == 1 {
				ev = two
			}
			got[i] = count.Of(ev)
		})
	}
	wg.Wait()
	for i, n := range got {
		if want := 1 + i%2; n != want {
			t.Errorf("reader %d got %d, want %d", i, n, want)
		}
	}
	if b := builds.Load(); b != 2 {
		t.Errorf("built %d times, want once per evidence (2)", b)
	}
	if s := name.Of(one); s != "clusters" || count.Of(one) != 1 {
		t.Errorf("views share a slot: %q, %d", s, count.Of(one))
	}
}

package control

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// chunkSize is the number of results one chunk of a collector holds.
// Results are large (a Ref and two Locs by value); on a corpus of 10,000
// stacks a control judges ~10,000–30,000 resources, and growing one slice
// by doubling copied each result several times and left a third of the
// capacity unused. 128 results (30 KiB) keep a chunk a small object:
// larger ones are allocated page by page and made the runtime return
// memory to the OS (madvise) on every chunk.
const chunkSize = 128

// collector gathers one control's results in fixed chunks, so adding never
// copies what is already there.
type collector struct {
	chunks [][]Result
	n      int
}

func (c *collector) add(r Result) {
	if k := len(c.chunks); k == 0 || len(c.chunks[k-1]) == cap(c.chunks[k-1]) {
		size := chunkSize
		if k == 0 {
			size = 16 // most controls judge few resources of small inputs
		}
		c.chunks = append(c.chunks, make([]Result, 0, size))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, r)
	c.n++
}

// all returns the collected results as one slice (tests, panics).
func (c *collector) all() []Result {
	out := make([]Result, 0, c.n)
	for _, ch := range c.chunks {
		out = append(out, ch...)
	}
	return out
}

// sorted returns pointers to the results in the order of compareResults.
// Sorting pointers moves 8 bytes per swap, not a whole Result.
func (c *collector) sorted() []*Result {
	ps := make([]*Result, 0, c.n)
	for i := range c.chunks {
		for j := range c.chunks[i] {
			ps = append(ps, &c.chunks[i][j])
		}
	}
	slices.SortFunc(ps, func(a, b *Result) int { return compareResults(a, b) })
	return ps
}

// merge copies sorted runs (collector.sorted, one per control, sorted on
// the workers) into one slice in order, so every result is copied once.
// The key range is cut at pivots taken from the longest run into one part
// per worker, and the parts are merged in parallel into their own spans
// of the output.
func merge(sortedRuns [][]*Result, workers int) []Result {
	total, longest := 0, 0
	var runs [][]*Result
	for _, r := range sortedRuns {
		total += len(r)
		if len(r) > 0 {
			runs = append(runs, r)
			if len(r) > len(runs[longest]) {
				longest = len(runs) - 1
			}
		}
	}
	out := make([]Result, total)
	if total == 0 {
		return out
	}
	if total < 4096 {
		workers = 1
	}
	// cuts[k][i] is where part k begins in run i.
	cuts := make([][]int, workers+1)
	cuts[0] = make([]int, len(runs))
	for k := 1; k < workers; k++ {
		pivot := runs[longest][len(runs[longest])*k/workers]
		cuts[k] = make([]int, len(runs))
		for i, r := range runs {
			cuts[k][i] = sort.Search(len(r), func(j int) bool { return compareResults(r[j], pivot) >= 0 })
		}
	}
	cuts[workers] = make([]int, len(runs))
	for i, r := range runs {
		cuts[workers][i] = len(r)
	}
	var wg sync.WaitGroup
	at := 0
	for k := range workers {
		part := make([][]*Result, len(runs))
		n := 0
		for i, r := range runs {
			part[i] = r[cuts[k][i]:cuts[k+1][i]]
			n += len(part[i])
		}
		dst := out[at : at+n]
		at += n
		wg.Go(func() { mergeInto(dst, part) })
	}
	wg.Wait()
	return out
}

// mergeInto fills dst with the results of the sorted runs, in order,
// through a binary heap of run indexes keyed by each run's head.
func mergeInto(dst []Result, runs [][]*Result) {
	heads := make([]int, len(runs))
	less := func(i, j int) bool {
		if c := compareResults(runs[i][heads[i]], runs[j][heads[j]]); c != 0 {
			return c < 0
		}
		return i < j
	}
	h := make([]int, 0, len(runs))
	down := func(k int) {
		for {
			l := 2*k + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				m = r
			}
			if !less(h[m], h[k]) {
				return
			}
			h[k], h[m] = h[m], h[k]
			k = m
		}
	}
	for i, r := range runs {
		if len(r) > 0 {
			h = append(h, i)
		}
	}
	for k := len(h)/2 - 1; k >= 0; k-- {
		down(k)
	}
	for n := range dst {
		i := h[0]
		dst[n] = *runs[i][heads[i]]
		heads[i]++
		if heads[i] == len(runs[i]) {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
}

// compareResults orders results by file, line, control ID, resource ID,
// column, verdict and message: a total order, so the unstable sorts still
// give one order for one input. It returns early: cmp.Or would compute
// every key of every pair.
func compareResults(a, b *Result) int {
	la, lb := a.Location(), b.Location()
	if c := strings.Compare(la.File, lb.File); c != 0 {
		return c
	}
	if c := cmp.Compare(la.Line, lb.Line); c != 0 {
		return c
	}
	if c := strings.Compare(a.Control.ID, b.Control.ID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Resource.ID, b.Resource.ID); c != 0 {
		return c
	}
	if c := cmp.Compare(la.Col, lb.Col); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Verdict, b.Verdict); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

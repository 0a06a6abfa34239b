package engine

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// chunkSize is the number of records one chunk of a collector holds:
// growing one slice by doubling copied each result several times, and
// 128 records (10 KiB) keep a chunk a small object (larger ones are
// allocated page by page and made the runtime return memory to the OS on
// every chunk).
const chunkSize = 128

// record is a result as a collector keeps it until the merge: the
// resource by pointer to one shared copy, since a Result holds its Ref by
// value (136 bytes) and thirty controls judge the same resource: on a
// corpus, records take a third of the memory of results, while the
// evidence is still in memory (bench/README.md, "Figures behind code
// comments").
type record struct {
	ctl     *control.Control
	res     *model.Ref
	verdict control.Verdict
	msg     string
	subject string
	at      model.Loc
	key     uint64 // see keyer
}

func (r *record) result() control.Result {
	return control.Result{Control: r.ctl, Resource: *r.res, Verdict: r.verdict, Message: r.msg, Subject: r.subject, At: r.at}
}

// refs interns resources for the collectors of one evaluation: every
// result about one resource shares one copy of its Ref. The table is
// keyed by where the Ref's kind, ID and file are in memory and its line
// and column: the controls pass the Refs of the evidence, whose strings
// are shared, so those identify a resource without hashing its strings
// (a table keyed by the strings was a large part of evaluating a corpus:
// bench/README.md, "Figures behind code comments"). Equal
// Refs with strings elsewhere only share less; a Ref that differs from
// the interned one in any field gets a copy of its own. The table is
// split in shards by ID, each with its own lock: with one, the workers
// waited on each other for much of the time spent interning.
type refs struct {
	shards [refShards]struct {
		sync.Mutex
		m map[refKey]*model.Ref
	}
}

const refShards = 32

type refKey struct {
	kind, id, file *byte
	line, col      int
}

// newRefs makes a table sized for about n resources.
func newRefs(n int) *refs {
	t := &refs{}
	for i := range t.shards {
		t.shards[i].m = make(map[refKey]*model.Ref, n/refShards)
	}
	return t
}

func (t *refs) intern(r model.Ref) *model.Ref {
	k := refKey{unsafe.StringData(r.Kind), unsafe.StringData(r.ID), unsafe.StringData(r.Loc.File), r.Loc.Line, r.Loc.Col}
	// Strings are 8-byte aligned at least: the bits above pick the shard.
	sh := &t.shards[(uintptr(unsafe.Pointer(k.id))>>4^uintptr(k.line))%refShards]
	sh.Lock()
	defer sh.Unlock()
	p, ok := sh.m[k]
	if ok && *p == r {
		return p
	}
	// A copy made only here: returning &r would move r to the heap on
	// every call (279,000 Refs on 10,000 stacks).
	q := new(model.Ref)
	*q = r
	if !ok {
		sh.m[k] = q
	}
	return q
}

// collector gathers one control's results in fixed chunks, so adding never
// copies what is already there.
type collector struct {
	refs   *refs
	chunks [][]record
	n      int
}

// add keeps r. Evidence and Suppressed are not kept: emit and panicked,
// the only producers, never set them (suppressions come after Evaluate).
func (c *collector) add(r control.Result) {
	if k := len(c.chunks); k == 0 || len(c.chunks[k-1]) == cap(c.chunks[k-1]) {
		// Chunks double from 2 records: most controls judge a resource or
		// two of a launch event, where a large first chunk was most of the
		// allocation.
		size := chunkSize
		if k < 7 {
			size = 2 << k
		}
		c.chunks = append(c.chunks, make([]record, 0, size))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, record{ctl: r.Control, res: c.refs.intern(r.Resource), verdict: r.Verdict, msg: r.Message, subject: r.Subject, at: r.At})
	c.n++
}

// all returns the collected results (for a control that panicked).
func (c *collector) all() []control.Result {
	out := make([]control.Result, 0, c.n)
	for _, ch := range c.chunks {
		for i := range ch {
			out = append(out, ch[i].result())
		}
	}
	return out
}

// sorted returns pointers to the records in the order of compareResults,
// keyed by k.
func (c *collector) sorted(k *keyer) []*record {
	if c.n == 0 {
		return nil
	}
	ps := make([]*record, 0, c.n)
	var last string
	var lastRank uint64
	for i := range c.chunks {
		for j := range c.chunks[i] {
			r := &c.chunks[i][j]
			r.key = 0
			if k.ok {
				l := r.at.Or(r.res.Loc)
				if !sameString(l.File, last) {
					last, lastRank = l.File, k.files[l.File]
				}
				r.key = lastRank<<(lineBits+ctlBits) | uint64(l.Line)<<ctlBits | k.ctls[r.ctl.ID]
			}
			ps = append(ps, r)
		}
	}
	slices.SortFunc(ps, compareRecords)
	return ps
}

// A keyer packs what records are first ordered by, file, line and control
// ID, into one integer (the file's and the ID's ranks in sorted order),
// so most comparisons of the sorts and the merge compare two integers,
// not two paths sharing a long prefix; only equal keys compare the rest.
// With more files, lines or controls than the key holds, ok is false and
// records compare in full.
type keyer struct {
	files map[string]uint64
	ctls  map[string]uint64
	ok    bool
}

const (
	fileBits = 22
	lineBits = 28
	ctlBits  = 64 - fileBits - lineBits
)

func newKeyer(cols []collector) *keyer {
	k := &keyer{files: map[string]uint64{}, ctls: map[string]uint64{}, ok: true}
	var last string
	for i := range cols {
		for _, ch := range cols[i].chunks {
			for j := range ch {
				r := &ch[j]
				l := r.at.Or(r.res.Loc)
				if l.Line < 0 || l.Line >= 1<<lineBits {
					return &keyer{}
				}
				if !sameString(l.File, last) {
					last = l.File
					k.files[l.File] = 0
				}
				k.ctls[r.ctl.ID] = 0
			}
		}
	}
	if len(k.files) >= 1<<fileBits || len(k.ctls) >= 1<<ctlBits {
		return &keyer{}
	}
	rank(k.files)
	rank(k.ctls)
	return k
}

// rank numbers m's keys in sorted order.
func rank(m map[string]uint64) {
	keys := make([]string, 0, len(m))
	for s := range m {
		keys = append(keys, s)
	}
	slices.Sort(keys)
	for i, s := range keys {
		m[s] = uint64(i)
	}
}

// sameString reports whether a and b are one string in memory (the
// results of one resource share their file name): a cheap test before a
// map lookup, not an equality test.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// merge copies sorted runs (collector.sorted, one per control, sorted on
// the workers) into one slice in order, so every result is copied once.
// The key range is cut at pivots taken from the longest run into one part
// per worker, and the parts are merged in parallel into their own spans
// of the output.
//
// out, when not nil, is the slice to fill, of the exact length.
func merge(sortedRuns [][]*record, workers int, out []control.Result) []control.Result {
	total, longest := 0, 0
	var runs [][]*record
	for _, r := range sortedRuns {
		total += len(r)
		if len(r) > 0 {
			runs = append(runs, r)
			if len(r) > len(runs[longest]) {
				longest = len(runs) - 1
			}
		}
	}
	if out == nil {
		out = make([]control.Result, total)
	}
	if total == 0 {
		return out
	}
	if total < 4096 || workers == 1 {
		mergeInto(out, runs)
		return out
	}
	// cuts[k][i] is where part k begins in run i.
	cuts := make([][]int, workers+1)
	cuts[0] = make([]int, len(runs))
	for k := 1; k < workers; k++ {
		pivot := runs[longest][len(runs[longest])*k/workers]
		cuts[k] = make([]int, len(runs))
		for i, r := range runs {
			cuts[k][i] = sort.Search(len(r), func(j int) bool { return compareRecords(r[j], pivot) >= 0 })
		}
	}
	cuts[workers] = make([]int, len(runs))
	for i, r := range runs {
		cuts[workers][i] = len(r)
	}
	var wg sync.WaitGroup
	at := 0
	for k := range workers {
		part := make([][]*record, len(runs))
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
func mergeInto(dst []control.Result, runs [][]*record) {
	heads := make([]int, len(runs))
	less := func(i, j int) bool {
		if c := compareRecords(runs[i][heads[i]], runs[j][heads[j]]); c != 0 {
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
		dst[n] = runs[i][heads[i]].result()
		heads[i]++
		if heads[i] == len(runs[i]) {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
}

// compareResults orders results by file, line, control ID, resource ID,
// column, verdict, message and subject: a total order, so the unstable sorts still
// give one order for one input.
func compareResults(a, b *control.Result) int {
	return compareKeys(a.Location(), b.Location(), a.Control, b.Control, a.Resource.ID, b.Resource.ID, a.Verdict, b.Verdict, a.Message, b.Message, a.Subject, b.Subject)
}

func compareRecords(a, b *record) int {
	if a.key != b.key {
		return cmp.Compare(a.key, b.key)
	}
	return compareKeys(a.at.Or(a.res.Loc), b.at.Or(b.res.Loc), a.ctl, b.ctl, a.res.ID, b.res.ID, a.verdict, b.verdict, a.msg, b.msg, a.subject, b.subject)
}

// compareKeys returns early: cmp.Or would compute every key of every pair.
func compareKeys(la, lb model.Loc, ca, cb *control.Control, ra, rb string, va, vb control.Verdict, ma, mb, sa, sb string) int {
	if c := strings.Compare(la.File, lb.File); c != 0 {
		return c
	}
	if c := cmp.Compare(la.Line, lb.Line); c != 0 {
		return c
	}
	if c := strings.Compare(ca.ID, cb.ID); c != 0 {
		return c
	}
	if c := strings.Compare(ra, rb); c != 0 {
		return c
	}
	if c := cmp.Compare(la.Col, lb.Col); c != 0 {
		return c
	}
	if c := cmp.Compare(va, vb); c != 0 {
		return c
	}
	if c := strings.Compare(ma, mb); c != 0 {
		return c
	}
	return strings.Compare(sa, sb)
}

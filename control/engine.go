package control

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/emrguard/emrguard/internal/memlimit"
	"github.com/emrguard/emrguard/model"
)

// Evaluate runs every implemented control whose sources meet the kinds
// in source over ev, and returns the results in a stable order (file,
// line, control, resource). Each control sees only the resources of the
// kinds it can judge (Ref.Origin): an EMR203 that reads infrastructure
// code never judges a cluster known only from a launch event. A control
// that panics yields Unknown results naming it for every resource it had
// not yet judged; the others still run. It links the evidence's facts
// first (model.Evidence.Link).
func Evaluate(controls []*Control, ev *model.Evidence, source SourceKind, cfg Config) []Result {
	if alts := ev.Alternatives; len(alts) > 0 {
		ev.Alternatives = nil // judged on their own, after (worlds.go)
		return settle(Evaluate(controls, ev, source, cfg), alts, controls, source, cfg)
	}
	ev.Link() // every path to a verdict passes here; once per evidence
	type job struct {
		c     *Control
		view  *model.Evidence
		kinds SourceKind
	}
	var jobs []job
	views := map[SourceKind]*model.Evidence{}
	for _, c := range controls {
		kinds := c.Sources & source
		if !c.Implemented() || kinds == 0 {
			continue
		}
		view, ok := views[kinds]
		if !ok {
			view = ev.Restrict(func(o model.Origin) bool { return kinds&kindOf(o) != 0 })
			views[kinds] = view
		}
		jobs = append(jobs, job{c, view, kinds})
	}
	// Controls are pure functions of the evidence (whose indexes are built
	// under sync.Once), so they run in parallel; then each one's results
	// are sorted in parallel and the sorted runs merged. Small evidence (one launch event) runs on this goroutine:
	// there, starting workers costs more than it saves, and shows in
	// latency.
	cols := make([]collector, len(jobs)) // one allocation for all
	// Sized for the resources controls judge: growing it from empty made
	// 25 MB of garbage on 10,000 stacks, while the evidence was live.
	judged := len(ev.Clusters) + len(ev.SecurityConfigurations) + len(ev.SecurityGroups) + len(ev.Roles) +
		len(ev.BlockPublicAccess) + len(ev.VirtualClusters) + len(ev.RBACBindings) + len(ev.JobRoles)
	shared := newRefs(judged)
	workers := runtime.GOMAXPROCS(0)
	if len(ev.Clusters)+len(ev.SecurityConfigurations)+len(ev.SecurityGroups)+len(ev.RBACBindings) < 64 {
		workers = 1
	}
	each(len(jobs), workers, func(i int) {
		cols[i].refs = shared
		run(jobs[i].c, jobs[i].view, jobs[i].kinds, cfg, &cols[i])
	})
	// The evidence is not needed to merge: results carry copies of what
	// they show. Dropping the views lets it be collected when the caller
	// keeps no reference of its own.
	jobs, views = nil, nil
	total := 0
	for i := range cols {
		total += cols[i].n
	}
	var out []Result
	resume := func() {}
	ready := make(chan struct{})
	if total >= bigRun {
		// Collect the evidence before the merged slice is allocated beside
		// it (the runtime would start a cycle only after that allocation:
		// on 10,000 templates the evidence is ~100 MB), and make the slice
		// (zeroing 67 MB of fresh pages) while the controls' results are
		// sorted on the other cores. Nothing becomes garbage from there
		// to the end of the merge, yet the slice's allocation started a
		// cycle that ran during the merge and put a write barrier on every
		// pointer copied (0.3 s of CPU for 279,000 results): the next
		// cycle is put past the slice until the merge is done.
		go func() {
			runtime.GC()
			resume = memlimit.Room(uint64(total) * uint64(unsafe.Sizeof(Result{})))
			out = make([]Result, total)
			close(ready)
		}()
	} else {
		close(ready)
	}
	parts := make([][]*record, len(cols))
	k := &keyer{} // a few results sort as fast compared in full
	if total >= 4096 {
		k = newKeyer(cols)
	}
	each(len(cols), workers, func(i int) { parts[i] = cols[i].sorted(k) })
	<-ready
	defer resume()
	return merge(parts, workers, out)
}

// each calls f for 0..n-1 on workers goroutines, or on this one when
// workers is 1.
func each(n, workers int, f func(i int)) {
	if workers == 1 {
		for i := range n {
			f(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// bigRun is the number of results from which Evaluate collects garbage
// before allocating their merged slice (about 24 MB of results).
const bigRun = 100_000

// kindOf maps a resource's origin to the source kind controls declare.
func kindOf(o model.Origin) SourceKind {
	switch o {
	case model.FromLive:
		return Live
	case model.FromEvent:
		return Event
	}
	return IaC
}

// run lets one control judge ev, its results going to results.
func run(c *Control, ev *model.Evidence, source SourceKind, cfg Config, results *collector) {
	p := &Pass{Control: c, Evidence: ev, Source: source, Config: cfg, report: results.add}
	defer func() {
		if v := recover(); v != nil {
			for _, r := range panicked(c, ev, results.all(), v) {
				results.add(r)
			}
		}
	}()
	c.Run(p)
}

// panicked returns an Unknown result for each cluster and security
// configuration that c did not judge before it panicked.
func panicked(c *Control, ev *model.Evidence, done []Result, v any) []Result {
	judged := map[string]bool{}
	for _, r := range done {
		judged[r.Resource.Kind+"\x00"+r.Resource.ID+"\x00"+r.Resource.Loc.File] = true
	}
	stack := strings.SplitN(string(debug.Stack()), "\n", 12)
	msg := fmt.Sprintf("internal error in control %s: %v; this is a bug in emrguard, please report it with the input (%s)",
		c.ID, v, strings.TrimSpace(stack[len(stack)-2]))
	var out []Result
	add := func(ref model.Ref) {
		if !judged[ref.Kind+"\x00"+ref.ID+"\x00"+ref.Loc.File] {
			out = append(out, Result{Control: c, Resource: ref, Verdict: Unknown, Message: msg, At: ref.Loc})
		}
	}
	for _, cl := range ev.Clusters {
		add(cl.Ref)
	}
	for _, sc := range ev.SecurityConfigurations {
		add(sc.Ref)
	}
	if len(out) == 0 {
		out = append(out, Result{Control: c, Resource: model.Ref{Kind: "control", ID: c.ID}, Verdict: Unknown, Message: msg})
	}
	return out
}

// SortResults orders results by file, line, control ID, resource ID,
// column, verdict and message, as Evaluate returns them.
func SortResults(rs []Result) {
	slices.SortFunc(rs, func(a, b Result) int { return compareResults(&a, &b) })
}

// Package engine runs controls (package control) over evidence: it
// restricts the evidence to the kinds each control judges, runs the
// controls in parallel, turns a panic into unknown results, collects and
// interns their results, merges them in one stable order, and settles
// Terraform roots read once per world (worlds.go). It knows nothing of
// files, AWS or reports, and leaves the process's garbage collector to
// its caller (Options.Room).
package engine

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"unsafe"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/internal/parallel"
	"github.com/emrguard/emrguard/model"
)

// Evaluate runs every implemented control whose sources meet the kinds
// in source over ev, and returns the results in a stable order (file,
// line, control, resource). Each control sees only the resources of the
// kinds it can judge (Ref.Origin): an EMR203 that reads infrastructure
// code never judges a cluster known only from a launch event. A control
// that panics yields Unknown results naming it for every resource it had
// not yet judged; the others still run. It links the evidence's facts
// first (model.Evidence.Link). It is Options{}.Evaluate: it leaves the
// process's garbage collector alone.
func Evaluate(controls []*control.Control, ev *model.Evidence, source control.SourceKind, cfg control.Config) []control.Result {
	return Options{}.Evaluate(controls, ev, source, cfg)
}

// Options tune an evaluation. The zero value suits every caller: the
// monitor and its Lambda, a trail audit, a live scan.
type Options struct {
	// Room, when not nil, is called before the merged slice of a large
	// run (bigRun results or more) is allocated, with its size in bytes,
	// on a goroutine of its own while the controls' results are sorted;
	// the engine calls what it returns once the merge is done. A corpus
	// scan uses it to collect the evidence it no longer holds and to put
	// the next collection past that slice (cmd/emrguard's scan): a choice
	// about the whole process, so the engine never makes it itself.
	Room func(bytes uint64) (resume func())
	// Workers is how many goroutines run the controls, sort and merge;
	// 0: GOMAXPROCS, or 1 when the evidence is small (see Evaluate). Tests
	// set it to compare the sequential and parallel paths.
	Workers int
}

// Evaluate is the package's Evaluate, tuned by o.
func (o Options) Evaluate(controls []*control.Control, ev *model.Evidence, source control.SourceKind, cfg control.Config) []control.Result {
	if alts := ev.Alternatives; len(alts) > 0 {
		ev.Alternatives = nil // judged on their own, after (worlds.go)
		return o.settle(o.Evaluate(controls, ev, source, cfg), alts, ev.EMRNamespaces, controls, source, cfg)
	}
	ev.Link() // every path to a verdict passes here; once per evidence
	type job struct {
		c     *control.Control
		view  *model.Evidence
		kinds control.SourceKind
	}
	var jobs []job
	views := map[control.SourceKind]*model.Evidence{}
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
	// Controls are pure functions of the evidence (whose indexes and
	// shared views, model.View, are built once however many ask), so they
	// run in parallel; then each one's results are sorted in parallel and
	// the sorted runs merged. Small evidence (one launch event) runs on
	// this goroutine: there, starting workers costs more than it saves,
	// and shows in latency.
	cols := make([]collector, len(jobs)) // one allocation for all
	// Sized for the resources controls judge: growing it from empty made
	// garbage while the evidence was live (bench/README.md, "Figures
	// behind code comments").
	judged := len(ev.Clusters) + len(ev.SecurityConfigurations) + len(ev.SecurityGroups) + len(ev.Roles) +
		len(ev.BlockPublicAccess) + len(ev.VirtualClusters) + len(ev.RBACBindings) + len(ev.JobRoles)
	shared := newRefs(judged)
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
		if len(ev.Clusters)+len(ev.SecurityConfigurations)+len(ev.SecurityGroups)+len(ev.RBACBindings) < 64 {
			workers = 1
		}
	}
	parallel.Each(len(jobs), workers, func(i int) {
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
	var out []control.Result
	resume := func() {}
	ready := make(chan struct{})
	if total >= bigRun {
		// Make the merged slice (zeroing fresh pages, which shows on a
		// corpus) while the controls' results are sorted on the other
		// cores; first, the caller's Room may collect the evidence and put
		// the next collection past the slice (Options.Room).
		go func() {
			if o.Room != nil {
				resume = o.Room(uint64(total) * uint64(unsafe.Sizeof(control.Result{})))
			}
			out = make([]control.Result, total)
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
	parallel.Each(len(cols), workers, func(i int) { parts[i] = cols[i].sorted(k) })
	<-ready
	defer resume()
	return merge(parts, workers, out)
}

// bigRun is the number of results from which Evaluate allocates their
// merged slice beside the sorts, after Options.Room (about 24 MB of
// results).
const bigRun = 100_000

// kindOf maps a resource's origin to the source kind controls declare.
func kindOf(o model.Origin) control.SourceKind {
	switch o {
	case model.FromLive:
		return control.Live
	case model.FromEvent:
		return control.Event
	}
	return control.IaC
}

// run lets one control judge ev, its results going to results.
func run(c *control.Control, ev *model.Evidence, source control.SourceKind, cfg control.Config, results *collector) {
	p := control.NewPass(c, ev, source, cfg, results.add)
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
func panicked(c *control.Control, ev *model.Evidence, done []control.Result, v any) []control.Result {
	judged := map[string]bool{}
	for _, r := range done {
		judged[r.Resource.Kind+"\x00"+r.Resource.ID+"\x00"+r.Resource.Loc.File] = true
	}
	stack := strings.SplitN(string(debug.Stack()), "\n", 12)
	msg := fmt.Sprintf("internal error in control %s: %v; this is a bug in emrguard, please report it with the input (%s)",
		c.ID, v, strings.TrimSpace(stack[len(stack)-2]))
	var out []control.Result
	add := func(ref model.Ref) {
		if !judged[ref.Kind+"\x00"+ref.ID+"\x00"+ref.Loc.File] {
			out = append(out, control.Result{Control: c, Resource: ref, Verdict: control.Unknown, Message: msg, At: ref.Loc})
		}
	}
	for _, cl := range ev.Clusters {
		add(cl.Ref)
	}
	for _, sc := range ev.SecurityConfigurations {
		add(sc.Ref)
	}
	if len(out) == 0 {
		out = append(out, control.Result{Control: c, Resource: model.Ref{Kind: "control", ID: c.ID}, Verdict: control.Unknown, Message: msg})
	}
	return out
}

// SortResults orders results by file, line, control ID, resource ID,
// column, verdict and message, as Evaluate returns them.
func SortResults(rs []control.Result) {
	slices.SortFunc(rs, func(a, b control.Result) int { return compareResults(&a, &b) })
}

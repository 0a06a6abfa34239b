package control

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/emrguard/emrguard/model"
)

// Evaluate runs every implemented control whose sources meet the kinds
// in source over ev, and returns the results in a stable order (file,
// line, control, resource). Each control sees only the resources of the
// kinds it can judge (Ref.Origin): an EMR203 that reads infrastructure
// code never judges a cluster known only from a launch event. A control
// that panics yields Unknown results naming it for every resource it had
// not yet judged; the others still run.
func Evaluate(controls []*Control, ev *model.Evidence, source SourceKind, cfg Config) []Result {
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
	// under sync.Once), so they run in parallel; parts keep their order.
	// Small evidence (one launch event) runs on this goroutine: there,
	// starting workers costs more than it saves, and shows in latency.
	parts := make([][]Result, len(jobs))
	workers := runtime.GOMAXPROCS(0)
	if len(ev.Clusters)+len(ev.SecurityConfigurations)+len(ev.SecurityGroups)+len(ev.RBACBindings) < 64 {
		workers = 1
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for i := range next {
				parts[i] = run(jobs[i].c, jobs[i].view, jobs[i].kinds, cfg)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	total := 0
	for _, rs := range parts {
		total += len(rs)
	}
	// One allocation for all results: they are large, and growing one
	// slice by appending copied them over and over on big corpora.
	out := make([]Result, 0, total)
	for _, rs := range parts {
		out = append(out, rs...)
	}
	SortResults(out)
	return out
}

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

func run(c *Control, ev *model.Evidence, source SourceKind, cfg Config) (results []Result) {
	results = make([]Result, 0, len(ev.Clusters))
	p := &Pass{Control: c, Evidence: ev, Source: source, Config: cfg,
		report: func(r Result) { results = append(results, r) }}
	defer func() {
		if v := recover(); v != nil {
			results = append(results, panicked(c, ev, results, v)...)
		}
	}()
	c.Run(p)
	return results
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
// column, verdict and message: a total order, so the unstable (and much
// faster) sort still gives one order for one input. Comparisons return
// early: cmp.Or would compute every key of every pair.
func SortResults(rs []Result) {
	slices.SortFunc(rs, func(a, b Result) int {
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
	})
}

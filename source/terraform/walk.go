package terraform

import "github.com/emrguard/emrguard/source"

// The evaluator reads a root for the layer above (the AWS adapter),
// which says which resource types it reads and how (reading), and
// gets, in its own type S, what it made of them: read steps first, then
// link steps, each in declaration order, however the root is read
// (sequentially with a prefetcher, or flat on all cores: flat.go).

// stepKind says how the layer above reads the resources of a type.
type stepKind uint8

const (
	skipStep    stepKind = iota // not read
	readStep                    // read first; in a flat reading, by its file group
	linkStep                    // read after every read step, in declaration order
	ownLinkStep                 // a link step that reads only its own arguments: a flat reading reads it ahead, recording them, and replays it
)

// reading is how the layer above reads instances into sinks of type S.
type reading[S any] struct {
	kind  func(typ string) stepKind
	fresh func() S         // an empty sink
	merge func(dst, src S) // appends src to dst
	// read reads one instance into out; what it evaluates reports to r.
	read func(r *readCtx, out S, in *instance)
}

// readModules reads the modules of one root.
func readModules[S any](mods []*module, diags *source.Diagnostics, a reading[S]) S {
	var steps []*resource
	for _, link := range []bool{false, true} {
		for _, m := range mods {
			for _, res := range m.order {
				if k := a.kind(res.typ); k != skipStep && res.mode == "resource" && (k >= linkStep) == link {
					steps = append(steps, res)
				}
			}
		}
	}
	out := a.fresh()
	runSteps(steps, &readCtx{diags: diags}, out, a)
	return out
}

// runSteps reads steps in order on this goroutine, while a prefetcher
// parses the next ones on the other cores.
func runSteps[S any](steps []*resource, r *readCtx, out S, a reading[S]) {
	var toParse []*resource
	if len(steps) >= prefetchMin {
		toParse = steps
	}
	pf := prefetch(toParse)
	defer pf.stop()
	for i, res := range steps {
		for _, in := range res.instances() {
			a.read(r, out, in)
		}
		pf.done(i)
	}
}

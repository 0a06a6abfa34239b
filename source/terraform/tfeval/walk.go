package tfeval

import "github.com/emrguard/emrguard/source"

// The evaluator reads a root for the layer above (the AWS adapter),
// which says which resource types it reads and how (Reading), and
// gets, in its own type S, what it made of them: read steps first, then
// link steps, each in declaration order, however the root is read
// (sequentially with a prefetcher, or flat on all cores: flat.go).

// StepKind says how the layer above reads the resources of a type.
type StepKind uint8

const (
	SkipStep    StepKind = iota // not read
	ReadStep                    // read first; in a flat reading, by its file group
	LinkStep                    // read after every read step, in declaration order
	OwnLinkStep                 // a link step that reads only its own arguments: a flat reading reads it ahead, recording them, and replays it
)

// Reading is how the layer above reads instances into sinks of type S.
type Reading[S any] struct {
	// Kind says how the resources of a type are read.
	Kind  func(typ string) StepKind
	Fresh func() S         // an empty sink
	Merge func(dst, src S) // appends src to dst
	// Read reads one instance into out; what it evaluates reports to r.
	Read func(r *Reader, out S, in *Instance)
}

// readModules reads the modules of one root.
func readModules[S any](mods []*module, diags *source.Diagnostics, a Reading[S]) S {
	var steps []*resource
	for _, link := range []bool{false, true} {
		for _, m := range mods {
			for _, res := range m.order {
				if k := a.Kind(res.typ); k != SkipStep && res.mode == "resource" && (k >= LinkStep) == link {
					steps = append(steps, res)
				}
			}
		}
	}
	out := a.Fresh()
	runSteps(steps, &Reader{Diags: diags}, out, a)
	return out
}

// runSteps reads steps in order on this goroutine, while a prefetcher
// parses the next ones on the other cores.
func runSteps[S any](steps []*resource, r *Reader, out S, a Reading[S]) {
	var toParse []*resource
	if len(steps) >= Tune.PrefetchMin {
		toParse = steps
	}
	pf := prefetch(toParse)
	defer pf.stop()
	for i, res := range steps {
		for _, in := range res.instances() {
			a.Read(r, out, in)
		}
		pf.done(i)
	}
}

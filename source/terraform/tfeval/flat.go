package tfeval

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// flatRun is a stretch of consecutive reader steps of one group: what
// they add to the evidence and the diagnostics they report, kept apart
// until every group is read and then
// put together in step order, so the evidence and diagnostics come out
// in the order a sequential reading gives.
type flatRun[S any] struct {
	from, to int // steps[from:to]
	out      S
	diags    source.Diagnostics
}

// flatGroup is files that may refer to each other (hclscan.RefScan), the runs
// of reader steps of their resources, and their linker steps.
type flatGroup[S any] struct {
	files []int
	runs  []*flatRun[S]
	links []int // indexes in links
}

// readFlat reads a root module without module calls with one reader per
// core, a group of files at a time (groupFiles), when the module is large
// enough and its files can be grouped; ok is false otherwise and the
// caller reads it sequentially. Each reader evaluates in its own copy of
// the module's memo (fork), and the resources and locals of a group are
// handed to the copy that reads it, so nothing a reader evaluates is
// touched by another.
//
// Link steps (the adapter's rules, routes, attachments) run after the
// read steps, sequentially, as in readModules, so what they make and
// their diagnostics come out in the order a sequential reading gives.
// Those that only read their own arguments (OwnLinkStep) are read ahead
// by their group's reader (into a scratch sink, keeping the arguments
// and the diagnostics), and replayed in the link pass; a group with no
// other link step then drops its source, bodies and memo as soon as it
// is read, so memory follows the groups being read, not the module.
func readFlat[S any](m *module, files []File, diags *source.Diagnostics, a Reading[S]) (S, bool) {
	workers := runtime.GOMAXPROCS(0)
	var none S
	if !Tune.Flat || workers < 2 || m.parent != nil || len(m.calls) > 0 {
		return none, false
	}
	var steps, links []*resource
	for _, res := range m.order {
		if res.mode != "resource" {
			continue
		}
		switch a.Kind(res.typ) {
		case ReadStep:
			steps = append(steps, res)
		case LinkStep, OwnLinkStep:
			links = append(links, res)
		}
	}
	if len(steps) < Tune.FlatMin {
		return none, false
	}
	fileOf, root, ok := groupFiles(m, files)
	if !ok {
		return none, false
	}
	d := declsByFile(m, fileOf, len(files))

	// The groups in the order of their first step.
	byRoot := map[int]*flatGroup[S]{}
	var groups []*flatGroup[S]
	groupOf := func(res *resource) *flatGroup[S] {
		rt := root[fileOf[res.at.File]]
		g := byRoot[rt]
		if g == nil {
			g = &flatGroup[S]{}
			byRoot[rt] = g
			groups = append(groups, g)
		}
		return g
	}
	var runs []*flatRun[S]
	for i, res := range steps {
		g := groupOf(res)
		if n := len(g.runs); n > 0 && g.runs[n-1].to == i {
			g.runs[n-1].to++
			continue
		}
		run := &flatRun[S]{from: i, to: i + 1}
		g.runs = append(g.runs, run)
		runs = append(runs, run)
	}
	for i, res := range links {
		g := groupOf(res)
		g.links = append(g.links, i)
	}
	for fi := range files {
		if g := byRoot[root[fi]]; g != nil {
			g.files = append(g.files, fi)
		}
	}
	if len(groups) < Tune.FlatMinGroups {
		return none, false
	}
	for i := range files {
		files[i].data = nil // scanned
	}
	parallelRuns.flat.Add(1)

	ahead := make([]*source.Diagnostics, len(links)) // diagnostics of a linker read ahead
	forks := make([]*module, min(workers, len(groups)))
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := range forks {
		w := m.fork()
		forks[k] = w
		wg.Go(func() {
			r := &Reader{}
			scratch := &Reader{record: true}
			for gi := int(next.Add(1) - 1); gi < len(groups); gi = int(next.Add(1) - 1) {
				g := groups[gi]
				d.claim(g.files, w)
				for _, run := range g.runs {
					run.out = a.Fresh()
					r.Diags, w.ld.diags = &run.diags, &run.diags
					for _, res := range steps[run.from:run.to] {
						for _, in := range res.instances() {
							a.Read(r, run.out, in)
						}
					}
				}
				all := true
				for _, li := range g.links {
					res := links[li]
					if a.Kind(res.typ) != OwnLinkStep {
						all = false
						continue
					}
					ahead[li] = &source.Diagnostics{}
					scratch.Diags, w.ld.diags = ahead[li], ahead[li]
					sink := a.Fresh()
					for _, in := range res.instances() {
						a.Read(scratch, sink, in)
					}
				}
				if all && (m.ld.conds == nil || m.ld.conds.world == nil) {
					// Not in a world's reading: the next world reads
					// the same files (ReadRoot parses them again once).
					d.release(g.files, w, files, a.Kind)
				}
			}
		})
	}
	wg.Wait()

	out := a.Fresh()
	r := &Reader{Diags: diags}
	for _, run := range runs {
		a.Merge(out, run.out)
		*diags = append(*diags, run.diags...)
	}
	for _, w := range forks {
		w.ld.diags = diags
	}
	// The linker pass: replayed steps report what they reported when read
	// ahead (the same, as they read the same arguments), in step order.
	var rest []*resource
	for i, res := range links {
		if ahead[i] == nil {
			rest = append(rest, res)
		}
	}
	pf := prefetch(rest)
	defer pf.stop()
	var discard source.Diagnostics
	n := 0
	for i, res := range links {
		if ahead[i] == nil {
			for _, in := range res.instances() {
				a.Read(r, out, in)
			}
			pf.done(n)
			n++
			continue
		}
		r.Diags, res.m.ld.diags = &discard, &discard
		for _, in := range res.instances() {
			a.Read(r, out, in)
		}
		r.Diags, res.m.ld.diags = diags, diags
		*diags = append(*diags, *ahead[i]...)
		for _, arg := range r.missed {
			diags.Errorf(res.at, "%s could not be read: internal error: %s was not read ahead", res.key(), arg)
		}
		r.missed = r.missed[:0]
		discard = discard[:0]
	}
	return out, true
}

// decls are a module's declarations by file, to hand a group's to the
// reader that reads it and to drop them once it is read.
type decls struct {
	res     [][]*resource
	locals  [][]*hcl.Attribute
	outputs [][]*hcl.Attribute
	vars    [][]*variable
}

func declsByFile(m *module, fileOf map[string]int, n int) *decls {
	d := &decls{res: make([][]*resource, n), locals: make([][]*hcl.Attribute, n), outputs: make([][]*hcl.Attribute, n), vars: make([][]*variable, n)}
	for _, res := range m.order {
		fi := fileOf[res.at.File]
		d.res[fi] = append(d.res[fi], res)
	}
	for _, a := range m.locals {
		fi := fileOf[a.Range.Filename]
		d.locals[fi] = append(d.locals[fi], a)
	}
	for _, a := range m.outputs {
		if fi, ok := fileOf[a.Range.Filename]; ok {
			d.outputs[fi] = append(d.outputs[fi], a)
		}
	}
	for _, v := range m.vars {
		fi := fileOf[v.at.File]
		d.vars[fi] = append(d.vars[fi], v)
	}
	return d
}

// claim hands the declarations of files to the module copy w.
func (d *decls) claim(files []int, w *module) {
	for _, fi := range files {
		for _, res := range d.res[fi] {
			res.m = w
		}
		for _, a := range d.locals[fi] {
			if e, ok := a.Expr.(*arg); ok {
				e.sc.m = w // the locals block's: all in this file
			}
		}
	}
}

// release drops what a read group holds: source, bodies, memos, local
// values. Nothing of this reading reads them again: no other group refers
// to them, and its linkers replay what they read ahead. Its files are
// marked released: a reading in another world parses them again
// (ReadRoot).
func (d *decls) release(fis []int, w *module, files []File, kind func(string) StepKind) {
	for _, fi := range fis {
		for _, res := range d.res[fi] {
			res.src, res.body, res.count, res.forEach = nil, content{}, nil, nil
			res.pre.Store(nil)
			if kind(res.typ) != OwnLinkStep {
				res.insts = nil
			}
			for _, in := range res.insts {
				in.memo = memo{}
			}
		}
		for _, a := range d.locals[fi] {
			delete(w.localVal, a.Name)
			forgetSource(a.Expr)
		}
		for _, a := range d.outputs[fi] {
			forgetSource(a.Expr)
		}
		for _, v := range d.vars[fi] {
			v.src, v.def = nil, nil
		}
		f := &files[fi]
		f.blocks, f.lazy, f.released = nil, nil, true
	}
}

// forgetSource drops the source and syntax tree of a lazy expression
// that is not evaluated again.
func forgetSource(e hcl.Expression) {
	if l, ok := e.(*arg); ok {
		// The block's source: its other arguments are released with it
		// (a file's locals and outputs go together).
		l.sc.src, l.parsed = nil, nil
	}
}

// fork returns a copy of a module for one reader of readFlat: the same
// declarations, its own memo and diagnostics.
func (m *module) fork() *module {
	m.functions() // made before the loader is copied: the readers share one table
	ld := *m.ld
	w := *m
	w.ld = &ld
	w.localVal, w.visiting, w.attrVisiting = map[string]cty.Value{}, map[string]bool{}, nil
	w.reported, w.parsedQ = nil, nil
	return &w
}

// groupFiles groups the files of a module that may refer to each other:
// fileOf numbers the files by path, root gives each file's group. ok is
// false when a file's references cannot be scanned.
func groupFiles(m *module, files []File) (fileOf map[string]int, root []int, ok bool) {
	fileOf = make(map[string]int, len(files))
	for i, f := range files {
		if f.data == nil {
			return nil, nil, false // JSON syntax, or not kept
		}
		fileOf[f.path] = i
	}
	res := map[string]map[string]int{}
	data := map[string]map[string]int{}
	for _, r := range m.order {
		fi, ok := fileOf[r.at.File]
		if !ok {
			return nil, nil, false
		}
		byName := res
		if r.mode == "data" {
			byName = data
		}
		if byName[r.typ] == nil {
			byName[r.typ] = map[string]int{}
		}
		byName[r.typ][r.name] = fi
	}
	locals := make(map[string]int, len(m.locals))
	for n, a := range m.locals {
		fi, ok := fileOf[a.Range.Filename]
		if !ok {
			return nil, nil, false
		}
		locals[n] = fi
	}
	vars := make(map[string]int, len(m.vars))
	for n, v := range m.vars {
		fi, ok := fileOf[v.at.File]
		if !ok {
			return nil, nil, false
		}
		vars[n] = fi
	}

	// Each file's references, scanned on all cores.
	refs := make([][]int32, len(files))
	bad := make([]bool, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(files); i = int(next.Add(1) - 1) {
				seen := map[int]bool{i: true}
				add := func(fi int, ok bool) {
					if ok && !seen[fi] {
						seen[fi] = true
						refs[i] = append(refs[i], int32(fi))
					}
				}
				bad[i] = !hclscan.RefScan(files[i].data, func(a, b, c []byte) {
					switch string(a) {
					case "var":
						fi, ok := vars[string(b)]
						add(fi, ok)
					case "local":
						fi, ok := locals[string(b)]
						add(fi, ok)
					case "data":
						if c != nil {
							fi, ok := data[string(b)][string(c)]
							add(fi, ok)
						}
					}
					fi, ok := res[string(a)][string(b)]
					add(fi, ok)
				})
			}
		})
	}
	wg.Wait()

	root = make([]int, len(files))
	for i := range root {
		root[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for root[i] != i {
			root[i] = root[root[i]]
			i = root[i]
		}
		return i
	}
	for i, rs := range refs {
		if bad[i] {
			return nil, nil, false
		}
		for _, j := range rs {
			if a, b := find(i), find(int(j)); a != b {
				root[max(a, b)] = min(a, b)
			}
		}
	}
	for i := range root {
		root[i] = find(i)
	}
	return fileOf, root, true
}

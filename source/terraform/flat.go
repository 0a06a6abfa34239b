package terraform

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// minFlatSteps is the size from which a module without calls is read on
// all cores: below it, the grouping costs more than it saves. A variable
// so that a test can run the parallel reading on every example.
var minFlatSteps = 256

// flatReading switches readFlat on; tests compare it with the sequential
// reading.
var flatReading = true

// flatRun is a stretch of consecutive reader steps of one group: what
// they add to the evidence and the diagnostics they report, kept apart
// until every group is read and then
// put together in step order, so the evidence and diagnostics come out
// in the order a sequential reading gives.
type flatRun struct {
	from, to int // steps[from:to]
	ev       *model.Evidence
	diags    source.Diagnostics
}

// flatGroup is files that may refer to each other (refs.go), the runs
// of reader steps of their resources, and their linker steps.
type flatGroup struct {
	files []int
	runs  []*flatRun
	links []int // indexes in links
}

// replayable are the linkers that read nothing but their own arguments
// (rd.arg) to emit their facts: a group's reader reads
// them ahead, recording the arguments, and the group's declarations can
// be dropped before the sequential linker pass, which replays them.
var replayable = map[string]bool{
	"aws_security_group_rule": true, "aws_vpc_security_group_ingress_rule": true,
	"aws_route": true, "aws_route_table_association": true, "aws_main_route_table_association": true,
	"aws_iam_role_policy_attachment": true, "aws_iam_policy_attachment": true, "aws_s3_bucket_logging": true,
}

// readFlat reads a root module without module calls with one reader per
// core, a group of files at a time (refs.go), when the module is large
// enough and its files can be grouped; ok is false otherwise and the
// caller reads it sequentially. Each reader evaluates in its own copy of
// the module's memo (fork), and the resources and locals of a group are
// handed to the copy that reads it, so nothing a reader evaluates is
// touched by another.
//
// Linkers (rules, routes, attachments) emit facts model.Link joins; they
// run after the readers, sequentially, as in readModules, so facts and
// diagnostics come out in the order a sequential reading gives. Those that
// only read their own arguments are read ahead by their group's reader
// (into a scratch rd, keeping the arguments and the diagnostics), and
// replayed in the linker pass; a group with no other linker then drops
// its source, bodies and memo as soon as it is read, so memory follows
// the groups being read, not the module.
func readFlat(m *module, files []parsed, diags *source.Diagnostics) (*model.Evidence, bool) {
	workers := runtime.GOMAXPROCS(0)
	if !flatReading || workers < 2 || m.parent != nil || len(m.calls) > 0 {
		return nil, false
	}
	var steps, links []step
	for _, res := range m.order {
		if res.mode != "resource" {
			continue
		}
		if fn := readers[res.typ]; fn != nil {
			steps = append(steps, step{res, fn})
		} else if fn := linkers[res.typ]; fn != nil {
			links = append(links, step{res, fn})
		}
	}
	if len(steps) < minFlatSteps {
		return nil, false
	}
	fileOf, root, ok := groupFiles(m, files)
	if !ok {
		return nil, false
	}
	for i := range files {
		files[i].data = nil // scanned
	}
	d := declsByFile(m, fileOf, len(files))

	// The groups in the order of their first step.
	byRoot := map[int]*flatGroup{}
	var groups []*flatGroup
	groupOf := func(res *resource) *flatGroup {
		rt := root[fileOf[res.at.File]]
		g := byRoot[rt]
		if g == nil {
			g = &flatGroup{}
			byRoot[rt] = g
			groups = append(groups, g)
		}
		return g
	}
	var runs []*flatRun
	for i, s := range steps {
		g := groupOf(s.res)
		if n := len(g.runs); n > 0 && g.runs[n-1].to == i {
			g.runs[n-1].to++
			continue
		}
		run := &flatRun{from: i, to: i + 1}
		g.runs = append(g.runs, run)
		runs = append(runs, run)
	}
	for i, s := range links {
		g := groupOf(s.res)
		g.links = append(g.links, i)
	}
	for fi := range files {
		if g := byRoot[root[fi]]; g != nil {
			g.files = append(g.files, fi)
		}
	}
	if len(groups) < 2 {
		return nil, false
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
			r := &rd{}
			scratch := &rd{record: true}
			for gi := int(next.Add(1) - 1); gi < len(groups); gi = int(next.Add(1) - 1) {
				g := groups[gi]
				d.claim(g.files, w)
				for _, run := range g.runs {
					run.ev = &model.Evidence{}
					r.ev, r.diags, w.ld.diags = run.ev, &run.diags, &run.diags
					for _, s := range steps[run.from:run.to] {
						for _, in := range s.res.instances() {
							r.safely(in, s.fn)
						}
					}
				}
				all := true
				for _, li := range g.links {
					s := links[li]
					if !replayable[s.res.typ] {
						all = false
						continue
					}
					ahead[li] = &source.Diagnostics{}
					scratch.ev, scratch.diags, w.ld.diags = &model.Evidence{}, ahead[li], ahead[li]
					for _, in := range s.res.instances() {
						scratch.safely(in, s.fn)
					}
				}
				if all {
					d.release(g.files, w, files)
				}
			}
		})
	}
	wg.Wait()

	r := &rd{ev: &model.Evidence{}, diags: diags}
	for _, run := range runs {
		r.ev.Merge(run.ev)
		*diags = append(*diags, run.diags...)
	}
	for _, w := range forks {
		w.ld.diags = diags
	}
	// The linker pass: replayed steps report what they reported when read
	// ahead (the same, as they read the same arguments), in step order.
	var rest []step
	for i, s := range links {
		if ahead[i] == nil {
			rest = append(rest, s)
		}
	}
	pf := prefetch(resourcesOf(rest))
	defer pf.stop()
	var discard source.Diagnostics
	n := 0
	for i, s := range links {
		if ahead[i] == nil {
			for _, in := range s.res.instances() {
				r.safely(in, s.fn)
			}
			pf.done(n)
			n++
			continue
		}
		r.diags, s.res.m.ld.diags = &discard, &discard
		for _, in := range s.res.instances() {
			r.safely(in, s.fn)
		}
		r.diags, s.res.m.ld.diags = diags, diags
		*diags = append(*diags, *ahead[i]...)
		for _, a := range r.missed {
			diags.Errorf(s.res.at, "%s could not be read: internal error: %s was not read ahead", s.res.key(), a)
		}
		r.missed = r.missed[:0]
		discard = discard[:0]
	}
	return r.ev, true
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
// values. Nothing reads them again: no other group refers to them, and
// its linkers replay what they read ahead.
func (d *decls) release(fis []int, w *module, files []parsed) {
	for _, fi := range fis {
		for _, res := range d.res[fi] {
			res.src, res.body, res.count, res.forEach = nil, content{}, nil, nil
			res.pre.Store(nil)
			if !replayable[res.typ] {
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
		f.blocks, f.lazy = nil, nil
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

func resourcesOf(steps []step) []*resource {
	out := make([]*resource, len(steps))
	for i, s := range steps {
		out[i] = s.res
	}
	return out
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
func groupFiles(m *module, files []parsed) (fileOf map[string]int, root []int, ok bool) {
	fileOf = make(map[string]int, len(files))
	for i, f := range files {
		if f.data == nil {
			return nil, nil, false // JSON syntax, or not kept
		}
		fileOf[f.path] = i
	}
	declared := func(path string) (int, bool) {
		fi, ok := fileOf[path]
		return fi, ok
	}
	res := map[string]map[string]int{}
	data := map[string]map[string]int{}
	for _, r := range m.order {
		fi, ok := declared(r.at.File)
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
		fi, ok := declared(a.Range.Filename)
		if !ok {
			return nil, nil, false
		}
		locals[n] = fi
	}
	vars := make(map[string]int, len(m.vars))
	for n, v := range m.vars {
		fi, ok := declared(v.at.File)
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

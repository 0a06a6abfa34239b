package terraform

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// minFlatSteps is the size from which a module without calls is read on
// all cores: below it, the grouping costs more than it saves.
const minFlatSteps = 256

// flatReading switches readFlat on; tests compare it with the sequential
// reading.
var flatReading = true

// flatRun is a stretch of consecutive reader steps of one group: what
// they add to the evidence, the diagnostics they report and the
// resources they index, kept apart until every group is read and then
// put together in step order, so the evidence and diagnostics come out
// in the order a sequential reading gives.
type flatRun struct {
	from, to int // steps[from:to]
	ev       *model.Evidence
	diags    source.Diagnostics
	maps     rdMaps
}

// flatGroup is files that may refer to each other (refs.go), and the
// runs of reader steps of their resources.
type flatGroup struct {
	files []int
	runs  []*flatRun
}

// readFlat reads a root module without module calls with one reader per
// core, a group of files at a time (refs.go), when the module is large
// enough and its files can be grouped; ok is false otherwise and the
// caller reads it sequentially. Each reader evaluates in its own copy of
// the module's memo (fork), and the resources and locals of a group are
// handed to the copy that reads it, so nothing a reader evaluates is
// touched by another. Linkers (rules, routes, attachments, which look up
// what all readers found) then run sequentially, as in readModules.
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

	// The groups in the order of their first step, and each file's
	// declarations, handed over with the group.
	fileRes := make([][]*resource, len(files))
	for _, res := range m.order {
		fi := fileOf[res.at.File]
		fileRes[fi] = append(fileRes[fi], res)
	}
	fileLocals := make([][]*hcl.Attribute, len(files))
	for _, a := range m.locals {
		fi := fileOf[a.Range.Filename]
		fileLocals[fi] = append(fileLocals[fi], a)
	}
	byRoot := map[int]*flatGroup{}
	var groups []*flatGroup
	var runs []*flatRun
	for i, s := range steps {
		rt := root[fileOf[s.res.at.File]]
		g := byRoot[rt]
		if g == nil {
			g = &flatGroup{}
			byRoot[rt] = g
			groups = append(groups, g)
		}
		if n := len(g.runs); n > 0 && g.runs[n-1].to == i {
			g.runs[n-1].to++
			continue
		}
		run := &flatRun{from: i, to: i + 1}
		g.runs = append(g.runs, run)
		runs = append(runs, run)
	}
	for fi := range files {
		if g := byRoot[root[fi]]; g != nil {
			g.files = append(g.files, fi)
		}
	}
	if len(groups) < 2 {
		return nil, false
	}

	forks := make([]*module, min(workers, len(groups)))
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := range forks {
		w := m.fork()
		forks[k] = w
		wg.Go(func() {
			r := &rd{rdMaps: newMaps()}
			for gi := int(next.Add(1) - 1); gi < len(groups); gi = int(next.Add(1) - 1) {
				g := groups[gi]
				for _, fi := range g.files {
					for _, res := range fileRes[fi] {
						res.m = w
					}
					for _, a := range fileLocals[fi] {
						if e, ok := a.Expr.(*lazyExpr); ok {
							e.m = w
						}
					}
				}
				for _, run := range g.runs {
					run.ev = &model.Evidence{}
					r.ev, r.diags, w.ld.diags = run.ev, &run.diags, &run.diags
					for _, s := range steps[run.from:run.to] {
						for _, in := range s.res.instances() {
							r.safely(in, s.fn)
						}
					}
					run.maps = r.takeMaps()
				}
			}
		})
	}
	wg.Wait()

	r := &rd{ev: &model.Evidence{}, diags: diags, rdMaps: newMaps()}
	for _, run := range runs {
		r.ev.Merge(run.ev)
		*diags = append(*diags, run.diags...)
		r.putMaps(run.maps)
	}
	for _, w := range forks {
		w.ld.diags = diags
	}
	r.run(links)
	r.linkIAM()
	return r.ev, true
}

// fork returns a copy of a module for one reader of readFlat: the same
// declarations, its own memo and diagnostics.
func (m *module) fork() *module {
	ld := *m.ld
	w := *m
	w.ld = &ld
	w.localVal, w.visiting, w.attrMemo = map[string]cty.Value{}, map[string]bool{}, map[attrKey]cty.Value{}
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
				bad[i] = !refScan(files[i].data, func(a, b, c []byte) {
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

package tfeval

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/emrguard/emrguard/internal/rawopen"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// Options are what the command line gives every root module.
type Options struct {
	// Vars are --var NAME=VALUE assignments, the highest precedence.
	Vars []string
	// VarFiles are --var-file paths, read after *.auto.tfvars.
	VarFiles []string
	// MaxFileSize bounds each file read; 0 means 20 MiB.
	MaxFileSize int64
	// Seen, when set, is told of every file read and its bytes (from
	// several goroutines at once), so a reader after the scan need not
	// read it again.
	Seen func(path string, data []byte)
	// Roots are the folders scanned (the paths the user named, a file's
	// own folder): file functions read only regular files inside them,
	// links resolved. Empty means each root module's own folder.
	Roots []string

	roots    []rawopen.Root // Roots resolved, once per LoadFolders
	modRoots moduleSandbox  // roots and their repositories: where module folders are read
}

// Folder is a folder's configuration files found by a walk (or named on
// the command line), and its variable files.
type Folder struct {
	Dir      string
	Files    []string // .tf and .tf.json
	VarFiles []string // terraform.tfvars, *.auto.tfvars
}

// LoadFolders reads each folder as a root module, except folders another
// of them calls as a local module: those are read as that module, with
// its inputs. Files are parsed in parallel, then root modules read in
// parallel by root, and what each gives is merged in folder order.
// Diagnostics carry file:line:col; an error in one file leaves the rest
// read.
func LoadFolders[S any](folders []Folder, opt Options, root func(Folder, []File, Options, *source.Diagnostics) S, fresh func() S, merge func(dst, src S)) (S, source.Diagnostics) {
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = 20 << 20
	}
	opt.roots = nil
	for _, r := range opt.Roots {
		if root, err := rawopen.NewRoot(r); err == nil {
			opt.roots = append(opt.roots, root)
		}
	}
	opt.modRoots = moduleRoots(opt.roots)
	// Each folder is parsed, evaluated and read on its own, and its syntax
	// trees dropped before the next: memory follows the largest module,
	// not the whole walk. A folder another calls as a local module is read
	// again as that module; its reading as a root is dropped at the end.
	type result struct {
		out     S
		diags   source.Diagnostics
		sources []string // local module folders it calls
	}
	outs := make([]result, len(folders))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(folders))) {
		wg.Go(func() {
			for i := range jobs {
				o := &outs[i]
				dir := filepath.Clean(folders[i].Dir)
				files := parseAll(folders[i].Files, opt.reader(), &o.diags)
				for _, f := range files {
					for _, src := range moduleSources(f.blocks) {
						if isLocalSource(src) {
							o.sources = append(o.sources, filepath.Clean(filepath.Join(dir, src)))
						}
					}
				}
				o.out = root(folders[i], files, opt, &o.diags)
			}
		})
	}
	for i := range folders {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	// A folder another calls is dropped as a root only when a folder no
	// other calls reads it, through its calls: folders calling each other
	// in a cycle, with no caller outside it, stay roots (each reports the
	// cycle) rather than vanish with every resource they declare.
	index := make(map[string]int, len(folders))
	for i := range folders {
		index[filepath.Clean(folders[i].Dir)] = i
	}
	called := make([]bool, len(folders))
	for i, o := range outs {
		for _, s := range o.sources {
			if j, ok := index[s]; ok && j != i {
				called[j] = true
			}
		}
	}
	covered := make([]bool, len(folders))
	var walk []int
	for i := range folders {
		if !called[i] {
			walk = append(walk, i)
		}
	}
	for len(walk) > 0 {
		i := walk[len(walk)-1]
		walk = walk[:len(walk)-1]
		for _, s := range outs[i].sources {
			if j, ok := index[s]; ok && !covered[j] && called[j] {
				covered[j] = true
				walk = append(walk, j)
			}
		}
	}
	out := fresh()
	var diags source.Diagnostics
	for i, o := range outs {
		if covered[i] {
			continue
		}
		merge(out, o.out)
		diags = append(diags, o.diags...)
	}
	return out, diags
}

// moduleSources lists the literal sources of a file's module blocks,
// cheaply: it runs on every file before any evaluation.
func moduleSources(blocks []*hcl.Block) []string {
	var out []string
	for _, b := range blocks {
		if b.Type != "module" {
			continue
		}
		attrs, _ := contentOf(b.Body, nil)
		if x, _, ok := attrs.expr("source"); ok {
			if v, d := x.Value(nil); !d.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				out = append(out, v.AsString())
			}
		}
	}
	return out
}

// parseCache holds the parsed module folders of one root: the root's
// own, and dirs, made when a module call reads another folder (most
// roots call none).
type parseCache struct {
	rootDir   string
	rootFiles []File
	dirs      map[string][]File
	read      reader
}

type loader struct {
	opt      Options
	diags    *source.Diagnostics
	rootDir  string
	sandbox  sandbox                      // where file functions read (Options.Roots)
	modBox   moduleSandbox                // where module folders are read without Options.Roots: moduleSandbox()
	funcs    map[string]function.Function // made on first use: functions()
	cwd      string                       // path.cwd, made when read: workDir (a flat module's readers each have their copy of the loader)
	rootVals map[string]cty.Value
	rootRaw  map[string]string
	varAt    map[string]model.Loc
	cache    *parseCache
	modules  int                // module instances loaded, up to MaxModules
	warned   map[model.Loc]bool // module sources already warned of
	manifest *manifest          // .terraform/modules/modules.json, read on first use: installed()
	work     *budget            // the root's evaluation work, shared by the loader's copies
	conds    *conditions        // the unknowns deciding counts, and the world read (conditional.go)
}

// Worlds is a root read in its first world, and again in each world of
// the unknowns its counts hang on (conditional.go).
type Worlds[S any] struct {
	Base     S
	Unknowns []string                     // the atoms the counts hang on, in the order found
	Kinds    map[string]model.UnknownKind // of the atoms not Boolean
	Bounded  bool                         // over MaxConditions atoms: not read again
	Values   [][]bool                     // each world's values of Unknowns (model.Combinations)
	Each     []S                          // the root read in each world
}

// ReadRoot reads a root module, and when its counts hang on at most
// MaxConditions unknowns, again under each combination of their values.
// The diagnostics are the first reading's, and so is Options.Seen's
// telling of the files read. The worlds read the first reading's parsed
// files, or, when its flat reading released them, the files parsed again
// once (a world's reading releases nothing).
func ReadRoot[S any](f Folder, files []File, opt Options, diags *source.Diagnostics, a Reading[S]) Worlds[S] {
	conds := &conditions{}
	base := loadWorld(f, files, opt, diags, conds, a)
	// In the order of their names: a flat reading notes them from
	// several goroutines at once.
	slices.Sort(conds.found)
	w := Worlds[S]{Base: base, Unknowns: conds.found, Kinds: conds.kinds}
	switch n := len(conds.found); {
	case n == 0:
		return w
	case n > MaxConditions:
		w.Bounded = true
		return w
	}
	again := opt
	again.Seen = nil // told of each file once, by the first reading
	for _, vals := range model.Combinations(len(conds.found)) {
		world := &conditions{world: map[string]bool{}}
		for i, atom := range conds.found {
			world.world[atom] = vals[i]
		}
		var scratch source.Diagnostics
		if slices.ContainsFunc(files, func(f File) bool { return f.released }) {
			files = parseAll(f.Files, again.reader(), &scratch)
		}
		w.Values = append(w.Values, vals)
		w.Each = append(w.Each, loadWorld(f, files, again, &scratch, world, a))
	}
	return w
}

// loadWorld reads a root once, in the world conds gives.
func loadWorld[S any](f Folder, files []File, opt Options, diags *source.Diagnostics, conds *conditions, a Reading[S]) S {
	root := evalRoot(f, files, opt, diags, conds)
	if out, ok := readFlat(root, files, diags, a); ok {
		return out
	}
	return readModules(root.modules(), diags, a)
}

// evalRoot declares a root module and the modules it calls, ready to
// evaluate.
func evalRoot(f Folder, files []File, opt Options, diags *source.Diagnostics, conds *conditions) *module {
	dir := filepath.Clean(f.Dir)
	cache := &parseCache{rootDir: dir, rootFiles: files, read: opt.reader()}
	// The maps of variable values and warnings are made when written:
	// most roots have no variable files and call no module.
	ld := &loader{opt: opt, diags: diags, rootDir: dir, cache: cache, work: &budget{}, sandbox: opt.roots, conds: conds}
	if len(opt.Roots) == 0 {
		if root, err := rawopen.NewRoot(dir); err == nil {
			ld.sandbox = sandbox{root}
		}
	}
	root := newModule(ld, dir, "", nil, nil)
	root.declare(files, diags)
	ld.readVarFiles(f.VarFiles)
	root.loadCalls(0, diags)
	return root
}

// workDir is path.cwd: the root module's folder as an absolute path, where
// terraform runs (asking the process's own folder once per root that
// reads it, not per root).
func (ld *loader) workDir() string {
	if ld.cwd == "" {
		ld.cwd = cwdOf(ld.rootDir)
	}
	return ld.cwd
}

// cwdOf is path.cwd for a root module read from dir: Terraform gives the
// absolute folder it runs in, but that names the runner's folders (a
// report must not: issue 21), so it is dir as the scan was given it,
// which file functions resolve the same way. "." becomes ../<its name>,
// the same folder, because modules name things after basename(path.cwd)
// (terraform-aws-modules' examples: replace(basename(path.cwd), …)).
func cwdOf(dir string) string {
	dir = filepath.Clean(dir)
	if dir != "." {
		return dir
	}
	abs, err := filepath.Abs(dir)
	if err != nil || filepath.Dir(abs) == abs {
		return dir
	}
	return filepath.Join("..", filepath.Base(abs))
}

// moduleFiles returns the parsed configuration of a module folder.
func (ld *loader) moduleFiles(dir string, at model.Loc, diags *source.Diagnostics) []File {
	dir = filepath.Clean(dir)
	c := ld.cache
	if dir == c.rootDir && c.rootDir != "" {
		return c.rootFiles
	}
	if files, ok := c.dirs[dir]; ok {
		return files
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		diags.Errorf(at, "module folder %s: %s", dir, describe(err))
		return nil
	}
	var paths []string
	for _, e := range entries {
		if !e.IsDir() && IsConfig(e.Name()) {
			p := filepath.Join(dir, e.Name())
			if !ld.moduleSandbox().inside(p) {
				// A link to another checkout's file: named as written.
				diags.Warnf(model.Loc{File: p}, "module file links outside the scanned folders and their repository; not read")
				continue
			}
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	files := parseAll(paths, c.read, diags)
	if c.dirs == nil {
		c.dirs = map[string][]File{}
	}
	c.dirs[dir] = files
	return files
}

func describe(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// readVarFiles applies, in Terraform's order, terraform.tfvars, then
// *.auto.tfvars in name order, then --var-file, then --var.
func (ld *loader) readVarFiles(found []string) {
	var auto []string
	var main string
	for _, p := range found {
		if b := filepath.Base(p); b == "terraform.tfvars" || b == "terraform.tfvars.json" {
			main = p
		} else {
			auto = append(auto, p)
		}
	}
	sort.Strings(auto)
	order := append([]string{}, auto...)
	if main != "" {
		order = append([]string{main}, order...)
	}
	order = append(order, ld.opt.VarFiles...)
	for _, p := range order {
		data, err := ld.opt.reader()(p)
		if err != nil {
			ld.diags.Errorf(model.Loc{File: p}, "%s", "variable file: "+describe(err))
			continue
		}
		body, hd := parseFile(p, data)
		addHCL(ld.diags, hd)
		attrs, hd := attrsOf(body)
		addHCL(ld.diags, hd)
		for name, a := range attrs {
			v, hd := a.Expr.Value(&hcl.EvalContext{Functions: baseFuncs})
			if hd.HasErrors() {
				addHCL(ld.diags, hd)
				continue
			}
			if ld.rootVals == nil {
				ld.rootVals = map[string]cty.Value{}
			}
			ld.rootVals[name] = v
			delete(ld.rootRaw, name)
		}
	}
	for _, kv := range ld.opt.Vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue // the command line checks the form
		}
		if ld.rootRaw == nil {
			ld.rootRaw = map[string]string{}
		}
		ld.rootRaw[strings.TrimSpace(k)] = v
		delete(ld.rootVals, strings.TrimSpace(k))
	}
}

// rootVar returns the value given to a root module variable, if any.
func (ld *loader) rootVar(v *variable) (cty.Value, bool) {
	if raw, ok := ld.rootRaw[v.name]; ok {
		if !v.typeSet || v.typ == cty.String || v.typ == cty.DynamicPseudoType {
			return cty.StringVal(raw), true
		}
		expr, hd := parseExpression([]byte(raw), "--var "+v.name, hcl.InitialPos)
		if hd.HasErrors() {
			addHCL(ld.diags, hd)
			return unknown(fmt.Sprintf("--var %s is not a valid value", v.name), ""), true
		}
		val, hd := expr.Value(&hcl.EvalContext{Functions: baseFuncs})
		if hd.HasErrors() {
			addHCL(ld.diags, hd)
			return unknown(fmt.Sprintf("--var %s is not a valid value", v.name), ""), true
		}
		return val, true
	}
	val, ok := ld.rootVals[v.name]
	return val, ok
}

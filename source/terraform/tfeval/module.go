package tfeval

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// module is one folder of configuration files, called from its parent
// (or the root when parent is nil).
type module struct {
	dir    string
	prefix string // "" for the root, "module.x." for a child
	parent *module
	call   *call // how the parent calls this module
	ld     *loader

	vars       map[string]*variable
	locals     map[string]*hcl.Attribute
	resources  map[string]*resource // "type.name", data sources "data.type.name"
	order      []*resource
	calls      map[string]*call
	outputs    map[string]*hcl.Attribute
	secretOuts map[string]bool // outputs declared sensitive: read as unknown

	parsedQ  []*resource      // resources whose source is parsed, oldest first
	reported map[diagKey]bool // argument parse diagnostics already out

	// key and eachVal are this instance's count.index, or each.key and
	// each.value, when its call has count or for_each.
	key, eachVal cty.Value
	rep          bool // stands for each of an unknown count's instances (instKey)

	localVal map[string]cty.Value
	visiting map[string]bool // locals, outputs and documents being evaluated: cycles
	// attrVisiting holds the resource attributes being evaluated, made
	// on first use.
	attrVisiting map[attrVisit]bool
}

type variable struct {
	name    string
	at      model.Loc
	src     *topBlock      // not yet read: a variable is read when referenced
	def     hcl.Expression // nil when no default
	typ     cty.Type
	defs    *typeexpr.Defaults // the defaults of optional attributes, if any
	val     cty.Value
	done    bool
	typeSet bool
	// sensitive: declared sensitive = true, or named for a secret
	// (source.SecretName); its value is never evaluated.
	sensitive bool
}

type resource struct {
	mode, typ, name string
	k               string                    // key(), once declared
	at              model.Loc                 // the block's type keyword
	src             *topBlock                 // nil when parsed with its file
	body            content                   // not ready while src is not parsed
	seen            bool                      // src was parsed once: its diagnostics are out
	broken          string                    // why the body does not parse: what it says is not read
	brokenIn        map[string]string         // nested block type → why blocks of that type do not parse
	claim           atomic.Int32              // a parser has taken src (see prefetch)
	pre             atomic.Pointer[parsedSrc] // src parsed ahead, for content to take
	count, forEach  *hcl.Attribute
	insts           []*Instance
	expanded        bool
	m               *module
}

func (r *resource) key() string {
	if r.k != "" {
		return r.k
	}
	if r.mode == "data" {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

// Instance is one instance of a resource: count.index / each.key.
type Instance struct {
	res     *resource
	addr    string
	key     cty.Value // NilVal when neither count nor for_each
	eachVal cty.Value
	rep     bool             // stands for each of an unknown count's instances (instKey)
	memo    memo             // attributes evaluated (instAttr)
	replay  map[string]Value // arguments a linker read, recorded ahead (flat.go)
	doc     *tree.Node       // a policy-document data source's rendering (policydoc.go)
}

type call struct {
	name           string
	block          *hcl.Block
	body           content
	source         string
	count, forEach *hcl.Attribute
	// children are the module's instances: one, or one per count or
	// for_each key; none for remote sources.
	children []*module
	loaded   bool   // its folder was read: children are all its instances
	remote   string // why outputs are unknown
}

// declare collects the declarations of a module's files.
func (m *module) declare(files []File, diags *source.Diagnostics) {
	for _, f := range files {
		for _, b := range f.blocks {
			if r := m.declareBlock(b, diags); r != nil {
				r.markBroken(f.broken[b.DefRange.Start.Byte])
			}
		}
		for i := range f.lazy {
			b := &f.lazy[i]
			if b.Type == "variable" && len(b.Labels) == 1 {
				if _, ok := m.vars[b.Labels[0]]; ok {
					diags.Errorf(model.Loc{File: f.path, Line: b.Pos.Line, Col: b.Pos.Column}, "variable %s is declared twice in module %s", b.Labels[0], m.name())
					continue
				}
				m.vars[b.Labels[0]] = &variable{name: b.Labels[0], src: b, at: model.Loc{File: f.path, Line: b.Pos.Line, Col: b.Pos.Column}}
				continue
			}
			if b.Type != "resource" && b.Type != "data" || len(b.Labels) != 2 {
				// Parsed now, so HCL says what is wrong with the header.
				f, hd := parseConfig(b.Src, f.path, b.Pos)
				addHCL(diags, hd)
				if sb, ok := f.Body.(*hclsyntax.Body); ok {
					for _, x := range sb.Blocks {
						m.declareBlock(x.AsHCLBlock(), diags)
					}
				}
				continue
			}
			m.declareResource(&resource{mode: b.Type, typ: b.Labels[0], name: b.Labels[1], src: b,
				at: model.Loc{File: f.path, Line: b.Pos.Line, Col: b.Pos.Column}, m: m}, diags)
		}
	}
}

// load reads a variable's default and type from its block's body.
func (v *variable) load(body hcl.Body, diags *source.Diagnostics) {
	c, hd := contentOf(body, []string{"validation"})
	addHCL(diags, hd)
	if x, _, ok := c.expr("default"); ok {
		v.def = x
	}
	v.sensitive = source.SecretName(v.name)
	if x, _, ok := c.expr("sensitive"); ok {
		// A literal in valid configurations; anything that is not
		// false is taken as true, so a doubt hides the value.
		if b, d := x.Value(nil); d.HasErrors() || b.Type() != cty.Bool || !b.IsKnown() || b.IsNull() || b.True() {
			v.sensitive = true
		}
	}
	if x, _, ok := c.expr("type"); ok {
		t, defs, hd := typeOf(x)
		addHCL(diags, hd)
		if !hd.HasErrors() {
			v.typ, v.defs, v.typeSet = t, defs, true
		}
	}
}

// loadVar reads a variable declared by a scanned block, on first use.
func (m *module) loadVar(v *variable) {
	b := v.src
	v.src = nil
	if c, ok := scanBlockBody(b, v.at.File, m); ok {
		v.load(&lazyBody{c: c}, m.ld.diags)
		return
	}
	f, hd := parseConfig(b.Src, v.at.File, b.Pos)
	addHCL(m.ld.diags, hd)
	if sb, ok := f.Body.(*hclsyntax.Body); ok && len(sb.Blocks) == 1 {
		v.load(sb.Blocks[0].Body, m.ld.diags)
	}
}

func (m *module) declareResource(r *resource, diags *source.Diagnostics) {
	key := r.key()
	if _, ok := m.resources[key]; ok {
		diags.Errorf(r.at, "%s is declared twice in module %s", key, m.name())
		return
	}
	r.k = key
	m.resources[key] = r
	m.order = append(m.order, r)
}

// declareBlock declares a parsed top-level block; it returns the resource
// it declares, if any.
func (m *module) declareBlock(b *hcl.Block, diags *source.Diagnostics) *resource {
	if lb, ok := b.Body.(*lazyBody); ok {
		adopt(lb.c, m)
	}
	at := loc(b.DefRange)
	dup := func(what string) {
		diags.Errorf(at, "%s is declared twice in module %s", what, m.name())
	}
	switch b.Type {
	case "variable":
		if len(b.Labels) != 1 {
			return nil
		}
		if _, ok := m.vars[b.Labels[0]]; ok {
			dup("variable " + b.Labels[0])
			return nil
		}
		v := &variable{name: b.Labels[0], at: at}
		v.load(b.Body, diags)
		m.vars[v.name] = v
	case "locals":
		attrs, hd := attrsOf(b.Body)
		addHCL(diags, hd)
		for name, a := range attrs {
			if _, ok := m.locals[name]; ok {
				dup("local." + name)
				continue
			}
			m.locals[name] = a
		}
	case "resource", "data":
		if len(b.Labels) != 2 {
			return nil
		}
		r := &resource{mode: b.Type, typ: b.Labels[0], name: b.Labels[1], at: at, m: m, seen: true}
		c, hd := contentOf(b.Body, NestedBlocks[r.typ])
		addHCL(diags, hd)
		if !c.ready() {
			c.attrs = map[string]*hcl.Attribute{}
		}
		r.body = c
		r.count, r.forEach = c.attr("count"), c.attr("for_each")
		m.declareResource(r, diags)
		return r
	case "module":
		if len(b.Labels) != 1 {
			return nil
		}
		c, hd := contentOf(b.Body, nil)
		addHCL(diags, hd)
		k := &call{name: b.Labels[0], block: b, body: c, count: c.attr("count"), forEach: c.attr("for_each")}
		if _, ok := m.calls[k.name]; ok {
			dup("module " + k.name)
			return nil
		}
		m.calls[k.name] = k
	case "output":
		if len(b.Labels) != 1 {
			return nil
		}
		attrs, hd := contentOf(b.Body, nil)
		addHCL(diags, hd)
		if a := attrs.attr("value"); a != nil {
			m.outputs[b.Labels[0]] = a
		}
		if a := attrs.attr("sensitive"); a != nil {
			if v, d := a.Expr.Value(nil); d.HasErrors() || v.Type() != cty.Bool || !v.IsKnown() || v.IsNull() || v.True() {
				if m.secretOuts == nil {
					m.secretOuts = map[string]bool{}
				}
				m.secretOuts[b.Labels[0]] = true
			}
		}
	}
	return nil
}

func (m *module) name() string {
	if m.prefix == "" {
		return "(root) " + m.dir
	}
	return strings.TrimSuffix(m.prefix, ".")
}

func newModule(ld *loader, dir, prefix string, parent *module, c *call) *module {
	return &module{dir: dir, prefix: prefix, parent: parent, call: c, ld: ld,
		vars: map[string]*variable{}, locals: map[string]*hcl.Attribute{}, resources: map[string]*resource{},
		calls: map[string]*call{}, outputs: map[string]*hcl.Attribute{},
		localVal: map[string]cty.Value{}, visiting: map[string]bool{}}
}

// isLocalSource reports whether a module source is a path Terraform reads
// from disk rather than fetches.
func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

// loadCalls resolves the module calls of m: local sources, and others
// terraform init installed, are loaded as child modules; the rest are
// recorded as remote.
func (m *module) loadCalls(depth int, diags *source.Diagnostics) {
	names := make([]string, 0, len(m.calls))
	for n := range m.calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k := m.calls[n]
		a := k.body.attr("source")
		if a == nil {
			diags.Errorf(loc(k.block.DefRange), "module %q has no source", n)
			k.remote = fmt.Sprintf("module.%s has no source", n)
			continue
		}
		v, hd := a.Expr.Value(nil)
		if hd.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
			diags.Errorf(loc(a.Range), "module %q: source must be a literal string", n)
			k.remote = fmt.Sprintf("module.%s has no literal source", n)
			continue
		}
		k.source = v.AsString()
		dir, why := m.sourceDir(n, k.source)
		if why != "" {
			k.remote = why
			// Said once per call (not per instance of the module holding
			// it): nothing else tells that its resources were not read.
			if at := loc(a.Range); !m.ld.warned[at] {
				if m.ld.warned == nil {
					m.ld.warned = map[model.Loc]bool{}
				}
				m.ld.warned[at] = true
				diags.Warnf(at, "%s", why+"; its resources are not scanned")
			}
			continue
		}
		if up := m.ancestorAt(dir); up != nil {
			diags.Errorf(loc(a.Range), "module %q: source %s is the folder of %s, which calls it (a module cycle); not loaded", n, k.source, up.name())
			k.remote = fmt.Sprintf("module.%s is part of a module cycle", n)
			continue
		}
		if depth >= MaxModuleDepth {
			diags.Errorf(loc(a.Range), "module %q: modules nest deeper than %d; not loaded", n, MaxModuleDepth)
			k.remote = fmt.Sprintf("module.%s nests too deep", n)
			continue
		}
		files := m.ld.moduleFiles(dir, loc(a.Range), diags)
		if files == nil {
			k.remote = fmt.Sprintf("module.%s: folder %s holds no configuration", n, k.source)
			continue
		}
		base := m.prefix + "module." + n
		for _, key := range m.instanceKeys(k.count, k.forEach, base) {
			if m.ld.modules >= MaxModules {
				diags.Errorf(loc(k.block.DefRange), "%s: over %d module instances in one root; the rest are not loaded", base, MaxModules)
				break
			}
			m.ld.modules++
			child := newModule(m.ld, dir, base+key.suffix+".", m, k)
			child.key, child.eachVal, child.rep = key.key, key.each, key.rep
			child.declare(files, diags)
			k.children = append(k.children, child)
			child.loadCalls(depth+1, diags)
		}
		k.loaded = true
	}
}

// MaxModuleDepth bounds how deep module calls nest.
const MaxModuleDepth = 16

// ancestorAt returns m or the module above it read from folder dir, nil
// when none is: a call of that folder is a cycle, which would otherwise
// nest to maxModuleDepth, each level a copy of the same resources.
func (m *module) ancestorAt(dir string) *module {
	dir = filepath.Clean(dir)
	for c := m; c != nil; c = c.parent {
		if filepath.Clean(c.dir) == dir {
			return c
		}
	}
	return nil
}

// MaxModules bounds the module instances of one root: count and for_each
// at each level of nesting multiply.
const MaxModules = 10000

// input returns the expression a module instance's caller gives its
// variable, with count.index or each bound to the instance's.
func (m *module) input(x hcl.Expression) hcl.Expression {
	switch {
	case m.call.count != nil:
		return bind(x, map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": m.key})})
	case m.call.forEach != nil:
		return bind(x, map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": m.key, "value": m.eachVal})})
	}
	return x
}

// modules returns m and its descendants, depth first.
func (m *module) modules() []*module {
	out := []*module{m}
	names := make([]string, 0, len(m.calls))
	for n := range m.calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, c := range m.calls[n].children {
			out = append(out, c.modules()...)
		}
	}
	return out
}

// functions returns the function table, made the first time an
// expression may need it: most roots of a large tree of small stacks only
// read references, and the table is a hundred entries. One serves every
// module of a root: file functions read from the root module's folder.
func (m *module) functions() map[string]function.Function {
	if m.ld.funcs == nil {
		m.ld.funcs = withBudget(moduleFuncs(m.ld.rootDir, m.ld.opt.reader(), m.ld.sandbox), m.ld.work)
	}
	return m.ld.funcs
}

// attrVisit is an instance's attribute being evaluated.
type attrVisit struct {
	in   *Instance
	attr string
}

package terraform

import (
	"bytes"
	"fmt"
	"maps"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// why is the mark an unknown value carries: the reason it is unknown.
type why string

// from is the mark of an unknown attribute of a resource: its address.
// A link (service_role = aws_iam_role.r.arn) follows it to the resource.
type from string

// unknown returns an unknown value marked with the reason and, when the
// value is an attribute of a resource, its address.
func unknown(reason, addr string) cty.Value {
	v := cty.DynamicVal.Mark(why(reason))
	if addr != "" {
		v = v.Mark(from(addr))
	}
	return v
}

// reasonOf says why v (or a part of it) is unknown, from its marks.
func reasonOf(v cty.Value) string {
	_, marks := v.UnmarkDeep()
	var ws []string
	for m := range marks {
		if w, ok := m.(why); ok {
			ws = append(ws, string(w))
		}
	}
	sort.Strings(ws)
	if len(ws) == 0 {
		return "the value is known only after apply"
	}
	if len(ws) > 3 {
		ws = append(ws[:3], fmt.Sprintf("and %d more", len(ws)-3))
	}
	return strings.Join(ws, "; ")
}

// fromOf returns the one resource address an unknown value comes from.
func fromOf(v cty.Value) (string, bool) {
	_, marks := v.UnmarkDeep()
	addr := ""
	for m := range marks {
		if f, ok := m.(from); ok {
			if addr != "" && addr != string(f) {
				return "", false
			}
			addr = string(f)
		}
	}
	return addr, addr != ""
}

// typeOf reads a type constraint as Terraform 1.3+ does: object
// attributes may be optional(type) or optional(type, default).
func typeOf(expr hcl.Expression) (cty.Type, *typeexpr.Defaults, hcl.Diagnostics) {
	return typeexpr.TypeConstraintWithDefaults(unwrap(expr))
}

// eval evaluates expr in m, for the resource instance in (nil outside a
// resource). Errors are reported once and give an unknown value naming
// them.
func (m *module) eval(expr hcl.Expression, in *instance) cty.Value {
	if b, ok := expr.(*bound); ok {
		return m.evalBound(b, in)
	}
	// An argument that is a plain quoted string or a keyword is its value:
	// no syntax tree is built for it (most arguments evaluated are these).
	if a, ok := expr.(*arg); ok && a.parsed == nil {
		if v, ok := literal(a.src()); ok {
			return v
		}
		// So is a lone reference to a declared variable, local or
		// resource attribute: evaluated as traverse would its tree.
		if v, ok := m.plainRef(a.src()); ok {
			return v
		}
	}
	// Literals — most leaves of a document, and its keys — need no scope.
	switch e := unwrap(expr).(type) {
	case *hclsyntax.LiteralValueExpr:
		return e.Val
	case *hclsyntax.TemplateExpr:
		if v, ok := m.template(e); ok {
			return v
		}
	case *hclsyntax.ObjectConsKeyExpr:
		if t, ok := e.Wrapped.(*hclsyntax.ScopeTraversalExpr); ok && !e.ForceNonLiteral && len(t.Traversal) == 1 {
			if kw := hcl.ExprAsKeyword(t); kw != "" {
				return cty.StringVal(kw)
			}
		}
	}
	if t, ok := unwrap(expr).(*hclsyntax.ScopeTraversalExpr); ok {
		if v, hd, ok := m.traverse(t.Traversal); ok {
			return m.evaluated(v, hd)
		}
	}
	// Lists and objects of literals (cidr_blocks = ["0.0.0.0/0"], a
	// local of tags) need neither a scope nor HCL's walk for variables.
	if v, ok := constant(unwrap(expr), 0); ok {
		return v
	}
	// Lists of literals and lone references (security_groups =
	// [aws_security_group.g.id]) neither.
	if t, ok := unwrap(expr).(*hclsyntax.TupleConsExpr); ok {
		if v, ok := m.refTuple(t); ok {
			return v
		}
	}
	// The function table is made for a module when an expression may
	// call a function: a plain reference or template cannot.
	var funcs map[string]function.Function
	if l, ok := expr.(*arg); !ok || bytes.IndexByte(l.src(), '(') >= 0 {
		funcs = m.functions()
	}
	ctx := &hcl.EvalContext{Functions: funcs, Variables: m.scope(expr, in)}
	return m.evaluated(expr.Value(ctx))
}

// evalBound evaluates an expression with its iterators in scope.
func (m *module) evalBound(b *bound, in *instance) cty.Value {
	vars := m.scope(b, in)
	if vars == nil {
		vars = make(map[string]cty.Value, len(b.iters))
	}
	maps.Copy(vars, b.iters)
	return m.evaluated(b.Expression.Value(&hcl.EvalContext{Functions: m.functions(), Variables: vars}))
}

// constant returns the value of an expression made of literals only —
// plain strings, numbers, keywords, and tuples and objects of them, keys
// written as names or plain strings — as HCL evaluates it (the same cty
// constructors on the same values; TestConstantMatchesHCL). ok=false
// leaves anything else, references and calls above all, to HCL.
func constant(e hcl.Expression, depth int) (cty.Value, bool) {
	if depth > maxDocDepth {
		return cty.NilVal, false
	}
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return e.Val, true
	case *hclsyntax.TemplateExpr:
		if len(e.Parts) == 1 {
			if l, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr); ok && plainString(l.Val) {
				return l.Val, true
			}
		}
	case *hclsyntax.TupleConsExpr:
		vals := make([]cty.Value, len(e.Exprs))
		for i, x := range e.Exprs {
			v, ok := constant(x, depth+1)
			if !ok {
				return cty.NilVal, false
			}
			vals[i] = v
		}
		return cty.TupleVal(vals), true
	case *hclsyntax.ObjectConsExpr:
		vals := make(map[string]cty.Value, len(e.Items))
		for _, it := range e.Items {
			k, ok := it.KeyExpr.(*hclsyntax.ObjectConsKeyExpr)
			if !ok || k.ForceNonLiteral {
				return cty.NilVal, false
			}
			var key string
			if t, ok := k.Wrapped.(*hclsyntax.ScopeTraversalExpr); ok {
				if len(t.Traversal) != 1 {
					return cty.NilVal, false // HCL says it is ambiguous
				}
				key = hcl.ExprAsKeyword(t)
			} else {
				kv, ok := constant(k.Wrapped, depth+1)
				if !ok || !plainString(kv) {
					return cty.NilVal, false
				}
				key = kv.AsString()
			}
			if key == "" {
				return cty.NilVal, false
			}
			v, ok := constant(it.ValueExpr, depth+1)
			if !ok {
				return cty.NilVal, false
			}
			vals[key] = v // a key written twice: the last, as HCL
		}
		return cty.ObjectVal(vals), true
	}
	return cty.NilVal, false
}

// refSteps splits src into its names when simpleExpr would build it as a
// traversal of two to four names (var.x, aws_x.y.id,
// data.aws_x.y.id), without building it.
func refSteps(src []byte) (steps [4][]byte, n int, ok bool) {
	if len(src) == 0 || len(src) > 512 {
		return steps, 0, false
	}
	for i := 0; ; {
		if !isIdentStart(at(src, i)) || n == len(steps) {
			return steps, 0, false
		}
		j := i + 1
		for j < len(src) && (isIdentStart(src[j]) || src[j] >= '0' && src[j] <= '9') {
			j++
		}
		steps[n], n = src[i:j], n+1
		switch {
		case j == len(src):
			if n < 2 {
				return steps, 0, false
			}
			switch string(steps[0]) {
			case "true", "false", "null":
				return steps, 0, false
			}
			return steps, n, true
		case src[j] != '.':
			return steps, 0, false
		}
		i = j + 1
	}
}

// plainRef evaluates src when it is a lone reference to a declared
// variable or local (var.x), or to an attribute of a declared resource
// or data source without count or for_each (aws_x.y.id): the value
// traverse gives the tree simpleExpr builds for it, with nothing left to
// traverse after it (TestPlainRefMatchesTree), and no tree built.
// ok=false leaves src to be parsed.
func (m *module) plainRef(src []byte) (cty.Value, bool) {
	steps, n, ok := refSteps(src)
	if !ok {
		return cty.NilVal, false
	}
	switch root := string(steps[0]); {
	case root == "var" && n == 2:
		if v := m.vars[string(steps[1])]; v != nil {
			return m.variable(v.name, hcl.Range{}), true // the range only names an undeclared one
		}
	case root == "local" && n == 2:
		if a := m.locals[string(steps[1])]; a != nil {
			return m.local(a.Name, hcl.Range{}), true // the range only names an undeclared local
		}
	case root == "data" && n == 4 || n == 3 && !reservedRoot(root):
		var buf [128]byte // the lookup by string(bytes) does not allocate
		key := buf[:0]
		for _, s := range steps[:n-1] {
			if len(key) > 0 {
				key = append(key, '.')
			}
			key = append(key, s...)
		}
		r := m.resources[string(key)]
		if r == nil {
			return cty.NilVal, false
		}
		insts := r.instances()
		if r.count != nil || r.forEach != nil || len(insts) != 1 {
			return cty.NilVal, false
		}
		attr := intern(steps[n-1])
		if v, ok := r.m.blockAttr(insts[0], attr, nil); ok {
			return v, true
		}
		return r.m.instAttr(insts[0], attr), true
	}
	return cty.NilVal, false
}

// reservedRoot reports whether a reference's root is one traverse leaves
// to scope, or names no resource type.
func reservedRoot(root string) bool {
	switch root {
	case "var", "local", "data", "count", "each", "path", "terraform", "self", "module":
		return true
	}
	return false
}

// refTuple evaluates a tuple of literals and lone references to declared
// variables, locals and resources as HCL does with the scope built for
// it (TestRefTupleMatchesHCL): each reference by traverse, variables and
// locals before resources, as scope evaluates them, and the traversals'
// diagnostics in the tuple's order, as HCL gives them. ok=false, with
// nothing evaluated, leaves the rest to HCL: other roots (count, each,
// module…), references scope reports as undeclared, anything else.
func (m *module) refTuple(e *hclsyntax.TupleConsExpr) (cty.Value, bool) {
	vals := make([]cty.Value, len(e.Exprs))
	refs := 0
	for i, x := range e.Exprs {
		if v, ok := constant(x, 1); ok {
			vals[i] = v
			continue
		}
		t, ok := x.(*hclsyntax.ScopeTraversalExpr)
		if !ok || !m.traversable(t.Traversal) {
			return cty.NilVal, false
		}
		refs++
	}
	var diags []hcl.Diagnostics
	if refs > 0 {
		diags = make([]hcl.Diagnostics, len(e.Exprs))
	}
	for _, inputs := range []bool{true, false} {
		for i, x := range e.Exprs {
			t, ok := x.(*hclsyntax.ScopeTraversalExpr)
			if !ok || vals[i] != cty.NilVal {
				continue
			}
			if root := t.Traversal.RootName(); (root == "var" || root == "local") != inputs {
				continue
			}
			v, hd, _ := m.traverse(t.Traversal)
			vals[i], diags[i] = v, hd
		}
	}
	var hd hcl.Diagnostics
	for _, d := range diags {
		hd = append(hd, d...)
	}
	return m.evaluated(cty.TupleVal(vals), hd), true
}

// traversable reports whether traverse takes tr without reporting
// anything of its own: a declared variable or local not being evaluated,
// or a declared resource or data source, named in ASCII.
func (m *module) traversable(tr hcl.Traversal) bool {
	switch root := tr.RootName(); root {
	case "var", "local":
		n, ok := attrStep(tr, 1)
		return ok && asciiName(n) && m.declared(tr)
	case "count", "each", "path", "terraform", "self", "module":
		return false
	default:
		key, nameAt := root, 1
		if root == "data" {
			t, ok := attrStep(tr, 1)
			if !ok {
				return false
			}
			key, nameAt = "data."+t, 2
		}
		name, ok := attrStep(tr, nameAt)
		return ok && asciiName(name) && asciiName(key) && m.resources[key+"."+name] != nil
	}
}

// literal returns the value of src when it is a quoted string without
// escapes, interpolations or directives, or true, false or null: what
// simpleExpr would parse it to, evaluated.
func literal(src []byte) (cty.Value, bool) {
	switch string(src) {
	case "true":
		return cty.True, true
	case "false":
		return cty.False, true
	case "null":
		return cty.NullVal(cty.DynamicPseudoType), true
	}
	n := len(src)
	if n < 3 || n > 512 || src[0] != '"' || src[n-1] != '"' {
		return cty.NilVal, false
	}
	for _, b := range src[1 : n-1] {
		if b < 0x20 || b >= 0x7f || b == '"' || b == '\\' || b == '%' || b == '$' {
			return cty.NilVal, false
		}
	}
	return cty.StringVal(string(src[1 : n-1])), true
}

// template renders a template made of literals and lone references to
// known primitive values — "name", "${local.name}-sc" — as HCL would,
// without its buffer, set of marks and refinement per template (most
// templates of a module are these). ok=false leaves the rest to HCL:
// calls, directives, and parts that are unknown, marked, null or not
// declared (HCL reports those once).
func (m *module) template(e *hclsyntax.TemplateExpr) (cty.Value, bool) {
	if len(e.Parts) == 1 {
		if l, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr); ok && plainString(l.Val) {
			return l.Val, true
		}
	}
	var b strings.Builder
	for _, p := range e.Parts {
		var v cty.Value
		switch p := p.(type) {
		case *hclsyntax.LiteralValueExpr:
			v = p.Val
		case *hclsyntax.ScopeTraversalExpr:
			if !m.declared(p.Traversal) {
				return cty.NilVal, false
			}
			tv, hd, ok := m.traverse(p.Traversal)
			if !ok || hd.HasErrors() {
				return cty.NilVal, false
			}
			v = tv
		default:
			return cty.NilVal, false
		}
		if v.IsMarked() || !v.IsKnown() || v.IsNull() {
			return cty.NilVal, false
		}
		s, ok := scalar(v)
		if !ok {
			return cty.NilVal, false
		}
		b.WriteString(s)
	}
	return cty.StringVal(b.String()), true
}

// plainString reports whether v is a known, unmarked, non-null string.
func plainString(v cty.Value) bool {
	return v.Type() == cty.String && !v.IsMarked() && v.IsKnown() && !v.IsNull()
}

// declared reports whether a reference to a variable or local names one
// declared and not being evaluated, so that traverse reports nothing;
// other roots are left to traverse.
func (m *module) declared(tr hcl.Traversal) bool {
	switch tr.RootName() {
	case "var":
		n, ok := attrStep(tr, 1)
		return ok && m.vars[n] != nil
	case "local":
		n, ok := attrStep(tr, 1)
		return ok && m.locals[n] != nil && !m.visiting["local."+n]
	}
	return true
}

// evaluated reports the errors of an evaluation, and gives an unknown
// value naming the first in place of the value.
func (m *module) evaluated(v cty.Value, hd hcl.Diagnostics) cty.Value {
	if hd.HasErrors() {
		addHCL(m.ld.diags, hd)
		msg := hd.Errs()[0].Error()
		if d, ok := hd.Errs()[0].(*hcl.Diagnostic); ok {
			msg = d.Summary
			if d.Subject != nil {
				msg = fmt.Sprintf("%s at %s", d.Summary, loc(*d.Subject))
			}
		}
		return unknown("the expression cannot be evaluated: "+msg, "")
	}
	return v
}

// traverse evaluates a lone reference to a variable, a local or a
// resource's attribute — most expressions evaluated — without building
// a scope for it: the value named, then the rest of the traversal from
// it, which is what HCL does with the scope (the objects scope would
// wrap the value in only lead to it). ok=false leaves the other roots,
// and references scope reports as errors, to eval's general way.
func (m *module) traverse(tr hcl.Traversal) (v cty.Value, hd hcl.Diagnostics, ok bool) {
	var val cty.Value
	rest := 2
	switch root := tr.RootName(); root {
	case "var", "local":
		n, ok := attrStep(tr, 1)
		if !ok || !asciiName(n) {
			return cty.NilVal, nil, false
		}
		if root == "var" {
			val = m.variable(n, tr.SourceRange())
		} else {
			val = m.local(n, tr.SourceRange())
		}
	case "count", "each", "path", "terraform", "self", "module":
		return cty.NilVal, nil, false
	default:
		key, nameAt := root, 1
		if root == "data" {
			t, ok := attrStep(tr, 1)
			if !ok || !asciiName(t) {
				return cty.NilVal, nil, false
			}
			key, nameAt = "data."+t, 2
		}
		name, ok := attrStep(tr, nameAt)
		if !ok || !asciiName(name) || !asciiName(key) {
			return cty.NilVal, nil, false
		}
		var buf [128]byte // the lookup by string(bytes) does not allocate
		r := m.resources[string(append(append(append(buf[:0], key...), '.'), name...))]
		if r == nil {
			return cty.NilVal, nil, false
		}
		rest = nameAt + 1
		if v, ok := m.instanceAttr(r, tr[rest:]); ok {
			v, hd = tr[rest+1:].TraverseRel(v)
			return v, hd, true
		}
		attrs := map[string]bool{}
		if a, ok := firstAttr(tr[nameAt+1:]); ok {
			attrs[a] = true
		} else {
			attrs["id"], attrs["arn"], attrs["name"] = true, true, true
		}
		val = m.resourceValue(r, attrs, laterAttrs(tr[nameAt+1:], nil))
	}
	v, hd = tr[rest:].TraverseRel(val)
	return v, hd, true
}

// instanceAttr is the attribute tr starts with (aws_x.y.id → id) of a
// resource without count or for_each: the value resourceValue's object
// would hold for it, and the first step of tr taken from that object,
// without building the object (most references are these). ok=false
// leaves the rest to resourceValue: instances, indexes, no attribute.
func (m *module) instanceAttr(r *resource, tr hcl.Traversal) (cty.Value, bool) {
	if len(tr) == 0 {
		return cty.NilVal, false
	}
	a, ok := tr[0].(hcl.TraverseAttr)
	if !ok || !asciiName(a.Name) {
		return cty.NilVal, false
	}
	insts := r.instances()
	if r.count != nil || r.forEach != nil || len(insts) != 1 {
		return cty.NilVal, false
	}
	in := insts[0]
	if v, ok := r.m.blockAttr(in, a.Name, laterAttrs(tr, nil)); ok {
		return v, true
	}
	return r.m.instAttr(in, a.Name), true
}

// asciiName reports whether a name is ASCII: cty normalizes other object
// attribute names, which a lookup by the name as written may then miss.
func asciiName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// scope builds the variables expr refers to, and only those: a module of
// 10,000 files has tens of thousands of locals, and an expression needs
// a few.
func (m *module) scope(expr hcl.Expression, in *instance) map[string]cty.Value {
	trs := expr.Variables()
	if len(trs) == 0 {
		return nil
	}
	// The maps are made when needed: most expressions name one kind of
	// thing, and scope runs for every expression evaluated.
	vars := make(map[string]cty.Value, 1)
	var varM, localM map[string]cty.Value
	var modM map[string]map[string]bool // module name → outputs named ("": all)
	type need struct {
		r     *resource
		attrs map[string]bool
		sub   map[string]bool // read past the first attribute: laterAttrs
	}
	var needs map[string]map[string]*need // root ("aws_x" or "data.aws_x") → name → need
	for _, tr := range trs {
		root := tr.RootName()
		switch root {
		case "var":
			if n, ok := attrStep(tr, 1); ok {
				if varM == nil {
					varM = map[string]cty.Value{}
				}
				varM[n] = m.variable(n, tr.SourceRange())
			}
		case "local":
			if n, ok := attrStep(tr, 1); ok {
				if localM == nil {
					localM = map[string]cty.Value{}
				}
				localM[n] = m.local(n, tr.SourceRange())
			}
		case "count":
			if in != nil && in.res.countAttr() != nil {
				vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": in.key})
			}
		case "each":
			if in != nil && in.res.forEachAttr() != nil {
				vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": in.key, "value": in.eachVal})
			}
		case "path":
			vars["path"] = cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(m.pathModule()), "root": cty.StringVal("."), "cwd": cty.StringVal(m.ld.cwd)})
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "self":
			vars["self"] = unknown("self is known only when the resource exists", "")
		case "module":
			n, ok := attrStep(tr, 1)
			if !ok {
				continue
			}
			if modM == nil {
				modM = map[string]map[string]bool{}
			}
			if modM[n] == nil {
				modM[n] = map[string]bool{}
			}
			if out, ok := firstAttr(tr[2:]); ok {
				modM[n][out] = true
			} else {
				modM[n][""] = true // the whole module: every output
			}
		default:
			typ, nameAt, restAt := root, 1, 2
			key := root
			if root == "data" {
				t, ok := attrStep(tr, 1)
				if !ok {
					continue
				}
				typ, nameAt, restAt, key = t, 2, 3, "data."+t
			}
			name, ok := attrStep(tr, nameAt)
			if !ok {
				continue
			}
			if needs == nil {
				needs = map[string]map[string]*need{}
			}
			if needs[key] == nil {
				needs[key] = map[string]*need{}
			}
			nd := needs[key][name]
			if nd == nil {
				r := m.resources[key+"."+name]
				if r == nil {
					m.ld.diags.Errorf(loc(tr.SourceRange()), fmt.Sprintf("reference to undeclared resource %s.%s in module %s", key, name, m.name()))
				}
				nd = &need{r: r, attrs: map[string]bool{}}
				needs[key][name] = nd
			}
			_ = typ
			nd.sub = laterAttrs(tr[restAt:], nd.sub)
			if a, ok := firstAttr(tr[restAt:]); ok {
				nd.attrs[a] = true
			} else {
				nd.attrs["id"], nd.attrs["arn"], nd.attrs["name"] = true, true, true
			}
		}
	}
	if len(varM) > 0 {
		vars["var"] = cty.ObjectVal(varM)
	}
	if len(localM) > 0 {
		vars["local"] = cty.ObjectVal(localM)
	}
	if len(modM) > 0 {
		mods := map[string]cty.Value{}
		for n, outs := range modM {
			mods[n] = m.moduleValue(n, outs, expr.Range())
		}
		vars["module"] = cty.ObjectVal(mods)
	}
	var data map[string]cty.Value
	for key, byName := range needs {
		objs := map[string]cty.Value{}
		for name, nd := range byName {
			if nd.r == nil {
				objs[name] = unknown(fmt.Sprintf("%s.%s is not declared", key, name), "")
				continue
			}
			objs[name] = m.resourceValue(nd.r, nd.attrs, nd.sub)
		}
		if t, ok := strings.CutPrefix(key, "data."); ok {
			if data == nil {
				data = map[string]cty.Value{}
			}
			data[t] = cty.ObjectVal(objs)
		} else {
			vars[key] = cty.ObjectVal(objs)
		}
	}
	if len(data) > 0 {
		vars["data"] = cty.ObjectVal(data)
	}
	return vars
}

// attrStep returns the attribute name at step i of a traversal.
func attrStep(tr hcl.Traversal, i int) (string, bool) {
	if i >= len(tr) {
		return "", false
	}
	if a, ok := tr[i].(hcl.TraverseAttr); ok {
		return a.Name, true
	}
	return "", false
}

// firstAttr returns the first attribute a traversal reads, past instance
// keys (aws_x.y[0].id → id).
func firstAttr(tr hcl.Traversal) (string, bool) {
	for _, s := range tr {
		switch s := s.(type) {
		case hcl.TraverseAttr:
			return s.Name, true
		case hcl.TraverseIndex:
			continue
		default:
			return "", false
		}
	}
	return "", false
}

// variable returns var.name: from the command line, variable files, the
// module call or the default, converted to the declared type.
func (m *module) variable(name string, rng hcl.Range) cty.Value {
	v := m.vars[name]
	if v == nil {
		m.ld.diags.Errorf(loc(rng), fmt.Sprintf("reference to undeclared input variable var.%s in module %s", name, m.name()))
		return unknown(fmt.Sprintf("var.%s is not declared", name), "")
	}
	if v.done {
		return v.val
	}
	if v.src != nil {
		m.loadVar(v)
	}
	v.done = true
	v.val = unknown(fmt.Sprintf("var.%s is being evaluated (a reference cycle)", name), "")
	val, ok := cty.NilVal, false
	if m.parent == nil {
		val, ok = m.ld.rootVar(v)
	} else if x, _, found := m.call.body.expr(name); found {
		val, ok = m.parent.eval(m.input(x), nil), true
	}
	if !ok && v.def != nil {
		val, ok = m.eval(v.def, nil), true
		forget(v.def) // evaluated once: its syntax tree is not needed again
	}
	if !ok {
		v.val = unknown(fmt.Sprintf("var.%s has no value", name), "")
		return v.val
	}
	// As Terraform: the defaults of optional attributes are filled in,
	// then the value is converted, unknown parts and all (an unknown
	// stays unknown with its marks, and a missing optional attribute
	// beside it is null or its default all the same).
	if v.typeSet {
		if v.defs != nil {
			val = v.defs.Apply(val)
		}
		conv, err := convert.Convert(val, v.typ)
		if err != nil {
			m.ld.diags.Errorf(v.at, fmt.Sprintf("var.%s: %s", name, err))
			v.val = unknown(fmt.Sprintf("var.%s has a value of the wrong type: %s", name, err), "")
			return v.val
		}
		val = conv
	}
	v.val = val
	return val
}

// local returns local.name, evaluated once; a cycle is reported where it
// closes and makes the locals on it unknown.
func (m *module) local(name string, rng hcl.Range) cty.Value {
	if v, ok := m.localVal[name]; ok {
		return v
	}
	a := m.locals[name]
	if a == nil {
		m.ld.diags.Errorf(loc(rng), fmt.Sprintf("reference to undeclared local value local.%s in module %s", name, m.name()))
		return unknown(fmt.Sprintf("local.%s is not declared", name), "")
	}
	k := "local." + name
	if m.visiting[k] {
		m.ld.diags.Errorf(loc(a.Range), fmt.Sprintf("local.%s refers to itself (a reference cycle)", name))
		return unknown(fmt.Sprintf("local.%s is part of a reference cycle", name), "")
	}
	m.visiting[k] = true
	v := m.eval(a.Expr, nil)
	delete(m.visiting, k)
	m.localVal[name] = v
	forget(a.Expr)
	return v
}

// moduleValue is what module.name evaluates to, holding the outputs
// named (every one when "" is among them): an object of outputs, a
// tuple of them (count) or an object keyed by each.key (for_each).
func (m *module) moduleValue(name string, outs map[string]bool, rng hcl.Range) cty.Value {
	c := m.calls[name]
	switch {
	case c == nil:
		m.ld.diags.Errorf(loc(rng), fmt.Sprintf("reference to undeclared module.%s in module %s", name, m.name()))
		return unknown(fmt.Sprintf("module.%s is not declared", name), "")
	case !c.loaded:
		return unknown(fmt.Sprintf("the outputs of module.%s are unknown: %s", name, c.remote), "")
	case len(c.children) == 1 && c.children[0].key != cty.NilVal && !c.children[0].key.IsKnown():
		return c.children[0].key // count or for_each unknown: the whole module is
	}
	obj := func(ch *module) cty.Value {
		vals := map[string]cty.Value{}
		if outs[""] {
			for out := range ch.outputs {
				vals[out] = m.outputOf(ch, name, out, rng)
			}
		}
		for out := range outs {
			if out != "" {
				vals[out] = m.outputOf(ch, name, out, rng)
			}
		}
		return cty.ObjectVal(vals)
	}
	switch {
	case c.count != nil:
		if len(c.children) == 0 {
			return cty.EmptyTupleVal
		}
		vals := make([]cty.Value, len(c.children))
		for i, ch := range c.children {
			vals[i] = obj(ch)
		}
		return cty.TupleVal(vals)
	case c.forEach != nil:
		if len(c.children) == 0 {
			return cty.EmptyObjectVal
		}
		vals := make(map[string]cty.Value, len(c.children))
		for _, ch := range c.children {
			vals[ch.key.AsString()] = obj(ch)
		}
		return cty.ObjectVal(vals)
	}
	return obj(c.children[0])
}

// outputOf returns output out of ch, an instance of module.name.
func (m *module) outputOf(ch *module, name, out string, rng hcl.Range) cty.Value {
	a := ch.outputs[out]
	if a == nil {
		m.ld.diags.Errorf(loc(rng), fmt.Sprintf("module.%s has no output %q", name, out))
		return unknown(fmt.Sprintf("module.%s has no output %s", name, out), "")
	}
	k := "output." + out
	if v, ok := ch.localVal[k]; ok {
		return v
	}
	if ch.visiting[k] {
		m.ld.diags.Errorf(loc(a.Range), fmt.Sprintf("output %s of module.%s refers to itself (a reference cycle)", out, name))
		return unknown(fmt.Sprintf("module.%s.%s is part of a reference cycle", name, out), "")
	}
	ch.visiting[k] = true
	v := ch.eval(a.Expr, nil)
	delete(ch.visiting, k)
	ch.localVal[k] = v
	return v
}

// pathModule returns path.module: as Terraform, which runs in the root
// module's folder, the module's folder relative to it ("." for the root).
// File functions read relative paths from the root module's folder, so
// file("${path.module}/x") reads x beside the module, however the scan
// named the root.
func (m *module) pathModule() string {
	if r, err := filepath.Rel(m.ld.rootDir, m.dir); err == nil {
		return r
	}
	return m.dir
}

package tfeval

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

	"github.com/emrguard/emrguard/source"
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

// Unknown returns an unknown value saying why, for a source other than
// the evaluator (a plan's after_unknown): an attribute of each resource
// at addrs, which a link follows when there is one.
func Unknown(reason string, addrs ...string) cty.Value {
	v := cty.DynamicVal.Mark(why(reason))
	for _, a := range addrs {
		v = v.Mark(from(a))
	}
	return v
}

// ReasonOf says why v (or a part of it) is unknown, from its marks.
func ReasonOf(v cty.Value) string {
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

// FromOf returns the one resource address an unknown value comes from.
func FromOf(v cty.Value) (string, bool) {
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
// attributes may be optional(type) or optional(type, default). Terraform
// 1.x also reads the bare keywords list and map, as list(any) and
// map(any); the quoted forms of Terraform 0.11 ("string", "list", "map")
// are read as Terraform 0.12 to 0.14 read them (string, list(any),
// map(any)), with a warning: Terraform 0.15 and later refuse them, but
// what they mean is certain, and refusing them would leave every value
// of the module that depends on the variable unknown.
func typeOf(expr hcl.Expression) (cty.Type, *typeexpr.Defaults, hcl.Diagnostics) {
	e := unwrap(expr)
	if t, ok := e.(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
		v, _ := t.Value(nil)
		if ty, ok := legacyTypes[v.AsString()]; ok {
			return ty, nil, hcl.Diagnostics{{
				Severity: hcl.DiagWarning,
				Summary:  "Quoted type constraint",
				Detail: fmt.Sprintf("type = %q is Terraform 0.11's form, read as %s as Terraform 0.12 to 0.14 did (Terraform 0.15 and later refuse it: remove the quotes)",
					v.AsString(), typeexpr.TypeString(ty)),
				Subject: e.Range().Ptr(),
			}}
		}
	}
	switch hcl.ExprAsKeyword(e) {
	case "list", "map":
		return legacyTypes[hcl.ExprAsKeyword(e)], nil, nil
	}
	return typeexpr.TypeConstraintWithDefaults(e)
}

// legacyTypes are the type keywords of Terraform 0.11.
var legacyTypes = map[string]cty.Type{
	"string": cty.String,
	"list":   cty.List(cty.DynamicPseudoType),
	"map":    cty.Map(cty.DynamicPseudoType),
}

// eval evaluates expr in m, for the resource instance in (nil outside a
// resource). Errors are reported once and give an unknown value naming
// them.
func (m *module) eval(expr hcl.Expression, in *Instance) cty.Value {
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
	// A for-expression, or a template of many parts, needs the table
	// too: it holds the work budget.
	if l, ok := expr.(*arg); !ok || bytes.IndexByte(l.src(), '(') >= 0 || needsBudget(l.src()) {
		funcs = m.functions()
	}
	ctx := &hcl.EvalContext{Functions: funcs, Variables: m.scope(expr, in)}
	v := m.bounded(m.evaluated(expr.Value(ctx)), expr.Range())
	if !v.IsWhollyKnown() {
		if same, ok := m.sameBranches(expr); ok {
			return same
		}
	}
	return v
}

// sameBranches is the value of cond ? a : b when a and b are the same
// constant (nested conditionals of constants too): HCL says unknown when
// cond is, though cond cannot change it (map_public_ip_on_launch =
// var.public ? false : false). Only constants: evaluating a branch on its
// own would report errors that the condition guards against
// (x ? aws_iam_role.r[0].arn : "" with no instance of r).
func (m *module) sameBranches(expr hcl.Expression) (cty.Value, bool) {
	x := unwrap(expr)
	for p, ok := x.(*hclsyntax.ParenthesesExpr); ok; p, ok = x.(*hclsyntax.ParenthesesExpr) {
		x = p.Expression
	}
	c, ok := x.(*hclsyntax.ConditionalExpr)
	if !ok {
		return constant(x, 0)
	}
	a, okA := m.sameBranches(c.TrueResult)
	b, okB := m.sameBranches(c.FalseResult)
	if !okA || !okB || !a.RawEquals(b) {
		return cty.NilVal, false
	}
	return a, true
}

// evalBound evaluates an expression with its iterators in scope.
func (m *module) evalBound(b *bound, in *Instance) cty.Value {
	vars := m.scope(b, in)
	if vars == nil {
		vars = make(map[string]cty.Value, len(b.iters))
	}
	maps.Copy(vars, b.iters)
	return m.bounded(m.evaluated(b.Expression.Value(&hcl.EvalContext{Functions: m.functions(), Variables: vars})), b.Range())
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

// scope builds the variables expr refers to, and only those: a module of
// 10,000 files has tens of thousands of locals, and an expression needs
// a few.
func (m *module) scope(expr hcl.Expression, in *Instance) map[string]cty.Value {
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
	var splats map[string][]hcl.Traversal // splatReads(expr), when needed
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
			vars["path"] = cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(m.pathModule()), "root": cty.StringVal("."), "cwd": cty.StringVal(m.ld.workDir())})
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
					m.ld.diags.Errorf(loc(tr.SourceRange()), "reference to undeclared resource %s.%s in module %s", key, name, m.name())
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
				// The legacy splat (data.x.y.*.arn), its newer form
				// (data.x.y[*].arn) and a for expression over the
				// resource read attributes past it, which Variables does
				// not name.
				if len(tr) == restAt {
					if splats == nil {
						splats = splatReads(expr)
					}
					for _, each := range append(splats[key+"."+name], splats[""]...) {
						if a, ok := firstAttr(each); ok {
							nd.attrs[a] = true
						}
						nd.sub = laterAttrs(each, nd.sub)
					}
				}
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

// splatReads returns, for each reference to a whole resource that is the
// source of a splat in expr ("aws_x.y" in aws_x.y.*.arn, "data.aws_x.y"
// in data.aws_x.y[*].arn), the traversals the splat reads from each of
// its elements. A resource without count or for_each is one object, and
// a splat makes it a list of one, as in Terraform. Under the key "" are
// the traversals that may read an element of any whole resource the
// expression names: those of a for expression's iterators
// ([for b in aws_s3_bucket.x : b.bucket]) and those past a splat or an
// index of another value (values(aws_s3_bucket.x)[*].bucket).
func splatReads(expr hcl.Expression) map[string][]hcl.Traversal {
	e, ok := unwrapBound(expr).(hclsyntax.Expression)
	if !ok {
		return map[string][]hcl.Traversal{}
	}
	out := map[string][]hcl.Traversal{}
	iters := map[string]bool{}
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if f, ok := n.(*hclsyntax.ForExpr); ok {
			iters[f.KeyVar], iters[f.ValVar] = true, true
		}
		return nil
	})
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.SplatExpr:
			src, ok1 := x.Source.(*hclsyntax.ScopeTraversalExpr)
			each, ok2 := x.Each.(*hclsyntax.RelativeTraversalExpr)
			if !ok2 {
				return nil
			}
			if !ok1 {
				out[""] = append(out[""], each.Traversal)
				return nil
			}
			names := []string{src.Traversal.RootName()}
			for _, st := range src.Traversal[1:] {
				a, ok := st.(hcl.TraverseAttr)
				if !ok {
					return nil
				}
				names = append(names, a.Name)
			}
			k := strings.Join(names, ".")
			out[k] = append(out[k], each.Traversal)
		case *hclsyntax.RelativeTraversalExpr:
			if _, anon := x.Source.(*hclsyntax.AnonSymbolExpr); !anon {
				out[""] = append(out[""], x.Traversal)
			}
		case *hclsyntax.ScopeTraversalExpr:
			if iters[x.Traversal.RootName()] {
				out[""] = append(out[""], x.Traversal[1:])
			}
		}
		return nil
	})
	return out
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
		m.ld.diags.Errorf(loc(rng), "reference to undeclared input variable var.%s in module %s", name, m.name())
		return unknown(fmt.Sprintf("var.%s is not declared", name), "")
	}
	if v.done {
		return v.val
	}
	if v.src != nil {
		m.loadVar(v)
	}
	v.done = true
	if v.sensitive {
		// Not evaluated at all: no value, no error quoting it.
		v.val = unknown(fmt.Sprintf("var.%s is %s", name, source.Sensitive), "")
		return v.val
	}
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
			m.ld.diags.Errorf(v.at, "var.%s: %s", name, err)
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
		m.ld.diags.Errorf(loc(rng), "reference to undeclared local value local.%s in module %s", name, m.name())
		return unknown(fmt.Sprintf("local.%s is not declared", name), "")
	}
	if source.SecretName(name) {
		// local.db_password: a secret by its name, never evaluated.
		v := unknown(fmt.Sprintf("local.%s is %s", name, source.Sensitive), "")
		m.localVal[name] = v
		return v
	}
	k := "local." + name
	if m.visiting[k] {
		m.ld.diags.Errorf(loc(a.Range), "local.%s refers to itself (a reference cycle)", name)
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
		m.ld.diags.Errorf(loc(rng), "reference to undeclared module.%s in module %s", name, m.name())
		return unknown(fmt.Sprintf("module.%s is not declared", name), "")
	case !c.loaded:
		return unknown(fmt.Sprintf("the outputs of module.%s are unknown: %s", name, c.remote), "")
	case len(c.children) == 1 && c.children[0].rep:
		// One module instance stands for each of an unknown count's.
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
		m.ld.diags.Errorf(loc(rng), "module.%s has no output %q", name, out)
		return unknown(fmt.Sprintf("module.%s has no output %s", name, out), "")
	}
	if ch.secretOuts[out] || source.SecretName(out) {
		return unknown(fmt.Sprintf("module.%s.%s is %s", name, out, source.Sensitive), "")
	}
	k := "output." + out
	if v, ok := ch.localVal[k]; ok {
		return v
	}
	if ch.visiting[k] {
		m.ld.diags.Errorf(loc(a.Range), "output %s of module.%s refers to itself (a reference cycle)", out, name)
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

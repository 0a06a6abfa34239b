package tfeval

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// Shortcuts of eval: most expressions a module evaluates are literals,
// lone references and lists of them, which need neither the scope built
// for them nor HCL's walk for variables. Each shortcut gives the value and
// diagnostics HCL gives (TestTraverseMatchesScope, TestTemplateMatchesHCL,
// TestConstantMatchesHCL, TestRefTupleMatchesHCL, TestPlainRefMatchesTree)
// and leaves anything else to the general way.

// constant returns the value of an expression made of literals only —
// plain strings, numbers, keywords, and tuples and objects of them, keys
// written as names or plain strings — as HCL evaluates it (the same cty
// constructors on the same values; TestConstantMatchesHCL). ok=false
// leaves anything else, references and calls above all, to HCL.
func constant(e hcl.Expression, depth int) (cty.Value, bool) {
	if depth > MaxDocDepth {
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
		if !hclscan.IsIdentStart(hclscan.At(src, i)) || n == len(steps) {
			return steps, 0, false
		}
		j := i + 1
		for j < len(src) && (hclscan.IsIdentStart(src[j]) || src[j] >= '0' && src[j] <= '9') {
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
		attr := hclscan.Intern(steps[n-1])
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
		s, ok := Scalar(v)
		if !ok {
			return cty.NilVal, false
		}
		if b.Len()+len(s) > maxString {
			// Reported as the evaluation would, without making the string.
			return m.tooLarge(fmt.Sprintf("the value is a string of more than %d bytes", maxString), e.Range()), true
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

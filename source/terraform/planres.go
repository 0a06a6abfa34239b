package terraform

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
	"github.com/emrguard/emrguard/source/tree"
)

// planRes is one resource of a plan's planned values, read through
// attrs as an HCL instance is: values are cty values with the line of
// their key in the plan; what after_unknown (or after_sensitive) marks
// is an unknown value saying why, and, when the configuration's
// expression references a resource (security_group_id =
// aws_security_group.x.id), carrying that resource's address as the
// evaluator's unknown attributes do, so links resolve alike.
type planRes struct {
	p         *plan
	addr, typ string
	at        model.Loc
	vals      *tree.Node // planned values, unknowns in place
	exprs     *tree.Node // configuration expressions, or nil
	prefix    string     // the module instance path of addr: module.a["k"].
}

var _ attrs = (*planRes)(nil)

func (pr *planRes) address() string { return pr.addr }
func (pr *planRes) kind() string    { return pr.typ }
func (pr *planRes) pos() model.Loc  { return pr.at }

// scope is the plan: one root module's evaluation.
func (pr *planRes) scope() string { return pr.p.file }

func (pr *planRes) arg(r *rd, name string) tfeval.Value {
	if isBlock(pr.typ, name) {
		return tfeval.Value{Key: name} // nested blocks are read as blocks (nestedIn)
	}
	return pr.value(pr.vals, pr.exprs, name)
}

// isBlock reports whether name is a nested block type of the resource
// type: a plan writes blocks as lists of objects, as it does list
// attributes.
func isBlock(typ, name string) bool {
	for _, b := range tfeval.NestedBlocks[typ] {
		if b == name {
			return true
		}
	}
	return false
}

// value reads key of the object o, with its configuration expressions x.
func (pr *planRes) value(o, x *tree.Node, key string) tfeval.Value {
	if o != nil && o.Kind == tree.Unknown {
		return tfeval.Value{V: pr.unknownVal(o, x.Get(key)), At: o.At, OK: true, Key: key}
	}
	n := o.Get(key)
	if n == nil {
		return tfeval.Value{Key: key}
	}
	return tfeval.Value{V: pr.ctyOf(n, x.Get(key), 0), At: n.At, OK: true, Key: key}
}

// unknownVal is an unknown value saying why, from the resources its
// expression references (when there is one, a link follows it).
func (pr *planRes) unknownVal(n, x *tree.Node) cty.Value {
	return tfeval.Unknown(n.Text, pr.p.targets(x, pr.prefix, 0)...)
}

// ctyOf converts a planned value. An unknown element of a list takes the
// i-th resource the expression references when it references as many as
// the list has elements (subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]):
// references are listed in the order written.
func (pr *planRes) ctyOf(n, x *tree.Node, depth int) cty.Value {
	if depth > tfeval.MaxDocDepth {
		return tfeval.Unknown("the value nests too deep")
	}
	switch n.Kind {
	case tree.Null:
		return cty.NullVal(cty.DynamicPseudoType)
	case tree.Unknown:
		return pr.unknownVal(n, x)
	case tree.String:
		return cty.StringVal(n.Text)
	case tree.Bool:
		b, _ := n.Bool()
		return cty.BoolVal(b)
	case tree.Number:
		f, _, err := big.ParseFloat(n.Text, 10, 512, big.ToNearestEven)
		if err != nil {
			return tfeval.Unknown(fmt.Sprintf("%s is not a number", n.Text))
		}
		return cty.NumberVal(f)
	case tree.Array:
		if len(n.Items) == 0 {
			return cty.EmptyTupleVal
		}
		var each []string
		if tg := pr.p.targets(x, pr.prefix, 0); len(tg) == len(n.Items) {
			each = tg
		}
		vs := make([]cty.Value, len(n.Items))
		for i, it := range n.Items {
			if it.Kind == tree.Unknown && each != nil {
				vs[i] = tfeval.Unknown(it.Text, each[i])
				continue
			}
			vs[i] = pr.ctyOf(it, nil, depth+1)
		}
		return cty.TupleVal(vs)
	case tree.Object:
		if len(n.Fields) == 0 {
			return cty.EmptyObjectVal
		}
		m := make(map[string]cty.Value, len(n.Fields))
		for _, f := range n.Fields {
			m[f.Key] = pr.ctyOf(f.Val, nil, depth+1)
		}
		return cty.ObjectVal(m)
	}
	return tfeval.Unknown("the value is a " + n.Kind.String())
}

func (pr *planRes) nestedIn(r *rd, p *nested, t string, inner ...string) []nested {
	o, x := pr.vals, pr.exprs
	if p != nil {
		o, x = p.v, p.x
	}
	n := o.Get(t)
	if o != nil && o.Kind == tree.Unknown {
		n = o
	}
	switch {
	case n == nil || n.Kind == tree.Null:
		return nil
	case n.Kind == tree.Unknown:
		return []nested{{at: n.At, why: fmt.Sprintf("%s blocks are unknown: %s", t, n.Text)}}
	case n.Kind == tree.Object: // a single nested block written as an object
		return []nested{{v: n, x: firstOf(x.Get(t), 0), at: n.At}}
	}
	out := make([]nested, 0, len(n.Items))
	for i, it := range items(n) {
		if it.Kind == tree.Unknown {
			out = append(out, nested{at: it.At, why: fmt.Sprintf("a %s block is unknown: %s", t, it.Text)})
			continue
		}
		out = append(out, nested{v: it, x: firstOf(x.Get(t), i), at: it.At})
	}
	return out
}

// firstOf returns the i-th block of a configuration's expressions (a
// list of objects), or its only one.
func firstOf(x *tree.Node, i int) *tree.Node {
	switch {
	case x == nil:
		return nil
	case x.Kind == tree.Object:
		return x
	case i < len(items(x)):
		return x.Items[i]
	}
	return nil
}

func (pr *planRes) sub(r *rd, b nested, name string) tfeval.Value { return pr.value(b.v, b.x, name) }

// document reads a policy or configuration: a JSON string in a plan.
func (pr *planRes) document(r *rd, b *nested, name string) (*tree.Node, bool) {
	o := pr.vals
	if b != nil {
		o = b.v
	}
	n := o.Get(name)
	if o != nil && o.Kind == tree.Unknown {
		n = o
	}
	if n == nil || n.Kind == tree.Null {
		return nil, false
	}
	return n, true
}

func (pr *planRes) refersTo(name, typ string) string {
	return refTo(pr.exprs, name, typ, pr.prefix)
}

// modulePath returns the module instance path of a resource address:
// module.a["k"].module.b. of module.a["k"].module.b.aws_x.y[0].
func modulePath(addr, typ string) string {
	if strings.HasPrefix(addr, typ+".") {
		return ""
	}
	if i := strings.LastIndex(addr, "."+typ+"."); i >= 0 {
		return addr[:i+1]
	}
	return ""
}

// targets returns the resources (with their module path) an
// expression's references name, in the order written, following module
// inputs (var.x) to the calling module's argument and outputs
// (module.m.out) to the output's expression.
func (p *plan) targets(x *tree.Node, prefix string, depth int) []string {
	if x == nil || depth > tfeval.MaxModuleDepth {
		return nil
	}
	var out []string
	add := func(a string) {
		for _, o := range out {
			if o == a || strings.HasPrefix(o, a+"[") {
				return // the resource of an instance already named
			}
		}
		out = append(out, a)
	}
	for _, rn := range items(x.Get("references")) {
		ref, _ := rn.Str()
		parts := strings.SplitN(ref, ".", 4)
		switch parts[0] {
		case "var":
			if len(parts) < 2 {
				continue
			}
			parent, call := parentPath(prefix)
			if call == "" {
				continue
			}
			c := p.mods[configAddr(parent)].Get("module_calls").Get(call)
			for _, a := range p.targets(c.Get("expressions").Get(parts[1]), parent, depth+1) {
				add(a)
			}
		case "module":
			if len(parts) < 3 {
				continue
			}
			name := parts[1]
			key := ""
			if i := strings.IndexByte(name, '['); i >= 0 {
				name, key = name[:i], name[i:]
			}
			c := p.mods[configAddr(prefix)].Get("module_calls").Get(name)
			o := c.Get("module").Get("outputs").Get(parts[2])
			for _, a := range p.targets(o.Get("expression"), prefix+"module."+name+key+".", depth+1) {
				add(a)
			}
		case "local", "each", "count", "path", "terraform", "self":
		case "data":
			if len(parts) >= 3 {
				add(prefix + "data." + parts[1] + "." + parts[2])
			}
		default:
			if len(parts) >= 2 {
				add(prefix + parts[0] + "." + parts[1])
			}
		}
	}
	return out
}

// parentPath splits a module instance path into its parent's and the
// name of the call: module.a.module.b["k"]. → module.a., b.
func parentPath(prefix string) (parent, call string) {
	p := strings.TrimSuffix(prefix, ".")
	i := strings.LastIndex(p, "module.")
	if i < 0 {
		return "", ""
	}
	name := p[i+len("module."):]
	if j := strings.IndexByte(name, '['); j >= 0 {
		name = name[:j]
	}
	return p[:i], name
}

// refTo returns the address an attribute's configuration expression
// references, of the type given (the second reference is the resource
// itself: ["aws_x.y.name", "aws_x.y"]), with the module path prefix.
func refTo(exprs *tree.Node, attr, typ string, prefix string) string {
	for _, r := range items(exprs.Get(attr).Get("references")) {
		s, _ := r.Str()
		if strings.HasPrefix(s, typ+".") && strings.Count(s, ".") == 1 {
			return prefix + s
		}
	}
	return ""
}

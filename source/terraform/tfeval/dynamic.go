package tfeval

import (
	"fmt"
	"maps"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
)

// Dynamic blocks are expanded as Terraform plans them: one block per
// element of for_each, its content evaluated with the iterator (the
// block's label, or the name `iterator` gives) bound to {key, value}.
// The expanded blocks' expressions are the content's own, wrapped in
// bound so that they carry the iterators of every dynamic block around
// them (nested dynamic blocks see the outer iterators); the rest of the
// reader treats them as any nested block.

// bound is an expression evaluated with iterator variables in scope: a
// dynamic block's content, or a module call's input under count or
// for_each.
type bound struct {
	hcl.Expression
	iters map[string]cty.Value
}

// bind wraps e with iters, over any iterators it already carries (the
// innermost block's name wins, as in Terraform).
func bind(e hcl.Expression, iters map[string]cty.Value) hcl.Expression {
	if b, ok := e.(*bound); ok {
		merged := maps.Clone(b.iters)
		maps.Copy(merged, iters)
		return &bound{Expression: b.Expression, iters: merged}
	}
	return &bound{Expression: e, iters: iters}
}

// Variables lists the references outside the iterators: the ones the
// module's scope has to provide.
func (b *bound) Variables() []hcl.Traversal {
	var out []hcl.Traversal
	for _, tr := range b.Expression.Variables() {
		if _, ok := b.iters[tr.RootName()]; !ok {
			out = append(out, tr)
		}
	}
	return out
}

// boundBody is a nested block's body inside an expanded dynamic block:
// contentOf reads it as its body with every expression bound.
type boundBody struct {
	hcl.Body
	iters map[string]cty.Value
}

// bindContent binds every expression of c, and of the blocks in it.
func bindContent(c content, iters map[string]cty.Value) content {
	out := content{attrs: make(map[string]*hcl.Attribute, c.numAttrs())}
	for name, a := range c.all() {
		x := *a
		x.Expr = bind(a.Expr, iters)
		out.attrs[name] = &x
	}
	for _, b := range c.blocks {
		x := *b
		x.Body = &boundBody{Body: b.Body, iters: iters}
		out.blocks = append(out.blocks, &x)
	}
	return out
}

// Block is one nested block of a resource, written or built by a
// dynamic block. When Why is set, the blocks a dynamic block builds are
// unknown (its for_each is): the block is empty and At is the dynamic
// block.
type Block struct {
	c   content
	At  model.Loc
	Why string
}

// blocks returns the nested blocks of type t in c, in the order written,
// dynamic blocks expanded for the instance in. JSON bodies need the
// nested block types of the blocks' own bodies (inner).
func (r *Reader) blocks(in *Instance, c content, t string, inner ...string) []Block {
	var out []Block
	for _, b := range c.blocks {
		switch {
		case b.Type == t:
			bc, hd := contentOf(b.Body, inner)
			addHCL(r.Diags, hd)
			out = append(out, Block{c: bc, At: loc(b.DefRange)})
		case isDynamic(b, t):
			out = r.expand(out, in, b, inner)
		}
	}
	return out
}

// isDynamic reports whether b is a dynamic block building blocks of type t.
func isDynamic(b *hcl.Block, t string) bool {
	return b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == t
}

// expand appends the blocks dynamic block d builds.
func (r *Reader) expand(out []Block, in *Instance, d *hcl.Block, inner []string) []Block {
	at := loc(d.DefRange)
	t := d.Labels[0]
	fail := func(why string) []Block {
		return append(out, Block{At: at, Why: fmt.Sprintf("%s blocks are built by a dynamic block whose %s", t, why)})
	}
	invalid := func(at model.Loc, msg string) []Block {
		r.Diags.Errorf(at, "dynamic %q block: %s", t, msg)
		return fail("arguments are invalid: " + msg)
	}
	dc, hd := contentOf(d.Body, []string{"content"})
	addHCL(r.Diags, hd)
	name := t
	if x, rng, ok := dc.expr("iterator"); ok {
		if name = hcl.ExprAsKeyword(unwrapBound(x)); name == "" {
			return invalid(loc(rng), "iterator must be a name")
		}
	}
	contents := dc.blocksOf("content")
	if len(contents) != 1 {
		return invalid(at, fmt.Sprintf("it has %d content blocks, want one", len(contents)))
	}
	x, rng, ok := dc.expr("for_each")
	if !ok {
		return invalid(at, "it has no for_each")
	}
	v := in.res.m.eval(x, in)
	if !v.IsKnown() {
		return fail("for_each is unknown: " + ReasonOf(v))
	}
	v, _ = v.Unmark()
	switch {
	case v.IsNull():
		return invalid(loc(rng), "for_each is null")
	case !v.CanIterateElements():
		return invalid(loc(rng), fmt.Sprintf("for_each is a %s, want a collection", v.Type().FriendlyName()))
	case v.Type().IsSetType() && !v.IsWhollyKnown():
		return fail("for_each is a set with unknown elements: " + ReasonOf(v))
	case v.LengthInt() > maxInstances:
		return invalid(loc(rng), fmt.Sprintf("for_each has over %d elements; not expanded", maxInstances))
	}
	body := contents[0].Body
	cat := loc(contents[0].DefRange)
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element() // a set's key is its element, as each.key
		bc, hd := contentOf(body, inner)
		addHCL(r.Diags, hd)
		iters := map[string]cty.Value{name: cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})}
		out = append(out, Block{c: bindContent(bc, iters), At: cat})
	}
	return out
}

// unwrapBound returns the expression a bound one wraps, parsed.
func unwrapBound(e hcl.Expression) hcl.Expression {
	if b, ok := e.(*bound); ok {
		e = b.Expression
	}
	return unwrap(e)
}

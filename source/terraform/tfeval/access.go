package tfeval

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// An instance is read through these: the layer above (the AWS adapter)
// asks for arguments, nested blocks and documents by name, and gets
// values with their locations, unknowns saying why.

// Address is the instance's address: module.a.aws_x.y[0].
func (in *Instance) Address() string { return in.addr }

// Type is its resource type.
func (in *Instance) Type() string { return in.res.typ }

// Loc is where its resource is declared.
func (in *Instance) Loc() model.Loc { return in.res.at }

// Scope names its root module's evaluation: what the model links within.
func (in *Instance) Scope() string { return in.res.m.ld.rootDir }

// Arg reads a top-level argument; OK false when it is not written.
func (in *Instance) Arg(r *Reader, name string) Value { return r.arg(in, name) }

// Blocks returns the nested blocks of type t of the resource (p nil) or
// of block p, dynamic blocks expanded; inner names the block types of
// their own bodies (the JSON syntax needs them).
func (in *Instance) Blocks(r *Reader, p *Block, t string, inner ...string) []Block {
	if p != nil {
		return r.blocks(in, p.c, t, inner...)
	}
	c := in.res.content()
	why := in.res.broken
	if why == "" {
		why = in.res.brokenIn[t]
	}
	if why == "" {
		return r.blocks(in, c, t, inner...)
	}
	return []Block{{At: in.res.at, Why: why}}
}

// Sub reads an argument of a nested block.
func (in *Instance) Sub(r *Reader, b Block, name string) Value { return r.sub(in, b.c, name) }

// Document reads a JSON-document argument (a policy, a security
// configuration) of the resource (b nil) or of block b as a tree; ok
// is false when it is not written.
func (in *Instance) Document(r *Reader, b *Block, name string) (*tree.Node, bool) {
	c := in.res.content()
	if b == nil && in.res.broken != "" {
		return tree.UnknownNode(in.res.broken, in.res.at), true
	}
	if b != nil {
		c = b.c
	}
	a := c.attr(name)
	if a == nil {
		return nil, false
	}
	return r.document(in, a), true
}

// RefersTo returns the address of the single resource of type typ the
// argument's expression names, or "".
func (in *Instance) RefersTo(name, typ string) string {
	if x, _, ok := in.res.content().expr(name); ok {
		return in.res.m.refersTo(x, typ, 0)
	}
	return ""
}

// refersTo returns the address of the resource of type typ that expr
// names (directly or through locals), or "" when it names none or that
// resource has several instances.
func (m *module) refersTo(expr hcl.Expression, typ string, depth int) string {
	if depth > 8 {
		return ""
	}
	found := ""
	for _, tr := range expr.Variables() {
		switch tr.RootName() {
		case typ:
			name, ok := attrStep(tr, 1)
			res := m.resources[typ+"."+name]
			if !ok || res == nil || res.countAttr() != nil || res.forEachAttr() != nil {
				continue
			}
			found = m.prefix + typ + "." + name
		case "local":
			if n, ok := attrStep(tr, 1); ok && m.locals[n] != nil {
				if f := m.refersTo(m.locals[n].Expr, typ, depth+1); f != "" {
					found = f
				}
			}
		}
	}
	return found
}

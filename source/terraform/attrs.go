package terraform

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// attrs is one resource instance as the AWS adapter reads it: an HCL
// instance the evaluator evaluates (*instance), or a resource of a plan's
// planned values (*planRes). The readers and linkers of read.go read
// through it only, so HCL and plans get the same mapping.
type attrs interface {
	address() string // the instance address: module.a.aws_x.y[0]
	kind() string    // the resource type
	pos() model.Loc  // where the resource is declared
	scope() string   // the evaluation of a root: what model.Link resolves within
	// arg reads a top-level argument; ok false when it is not written.
	arg(r *rd, name string) val
	// nestedIn returns the nested blocks of type t of the resource (p
	// nil) or of block p; inner names the block types of their own
	// bodies (the JSON syntax needs them).
	nestedIn(r *rd, p *nested, t string, inner ...string) []nested
	// sub reads an argument of a nested block.
	sub(r *rd, b nested, name string) val
	// document reads a JSON-document argument (a policy, a security
	// configuration) of the resource (b nil) or of block b as a tree;
	// ok false when it is not written.
	document(r *rd, b *nested, name string) (*tree.Node, bool)
	// refersTo returns the address of the single resource of type typ
	// the argument's expression names, or "".
	refersTo(name, typ string) string
}

var _ attrs = (*instance)(nil)

func (in *instance) address() string { return in.addr }
func (in *instance) kind() string    { return in.res.typ }
func (in *instance) pos() model.Loc  { return in.res.at }

// scope is in's root module's evaluation.
func (in *instance) scope() string { return in.res.m.ld.rootDir }

func (in *instance) arg(r *rd, name string) val { return r.arg(in, name) }

func (in *instance) nestedIn(r *rd, p *nested, t string, inner ...string) []nested {
	if p == nil {
		return r.blocks(in, in.res.content(), t, inner...)
	}
	return r.blocks(in, p.c, t, inner...)
}

func (in *instance) sub(r *rd, b nested, name string) val { return r.sub(in, b.c, name) }

func (in *instance) document(r *rd, b *nested, name string) (*tree.Node, bool) {
	c := in.res.content()
	if b != nil {
		c = b.c
	}
	a := c.attr(name)
	if a == nil {
		return nil, false
	}
	return r.document(in, a), true
}

func (in *instance) refersTo(name, typ string) string {
	if x, _, ok := in.res.content().expr(name); ok {
		return in.res.m.refersTo(x, typ, 0)
	}
	return ""
}

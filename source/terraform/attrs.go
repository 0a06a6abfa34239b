package terraform

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
	"github.com/emrguard/emrguard/source/tree"
)

// attrs is one resource instance as the AWS adapter reads it: an HCL
// instance the evaluator evaluates (hclRes), or a resource of a plan's
// planned values (*planRes). The readers and linkers of read.go read
// through it only, so HCL and plans get the same mapping.
type attrs interface {
	address() string // the instance address: module.a.aws_x.y[0]
	kind() string    // the resource type
	pos() model.Loc  // where the resource is declared
	scope() string   // the evaluation of a root: what model.Link resolves within
	// arg reads a top-level argument; OK false when it is not written.
	arg(r *rd, name string) tfeval.Value
	// nestedIn returns the nested blocks of type t of the resource (p
	// nil) or of block p; inner names the block types of their own
	// bodies (the JSON syntax needs them).
	nestedIn(r *rd, p *nested, t string, inner ...string) []nested
	// sub reads an argument of a nested block.
	sub(r *rd, b nested, name string) tfeval.Value
	// document reads a JSON-document argument (a policy, a security
	// configuration) of the resource (b nil) or of block b as a tree;
	// ok false when it is not written.
	document(r *rd, b *nested, name string) (*tree.Node, bool)
	// refersTo returns the address of the single resource of type typ
	// the argument's expression names, or "".
	refersTo(name, typ string) string
}

// nested is one nested block as the adapter reads it: an HCL instance's
// (hcl), or a plan's (v, x: the block's planned values and configuration
// expressions). When why is set, the blocks are unknown (a dynamic
// block's for_each, a plan's after_unknown) and at is where that is said.
type nested struct {
	hcl  tfeval.Block
	v, x *tree.Node
	at   model.Loc
	why  string
}

// hclRes is an instance of the HCL evaluator, read through its accessors.
type hclRes struct{ in *tfeval.Instance }

var _ attrs = hclRes{}

func (h hclRes) address() string { return h.in.Address() }
func (h hclRes) kind() string    { return h.in.Type() }
func (h hclRes) pos() model.Loc  { return h.in.Loc() }
func (h hclRes) scope() string   { return h.in.Scope() }

func (h hclRes) arg(r *rd, name string) tfeval.Value { return h.in.Arg(r.Reader, name) }

func (h hclRes) nestedIn(r *rd, p *nested, t string, inner ...string) []nested {
	var parent *tfeval.Block
	if p != nil {
		parent = &p.hcl
	}
	bs := h.in.Blocks(r.Reader, parent, t, inner...)
	if len(bs) == 0 {
		return nil
	}
	out := make([]nested, len(bs))
	for i, b := range bs {
		out[i] = nestedOf(b)
	}
	return out
}

func nestedOf(b tfeval.Block) nested { return nested{hcl: b, at: b.At, why: b.Why} }

func (h hclRes) sub(r *rd, b nested, name string) tfeval.Value {
	return h.in.Sub(r.Reader, b.hcl, name)
}

func (h hclRes) document(r *rd, b *nested, name string) (*tree.Node, bool) {
	var blk *tfeval.Block
	if b != nil {
		blk = &b.hcl
	}
	return h.in.Document(r.Reader, blk, name)
}

func (h hclRes) refersTo(name, typ string) string { return h.in.RefersTo(name, typ) }

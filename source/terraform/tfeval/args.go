package tfeval

import (
	"iter"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// A scanned body keeps its arguments as a slice of arg, not as a map of
// *hcl.Attribute: a large module has about a million arguments, and
// readers look at a few of each resource. An arg is the argument's name,
// offsets and positions in its top block's source, and its expression,
// parsed on first use: the arg is itself that expression (the
// hcl.Expression a reader evaluates points into the body's slice), so
// reading an argument allocates nothing; the hcl.Attribute is made only
// when something asks for one (attr), and kept in the arg.

// scanned is what the arguments of one scanned top-level block share.
type scanned struct {
	src  []byte // the block's source; nil once forgotten (forgetSource)
	file string
	base int     // byte offset of src in the file
	m    *module // reports the arguments' parse diagnostics; nil until adopted
}

// arg is one argument of a scanned body. Offsets index scanned.src;
// lines and columns are the file's. An argument's name and the start of
// its expression are on one line (the scan does not follow a newline
// between them), so they share line.
type arg struct {
	name                   string
	nameOff, line, nameCol int32
	exprOff, exprCol       int32
	endOff, endLine        int32
	endCol                 int32
	sc                     *scanned
	// parsed is the expression parsed, or a *withDiags until expr
	// reports the parse's diagnostics (rare: no field for them).
	parsed hcl.Expression
	// attr is the argument as HCL gives it, made on first use. Contents
	// are handed between goroutines (a prefetcher's to the reader, a
	// resource of one flat group read by another), hence atomic.
	attr atomic.Pointer[hcl.Attribute]
}

var _ hcl.Expression = (*arg)(nil)

func (sc *scanned) pos(off, line, col int32) hcl.Pos {
	return hcl.Pos{Line: int(line), Column: int(col), Byte: sc.base + int(off)}
}

func (a *arg) exprStart() hcl.Pos { return a.sc.pos(a.exprOff, a.line, a.exprCol) }

// rng is the argument's range, from its name to its expression's end.
func (a *arg) rng() hcl.Range {
	return hcl.Range{Filename: a.sc.file, Start: a.sc.pos(a.nameOff, a.line, a.nameCol),
		End: a.sc.pos(a.endOff, a.endLine, a.endCol)}
}

// src is the expression's source, nil once the block's is forgotten.
func (a *arg) src() []byte {
	if a.sc.src == nil {
		return nil
	}
	return a.sc.src[a.exprOff:a.endOff:a.endOff]
}

// parse parses the expression, once; its diagnostics wait for expr,
// which runs on the goroutine evaluating the module.
func (a *arg) parse() {
	if a.parsed != nil {
		return
	}
	src, start, file := a.src(), a.exprStart(), a.sc.file
	if x, ok := hclscan.SimpleExpr(src, file, start); ok {
		a.parsed = x
		return
	}
	if x, ok := hclscan.DocExpr(src, file, start); ok {
		a.parsed = x
		return
	}
	x, hd := parseExpression(src, file, start)
	a.parsed = x
	if len(hd) > 0 {
		for _, d := range hd {
			// The parser sees the argument alone: its end is not the file's.
			d.Detail = strings.ReplaceAll(d.Detail, "the end of the file", "the end of the argument")
		}
		a.parsed = &withDiags{x, hd}
	}
}

// withDiags is a parsed expression whose diagnostics are not reported
// yet. It is only ever in arg.parsed, never handed out.
type withDiags struct {
	hcl.Expression
	diags hcl.Diagnostics
}

// pending reports whether the parse's diagnostics wait for expr.
func (a *arg) pending() bool {
	_, ok := a.parsed.(*withDiags)
	return ok
}

func (a *arg) expr() hcl.Expression {
	a.parse()
	if w, ok := a.parsed.(*withDiags); ok {
		if m := a.sc.m; m != nil {
			m.reportOnce(w.diags)
		}
		a.parsed = w.Expression
		if why := syntaxError(a.name, w.diags); why != "" {
			// What the parser recovered is not what was written.
			a.parsed = &unparsed{rng: w.Expression.Range(), why: why}
		}
	}
	return a.parsed
}

// unparsed stands for an argument whose expression does not parse: its
// value is unknown, saying why.
type unparsed struct {
	rng hcl.Range
	why string
}

func (u *unparsed) Value(*hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	return unknown(u.why, ""), nil
}
func (u *unparsed) Variables() []hcl.Traversal { return nil }
func (u *unparsed) Range() hcl.Range           { return u.rng }
func (u *unparsed) StartRange() hcl.Range      { return u.rng }

func (a *arg) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	return a.expr().Value(ctx)
}
func (a *arg) Variables() []hcl.Traversal { return a.expr().Variables() }
func (a *arg) Range() hcl.Range {
	r := a.rng()
	r.Start = a.exprStart()
	return r
}
func (a *arg) StartRange() hcl.Range            { return a.expr().StartRange() }
func (a *arg) UnwrapExpression() hcl.Expression { return a.expr() }

// attribute returns the argument as an hcl.Attribute, made once.
func (a *arg) attribute() *hcl.Attribute {
	if at := a.attr.Load(); at != nil {
		return at
	}
	r := a.rng()
	n := int32(len(a.name))
	at := &hcl.Attribute{Name: a.name, Expr: a, Range: r,
		NameRange: hcl.Range{Filename: r.Filename, Start: r.Start, End: a.sc.pos(a.nameOff+n, a.line, a.nameCol+n)}}
	if a.attr.CompareAndSwap(nil, at) {
		return at
	}
	return a.attr.Load()
}

// expr returns the expression and range of the argument name, without
// making an Attribute.
func (c content) expr(name string) (hcl.Expression, hcl.Range, bool) {
	if c.sc == nil {
		if a := c.attrs[name]; a != nil {
			return a.Expr, a.Range, true
		}
		return nil, hcl.Range{}, false
	}
	for i := range c.args {
		if a := &c.args[i]; a.name == name {
			return a, a.rng(), true
		}
	}
	return nil, hcl.Range{}, false
}

// ready reports whether c holds a body's content (a resource's is empty
// while its source is not scanned).
func (c content) ready() bool { return c.attrs != nil || c.sc != nil }

// attr returns the argument name, or nil.
func (c content) attr(name string) *hcl.Attribute {
	if c.sc == nil {
		return c.attrs[name]
	}
	for i := range c.args {
		if c.args[i].name == name {
			return c.args[i].attribute()
		}
	}
	return nil
}

// has reports whether c has the argument name, without making it.
func (c content) has(name string) bool {
	if c.sc == nil {
		return c.attrs[name] != nil
	}
	for i := range c.args {
		if c.args[i].name == name {
			return true
		}
	}
	return false
}

// numAttrs is the number of arguments.
func (c content) numAttrs() int {
	if c.sc == nil {
		return len(c.attrs)
	}
	return len(c.args)
}

// all yields every argument: a scanned body's in source order, a parsed
// body's in the map's.
func (c content) all() iter.Seq2[string, *hcl.Attribute] {
	return func(yield func(string, *hcl.Attribute) bool) {
		if c.sc == nil {
			for name, a := range c.attrs {
				if !yield(name, a) {
					return
				}
			}
			return
		}
		for i := range c.args {
			if !yield(c.args[i].name, c.args[i].attribute()) {
				return
			}
		}
	}
}

// attrMap returns the arguments as a map: a parsed body's own, a new one
// for a scanned body (locals, tfvars, JustAttributes: few).
func (c content) attrMap() hcl.Attributes {
	if c.sc == nil {
		return c.attrs
	}
	out := make(hcl.Attributes, len(c.args))
	for name, a := range c.all() {
		out[name] = a
	}
	return out
}

// argScratch holds the arguments of the bodies being scanned, nested
// ones above their parent's, until each body's are copied out at its
// exact size: one allocation per body, none for growing it.
var argScratch = sync.Pool{New: func() any { return new([]arg) }}

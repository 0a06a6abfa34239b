package terraform

import (
	"iter"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// A scanned body keeps its arguments as a slice of arg, not as a map of
// *hcl.Attribute: a large module has about a million arguments, and
// readers look at a few of each resource. An arg is the argument's name,
// offsets and positions in its top block's source, and the parse result
// once parsed; the hcl.Attribute (with a lazyExpr as its Expr) is made
// when something asks for that argument, and kept in the arg.

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
	parsed                 hcl.Expression
	pending                *hcl.Diagnostics // of the parse, until reported
	// attr is the argument as HCL gives it, made on first use. Contents
	// are handed between goroutines (a prefetcher's to the reader, a
	// resource of one flat group read by another), hence atomic.
	attr atomic.Pointer[hcl.Attribute]
}

func (sc *scanned) pos(off, line, col int32) hcl.Pos {
	return hcl.Pos{Line: int(line), Column: int(col), Byte: sc.base + int(off)}
}

func (a *arg) exprStart(sc *scanned) hcl.Pos { return sc.pos(a.exprOff, a.line, a.exprCol) }
func (a *arg) end(sc *scanned) hcl.Pos       { return sc.pos(a.endOff, a.endLine, a.endCol) }

// src is the expression's source, nil once the block's is forgotten.
func (a *arg) src(sc *scanned) []byte {
	if sc.src == nil {
		return nil
	}
	return sc.src[a.exprOff:a.endOff:a.endOff]
}

// parse parses the expression, once; its diagnostics wait for
// lazyExpr.expr, which runs on the goroutine evaluating the module.
func (a *arg) parse(sc *scanned) {
	if a.parsed != nil {
		return
	}
	src, start := a.src(sc), a.exprStart(sc)
	if x, ok := simpleExpr(src, sc.file, start); ok {
		a.parsed = x
		return
	}
	if x, ok := docExpr(src, sc.file, start); ok {
		a.parsed = x
		return
	}
	x, hd := hclsyntax.ParseExpression(src, sc.file, start)
	a.parsed = x
	if len(hd) > 0 {
		for _, d := range hd {
			// The parser sees the argument alone: its end is not the file's.
			d.Detail = replaceEOF(d.Detail)
		}
		a.pending = &hd
	}
}

// attribute returns the argument as an hcl.Attribute, made once.
func (sc *scanned) attribute(a *arg) *hcl.Attribute {
	if at := a.attr.Load(); at != nil {
		return at
	}
	e := &lazyExpr{a: a, sc: sc}
	nameStart := sc.pos(a.nameOff, a.line, a.nameCol)
	n := int32(len(a.name))
	nameEnd := sc.pos(a.nameOff+n, a.line, a.nameCol+n)
	e.attr = hcl.Attribute{Name: a.name, Expr: e,
		Range:     hcl.Range{Filename: sc.file, Start: nameStart, End: a.end(sc)},
		NameRange: hcl.Range{Filename: sc.file, Start: nameStart, End: nameEnd}}
	if a.attr.CompareAndSwap(nil, &e.attr) {
		return &e.attr
	}
	return a.attr.Load()
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
			return c.sc.attribute(&c.args[i])
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
			if !yield(c.args[i].name, c.sc.attribute(&c.args[i])) {
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

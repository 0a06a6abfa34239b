package tfeval

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// A resource's body is split by a byte scan into its arguments and nested
// blocks; an argument's expression is parsed by HCL the first time it is
// evaluated. Readers look at a few arguments of each resource (a security
// group's rules, not its description), so most of the source is scanned,
// never parsed. The catch: an argument nothing reads is not checked for
// syntax beyond what the scan follows (balanced brackets, closed strings
// and heredocs) — neither is it used.

// lazyBody is a scanned body: what contentOf returns for it.
type lazyBody struct {
	c content
}

var _ hcl.Body = (*lazyBody)(nil)

func (b *lazyBody) Content(s *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	bc, _, d := b.PartialContent(s)
	return bc, d
}

func (b *lazyBody) PartialContent(s *hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	bc := &hcl.BodyContent{Attributes: hcl.Attributes{}}
	for _, a := range s.Attributes {
		if x := b.c.attr(a.Name); x != nil {
			bc.Attributes[a.Name] = x
		}
	}
	for _, bs := range s.Blocks {
		bc.Blocks = append(bc.Blocks, content{blocks: b.c.blocks}.blocksOf(bs.Type)...)
	}
	return bc, b, nil
}

func (b *lazyBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) { return b.c.attrMap(), nil }
func (b *lazyBody) MissingItemRange() hcl.Range                       { return hcl.Range{} }

// forget drops the syntax tree of a lazy expression evaluated for good
// (a variable's default, a local): it is parsed again if looked at.
func forget(e hcl.Expression) {
	if a, ok := e.(*arg); ok && !a.pending() {
		a.parsed = nil
	}
}

// adopt makes m report the parse diagnostics of c's expressions.
func adopt(c content, m *module) {
	if c.sc != nil {
		c.sc.m = m // nested blocks share it
	}
}

// unwrap returns the parsed form of a lazy expression, for code that
// looks at its syntax (jsonencode documents).
func unwrap(e hcl.Expression) hcl.Expression {
	if a, ok := e.(*arg); ok {
		return a.expr()
	}
	return e
}

// topBlock is a top-level block not parsed yet, as hclscan.ScanTop
// found it.
type topBlock = hclscan.Block

// bodyBuilder builds a scanned block's content from the items an
// hclscan.BodyScanner reads.
type bodyBuilder struct {
	scan hclscan.BodyScanner
	sc   *scanned
	args []arg // scratch: the arguments of the bodies being scanned
	used int   // how much of args was used, cleared before it is pooled
}

// scanBlockBody scans a top-level block's source into its body's content,
// or returns ok=false when the scan cannot follow it (non-ASCII text,
// something not an argument or a block): the caller parses it whole.
func scanBlockBody(tb *topBlock, file string, m *module) (content, bool) {
	s := &bodyBuilder{}
	if !s.scan.Start(tb.Src, file, tb.Pos) {
		return content{}, false
	}
	scratch := argScratch.Get().(*[]arg)
	s.args, s.sc = (*scratch)[:0], &scanned{src: tb.Src, file: file, base: tb.Pos.Byte, m: m}
	c, ok := s.body()
	// Cleared, or the pool would keep the block's source alive (arg.sc).
	clear(s.args[:s.used])
	*scratch = s.args[:0]
	argScratch.Put(scratch)
	if !ok {
		return content{}, false
	}
	return c, true
}

// body builds the items of one body, up to its end.
func (s *bodyBuilder) body() (c content, ok bool) {
	c.sc = s.sc
	first := len(s.args) // this body's arguments are s.args[first:]
	defer func() { s.args = s.args[:first] }()
	var seen map[string]bool // names, once past dupScan arguments
	for {
		switch s.scan.Next() {
		case hclscan.EndItem:
			if n := len(s.args) - first; n > 0 {
				c.args = make([]arg, n)
				copy(c.args, s.args[first:])
			}
			return c, true
		case hclscan.AttrItem:
			a := &s.scan.Attr
			if s.dup(first, a.Name, &seen) {
				return c, false // HCL reports the duplicate
			}
			s.args = append(s.args, arg{name: a.Name, sc: s.sc,
				nameOff: a.NameOff, line: a.Line, nameCol: a.NameCol,
				exprOff: a.ExprOff, exprCol: a.ExprCol,
				endOff: a.EndOff, endLine: a.EndLine, endCol: a.EndCol})
			s.used = max(s.used, len(s.args))
		case hclscan.BlockItem:
			h := &s.scan.Block
			bb := &blockBody{}
			b := &bb.b
			b.Type, b.TypeRange, b.DefRange = h.Type, h.TypeRange, h.DefRange
			for k := range h.NumLabels {
				l := s.scan.Label(k)
				b.Labels = append(b.Labels, l.Name)
				b.LabelRanges = append(b.LabelRanges, l.Range)
			}
			nc, ok := s.body()
			if !ok {
				return c, false
			}
			bb.body.c = nc
			b.Body = &bb.body
			c.blocks = append(c.blocks, b)
		default:
			return c, false
		}
	}
}

// blockBody is a nested block and its scanned body, allocated at once.
type blockBody struct {
	b    hcl.Block
	body lazyBody
}

// dupScan is how many arguments a body has before its names go in a
// map: below, looking through them is cheaper.
const dupScan = 32

// dup reports whether the body whose arguments start at first already
// has an argument name; seen is that body's map, made past dupScan.
func (s *bodyBuilder) dup(first int, name string, seen *map[string]bool) bool {
	args := s.args[first:]
	if len(args) < dupScan {
		for i := range args {
			if args[i].name == name {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]bool, 2*len(args))
		for i := range args {
			(*seen)[args[i].name] = true
		}
	}
	if (*seen)[name] {
		return true
	}
	(*seen)[name] = true
	return false
}

package tfeval

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
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

// bodyScanner scans one block's source; pos maps its offsets to file
// positions (the block is ASCII, so columns are bytes).
type bodyScanner struct {
	src      []byte
	file     string
	base     hcl.Pos
	line     int // line of offset counted
	counted  int
	lineHead int // offset where that line starts
	sc       *scanned
	args     []arg // scratch: the arguments of the bodies being scanned
	used     int   // how much of args was used, cleared before it is pooled
}

func (s *bodyScanner) pos(i int) hcl.Pos {
	if i < s.counted { // positions are asked in order; this is a safety net
		s.line, s.counted, s.lineHead = s.base.Line, 0, 0
	}
	if n := bytes.Count(s.src[s.counted:i], []byte("\n")); n > 0 {
		s.line += n
		s.lineHead = s.counted + bytes.LastIndexByte(s.src[s.counted:i], '\n') + 1
	}
	s.counted = i
	col := i - s.lineHead + 1
	if s.line == s.base.Line {
		col += s.base.Column - 1
	}
	return hcl.Pos{Line: s.line, Column: col, Byte: s.base.Byte + i}
}

func (s *bodyScanner) rng(from, to int) hcl.Range {
	return hcl.Range{Filename: s.file, Start: s.pos(from), End: s.pos(to)}
}

// scanBlockBody scans a top-level block's source into its body's content,
// or returns ok=false when the scan cannot follow it (non-ASCII text,
// something not an argument or a block): the caller parses it whole.
func scanBlockBody(tb *topBlock, file string, m *module) (content, bool) {
	for _, c := range tb.src {
		if c >= 0x80 {
			return content{}, false
		}
	}
	// Offsets, lines and columns are kept as int32s (see arg).
	if len(tb.src) >= 1<<30 || tb.pos.Line >= 1<<30 || tb.pos.Column >= 1<<30 {
		return content{}, false
	}
	open := bytes.IndexByte(tb.src, '{')
	if open < 0 {
		return content{}, false
	}
	scratch := argScratch.Get().(*[]arg)
	s := &bodyScanner{src: tb.src, file: file, base: tb.pos, line: tb.pos.Line, args: (*scratch)[:0],
		sc: &scanned{src: tb.src, file: file, base: tb.pos.Byte, m: m}}
	c, end, ok := s.body(open + 1)
	// Cleared, or the pool would keep the block's source alive (arg.sc).
	clear(s.args[:s.used])
	*scratch = s.args[:0]
	argScratch.Put(scratch)
	if !ok || end != len(tb.src) {
		return content{}, false
	}
	return c, true
}

// body scans items from i to the closing brace; end is past it.
func (s *bodyScanner) body(i int) (c content, end int, ok bool) {
	src := s.src
	c.sc = s.sc
	first := len(s.args) // this body's arguments are s.args[first:]
	defer func() { s.args = s.args[:first] }()
	var seen map[string]bool // names, once past dupScan arguments
	for {
		i = skipSpace(src, i, true)
		if i >= len(src) {
			return c, 0, false
		}
		if src[i] == '}' {
			if n := len(s.args) - first; n > 0 {
				c.args = make([]arg, n)
				copy(c.args, s.args[first:])
			}
			return c, i + 1, true
		}
		if !isIdentStart(src[i]) {
			return c, 0, false
		}
		nameStart := i
		i = identEnd(src, i)
		name := intern(src[nameStart:i])
		i = skipSpace(src, i, false)
		if i < len(src) && src[i] == '=' && at(src, i+1) != '=' {
			i = skipSpace(src, i+1, false)
			exprStart := i
			end, ok := skipExpr(src, i)
			if !ok || end == exprStart {
				return c, 0, false
			}
			if s.dup(first, name, &seen) {
				return c, 0, false // HCL reports the duplicate
			}
			np, ep, tp := s.pos(nameStart), s.pos(exprStart), s.pos(end)
			if ep.Line != np.Line {
				return c, 0, false // arg keeps one line for both
			}
			s.args = append(s.args, arg{name: name, sc: s.sc,
				nameOff: int32(nameStart), line: int32(np.Line), nameCol: int32(np.Column),
				exprOff: int32(exprStart), exprCol: int32(ep.Column),
				endOff: int32(end), endLine: int32(tp.Line), endCol: int32(tp.Column)})
			s.used = max(s.used, len(s.args))
			i = end
			continue
		}
		// A nested block: labels, then its body.
		bb := &blockBody{}
		b := &bb.b
		b.Type, b.TypeRange = name, s.rng(nameStart, nameStart+len(name))
		lastEnd := nameStart + len(name)
		for i < len(src) && src[i] != '{' {
			switch {
			case src[i] == '"':
				j := i + 1
				for j < len(src) && src[j] != '"' {
					if src[j] == '\\' || src[j] == '\n' || src[j] == '{' {
						return c, 0, false
					}
					j++
				}
				if j >= len(src) {
					return c, 0, false
				}
				b.Labels = append(b.Labels, string(src[i+1:j]))
				b.LabelRanges = append(b.LabelRanges, s.rng(i, j+1))
				i, lastEnd = j+1, j+1
			case isIdentStart(src[i]):
				j := identEnd(src, i)
				b.Labels = append(b.Labels, intern(src[i:j]))
				b.LabelRanges = append(b.LabelRanges, s.rng(i, j))
				i, lastEnd = j, j
			default:
				return c, 0, false
			}
			i = skipSpace(src, i, false)
		}
		if i >= len(src) {
			return c, 0, false
		}
		b.DefRange = hcl.Range{Filename: s.file, Start: b.TypeRange.Start, End: s.pos(lastEnd)}
		nc, end, ok := s.body(i + 1)
		if !ok {
			return c, 0, false
		}
		bb.body.c = nc
		b.Body = &bb.body
		c.blocks = append(c.blocks, b)
		i = end
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
func (s *bodyScanner) dup(first int, name string, seen *map[string]bool) bool {
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

// skipSpace skips blanks and comments, and newlines when lines is set.
func skipSpace(src []byte, i int, lines bool) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\n' && lines:
			i++
		case lines && (c == '#' || (c == '/' && at(src, i+1) == '/')):
			i = toEOL(src, i)
		case c == '/' && at(src, i+1) == '*':
			j := bytes.Index(src[i+2:], []byte("*/"))
			if j < 0 || (!lines && bytes.IndexByte(src[i:i+2+j], '\n') >= 0) {
				return i
			}
			i += j + 4
		default:
			return i
		}
	}
	return i
}

// skipExpr returns the end of the expression starting at i: the newline,
// comment or closing brace that ends it outside any bracket, with
// trailing blanks left out.
func skipExpr(src []byte, i int) (int, bool) {
	depth := 0
	end := i
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n' && depth == 0:
			return end, true
		case (c == '#' || (c == '/' && at(src, i+1) == '/')) && depth == 0:
			return end, true
		case c == '}' && depth == 0:
			return end, true
		case c == '(' || c == '[' || c == '{':
			depth++
			i++
			end = i
		case c == ')' || c == ']' || c == '}':
			depth--
			if depth < 0 {
				return 0, false
			}
			i++
			end = i
		case c == '"':
			j, ok := skipString(src, i+1)
			if !ok {
				return 0, false
			}
			i, end = j, j
		case c == '#' || (c == '/' && at(src, i+1) == '/'):
			i = toEOL(src, i)
		case c == '/' && at(src, i+1) == '*':
			j := bytes.Index(src[i+2:], []byte("*/"))
			if j < 0 {
				return 0, false
			}
			i += j + 4
		case c == '<' && at(src, i+1) == '<':
			j, ok := skipHeredoc(src, i+2)
			if !ok || at(src, j) != '\n' {
				return 0, false
			}
			if depth == 0 {
				return j + 1, true // HCL wants the newline after the marker
			}
			i, end = j, j
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		default:
			i++
			end = i
		}
	}
	return 0, false
}

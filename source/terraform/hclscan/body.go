package hclscan

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
)

// A block's body is read by a BodyScanner item by item — an argument, a
// nested block's header, the end of a body — so that its caller builds
// what it keeps of them (its own argument type, its own blocks) without
// an intermediate tree: the scanner allocates nothing but names.

// Item is what BodyScanner.Next found.
type Item uint8

const (
	// Refused: the scan cannot follow the source (a syntax it does not
	// read, an error): the caller parses the block with hclsyntax, which
	// says what is wrong.
	Refused Item = iota
	// AttrItem: an argument, in BodyScanner.Attr.
	AttrItem
	// BlockItem: a nested block's header, in BodyScanner.Block; the
	// items that follow are its body's, up to its EndItem.
	BlockItem
	// EndItem: the end of the body being read (the block's own body
	// last, after which Next returns Refused).
	EndItem
)

// Attr is one argument of a body: its name and where it is. Offsets
// index the block's source; lines and columns are the file's. Its name
// and the start of its expression are on one line (the scan refuses a
// newline between them), so they share Line. They are int32s: a large
// module has about a million arguments.
type Attr struct {
	Name                   string
	NameOff, Line, NameCol int32
	ExprOff, ExprCol       int32 // the expression's start
	EndOff, EndLine        int32 // the expression's end, trailing blanks left out; a heredoc's is past its closing newline, which hclsyntax.ParseExpression needs to see (hclsyntax's range ends before it)
	EndCol                 int32
}

// Header is a nested block's header: its type and labels, and the ranges
// hclsyntax gives them. The block's header is on one line.
type Header struct {
	Type      string
	TypeRange hcl.Range
	DefRange  hcl.Range // from the type to the last label
	NumLabels int       // see BodyScanner.Label
}

// Label is one label of a nested block.
type Label struct {
	Name  string
	Range hcl.Range // quotes included
}

// BodyScanner reads the body of one block found by ScanTop. Its zero
// value is ready for Start; it is meant to live on its caller's stack.
type BodyScanner struct {
	// Attr is the argument found by the last Next that returned AttrItem.
	Attr Attr
	// Block is the header found by the last Next that returned BlockItem.
	Block Header

	src      []byte
	file     string
	base     hcl.Pos
	line     int // line of offset counted
	counted  int
	lineHead int // offset where that line starts
	i        int // next byte
	depth    int // bodies open
	labels   [2]Label
	more     []Label // labels past the second, rare
}

// Start readies s to read the body of the block whose source is src
// (from its type to its closing brace), starting at pos in file. It
// returns false when the scan cannot follow the block at all (non-ASCII
// text, a block too large for int32 offsets, no brace).
func (s *BodyScanner) Start(src []byte, file string, pos hcl.Pos) bool {
	if !isASCII(src) {
		return false
	}
	if len(src) >= 1<<30 || pos.Line >= 1<<30 || pos.Column >= 1<<30 {
		return false
	}
	open := bytes.IndexByte(src, '{')
	if open < 0 {
		return false
	}
	*s = BodyScanner{src: src, file: file, base: pos, line: pos.Line, i: open + 1, depth: 1, more: s.more[:0]}
	return true
}

// Label returns the k-th label of the header Block describes.
func (s *BodyScanner) Label(k int) Label {
	if k < len(s.labels) {
		return s.labels[k]
	}
	return s.more[k-len(s.labels)]
}

func (s *BodyScanner) addLabel(l Label) {
	if n := s.Block.NumLabels; n < len(s.labels) {
		s.labels[n] = l
	} else {
		s.more = append(s.more[:n-len(s.labels)], l)
	}
	s.Block.NumLabels++
}

// Next reads the next item of the body being read.
func (s *BodyScanner) Next() Item {
	if s.depth == 0 {
		return Refused
	}
	src := s.src
	i := skipSpace(src, s.i, true)
	if i >= len(src) {
		return s.refuse()
	}
	if src[i] == '}' {
		s.i = i + 1
		s.depth--
		if s.depth == 0 && s.i != len(src) {
			return s.refuse() // something after the block's brace
		}
		return EndItem
	}
	if !IsIdentStart(src[i]) {
		return s.refuse()
	}
	nameStart := i
	i = identEnd(src, i)
	name := Intern(src[nameStart:i])
	i = skipSpace(src, i, false)
	if i < len(src) && src[i] == '=' && At(src, i+1) != '=' {
		i = skipSpace(src, i+1, false)
		exprStart := i
		end, ok := skipExpr(src, i)
		if !ok || end == exprStart {
			return s.refuse()
		}
		np, ep, tp := s.pos(nameStart), s.pos(exprStart), s.pos(end)
		if ep.Line != np.Line {
			return s.refuse() // Attr keeps one line for both
		}
		s.Attr = Attr{Name: name,
			NameOff: int32(nameStart), Line: int32(np.Line), NameCol: int32(np.Column),
			ExprOff: int32(exprStart), ExprCol: int32(ep.Column),
			EndOff: int32(end), EndLine: int32(tp.Line), EndCol: int32(tp.Column)}
		s.i = end
		return AttrItem
	}
	// A nested block: labels, then its body.
	s.Block = Header{Type: name, TypeRange: s.rng(nameStart, nameStart+len(name))}
	lastEnd := nameStart + len(name)
	for i < len(src) && src[i] != '{' {
		switch {
		case src[i] == '"':
			j, ok := labelEnd(src, i)
			if !ok {
				return s.refuse()
			}
			s.addLabel(Label{Name: string(src[i+1 : j]), Range: s.rng(i, j+1)})
			i, lastEnd = j+1, j+1
		case IsIdentStart(src[i]):
			j := identEnd(src, i)
			s.addLabel(Label{Name: Intern(src[i:j]), Range: s.rng(i, j)})
			i, lastEnd = j, j
		default:
			return s.refuse()
		}
		i = skipSpace(src, i, false)
	}
	if i >= len(src) {
		return s.refuse()
	}
	s.Block.DefRange = hcl.Range{Filename: s.file, Start: s.Block.TypeRange.Start, End: s.pos(lastEnd)}
	s.i = i + 1
	s.depth++
	return BlockItem
}

// refuse ends the scan: every later Next returns Refused too.
func (s *BodyScanner) refuse() Item {
	s.depth = 0
	return Refused
}

// pos maps an offset of the block's source to its file position (the
// block is ASCII, so columns are bytes).
func (s *BodyScanner) pos(i int) hcl.Pos {
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

func (s *BodyScanner) rng(from, to int) hcl.Range {
	return hcl.Range{Filename: s.file, Start: s.pos(from), End: s.pos(to)}
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
		case startsToken(c):
			j, k, ok := skip(src, i)
			if !ok {
				return 0, false
			}
			switch k {
			case tokLineComment:
				if depth == 0 {
					return end, true
				}
				i = j
			case tokBlockComment:
				i = j
			case tokHeredoc:
				if At(src, j) != '\n' {
					return 0, false
				}
				if depth == 0 {
					return j + 1, true // HCL wants the newline after the marker
				}
				i, end = j, j
			default: // a string, or an operator (/, <)
				i, end = j, j
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		default:
			i++
			end = i
		}
	}
	return 0, false
}

package hclscan

import (
	"bytes"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// DocExpr builds, without HCL's lexer, the syntax tree of a document
// argument as configurations write them: jsonencode({...}) of objects and
// tuples over several lines, whose leaves are what simpleExpr reads (a
// plain string, a whole number, true/false/null, a reference). These
// are security configurations and policies, which are read, so parsed,
// on every resource that has them: half the parsing of a module. The
// tree is the one hclsyntax.ParseExpression gives (TestDocExprMatchesParser
// and FuzzDocExpr hold it to that); anything else — comments, templates,
// tabs, operators, a key in parentheses — gives ok=false and goes to the
// parser.
func DocExpr(src []byte, file string, start hcl.Pos) (hclsyntax.Expression, bool) {
	if len(src) > 1<<16 {
		return nil, false
	}
	p := &docParser{src: src, file: file, start: start}
	p.nl = make([]int, 0, bytes.Count(src, []byte("\n"))) // at once, not by doubling
	for i, c := range src {
		if c == '\n' {
			p.nl = append(p.nl, i)
		}
	}
	var e hclsyntax.Expression
	var ok bool
	switch {
	case len(src) > 2 && src[0] == '<' && src[1] == '<':
		return heredoc(src, file, start)
	case len(src) > 11 && string(src[:11]) == "jsonencode(":
		e, ok = p.call()
	case len(src) > 0 && src[0] == '{':
		e, ok = p.object()
	default:
		return nil, false
	}
	if !ok || p.i != len(src) {
		return nil, false
	}
	return e, true
}

type docParser struct {
	src   []byte
	file  string
	start hcl.Pos
	i     int   // next byte
	nl    []int // offsets of the newlines
}

func (p *docParser) pos(off int) hcl.Pos {
	n := sort.SearchInts(p.nl, off) // newlines before off
	if n == 0 {
		return hcl.Pos{Line: p.start.Line, Column: p.start.Column + off, Byte: p.start.Byte + off}
	}
	return hcl.Pos{Line: p.start.Line + n, Column: off - p.nl[n-1], Byte: p.start.Byte + off}
}

func (p *docParser) rng(from, to int) hcl.Range {
	return hcl.Range{Filename: p.file, Start: p.pos(from), End: p.pos(to)}
}

// blank skips spaces, and newlines too when lines is set.
func (p *docParser) blank(lines bool) {
	for p.i < len(p.src) && (p.src[p.i] == ' ' || (lines && p.src[p.i] == '\n')) {
		p.i++
	}
}

func (p *docParser) call() (hclsyntax.Expression, bool) {
	nameEnd := len("jsonencode")
	open := nameEnd
	p.i = open + 1
	p.blank(true)
	arg, ok := p.value()
	if !ok {
		return nil, false
	}
	p.blank(true)
	if p.i >= len(p.src) || p.src[p.i] != ')' {
		return nil, false
	}
	cl := p.i
	p.i++
	return &hclsyntax.FunctionCallExpr{Name: "jsonencode", Args: []hclsyntax.Expression{arg},
		NameRange: p.rng(0, nameEnd), OpenParenRange: p.rng(open, open+1), CloseParenRange: p.rng(cl, cl+1)}, true
}

// value reads one value; p.i is at its first byte.
func (p *docParser) value() (hclsyntax.Expression, bool) {
	if p.i >= len(p.src) {
		return nil, false
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.tuple()
	case c == '"':
		// A string is on one line: simpleExpr builds it (a template of
		// references too), placed where it starts.
		j := p.i + 1
		for j < len(p.src) && p.src[j] != '"' {
			if b := p.src[j]; b < 0x20 || b >= 0x7f || b == '\\' {
				return nil, false
			}
			j++
		}
		if j >= len(p.src) {
			return nil, false
		}
		from := p.i
		e, ok := SimpleExpr(p.src[from:j+1], p.file, p.pos(from))
		if !ok {
			return nil, false
		}
		p.i = j + 1
		return e, true
	case c >= '0' && c <= '9':
		j := p.i
		for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
			j++
		}
		if c == '0' && j > p.i+1 || j < len(p.src) && (IsIdentStart(p.src[j]) || p.src[j] == '.') {
			return nil, false
		}
		v, err := cty.ParseNumberVal(string(p.src[p.i:j]))
		if err != nil {
			return nil, false
		}
		from := p.i
		p.i = j
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: p.rng(from, j)}, true
	case IsIdentStart(c):
		return p.traversal(nil)
	}
	return nil, false
}

// keyAlloc is an object key written as a name: its tree, the reference
// it wraps and that reference's step, allocated at once (a document has
// a key a line).
type keyAlloc struct {
	key   hclsyntax.ObjectConsKeyExpr
	expr  hclsyntax.ScopeTraversalExpr
	steps [1]hcl.Traverser
}

// traversal reads true, false, null or a reference like local.x; with
// ka, a reference of one name is built in it.
func (p *docParser) traversal(ka *keyAlloc) (hclsyntax.Expression, bool) {
	from := p.i
	end := identEnd(p.src, from)
	v, keyword := cty.NilVal, true
	switch string(p.src[from:end]) {
	case "true":
		v = cty.True
	case "false":
		v = cty.False
	case "null":
		v = cty.NullVal(cty.DynamicPseudoType)
	default:
		keyword = false
	}
	if keyword {
		if At(p.src, end) == '.' || At(p.src, end) == '[' || At(p.src, end) == '(' {
			return nil, false
		}
		p.i = end
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: p.rng(from, end)}, true
	}
	steps := 1 // the traversal's length, to allocate it once
	for i := end; At(p.src, i) == '.' && IsIdentStart(At(p.src, i+1)); steps++ {
		i = identEnd(p.src, i+1)
	}
	var tr hcl.Traversal
	if ka != nil && steps == 1 {
		tr = ka.steps[:]
	} else {
		ka = nil
		tr = make(hcl.Traversal, 1, steps)
	}
	tr[0] = hcl.TraverseRoot{Name: Intern(p.src[from:end]), SrcRange: p.rng(from, end)}
	i := end
	for At(p.src, i) == '.' {
		if !IsIdentStart(At(p.src, i+1)) {
			return nil, false
		}
		j := identEnd(p.src, i+1)
		tr = append(tr, hcl.TraverseAttr{Name: Intern(p.src[i+1 : j]), SrcRange: p.rng(i, j)})
		i = j
	}
	for _, b := range p.src[from:i] {
		if b == '-' {
			return nil, false // a - b without blanks: leave it to the parser
		}
	}
	if c := At(p.src, i); c == '[' || c == '(' || c == '*' {
		return nil, false
	}
	p.i = i
	if ka != nil {
		ka.expr = hclsyntax.ScopeTraversalExpr{Traversal: tr, SrcRange: p.rng(from, i)}
		return &ka.expr, true
	}
	return &hclsyntax.ScopeTraversalExpr{Traversal: tr, SrcRange: p.rng(from, i)}, true
}

// key reads an object key: a name or a plain string.
func (p *docParser) key() (hclsyntax.Expression, bool) {
	var k hclsyntax.Expression
	var ok bool
	switch c := At(p.src, p.i); {
	case c == '"':
		k, ok = p.value()
	case IsIdentStart(c):
		ka := &keyAlloc{}
		k, ok = p.traversal(ka)
		if ok {
			if _, lit := k.(*hclsyntax.LiteralValueExpr); lit {
				return nil, false // true = …: HCL makes the key a literal; rare, left to it
			}
			if k == &ka.expr {
				ka.key = hclsyntax.ObjectConsKeyExpr{Wrapped: k}
				return &ka.key, true
			}
		}
	}
	if !ok {
		return nil, false
	}
	return &hclsyntax.ObjectConsKeyExpr{Wrapped: k}, true
}

// object reads { key = value … }: items end at a newline or a comma.
func (p *docParser) object() (hclsyntax.Expression, bool) {
	open := p.i
	p.i++
	var items []hclsyntax.ObjectConsItem
	for {
		p.blank(true)
		if p.i >= len(p.src) {
			return nil, false
		}
		if p.src[p.i] == '}' {
			break
		}
		if p.src[p.i] == 'f' && p.i+3 < len(p.src) && string(p.src[p.i:p.i+4]) == "for " {
			return nil, false
		}
		k, ok := p.key()
		if !ok {
			return nil, false
		}
		p.blank(false)
		if c := At(p.src, p.i); c != '=' && c != ':' || At(p.src, p.i+1) == '=' {
			return nil, false
		}
		p.i++
		p.blank(false)
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		items = append(items, hclsyntax.ObjectConsItem{KeyExpr: k, ValueExpr: v})
		p.blank(false)
		switch At(p.src, p.i) {
		case '}':
		case ',', '\n':
			p.i++
		default:
			return nil, false
		}
	}
	p.i++
	return &hclsyntax.ObjectConsExpr{Items: items, SrcRange: p.rng(open, p.i), OpenRange: p.rng(open, open+1)}, true
}

// tuple reads [ value, … ], newlines anywhere.
func (p *docParser) tuple() (hclsyntax.Expression, bool) {
	open := p.i
	p.i++
	var exprs []hclsyntax.Expression
	for {
		p.blank(true)
		if p.i >= len(p.src) {
			return nil, false
		}
		if p.src[p.i] == ']' {
			break
		}
		if p.src[p.i] == 'f' && p.i+3 < len(p.src) && string(p.src[p.i:p.i+4]) == "for " {
			return nil, false
		}
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		exprs = append(exprs, v)
		p.blank(true)
		switch At(p.src, p.i) {
		case ']':
		case ',':
			p.i++
		default:
			return nil, false
		}
	}
	p.i++
	return &hclsyntax.TupleConsExpr{Exprs: exprs, SrcRange: p.rng(open, p.i), OpenRange: p.rng(open, open+1)}, true
}

// heredoc builds a heredoc (<<EOF or <<-EOF, a JSON document as often
// as not): literals of its lines, indented lines trimmed of their common
// indent for <<-, as HCL's template parser melds them, between the
// interpolations of plain references (${local.key}) it may hold, which
// are not at the start of a line. HCL's own parser counts the indent of
// each line with a bufio.Scanner of 4 KB: building the tree here spares
// that too.
func heredoc(src []byte, file string, start hcl.Pos) (hclsyntax.Expression, bool) {
	p := &docParser{src: src, file: file, start: start}
	p.nl = make([]int, 0, bytes.Count(src, []byte("\n"))) // at once, not by doubling
	for i, c := range src {
		switch {
		case c == '\n':
			p.nl = append(p.nl, i)
		case c < 0x20 && c != '\n' || c >= 0x7f || c == '%' || c == '\\':
			return nil, false
		}
	}
	i := 2
	flush := At(src, i) == '-'
	if flush {
		i++
	}
	if !IsIdentStart(At(src, i)) {
		return nil, false
	}
	j := identEnd(src, i)
	marker := string(src[i:j])
	if At(src, j) != '\n' {
		return nil, false
	}
	openEnd := j + 1
	// The lines, up to the one holding only the marker.
	type line struct{ from, to int } // to is past the newline
	var lines []line
	closeTo := -1
	for k := openEnd; k < len(src); {
		e := k
		for e < len(src) && src[e] != '\n' {
			e++
		}
		if e >= len(src) {
			return nil, false
		}
		t := k
		for t < e && src[t] == ' ' {
			t++
		}
		if u := bytes.TrimRight(src[t:e], " "); len(u) != e-t && string(u) == marker {
			return nil, false // HCL ends the heredoc at a marker with trailing blanks: leave it to the parser
		}
		if string(src[t:e]) == marker {
			closeTo = e
			if e+1 != len(src) {
				return nil, false
			}
			break
		}
		lines = append(lines, line{k, e + 1})
		k = e + 1
	}
	if closeTo < 0 || len(lines) == 0 {
		return nil, false
	}
	trim := 0
	if flush {
		trim = 1 << 30
		for _, l := range lines {
			n := 0
			for src[l.from+n] == ' ' {
				n++
			}
			if l.from+n == l.to-1 {
				continue // a blank line does not count, and is kept as is
			}
			trim = min(trim, n)
		}
		if trim == 1<<30 {
			trim = 0
		}
	}
	// The text between interpolations is one literal, from where its
	// first piece starts to where its last ends.
	var parts []hclsyntax.Expression
	var text []byte
	litFrom, litTo := -1, 0
	piece := func(a, b int) {
		if a == b {
			return
		}
		if litFrom < 0 {
			litFrom = a
		}
		text = append(text, src[a:b]...)
		litTo = b
	}
	endLit := func() {
		if litFrom >= 0 {
			parts = append(parts, &hclsyntax.LiteralValueExpr{Val: cty.StringVal(string(text)), SrcRange: p.rng(litFrom, litTo)})
			text, litFrom = nil, -1
		}
	}
	for _, l := range lines {
		s := l.from
		if flush && !blankLine(src[l.from:l.to]) {
			s += trim
		}
		seg := s
		for k := s; k < l.to; k++ {
			if src[k] != '$' {
				continue
			}
			if At(src, k+1) != '{' || !IsIdentStart(At(src, k+2)) || blankLine(src[l.from:k]) {
				return nil, false // a lone $, $${, ${~, a complex or line-leading interpolation
			}
			cl := k + 2
			for cl < l.to && src[cl] != '}' {
				cl++
			}
			if cl >= l.to {
				return nil, false
			}
			ref, ok := SimpleExpr(src[k+2:cl], file, p.pos(k+2))
			if _, trav := ref.(*hclsyntax.ScopeTraversalExpr); !ok || !trav {
				return nil, false
			}
			piece(seg, k)
			endLit()
			parts = append(parts, ref)
			k, seg = cl, cl+1
		}
		piece(seg, l.to)
	}
	endLit()
	return &hclsyntax.TemplateExpr{Parts: parts, SrcRange: p.rng(0, closeTo)}, true
}

func blankLine(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\n' {
			return false
		}
	}
	return true
}

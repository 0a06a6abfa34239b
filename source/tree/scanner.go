package tree

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/emrguard/emrguard/model"
)

// parser is a JSON parser that builds the positioned tree directly. It is
// written by hand because encoding/json gives no positions and its token
// API costs an allocation per token: this parser is what the launch
// monitor and large template corpora spend their time in. Its accepted
// language and decoded values match encoding/json's (checked by
// FuzzParseJSON): invalid UTF-8 and lone surrogates become U+FFFD.
type parser struct {
	data      []byte
	file      string
	pos       int
	line      int // 1-based line of pos
	lineStart int // offset where line begins
	slabs
	members []Member // scratch stack of the objects being read
	items   []*Node  // scratch stack of the arrays being read
}

func (p *parser) loc(off int) model.Loc {
	return model.Loc{File: p.file, Line: p.line, Col: off - p.lineStart + 1}
}

// node takes a node from the slabs, sized from the input: a value takes
// at least two bytes, and about 24 in a template, so a small event does
// not pay for a large slab.
func (p *parser) node() *Node { return p.slabs.node((len(p.data) - p.pos) / 24) }

func (p *parser) errorf(off int, format string, args ...any) error {
	return &ParseError{At: p.loc(off), Msg: "invalid JSON: " + fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\n':
			p.pos++
			p.line++
			p.lineStart = p.pos
		case ' ', '\t', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) eof() error {
	return p.errorf(p.pos, "unexpected end of input")
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(c))
	return "'" + s[1:len(s)-1] + "'"
}

func (p *parser) value(depth int) (*Node, error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return nil, p.eof()
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n := p.node()
		*n = Node{Kind: String, Text: s, At: p.loc(start)}
		return n, nil
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	default:
		return nil, p.errorf(start, "invalid character %s looking for beginning of value", quoteChar(c))
	}
}

func (p *parser) literal(word string, kind Kind) (*Node, error) {
	start := p.pos
	for i := 0; i < len(word); i++ {
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		if p.data[p.pos] != word[i] {
			return nil, p.errorf(p.pos, "invalid character %s in literal %s (expecting %s)", quoteChar(p.data[p.pos]), word, quoteChar(word[i]))
		}
		p.pos++
	}
	n := p.node()
	*n = Node{Kind: kind, At: p.loc(start)}
	if kind == Bool {
		n.Text = word
	}
	return n, nil
}

func (p *parser) number() (*Node, error) {
	start := p.pos
	d := p.data
	i := p.pos
	digits := func() int {
		j := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i - j
	}
	bad := func() (*Node, error) {
		if i >= len(d) {
			p.pos = i
			return nil, p.eof()
		}
		return nil, p.errorf(i, "invalid character %s in numeric literal", quoteChar(d[i]))
	}
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		return bad()
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			return bad()
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			return bad()
		}
	}
	p.pos = i
	n := p.node()
	*n = Node{Kind: Number, Text: string(d[start:i]), At: p.loc(start)}
	return n, nil
}

// str reads a string at p.pos (which is '"') and returns its value.
func (p *parser) str() (string, error) {
	d := p.data
	i := p.pos + 1
	// Fast path: no escapes, ASCII or valid UTF-8.
	for i < len(d) {
		c := d[i]
		if c == '"' {
			s := string(d[p.pos+1 : i])
			p.pos = i + 1
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	buf := make([]byte, 0, i-p.pos+16)
	buf = append(buf, d[p.pos+1:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf(i, "invalid character %s in string literal", quoteChar(c))
		case c == '\\':
			if i+1 >= len(d) {
				p.pos = len(d)
				return "", p.eof()
			}
			switch e := d[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
				i += 2
			case 'b':
				buf, i = append(buf, '\b'), i+2
			case 'f':
				buf, i = append(buf, '\f'), i+2
			case 'n':
				buf, i = append(buf, '\n'), i+2
			case 'r':
				buf, i = append(buf, '\r'), i+2
			case 't':
				buf, i = append(buf, '\t'), i+2
			case 'u':
				r, ok := hex4(d, i+2)
				if !ok {
					return "", p.errorf(i+2, "invalid \\u escape in string literal")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(-1), false
					if i+1 < len(d) && d[i] == '\\' && d[i+1] == 'u' {
						r2, ok2 = hex4(d, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", p.errorf(i+1, "invalid character %s in string escape code", quoteChar(e))
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, d[i:i+size]...)
			}
			i += size
		}
	}
	p.pos = len(d)
	return "", p.eof()
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

func (p *parser) deep(off int) error {
	return &ParseError{At: p.loc(off), Msg: fmt.Sprintf("JSON nested deeper than %d levels; refusing to read further", MaxDepth)}
}

func (p *parser) object(depth int) (*Node, error) {
	start := p.pos
	if depth > MaxDepth {
		return nil, p.deep(start)
	}
	n := p.node()
	*n = Node{Kind: Object, At: p.loc(start)}
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	// Members go on a scratch stack shared by all objects and are copied
	// into an exact-size slice at the end: no slice grows per object.
	base := len(p.members)
	defer func() { p.members = p.members[:base] }()
	for {
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		if p.data[p.pos] != '"' {
			return nil, p.errorf(p.pos, "invalid character %s looking for beginning of object key string", quoteChar(p.data[p.pos]))
		}
		keyAt := p.loc(p.pos)
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		if p.data[p.pos] != ':' {
			return nil, p.errorf(p.pos, "invalid character %s after object key", quoteChar(p.data[p.pos]))
		}
		p.pos++
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.members = append(p.members, Member{Key: key, KeyAt: keyAt, Val: v})
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			n.Fields = p.fields(p.members[base:], (len(p.data)-p.pos)/48)
			return n, nil
		default:
			return nil, p.errorf(p.pos, "invalid character %s after object key:value pair", quoteChar(p.data[p.pos]))
		}
	}
}

func (p *parser) array(depth int) (*Node, error) {
	start := p.pos
	if depth > MaxDepth {
		return nil, p.deep(start)
	}
	n := p.node()
	*n = Node{Kind: Array, At: p.loc(start)}
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	base := len(p.items)
	defer func() { p.items = p.items[:base] }()
	for {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			n.Items = p.itemsOf(p.items[base:], (len(p.data)-p.pos)/96)
			return n, nil
		default:
			return nil, p.errorf(p.pos, "invalid character %s after array element", quoteChar(p.data[p.pos]))
		}
	}
}

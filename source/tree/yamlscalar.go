package tree

import (
	"strings"
	"unicode/utf8"

	"github.com/emrguard/emrguard/model"
	"gopkg.in/yaml.v3"
)

// scanScalar finds the end of the plain or quoted scalar at pos (pos does
// not move) and whether a ':' indicator follows it on the line, making it
// an implicit key. Plain scalars end as yaml.v3's scanner ends them, but
// on their line: a continuation on the next line is left for the caller,
// which gives up on it.
func (p *yparser) scanScalar(flow bool) (end int, isKey bool) {
	i := p.pos
	c := p.data[i]
	if c == '"' || c == '\'' {
		end = p.scanQuoted(i)
	} else {
		if !p.plainStart(i, flow) {
			slow()
		}
		end = p.scanPlain(i, flow)
	}
	j := end
	for j < len(p.data) && p.data[j] == ' ' {
		j++
	}
	if p.at(j) == ':' {
		if p.blankz(j + 1) {
			return end, true
		}
		if flow {
			slow() // {"a":b}, JSON style
		}
	}
	return end, false
}

// plainStart reports whether a plain scalar may start at i, as yaml.v3's
// scanner decides it ("::/0" is a plain scalar in block context).
func (p *yparser) plainStart(i int, flow bool) bool {
	switch p.data[i] {
	case '-':
		return !p.blankz(i + 1)
	case '?', ':':
		return !flow && !p.blankz(i+1)
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\n':
		return false
	}
	return true
}

// scanPlain returns the end of the plain scalar at i on its line, trailing
// spaces excluded: it stops at ": ", " #", the line's end and, in flow
// context, at ",?[]{}".
func (p *yparser) scanPlain(i int, flow bool) int {
	end := i
	for i < len(p.data) {
		c := p.data[i]
		switch {
		case c == '\n':
			return end
		case c == ' ':
			k := i
			for k < len(p.data) && p.data[k] == ' ' {
				k++
			}
			if k >= len(p.data) || p.data[k] == '\n' || p.data[k] == '#' {
				return end
			}
			i = k
			continue
		case c == ':' && p.blankz(i+1):
			return end
		case flow && (c == ',' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}'):
			return end
		}
		i++
		end = i
	}
	return end
}

// scanQuoted returns the offset after the closing quote of the one-line
// quoted scalar at i, checking escapes as yaml.v3 does.
func (p *yparser) scanQuoted(i int) int {
	q := p.data[i]
	j := i + 1
	for {
		if j >= len(p.data) || p.data[j] == '\n' {
			slow() // multi-line (folded) or unterminated
		}
		c := p.data[j]
		switch {
		case q == '\'' && c == '\'':
			if p.at(j+1) != '\'' {
				return j + 1
			}
			j += 2
		case q == '"' && c == '"':
			return j + 1
		case q == '"' && c == '\\':
			j += 2 + p.escapeLen(j)
		default:
			j++
		}
	}
}

// escapeLen checks the escape at j (a backslash) and returns the number
// of hex digits that follow its letter.
func (p *yparser) escapeLen(j int) int {
	switch p.at(j + 1) {
	case '0', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'e', ' ', '"', '\'', '\\', 'N', '_', 'L', 'P':
		return 0
	case 'x':
		p.hexEscape(j+2, 2)
		return 2
	case 'u':
		p.hexEscape(j+2, 4)
		return 4
	case 'U':
		p.hexEscape(j+2, 8)
		return 8
	}
	slow() // an unknown escape, an escaped line break, an escaped tab
	return 0
}

func (p *yparser) hexEscape(i, n int) rune {
	if i+n > len(p.data) {
		slow()
	}
	var v rune
	for _, c := range p.data[i : i+n] {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			slow()
		}
	}
	if 0xD800 <= v && v <= 0xDFFF || v > 0x10FFFF || v < 0 {
		slow() // yaml.v3 refuses surrogates and out-of-range code points
	}
	return v
}

// quoted decodes the quoted scalar in data[start:end] (quotes included).
func (p *yparser) quoted(start, end int) string {
	body := p.src[start+1 : end-1]
	if p.data[start] == '\'' {
		if strings.Contains(body, "''") {
			return strings.ReplaceAll(body, "''", "'")
		}
		return p.keep(body)
	}
	if strings.IndexByte(body, '\\') < 0 {
		return p.keep(body)
	}
	b := make([]byte, 0, len(body))
	for i := start + 1; i < end-1; i++ {
		c := p.data[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		e := p.data[i+1]
		i++
		switch e {
		case '0':
			b = append(b, 0)
		case 'a':
			b = append(b, '\a')
		case 'b':
			b = append(b, '\b')
		case 't':
			b = append(b, '\t')
		case 'n':
			b = append(b, '\n')
		case 'v':
			b = append(b, '\v')
		case 'f':
			b = append(b, '\f')
		case 'r':
			b = append(b, '\r')
		case 'e':
			b = append(b, 0x1b)
		case 'N':
			b = utf8.AppendRune(b, 0x85)
		case '_':
			b = utf8.AppendRune(b, 0xA0)
		case 'L':
			b = utf8.AppendRune(b, 0x2028)
		case 'P':
			b = utf8.AppendRune(b, 0x2029)
		case 'x', 'u', 'U':
			n := p.escapeLen(i - 1)
			b = utf8.AppendRune(b, p.hexEscape(i+1, n))
			i += n
		default: // ' ', '"', '\'', '\\'
			b = append(b, e)
		}
	}
	return string(b)
}

// scalar makes the node of the plain or quoted scalar in data[start:end]
// and moves past it.
func (p *yparser) scalar(start, end int, tag string, tagAt model.Loc) *Node {
	n := p.node()
	if c := p.data[start]; c == '"' || c == '\'' {
		*n = Node{Kind: String, Text: p.quoted(start, end), At: p.loc(start)}
	} else if tag != "" {
		*n = Node{Kind: String, Text: p.keep(p.src[start:end]), At: p.loc(start)}
	} else {
		kind, text := plainKind(p.src[start:end])
		*n = Node{Kind: kind, Text: p.keep(text), At: p.loc(start)}
	}
	p.setTag(n, tag, tagAt)
	p.pos = end
	return n
}

// plainKind gives an untagged plain scalar the kind yaml.v3's implicit
// resolution gives it (resolve.go), as the yaml.v3 path converts it:
// !!bool is Bool with the text "true"/"false", !!int and !!float Number,
// !!null Null with no text, the rest (strings, timestamps) String. The
// cases that are clear from the first byte are decided here; for the rest
// (numbers, dates, .inf, 0x…) yaml.v3 itself decides, so the rules cannot
// drift apart.
func plainKind(s string) (Kind, string) {
	if s == "" {
		return Null, ""
	}
	switch c := s[0]; {
	case c == '~':
		if s == "~" {
			return Null, ""
		}
		return String, s
	case c == 't' || c == 'T' || c == 'f' || c == 'F' || c == 'n' || c == 'N':
		switch s {
		case "true", "True", "TRUE":
			return Bool, "true"
		case "false", "False", "FALSE":
			return Bool, "false"
		case "null", "Null", "NULL":
			return Null, ""
		}
		return String, s
	case '0' <= c && c <= '9' || c == '-' || c == '+' || c == '.':
		if decimal(s) {
			return Number, s
		}
		switch (&yaml.Node{Kind: yaml.ScalarNode, Value: s}).ShortTag() {
		case "!!int", "!!float":
			return Number, s
		case "!!bool":
			return Bool, strings.ToLower(s)
		case "!!null":
			return Null, ""
		}
	}
	// yaml.v3's resolve table marks no other first byte, so the rest are
	// strings ("yes", "on", "AWS::Region").
	return String, s
}

// decimal reports whether s is a plain decimal integer that surely fits
// an int64 and is not octal ("0777") or a date.
func decimal(s string) bool {
	if len(s) > 18 || len(s) > 1 && s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// blockScalar reads a literal (|) or folded (>) scalar with yaml.v3's
// algorithm (yaml_parser_scan_block_scalar), in a block collection
// indented ind, and leaves pos at the start of the line after it.
func (p *yparser) blockScalar(ind int) string {
	literal := p.data[p.pos] == '|'
	p.pos++
	chomp, incr := 0, 0
	readChomp := func() {
		switch p.at(p.pos) {
		case '+':
			chomp = 1
			p.pos++
		case '-':
			chomp = -1
			p.pos++
		}
	}
	readIncr := func() {
		if c := p.at(p.pos); '0' <= c && c <= '9' {
			if c == '0' {
				slow()
			}
			incr = int(c - '0')
			p.pos++
		}
	}
	if c := p.at(p.pos); c == '+' || c == '-' {
		readChomp()
		readIncr()
	} else {
		readIncr()
		readChomp()
	}
	if p.pos < len(p.data) && p.data[p.pos] != ' ' && p.data[p.pos] != '\n' {
		slow()
	}
	p.lineRest()
	indent := 0
	if incr > 0 {
		indent = incr
		if ind >= 0 {
			indent = ind + incr
		}
	}
	var s []byte
	leading, trailing := 0, 0 // line breaks, all "\n" here
	p.blockBreaks(&indent, &trailing, ind)
	leadingBlank := false
	for p.pos-p.lineStart == indent && p.pos < len(p.data) {
		trailingBlank := p.data[p.pos] == ' '
		if !literal && !leadingBlank && !trailingBlank && leading > 0 {
			if trailing == 0 {
				s = append(s, ' ')
			}
		} else {
			s = appendBreaks(s, leading)
		}
		leading = 0
		s = appendBreaks(s, trailing)
		trailing = 0
		leadingBlank = p.data[p.pos] == ' '
		eol := p.pos
		for eol < len(p.data) && p.data[eol] != '\n' {
			eol++
		}
		s = append(s, p.data[p.pos:eol]...)
		p.pos = eol
		if p.pos < len(p.data) {
			leading = 1
			p.newline()
		}
		p.blockBreaks(&indent, &trailing, ind)
	}
	if chomp != -1 {
		s = appendBreaks(s, leading)
	}
	if chomp == 1 {
		s = appendBreaks(s, trailing)
	}
	if p.pos < len(p.data) {
		p.pos = p.lineStart
	}
	return string(s)
}

func appendBreaks(s []byte, n int) []byte {
	for ; n > 0; n-- {
		s = append(s, '\n')
	}
	return s
}

// blockBreaks is yaml_parser_scan_block_scalar_breaks: it eats the empty
// lines (and the indentation) before content, and fixes an undecided
// indentation from the most indented of them.
func (p *yparser) blockBreaks(indent, breaks *int, ind int) {
	maxIndent := 0
	for {
		for (*indent == 0 || p.pos-p.lineStart < *indent) && p.at(p.pos) == ' ' {
			p.pos++
		}
		if c := p.pos - p.lineStart; c > maxIndent {
			maxIndent = c
		}
		if p.pos >= len(p.data) || p.data[p.pos] != '\n' {
			break
		}
		p.newline()
		*breaks++
	}
	if *indent == 0 {
		*indent = max(maxIndent, ind+1, 1)
	}
}

package tfeval

import (
	"bytes"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// topBlock is one top-level block of a native-syntax file found by a
// byte scan: its header and source, not parsed. Resources are kept this
// way until read, so a module of 10,000 files holds its source (~8 KB a
// file), not its syntax trees (~10 times that).
type topBlock struct {
	typ    string
	labels []string
	src    []byte  // from the block type to the closing brace
	pos    hcl.Pos // where src starts in its file
}

// scanTop splits a native-syntax file into its top-level blocks without
// parsing them. It follows only what a block boundary needs — comments,
// quoted strings with their interpolations, heredocs, braces — and
// returns ok=false on anything else (a top-level attribute, an
// unbalanced brace, an escaped label, a non-ASCII character before a
// block on its line): the caller then parses the whole file, so what the
// scan does not follow still gets HCL's own diagnostics.
func scanTop(src []byte) ([]topBlock, bool) {
	// The blocks go to a pooled scratch slice, then to one of their
	// number: growing the result by doubling was a good part of a small
	// module's allocation.
	scratch := topScratch.Get().(*[]topBlock)
	out, ok := scanTopInto(src, (*scratch)[:0])
	var kept []topBlock
	if ok && len(out) > 0 {
		kept = make([]topBlock, len(out))
		copy(kept, out)
	}
	clear(out) // or the pool would keep the file's source alive
	*scratch = out[:0]
	topScratch.Put(scratch)
	return kept, ok
}

var topScratch = sync.Pool{New: func() any { return new([]topBlock) }}

func scanTopInto(src []byte, out []topBlock) ([]topBlock, bool) {
	line, lineStart, counted := 1, 0, 0
	i := 0
	for i < len(src) {
		// Blanks and comments; an unclosed /* stays put and is refused below.
		if j := skipSpace(src, i, true); j > i {
			i = j
			continue
		}
		c := src[i]
		switch {
		case isIdentStart(c):
			line += bytes.Count(src[counted:i], []byte("\n"))
			counted = i
			if k := bytes.LastIndexByte(src[:i], '\n'); k >= 0 {
				lineStart = k + 1
			}
			for _, b := range src[lineStart:i] {
				if b >= 0x80 {
					return out, false // the column would count grapheme clusters
				}
			}
			start := i
			i = identEnd(src, i)
			// Two labels, as resource and data blocks have, in one allocation.
			b := topBlock{typ: intern(src[start:i]), labels: make([]string, 0, 2), pos: hcl.Pos{Line: line, Column: start - lineStart + 1, Byte: start}}
			for {
				for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
					i++
				}
				if i >= len(src) {
					return out, false
				}
				switch {
				case src[i] == '"':
					j := i + 1
					for j < len(src) && src[j] != '"' {
						if src[j] == '\\' || src[j] == '\n' || src[j] == '{' || src[j] >= 0x80 {
							return out, false // HCL unescapes and normalises labels
						}
						j++
					}
					if j >= len(src) {
						return out, false
					}
					b.labels = append(b.labels, intern(src[i+1:j]))
					i = j + 1
					continue
				case isIdentStart(src[i]):
					j := identEnd(src, i)
					b.labels = append(b.labels, string(src[i:j]))
					i = j
					continue
				case src[i] != '{':
					return out, false
				}
				break
			}
			end, ok := skipBraces(src, i+1)
			if !ok || !blockEnds(src, end) {
				return out, false
			}
			b.src = src[start:end:end]
			out = append(out, b)
			i = end
		default:
			return out, false
		}
	}
	return out, true
}

func at(src []byte, i int) byte {
	if i < len(src) {
		return src[i]
	}
	return 0
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func identEnd(src []byte, i int) int {
	for i < len(src) {
		c := src[i]
		if !(isIdentStart(c) || c == '-' || (c >= '0' && c <= '9')) {
			break
		}
		i++
	}
	return i
}

func toEOL(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// skipBraces returns the index after the brace closing the one opened
// just before i, skipping strings, heredocs and comments.
func skipBraces(src []byte, i int) (int, bool) {
	depth := 1
	for i < len(src) {
		switch c := src[i]; {
		case c == '{':
			depth++
			i++
		case c == '}':
			depth--
			i++
			if depth == 0 {
				return i, true
			}
		case c == '"':
			j, ok := skipString(src, i+1)
			if !ok {
				return 0, false
			}
			i = j
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
			if !ok {
				return 0, false
			}
			i = j
		default:
			i++
		}
	}
	return 0, false
}

// skipString returns the index after the quote closing a string that
// starts at i, skipping the expressions of its interpolations.
func skipString(src []byte, i int) (int, bool) {
	for i < len(src) {
		switch c := src[i]; c {
		case '"':
			return i + 1, true
		case '\n':
			return 0, false // HCL's parser says what is wrong
		case '\\':
			i += 2
		case '$', '%':
			switch {
			case at(src, i+1) == c && at(src, i+2) == '{':
				i += 3 // $${ and %%{ are literal
			case at(src, i+1) == '{':
				j, ok := skipBraces(src, i+2)
				if !ok {
					return 0, false
				}
				i = j
			default:
				i++
			}
		default:
			i++
		}
	}
	return 0, false
}

// skipHeredoc skips a heredoc whose << is just before i: <<EOT or <<-EOT,
// to the line holding only EOT. Anything else after << is left to the
// parser.
func skipHeredoc(src []byte, i int) (int, bool) {
	if at(src, i) == '-' {
		i++
	}
	if !isIdentStart(at(src, i)) {
		return 0, false
	}
	j := identEnd(src, i)
	marker := src[i:j]
	if at(src, j) == '\r' {
		j++
	}
	if at(src, j) != '\n' {
		return 0, false
	}
	for p := j + 1; p < len(src); {
		e := toEOL(src, p)
		if bytes.Equal(bytes.TrimSpace(src[p:e]), marker) {
			return e, true
		}
		p = e + 1
	}
	return 0, false
}

// blockEnds reports whether only blanks or a comment follow a block's
// closing brace on its line, as HCL requires.
func blockEnds(src []byte, i int) bool {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r') {
		i++
	}
	return i == len(src) || src[i] == '\n' || src[i] == '#' || (src[i] == '/' && (at(src, i+1) == '/' || at(src, i+1) == '*'))
}

package hclscan

import (
	"bytes"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// Block is one top-level block of a native-syntax file found by a byte
// scan: its header and source, not parsed. A caller may keep blocks this
// way until it reads them: a module of 10,000 files then holds its
// source (~8 KB a file), not its syntax trees (~10 times that).
type Block struct {
	Type   string
	Labels []string
	Src    []byte  // from the block type to the closing brace
	Pos    hcl.Pos // where Src starts in its file
}

// ScanTop splits a native-syntax file into its top-level blocks without
// parsing them. It follows only what a block boundary needs — comments,
// quoted strings with their interpolations, heredocs, braces — and
// returns ok=false on anything else (a top-level attribute, an
// unbalanced brace, an escaped label, a non-ASCII character before a
// block on its line, invalid UTF-8): the caller then parses the whole
// file, so what the scan does not follow still gets HCL's own
// diagnostics.
func ScanTop(src []byte) ([]Block, bool) {
	if !utf8.Valid(src) {
		return nil, false // HCL may read a quote or a brace as part of a bad character
	}
	// The blocks go to a pooled scratch slice, then to one of their
	// number: growing the result by doubling was a good part of a small
	// module's allocation.
	scratch := topScratch.Get().(*[]Block)
	out, ok := scanTopInto(src, (*scratch)[:0])
	var kept []Block
	if ok && len(out) > 0 {
		kept = make([]Block, len(out))
		copy(kept, out)
	}
	clear(out) // or the pool would keep the file's source alive
	*scratch = out[:0]
	topScratch.Put(scratch)
	return kept, ok
}

var topScratch = sync.Pool{New: func() any { return new([]Block) }}

func scanTopInto(src []byte, out []Block) ([]Block, bool) {
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
		case IsIdentStart(c):
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
			b := Block{Type: Intern(src[start:i]), Labels: make([]string, 0, 2), Pos: hcl.Pos{Line: line, Column: start - lineStart + 1, Byte: start}}
			for {
				for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
					i++
				}
				if i >= len(src) {
					return out, false
				}
				switch {
				case src[i] == '"':
					j, ok := labelEnd(src, i)
					if !ok {
						return out, false
					}
					b.Labels = append(b.Labels, Intern(src[i+1:j]))
					i = j + 1
					continue
				case IsIdentStart(src[i]):
					j := identEnd(src, i)
					b.Labels = append(b.Labels, string(src[i:j]))
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
			b.Src = src[start:end:end]
			out = append(out, b)
			i = end
		default:
			return out, false
		}
	}
	return out, true
}

// labelEnd returns the index of the quote closing the label whose
// opening quote is at i, or ok=false for a label HCL would unescape or
// normalise (an escape, an interpolation, a non-ASCII character), or
// that does not end on its line.
func labelEnd(src []byte, i int) (int, bool) {
	j := i + 1
	for j < len(src) && src[j] != '"' {
		if src[j] == '\\' || src[j] == '\n' || src[j] == '{' || src[j] >= 0x80 {
			return 0, false
		}
		j++
	}
	return j, j < len(src)
}

// blockEnds reports whether only blanks or a comment follow a block's
// closing brace on its line, as HCL requires.
func blockEnds(src []byte, i int) bool {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r') {
		i++
	}
	return i == len(src) || src[i] == '\n' || commentAt(src, i)
}

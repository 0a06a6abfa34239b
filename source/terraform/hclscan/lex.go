package hclscan

import (
	"bytes"
	"encoding/binary"
)

// The one lexer: what a comment, a quoted string and a heredoc are, and
// where each ends, written once for every scanner of the package
// (ScanTop, BodyScanner, RefScan). A scanner loops over the bytes it
// cares about (braces, brackets, newlines) and hands the rest to skip at
// each byte startsToken admits; FuzzLex holds skip to hclsyntax's lexer.
// It reads bytes, so the source must be valid UTF-8 (HCL may read a
// quote or a brace as part of an invalid character): ScanTop and RefScan
// refuse other sources, and BodyScanner any non-ASCII byte.

// tokenKind is what skip found at an index.
type tokenKind uint8

const (
	tokOther        tokenKind = iota // none of the below: one byte
	tokLineComment                   // # or //, up to the newline (left out)
	tokBlockComment                  // /* … */
	tokQuoted                        // "…", interpolations and their strings included
	tokHeredoc                       // <<EOT or <<-EOT … up to the end of the closing marker's line (its newline left out)
)

// startsToken reports whether a comment, a string or a heredoc may start
// with c: the only bytes a scanner hands to skip.
func startsToken(c byte) bool {
	return c == '"' || c == '#' || c == '/' || c == '<'
}

// skip returns what starts at i and the index after it, or ok=false when
// it starts there and does not end (an unclosed string, block comment or
// heredoc; << not followed by a heredoc marker).
func skip(src []byte, i int) (end int, k tokenKind, ok bool) {
	switch c := src[i]; {
	case c == '"':
		end, ok = skipString(src, i+1)
		return end, tokQuoted, ok
	case c == '#' || (c == '/' && At(src, i+1) == '/'):
		return toEOL(src, i), tokLineComment, true
	case c == '/' && At(src, i+1) == '*':
		j := bytes.Index(src[i+2:], []byte("*/"))
		if j < 0 {
			return 0, tokBlockComment, false
		}
		return i + j + 4, tokBlockComment, true
	case c == '<' && At(src, i+1) == '<':
		end, ok = skipHeredoc(src, i+2)
		return end, tokHeredoc, ok
	}
	return i + 1, tokOther, true
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
		case startsToken(c):
			j, _, ok := skip(src, i)
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
			case At(src, i+1) == c && At(src, i+2) == '{':
				i += 3 // $${ and %%{ are literal
			case At(src, i+1) == '{':
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
	if At(src, i) == '-' {
		i++
	}
	if !IsIdentStart(At(src, i)) {
		return 0, false
	}
	j := identEnd(src, i)
	marker := src[i:j]
	if At(src, j) == '\r' {
		j++
	}
	if At(src, j) != '\n' {
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

// skipSpace skips blanks and comments, and newlines when lines is set.
// Without lines, a line comment is not skipped (it ends the line) and
// neither is a block comment spanning lines. An unclosed block comment
// stays put: the caller refuses what follows.
func skipSpace(src []byte, i int, lines bool) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\n' && lines:
			i++
		case c == '#' || c == '/':
			j, k, ok := skip(src, i)
			switch {
			case !ok || k == tokOther || (k == tokLineComment && !lines):
				return i
			case k == tokBlockComment && !lines && bytes.IndexByte(src[i:j], '\n') >= 0:
				return i
			}
			i = j
		default:
			return i
		}
	}
	return i
}

// commentAt reports whether a comment starts at i.
func commentAt(src []byte, i int) bool {
	c := src[i]
	return c == '#' || (c == '/' && (At(src, i+1) == '/' || At(src, i+1) == '*'))
}

// At returns src[i], or 0 when i is past its end.
func At(src []byte, i int) byte {
	if i < len(src) {
		return src[i]
	}
	return 0
}

// IsIdentStart reports whether an HCL identifier may start with the
// ASCII byte c.
func IsIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// identEnd returns the index after the ASCII identifier starting at i:
// letters, digits, '_' and '-'.
func identEnd(src []byte, i int) int {
	for i < len(src) {
		c := src[i]
		if !(IsIdentStart(c) || c == '-' || (c >= '0' && c <= '9')) {
			break
		}
		i++
	}
	return i
}

// isASCII reports whether b holds only ASCII bytes, eight at a time:
// BodyScanner.Start checks every block it reads.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func toEOL(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

package report

import (
	"strconv"

	"github.com/emrguard/emrguard/model"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable returns s with every character a terminal or a viewer could
// obey rather than show — C0 and C1 controls (ESC starts ANSI and OSC 8
// hyperlink sequences, U+009B is a one-character CSI), DEL, line and
// paragraph separators, the bidirectional overrides of "Trojan Source",
// and invalid UTF-8 — written as a Go escape (\x1b, \n, \u202e). File
// names, resource names, values and messages come from inputs nobody
// reviewed; the table, markdown, HTML and JUnit writers pass them through
// here. Text without such characters is returned as is, without copying.
func printable(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if hidden(r, n) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case !hidden(r, n):
			b.WriteString(s[i : i+n])
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(r)|0x100, 16)[1:])
		default:
			q := strconv.QuoteRuneToASCII(r) // '\u009b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}

// hidden reports whether r (n bytes long) is shown escaped.
func hidden(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1:
		return true
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\u200e', r == '\u200f', r == '\u061c':
		return true
	}
	return unicode.Is(unicode.Cc, r)
}

// printableRef is ref with its names and file printable, for writers that
// print a Ref through its String method.
func printableRef(ref model.Ref) model.Ref {
	ref.Kind, ref.ID, ref.Name = printable(ref.Kind), printable(ref.ID), printable(ref.Name)
	ref.Loc.File = printable(ref.Loc.File)
	ref.Account, ref.Region = printable(ref.Account), printable(ref.Region)
	return ref
}

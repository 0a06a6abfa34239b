package hclscan

import (
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var lexSeeds = []string{
	"a = 1 # c\nb = 2 // d", "a = 1 # c\r\nb = 2", "/* x */ a = 1", "a = /* x\n y */ 1", "a = \"x${\"y\"}\"\n",
	"a = \"$${x} %%{y} \\\" ${ {b = \"}\"} }\"\n", "a = \"%{ if x }${y}%{ endif }\"\n", "a = <<EOT\nx\n  EOT\nb = 1",
	"a = <<-EOT\n  x ${\"}\"}\n  EOT\n", "a = <<EOT\r\nx\r\nEOT\r\n", "a = [\"x\", # c\n  <<EOT\n\"\nEOT\n]\n",
	"a = \"${<<EOT\nx\nEOT\n}\"\n", "a = 1 /* c */ # d\n", "a = \"x # not a comment\"\n", "a = 1 /* // */\n",
}

func TestLexMatchesHCL(t *testing.T) {
	n := 0
	for _, s := range append(lexSeeds, cluster, string(tricky(t))) {
		n += checkLex(t, []byte(s))
	}
	if n < 40 {
		t.Errorf("only %d tokens compared", n)
	}
}

func FuzzLex(f *testing.F) {
	for _, s := range append(lexSeeds, cluster, string(tricky(f))) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkLex(t, src) })
}

// checkLex: at each comment, quoted string and heredoc hclsyntax's lexer
// finds, skip finds the same and ends where hclsyntax's token ends, but
// for the line ending: a line comment leaves its newline out (hclsyntax
// keeps it), a heredoc's closing line keeps a \r (hclsyntax leaves it
// out). It returns how many tokens it compared.
func checkLex(t *testing.T, src []byte) int {
	t.Helper()
	if !utf8.Valid(src) {
		return 0 // the lexer's callers refuse it
	}
	toks, diags := hclsyntax.LexConfig(src, "f.tf", hcl.InitialPos)
	if diags.HasErrors() {
		return 0
	}
	n := 0
	for k, tok := range toks {
		var want tokenKind
		var close hclsyntax.TokenType
		switch tok.Type {
		case hclsyntax.TokenComment:
			want = tokLineComment
			if tok.Bytes[0] == '/' && tok.Bytes[1] == '*' {
				want = tokBlockComment
			}
		case hclsyntax.TokenOQuote:
			want, close = tokQuoted, hclsyntax.TokenCQuote
		case hclsyntax.TokenOHeredoc:
			want, close = tokHeredoc, hclsyntax.TokenCHeredoc
		default:
			continue
		}
		from, to := tok.Range.Start.Byte, tok.Range.End.Byte
		if close != 0 {
			to = -1
			depth := 0
			for _, c := range toks[k:] {
				if c.Type == tok.Type {
					depth++
				} else if c.Type == close {
					if depth--; depth == 0 {
						to = c.Range.End.Byte
						break
					}
				}
			}
			if to < 0 {
				continue // not closed: the parser says what is wrong
			}
		}
		end, kind, ok := skip(src, from)
		if !ok && (want == tokQuoted || want == tokHeredoc) && !parses(src) {
			continue // refused, and the parser would say what is wrong: "${<<0}"
		}
		switch {
		case !ok || kind != want:
			t.Fatalf("at %d: skip says %v (kind %d), hclsyntax a %v to %d", from, ok, kind, tok.Type, to)
		case end == to:
		case want == tokLineComment && end < to && string(src[end:to]) == "\n":
		case want == tokHeredoc && to < end && string(src[to:end]) == "\r":
		default:
			t.Fatalf("at %d: skip ends at %d, hclsyntax's %v at %d: %q", from, end, tok.Type, to, src[from:max(end, to)])
		}
		n++
	}
	return n
}

func parses(src []byte) bool {
	_, diags := hclsyntax.ParseConfig(src, "f.tf", hcl.InitialPos)
	return !diags.HasErrors()
}

// TestIsASCII: a non-ASCII byte is seen wherever it is, in the words of
// eight and in the tail.
func TestIsASCII(t *testing.T) {
	for n := range 20 {
		b := []byte("abcdefghijklmnopqrst")[:n]
		if !isASCII(b) {
			t.Fatalf("%q: not ASCII?", b)
		}
		for i := range n {
			c := append([]byte(nil), b...)
			c[i] = 0x80
			if isASCII(c) {
				t.Fatalf("%q: ASCII?", c)
			}
		}
	}
}

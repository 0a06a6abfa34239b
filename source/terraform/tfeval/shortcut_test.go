package tfeval

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var literalSeeds = []string{`"abc"`, `"a b/c:d"`, `""`, `"${x}"`, `"a\"b"`, `8443`, `true`, `false`, `null`, `true.x`,
	`var.x`, `"$"`, `"a$b"`, `"$${x}"`, `"%{if x}y%{endif}"`, `"100%"`, `"é"`, `"tab	here"`, `"a" "b"`, `"a"b"`}

// TestLiteralMatchesParser: eval's literal shortcut gives what the
// parsed expression evaluates to.
func TestLiteralMatchesParser(t *testing.T) {
	n := 0
	for _, s := range literalSeeds {
		if checkLiteral(t, s) {
			n++
		}
	}
	if n < 5 {
		t.Errorf("only %d seeds taken as literals", n)
	}
}

func FuzzLiteral(f *testing.F) {
	for _, s := range literalSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkLiteral(t, s) })
}

func checkLiteral(t *testing.T, s string) bool {
	t.Helper()
	v, ok := literal([]byte(s))
	if !ok {
		return false
	}
	x, diags := hclsyntax.ParseExpression([]byte(s), "f.tf", hcl.Pos{Line: 3, Column: 12, Byte: 40})
	if diags.HasErrors() {
		t.Fatalf("%q: literal %#v; HCL says %v", s, v, diags)
	}
	if want, diags := x.Value(nil); diags.HasErrors() || !v.RawEquals(want) {
		t.Fatalf("%q: literal %#v, HCL evaluates %#v (%v)", s, v, want, diags)
	}
	return true
}

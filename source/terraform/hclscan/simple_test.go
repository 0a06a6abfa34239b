package hclscan

import (
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var simpleSeeds = []string{`"abc"`, `"a b/c:d"`, `""`, `"${x}"`, `"a\"b"`, `8443`, `0`, `007`, `1.5`, `true`, `false`, `null`,
	`var.x`, `aws_security_group.g.id`, `local.a_b`, `a-b`, `true.x`, `var.x[0]`, `x.`, `f(x)`, `count.index`,
	`["0.0.0.0/0"]`, `[]`, `[ ]`, `["a", "b",]`, `[aws_security_group.g.id]`, `["a","b"]`, `["a" "b"]`, `[[1]]`, `["a,b", 1, true, null]`, `[ , ]`, `[a.b , c]`,
	`"${local.name}-sc"`, `"s3://${local.bucket}/emr/x/"`, `"${var.x}"`, `"${a}${b}"`, `"a${b}c${d.e}f"`, `"$"`, `"a$b"`, `"$${x}"`, `"${~x}"`,
	`"${ x }"`, `"${x-y}"`, `"${true}"`, `"${1}"`, `"${x[0]}"`, `"${x}}"`, `"${"`, `"%{if x}y%{endif}"`, `"${a.b.c}"`, `"100%"`, `"a%b"`, `"é"`, `"tab	here"`}

func TestSimpleExprMatchesParser(t *testing.T) {
	for _, s := range simpleSeeds {
		checkSimple(t, s)
	}
}

func FuzzSimpleExpr(f *testing.F) {
	for _, s := range simpleSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkSimple(t, s) })
}

func checkSimple(t *testing.T, s string) {
	t.Helper()
	start := hcl.Pos{Line: 3, Column: 12, Byte: 40}
	got, ok := SimpleExpr([]byte(s), "f.tf", start)
	if !ok {
		return
	}
	want, diags := hclsyntax.ParseExpression([]byte(s), "f.tf", start)
	if diags.HasErrors() {
		t.Fatalf("%q: built a tree; HCL says %v", s, diags)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", s, got, want)
	}
}

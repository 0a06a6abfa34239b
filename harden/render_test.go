package harden

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestHCLValue: what hclValue writes parses as HCL and evaluates to the
// value given, template sequences and escapes included.
func TestHCLValue(t *testing.T) {
	in := map[string]any{
		"plain": "a", "tmpl": "x${var.y}%{if z}", "quote": "say \"hi\"\\ \n\tend", "ctl": "\x01",
		"list": []any{true, 2, "s"}, "key with:colon": map[string]any{"n": 1.5}, "empty": []any{},
	}
	src := hclValue(in, 0)
	expr, diags := hclsyntax.ParseExpression([]byte(src), "v.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s\n%v", src, diags)
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s\n%v", src, diags)
	}
	for k, want := range map[string]string{"plain": "a", "tmpl": "x${var.y}%{if z}", "quote": "say \"hi\"\\ \n\tend", "ctl": "\x01"} {
		if got := v.GetAttr(k).AsString(); got != want {
			t.Errorf("%s = %q, want %q\n%s", k, got, want, src)
		}
	}
	if n, _ := v.GetAttr("key with:colon").GetAttr("n").AsBigFloat().Float64(); n != 1.5 {
		t.Errorf("nested number = %v", n)
	}
	if v.GetAttr("list").LengthInt() != 3 || v.GetAttr("empty").LengthInt() != 0 {
		t.Errorf("lists: %s", src)
	}
}

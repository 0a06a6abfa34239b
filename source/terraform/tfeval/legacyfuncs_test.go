package tfeval

import "testing"

// Ensure mayCallLegacy, the byte search that spares lexing, lets through
// every call and no type constraint.
func TestMayCallLegacy(t *testing.T) {
	for src, want := range map[string]bool{
		`type = list(string)`:                    false,
		`type = map( object({a = string}) )`:     false,
		`x = tolist(["a"])`:                      false,
		`x = tomap({a = 1})`:                     false,
		`x = list("a")`:                          true,
		`x = "${map("a", var.b)}"`:               true,
		`x = list()`:                             true,
		`x = merge(var.m, map("k", local.list))`: true,
		`x = list(var.a, local.b)`:               true,
	} {
		if got := mayCallLegacy([]byte(src)); got != want {
			t.Errorf("mayCallLegacy(%s) = %v, want %v", src, got, want)
		}
	}
}

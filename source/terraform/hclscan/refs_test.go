package hclscan

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var refSeeds = []string{
	"a = local.a + var.b", "x = -local.a", "x = local .\n a", "x = local.caf\u00e9", "# caf\u00e9\nx = local.a",
	"x = \"${local.a}-${data.aws_vpc.main.id}\"", "x = data . t /* c */ . n", "x = [for v in var.l : v.name if local.ok]",
	"x = a.b[0].c", "x = a[0].b", "x = a.0.b", "x = f(a.b, c.d.e)", "x = { k = a.b }\nb { y = c.d }",
	"x = <<EOT\n${local.a}\nEOT\n", "x = a-b.c", "x = x.y.z.w", "x = data.t", "x = data.t[0].n",
}

func TestRefScanFindsHCLRefs(t *testing.T) {
	n := 0
	for _, s := range append(refSeeds, cluster, string(tricky(t))) {
		n += checkRefs(t, []byte(s))
	}
	if n < 25 {
		t.Errorf("only %d references compared", n)
	}
}

func FuzzRefScan(f *testing.F) {
	for _, s := range append(refSeeds, cluster, string(tricky(f))) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkRefs(t, src) })
}

// checkRefs: for source hclsyntax parses, RefScan visits (a, b) for
// every traversal a.b in the variables of any argument, at any depth of
// blocks, and (data, t, n) for every data.t.n; or it returns false. It
// may visit more. It returns how many references it compared.
func checkRefs(t *testing.T, src []byte) int {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, "f.tf", hcl.InitialPos)
	if diags.HasErrors() {
		RefScan(src, func(a, b, c []byte) {}) // no panic, no endless loop
		return 0
	}
	seen := map[[3]string]bool{}
	if !RefScan(src, func(a, b, c []byte) {
		seen[[3]string{string(a), string(b)}] = true
		if c != nil {
			seen[[3]string{string(a), string(b), string(c)}] = true
		}
	}) {
		return 0
	}
	n := 0
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			for _, tr := range a.Expr.Variables() {
				want, ok := ref(tr)
				if !ok {
					continue
				}
				if !seen[want] {
					t.Fatalf("%s: RefScan does not see %q", a.Name, want)
				}
				n++
			}
		}
		for _, nb := range b.Blocks {
			walk(nb.Body)
		}
	}
	walk(f.Body.(*hclsyntax.Body))
	return n
}

// ref is what RefScan must visit for tr: a.b, or data.t.n.
func ref(tr hcl.Traversal) (r [3]string, ok bool) {
	if len(tr) < 2 {
		return r, false
	}
	b, ok := tr[1].(hcl.TraverseAttr)
	if !ok {
		return r, false
	}
	r[0], r[1] = tr.RootName(), b.Name
	if r[0] != "data" {
		return r, true
	}
	if len(tr) < 3 {
		return r, true
	}
	if c, ok := tr[2].(hcl.TraverseAttr); ok {
		r[2] = c.Name
	}
	return r, true
}

// TestRefScanRefuses: a non-ASCII name next to a dot makes the scan give
// up (the flat reading then reads the module sequentially); one in a
// comment does not.
func TestRefScanRefuses(t *testing.T) {
	cases := []struct {
		src  string
		want bool // scanned
	}{
		{"local.a + var.b", true},
		{"x = -local.a", true},
		{"local .\n a", true},
		{"local.caf\u00e9", false},
		{"# caf\u00e9\nlocal.a", true},
	}
	for _, c := range cases {
		var got []string
		ok := RefScan([]byte(c.src), func(a, b, _ []byte) { got = append(got, string(a)+"."+string(b)) })
		if ok != c.want {
			t.Errorf("%q: scanned %v, want %v", c.src, ok, c.want)
		}
		if ok && len(got) == 0 {
			t.Errorf("%q: no reference found", c.src)
		}
	}
}

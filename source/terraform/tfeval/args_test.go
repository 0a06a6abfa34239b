package tfeval

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// argsSrc has a block not at line 1 column 1, arguments after comments, spanning lines, ending in a heredoc, nested
// two deep, and a body past dupScan arguments.
func argsSrc() string {
	var b strings.Builder
	b.WriteString("# lead\n\n  resource \"aws_s3_bucket\" \"b\" {\n bucket = \"b\"\n")
	b.WriteString("  /* c */ tags = {\n    a = \"x\" # }\n  }\n")
	b.WriteString("  policy = <<EOT\n{\"k\": \"v\"}\nEOT\n")
	b.WriteString("  rule {\n    id = 1\n    filter { prefix = \"p/${1 + 1}\" }\n  }\n")
	for i := range dupScan + 8 {
		fmt.Fprintf(&b, "  a%d = [%d,\n    %d]\n", i, i, i+1)
	}
	b.WriteString("}\n")
	return b.String()
}

// TestScannedArgsMatchHCL: every argument read through content's
// accessors (attr, expr, has, all, attrMap) from a scanned body is the
// one HCL's parse of the same source gives: name, ranges, expression
// range and value.
func TestScannedArgsMatchHCL(t *testing.T) {
	src := []byte(argsSrc())
	blocks, ok := hclscan.ScanTop(src)
	if !ok || len(blocks) != 1 {
		t.Fatalf("scanTop: %v, %d blocks", ok, len(blocks))
	}
	got, ok := scanBlockBody(&blocks[0], "a.tf", nil)
	if !ok {
		t.Fatal("body scan gave up")
	}
	f, diags := hclsyntax.ParseConfig(src, "a.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want, _ := contentOf(f.Body.(*hclsyntax.Body).Blocks[0].Body, nil)
	sameArgs(t, "resource", got, want)
}

func sameArgs(t *testing.T, where string, got, want content) {
	t.Helper()
	if got.sc == nil {
		t.Fatalf("%s: not a scanned body", where)
	}
	if got.numAttrs() != want.numAttrs() || len(got.attrMap()) != want.numAttrs() {
		t.Fatalf("%s: %d arguments (map %d), HCL has %d", where, got.numAttrs(), len(got.attrMap()), want.numAttrs())
	}
	n := 0
	for name, g := range got.all() {
		n++
		w := want.attr(name)
		if w == nil || !got.has(name) || got.attr(name) != g {
			t.Fatalf("%s.%s: HCL has %v; has %v; attr gives %p, all %p", where, name, w != nil, got.has(name), got.attr(name), g)
		}
		if x, rng, ok := got.expr(name); !ok || x != g.Expr || rng != g.Range {
			t.Fatalf("%s.%s: expr gives %v %v %v, the Attribute %v %v", where, name, ok, x, rng, g.Expr, g.Range)
		}
		wr, we := w.Range, w.Expr.Range()
		if _, ok := unwrap(w.Expr).(*hclsyntax.TemplateExpr); ok && name == "policy" {
			// A heredoc argument ends past the newline after its marker,
			// which HCL's parser needs to see (skipExpr), as on main.
			end := hcl.Pos{Line: wr.End.Line + 1, Column: 1, Byte: wr.End.Byte + 1}
			wr.End, we.End = end, end
		}
		if g.Name != w.Name || g.Range != wr || g.NameRange != w.NameRange || g.Expr.Range() != we {
			t.Errorf("%s.%s: %q %v name %v expr %v\nHCL: %q %v name %v expr %v", where, name,
				g.Name, g.Range, g.NameRange, g.Expr.Range(), w.Name, wr, w.NameRange, we)
		}
		gv, gd := g.Expr.Value(nil)
		wv, wd := w.Expr.Value(nil)
		if gd.HasErrors() || wd.HasErrors() || !gv.RawEquals(wv) {
			t.Errorf("%s.%s = %#v (%v), HCL %#v (%v)", where, name, gv, gd, wv, wd)
		}
	}
	if _, _, ok := got.expr("absent"); ok || n != want.numAttrs() || got.attr("absent") != nil || got.has("absent") {
		t.Fatalf("%s: all gave %d arguments, or an absent one was found", where, n)
	}
	for i, w := range want.blocks {
		gc, _ := contentOf(got.blocks[i].Body, nil)
		wc, _ := contentOf(w.Body, nil)
		sameArgs(t, where+"."+w.Type, gc, wc)
	}
}

// TestScanDuplicateArgument: a body naming an argument twice, before and
// past dupScan arguments, is not scanned, so HCL's parse reports it.
func TestScanDuplicateArgument(t *testing.T) {
	for _, before := range []int{0, dupScan - 1, dupScan + 3} {
		var b strings.Builder
		b.WriteString("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"a\"\n")
		for i := range before {
			fmt.Fprintf(&b, "  a%d = %d\n", i, i)
		}
		b.WriteString("  nested {\n    bucket = 1\n  }\n  bucket = \"b\"\n}\n")
		src := b.String()
		blocks, _ := hclscan.ScanTop([]byte(src))
		if _, ok := scanBlockBody(&blocks[0], "d.tf", nil); ok {
			t.Errorf("%d arguments between: the scan took a duplicate argument", before)
		}
		line := before + 6
		_, diags := evalFiles(t, map[string]string{"main.tf": src})
		if !hasDiag(diags, "main.tf", line, "Attribute redefined") {
			t.Errorf("%d arguments between: want HCL's \"Attribute redefined\" at main.tf:%d, got %v", before, line, diags)
		}
	}
}

// TestScannedAttrConcurrent: goroutines asking for the same argument get
// the same Attribute (go test -race checks the cache).
func TestScannedAttrConcurrent(t *testing.T) {
	src := []byte(argsSrc())
	blocks, _ := hclscan.ScanTop(src)
	c, ok := scanBlockBody(&blocks[0], "a.tf", nil)
	if !ok {
		t.Fatal("body scan gave up")
	}
	got := make([]*hcl.Attribute, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = c.attr("bucket") })
	}
	wg.Wait()
	for _, a := range got {
		if a == nil || a != got[0] {
			t.Fatalf("attr gave %v, want one Attribute for all", got)
		}
	}
}

// BenchmarkScanBlockBody scans a resource of 40 arguments and two nested
// blocks; B/op is what a scanned body costs before anything is read.
func BenchmarkScanBlockBody(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("resource \"aws_security_group\" \"g\" {\n")
	for i := range 40 {
		fmt.Fprintf(&sb, "  arg_%d = \"value-%d\"\n", i, i)
	}
	sb.WriteString("  ingress {\n    from_port = 22\n    to_port = 22\n  }\n  egress {\n    from_port = 0\n  }\n}\n")
	blocks, ok := hclscan.ScanTop([]byte(sb.String()))
	if !ok {
		b.Fatal("scanTop gave up")
	}
	for b.Loop() {
		if _, ok := scanBlockBody(&blocks[0], "b.tf", nil); !ok {
			b.Fatal("body scan gave up")
		}
	}
}

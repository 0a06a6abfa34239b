package tfeval

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// TestScanMatchesParser checks that a scanned body gives the arguments,
// blocks, positions and values HCL's own parser gives.
func TestScanMatchesParser(t *testing.T) {
	src, err := os.ReadFile("../hclscan/testdata/tricky.tf") // what a block scan must step over
	if err != nil {
		t.Fatal(err)
	}
	blocks, _ := hclscan.ScanTop(src)
	f, diags := hclsyntax.ParseConfig(src, "t.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	parsed := f.Body.(*hclsyntax.Body).Blocks
	if len(parsed) != len(blocks) {
		t.Fatalf("%d blocks scanned, %d parsed", len(blocks), len(parsed))
	}
	for i := range blocks {
		c, ok := scanBlockBody(&blocks[i], "t.tf", nil)
		if !ok {
			t.Fatalf("block %d: body scan gave up", i)
		}
		want, _ := contentOf(parsed[i].Body, nil)
		compareContent(t, fmt.Sprintf("%s %v", blocks[i].Type, blocks[i].Labels), c, want)
	}
}

func compareContent(t *testing.T, where string, got, want content) {
	t.Helper()
	if got.numAttrs() != want.numAttrs() || len(got.blocks) != len(want.blocks) {
		t.Fatalf("%s: %d attrs %d blocks, want %d and %d", where, got.numAttrs(), len(got.blocks), want.numAttrs(), len(want.blocks))
	}
	ctx := &hcl.EvalContext{Functions: baseFuncs, Variables: map[string]cty.Value{
		"local": cty.ObjectVal(map[string]cty.Value{"c": cty.TupleVal([]cty.Value{cty.StringVal("x")})}),
	}}
	for name, w := range want.all() {
		g := got.attr(name)
		if g == nil {
			t.Fatalf("%s: no %s", where, name)
		}
		if g.Range.Start != w.Range.Start || g.Expr.Range().Start != w.Expr.Range().Start {
			t.Errorf("%s.%s at %v (expr %v), want %v (expr %v)", where, name, g.Range.Start, g.Expr.Range().Start, w.Range.Start, w.Expr.Range().Start)
		}
		if name == "content" || name == "for_each" {
			continue
		}
		gv, gd := g.Expr.Value(ctx)
		wv, wd := w.Expr.Value(ctx)
		if gd.HasErrors() != wd.HasErrors() || (!wd.HasErrors() && !gv.RawEquals(wv)) {
			t.Errorf("%s.%s = %#v (%v), want %#v (%v)", where, name, gv, gd, wv, wd)
		}
	}
	for i, w := range want.blocks {
		g := got.blocks[i]
		if g.Type != w.Type || fmt.Sprint(g.Labels) != fmt.Sprint(w.Labels) || g.DefRange.Start != w.DefRange.Start {
			t.Errorf("%s: block %d is %s%v at %v, want %s%v at %v", where, i, g.Type, g.Labels, g.DefRange.Start, w.Type, w.Labels, w.DefRange.Start)
		}
		gc, _ := contentOf(g.Body, nil)
		wc, _ := contentOf(w.Body, nil)
		compareContent(t, where+"."+w.Type, gc, wc)
	}
}

// TestArgumentSyntaxError: an argument that does not parse is reported at
// its file:line:col once, even when its resource is scanned again, and
// the rest of the module is read.
func TestArgumentSyntaxError(t *testing.T) {
	var b strings.Builder
	b.WriteString("resource \"aws_s3_bucket\" \"bad\" {\n  bucket = 1 +\n}\n")
	for i := range maxParsed + 10 { // drops bad's body, then refers to it
		fmt.Fprintf(&b, "resource \"aws_s3_bucket\" \"b%d\" {\n  bucket = \"b%d\"\n}\n", i, i)
	}
	b.WriteString("resource \"aws_s3_bucket_logging\" \"l\" {\n  bucket = aws_s3_bucket.bad.bucket\n  target_bucket = \"t\"\n}\n")
	read, diags := evalFiles(t, map[string]string{"main.tf": b.String()})
	n := 0
	for _, d := range diags {
		if strings.HasSuffix(d.At.File, "main.tf") && d.At.Line == 2 && d.At.Col == 15 && strings.Contains(d.Msg, "end of the argument") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("want one diagnostic at main.tf:2:15, got %d in %v", n, diags)
	}
	buckets := 0
	for _, a := range read {
		if strings.HasPrefix(a, "aws_s3_bucket.") {
			buckets++
		}
	}
	if buckets != maxParsed+11 {
		t.Fatalf("read %d buckets, want %d", buckets, maxParsed+11)
	}
}

// TestFallbackKeepsPositions: a block the scan does not follow is parsed
// by HCL at its place in the file, so its diagnostics keep file:line:col.
func TestFallbackKeepsPositions(t *testing.T) {
	src := "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n\nresource \"aws_s3_bucket\" \"é\" {\n  bucket = = \"b\"\n}\n"
	_, diags := evalFiles(t, map[string]string{"main.tf": src})
	if !hasDiag(diags, "main.tf", 6, "") {
		t.Fatalf("want a diagnostic at main.tf:6, got %v", diags)
	}
}

// Ensure osRead returns a file whole, refuses one over the limit before
// reading it, and tells Seen of what it read.
func TestOSRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "a.tf")
	if err := os.WriteFile(small, []byte("locals {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := osRead(100)(small)
	if err != nil || string(data) != "locals {}\n" {
		t.Fatalf("small file: %q, %v", data, err)
	}
	if _, err := osRead(5)(small); err == nil || !strings.Contains(err.Error(), "over the 5 bytes limit") {
		t.Errorf("over the limit: %v", err)
	}
	var got []string
	read := Options{MaxFileSize: 100, Seen: func(p string, b []byte) { got = append(got, p+"="+string(b)) }}.reader()
	if _, err := read(small); err != nil || len(got) != 1 || got[0] != small+"=locals {}\n" {
		t.Errorf("Seen told %q, %v", got, err)
	}
}

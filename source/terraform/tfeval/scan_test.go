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
)

// tricky holds what a block scan must step over: braces in strings, in
// interpolations with nested strings, in heredocs and comments, escaped
// interpolation, one-line blocks, labels without quotes.
const tricky = `# a } comment
/* a { block
comment */
variable "v" {
  default = "}{"
  type    = string
}

locals {
  a = "${jsonencode({ k = "}" })}"   # }
  b = "$${not} %%{this}"
  c = [
    "x", // }
    "y",
  ]
  d = <<-EOT
    { unbalanced
    EOT
  e = { k = "v" }
}

resource "aws_security_group" "g" {
  name = "g-${local.c[0]}"
  ingress {
    from_port = 22
    to_port   = 22
    cidr_blocks = ["10.0.0.0/8"] # {
  }
  egress { from_port = 0 }
  dynamic "ingress" {
    for_each = []
    content {}
  }
  policy = <<EOF
{"a": "}"}
EOF
}

data aws_caller_identity me {}
`

func TestScanTopSplitsBlocks(t *testing.T) {
	blocks, ok := scanTop([]byte(tricky))
	if !ok {
		t.Fatal("scanTop gave up on valid HCL")
	}
	var got []string
	for _, b := range blocks {
		got = append(got, fmt.Sprintf("%s%q@%d:%d", b.typ, b.labels, b.pos.Line, b.pos.Column))
	}
	want := []string{`variable["v"]@4:1`, `locals[]@9:1`, `resource["aws_security_group" "g"]@22:1`, `data["aws_caller_identity" "me"]@39:1`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("blocks:\n got %v\nwant %v", got, want)
	}
	for _, b := range blocks {
		if b.src[len(b.src)-1] != '}' {
			t.Errorf("%s does not end at its brace: %q", b.typ, b.src)
		}
	}
}

func TestScanTopGivesUp(t *testing.T) {
	for name, src := range map[string]string{
		"top-level attribute":  "a = 1\n",
		"unbalanced":           "resource \"a\" \"b\" {\n  x = {\n}\n",
		"unterminated string":  "resource \"a\" \"b\" {\n  x = \"abc\n}\n",
		"unterminated heredoc": "resource \"a\" \"b\" {\n  x = <<EOT\nabc\n}\n",
		"non-ASCII before":     "  é resource \"a\" \"b\" {}\n",
		"escaped label":        "resource \"a\\\"\" \"b\" {}\n",
		"unterminated comment": "/* resource \"a\" \"b\" {}\n",
		"two blocks on a line": "a {} b {}\n",
	} {
		if _, ok := scanTop([]byte(src)); ok {
			t.Errorf("%s: scanTop followed it; HCL's parser must see it", name)
		}
	}
}

// TestScanMatchesParser checks that a scanned body gives the arguments,
// blocks, positions and values HCL's own parser gives.
func TestScanMatchesParser(t *testing.T) {
	src := []byte(tricky)
	blocks, _ := scanTop(src)
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
		compareContent(t, fmt.Sprintf("%s %v", blocks[i].typ, blocks[i].labels), c, want)
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

// FuzzScan: no input makes the scanners panic or loop, and what they
// follow parses.
func FuzzScan(f *testing.F) {
	f.Add([]byte(tricky))
	f.Add([]byte("resource \"a\" \"b\" {\n  x = \"${\"\n}\n"))
	f.Add([]byte("a {\n b = <<X\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		blocks, ok := scanTop(src)
		if !ok {
			return
		}
		f, diags := hclsyntax.ParseConfig(src, "f.tf", hcl.InitialPos)
		parsed := f.Body.(*hclsyntax.Body).Blocks
		if !diags.HasErrors() && len(parsed) != len(blocks) {
			t.Fatalf("scanned %d blocks, HCL parsed %d", len(blocks), len(parsed))
		}
		for i := range blocks {
			c, ok := scanBlockBody(&blocks[i], "f.tf", nil)
			if diags.HasErrors() {
				continue
			}
			if blocks[i].pos != parsed[i].TypeRange.Start || blocks[i].typ != parsed[i].Type {
				t.Fatalf("block %d: %s at %v, HCL says %s at %v", i, blocks[i].typ, blocks[i].pos, parsed[i].Type, parsed[i].TypeRange.Start)
			}
			if ok {
				want, _ := contentOf(parsed[i].Body, nil)
				sameShape(t, c, want)
			}
		}
	})
}

// sameShape: the same arguments at the same places, the same blocks.
func sameShape(t *testing.T, got, want content) {
	t.Helper()
	if got.numAttrs() != want.numAttrs() || len(got.blocks) != len(want.blocks) {
		t.Fatalf("%d attrs %d blocks, HCL says %d and %d", got.numAttrs(), len(got.blocks), want.numAttrs(), len(want.blocks))
	}
	for name, w := range want.all() {
		g := got.attr(name)
		if g == nil || g.Expr.Range().Start != w.Expr.Range().Start {
			t.Fatalf("argument %s differs from HCL's", name)
		}
		if _, d := g.Expr.Value(nil); d.HasErrors() && func() bool { _, wd := w.Expr.Value(nil); return !wd.HasErrors() }() {
			t.Fatalf("argument %s: %v, HCL evaluates it", name, d)
		}
	}
	for i, w := range want.blocks {
		gc, _ := contentOf(got.blocks[i].Body, nil)
		wc, _ := contentOf(w.Body, nil)
		sameShape(t, gc, wc)
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

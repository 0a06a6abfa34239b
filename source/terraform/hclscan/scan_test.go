package hclscan

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// tricky (testdata/tricky.tf) holds what a block scan must step over:
// braces in strings, in interpolations with nested strings, in heredocs
// and comments, escaped interpolation, one-line blocks, labels without
// quotes.
func tricky(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/tricky.tf")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cluster is a resource as configurations write them.
const cluster = `resource "aws_emr_cluster" "c" {
  name          = "${local.name}-emr"
  release_label = "emr-6.15.0"
  applications  = ["Spark", "Hive"]
  service_role  = aws_iam_role.emr.arn
  log_uri       = "s3://${aws_s3_bucket.logs.bucket}/emr/"

  security_configuration = aws_emr_security_configuration.sc.name

  ec2_attributes {
    subnet_id                         = var.subnet_ids[0]
    emr_managed_master_security_group = aws_security_group.master.id
    instance_profile                  = aws_iam_instance_profile.emr.arn
  }

  master_instance_group {
    instance_type = "m5.xlarge"
    ebs_config {
      size = 64
      type = "gp3"
    }
  }

  configurations_json = jsonencode([{
    Classification = "spark-defaults"
    Properties     = { "spark.dynamicAllocation.enabled" = "true" }
  }])

  tags = merge(local.tags, { Name = "c" }) # the cluster
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["elasticmapreduce.amazonaws.com"]
    }
  }
}

resource "aws_security_group" "master" {
  vpc_id = data.aws_vpc.main.id
  dynamic "ingress" {
    for_each = var.open ? [1] : []
    content {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = [for c in var.cidrs : c if c != "0.0.0.0/0"]
    }
  }
  policy = <<-EOT
    {"Statement": [{"Resource": "${aws_s3_bucket.logs.arn}/*"}]}
    EOT
  egress { from_port = 0 }
}
`

func TestScanTopSplitsBlocks(t *testing.T) {
	blocks, ok := ScanTop(tricky(t))
	if !ok {
		t.Fatal("ScanTop gave up on valid HCL")
	}
	var got []string
	for _, b := range blocks {
		got = append(got, fmt.Sprintf("%s%q@%d:%d", b.Type, b.Labels, b.Pos.Line, b.Pos.Column))
	}
	want := []string{`variable["v"]@4:1`, `locals[]@9:1`, `resource["aws_security_group" "g"]@22:1`, `data["aws_caller_identity" "me"]@39:1`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("blocks:\n got %v\nwant %v", got, want)
	}
	for _, b := range blocks {
		if b.Src[len(b.Src)-1] != '}' {
			t.Errorf("%s does not end at its brace: %q", b.Type, b.Src)
		}
	}
}

// givesUp is what ScanTop must leave to HCL's parser.
var givesUp = map[string]string{
	"top-level attribute":  "a = 1\n",
	"unbalanced":           "resource \"a\" \"b\" {\n  x = {\n}\n",
	"unterminated string":  "resource \"a\" \"b\" {\n  x = \"abc\n}\n",
	"unterminated heredoc": "resource \"a\" \"b\" {\n  x = <<EOT\nabc\n}\n",
	"non-ASCII before":     "  é resource \"a\" \"b\" {}\n",
	"escaped label":        "resource \"a\\\"\" \"b\" {}\n",
	"unterminated comment": "/* resource \"a\" \"b\" {}\n",
	"two blocks on a line": "a {} b {}\n",
	"invalid UTF-8":        "a {\n  b = \"${\xc4\"}\"}\"\n}\n", // HCL takes the inner quote into the bad character
}

func TestScanTopGivesUp(t *testing.T) {
	for name, src := range givesUp {
		if _, ok := ScanTop([]byte(src)); ok {
			t.Errorf("%s: ScanTop followed it; HCL's parser must see it", name)
		}
	}
}

// TestScanMatchesParser runs the fuzz test's check on the seeds, and
// checks the scan read the bodies of the valid ones.
func TestScanMatchesParser(t *testing.T) {
	for _, src := range [][]byte{tricky(t), []byte(cluster)} {
		if n := checkScan(t, src); n == 0 {
			t.Fatalf("no body scanned in %s", src)
		}
	}
}

// TestBodyScanRefuses: what a body scan leaves to the parser.
func TestBodyScanRefuses(t *testing.T) {
	for name, src := range map[string]string{
		"non-ASCII":          "r {\n  a = \"é\"\n}",
		"name and expr":      "r {\n  a =\n 1\n}",
		"not a name":         "r {\n  1 = 2\n}",
		"comparison":         "r {\n  a == 2\n}",
		"label with newline": "r {\n  b \"x\ny\" {}\n}",
		"unclosed":           "r {\n  a = 1\n",
		"after the brace":    "r {\n}\nx",
		"empty expression":   "r {\n  a = # c\n}",
		"heredoc and more":   "r {\n  a = <<EOT\nx\nEOT }\n}",
		"extra bracket":      "r {\n  a = 1)\n}",
	} {
		var s BodyScanner
		if !s.Start([]byte(src), "f.tf", hcl.InitialPos) {
			continue
		}
		if _, ok := readBody(&s); ok {
			t.Errorf("%s: the body scan followed %q", name, src)
		}
	}
}

func FuzzScan(f *testing.F) {
	f.Add(tricky(f))
	f.Add([]byte(cluster))
	for _, s := range givesUp {
		f.Add([]byte(s))
	}
	f.Add([]byte("resource \"a\" \"b\" {\n  x = \"${\"\n}\n"))
	f.Add([]byte("a {\n b = <<X\n"))
	f.Add([]byte("a {\n b = [1,\n 2] /* c */\n c \"l\" m { d = 1 }\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) { checkScan(t, src) })
}

// checkScan: where ScanTop follows src and hclsyntax parses it, they
// find the same blocks, and every body the BodyScanner follows has the
// arguments (names, ranges) and nested blocks (types, labels, ranges)
// hclsyntax gives, recursively. It returns how many bodies it compared.
func checkScan(t *testing.T, src []byte) int {
	t.Helper()
	blocks, ok := ScanTop(src)
	if !ok {
		return 0
	}
	f, diags := hclsyntax.ParseConfig(src, "f.tf", hcl.InitialPos)
	if diags.HasErrors() {
		for _, b := range blocks { // no panic, no endless loop
			var s BodyScanner
			if s.Start(b.Src, "f.tf", b.Pos) {
				readBody(&s)
			}
		}
		return 0
	}
	top := f.Body.(*hclsyntax.Body)
	if len(top.Attributes) > 0 || len(top.Blocks) != len(blocks) {
		t.Fatalf("scanned %d blocks, HCL parsed %d and %d attributes", len(blocks), len(top.Blocks), len(top.Attributes))
	}
	n := 0
	for i, b := range blocks {
		p := top.Blocks[i]
		if b.Type != p.Type || fmt.Sprint(b.Labels) != fmt.Sprint(p.Labels) || b.Pos != p.TypeRange.Start {
			t.Fatalf("block %d: %s%q at %v, HCL says %s%q at %v", i, b.Type, b.Labels, b.Pos, p.Type, p.Labels, p.TypeRange.Start)
		}
		if r := p.Range(); string(b.Src) != string(src[r.Start.Byte:r.End.Byte]) {
			t.Fatalf("block %d: source %q, HCL's block is %q", i, b.Src, src[r.Start.Byte:r.End.Byte])
		}
		var s BodyScanner
		if !s.Start(b.Src, "f.tf", b.Pos) {
			continue
		}
		got, ok := readBody(&s)
		if !ok {
			continue
		}
		if s.Next() != Refused {
			t.Fatalf("block %d: the scan goes on past its end", i)
		}
		sameBody(t, fmt.Sprintf("%s%q", b.Type, b.Labels), b, got, p.Body)
		n++
	}
	return n
}

// body and block are what a BodyScanner read, as a tree.
type body struct {
	attrs  []Attr
	blocks []block
}

type block struct {
	h      Header
	labels []Label
	body   body
}

// readBody reads items up to the end of the body, or ok=false.
func readBody(s *BodyScanner) (b body, ok bool) {
	for {
		switch s.Next() {
		case EndItem:
			return b, true
		case AttrItem:
			b.attrs = append(b.attrs, s.Attr)
		case BlockItem:
			nb := block{h: s.Block}
			for k := range s.Block.NumLabels {
				nb.labels = append(nb.labels, s.Label(k))
			}
			if nb.body, ok = readBody(s); !ok {
				return b, false
			}
			b.blocks = append(b.blocks, nb)
		default:
			return b, false
		}
	}
}

func sameBody(t *testing.T, where string, top Block, got body, want *hclsyntax.Body) {
	t.Helper()
	if len(got.attrs) != len(want.Attributes) || len(got.blocks) != len(want.Blocks) {
		t.Fatalf("%s: %d arguments %d blocks, HCL says %d and %d", where, len(got.attrs), len(got.blocks), len(want.Attributes), len(want.Blocks))
	}
	base := top.Pos.Byte
	for _, a := range got.attrs {
		w := want.Attributes[a.Name]
		if w == nil {
			t.Fatalf("%s: argument %s, which HCL does not have", where, a.Name)
		}
		name := hcl.Range{Filename: "f.tf",
			Start: hcl.Pos{Line: int(a.Line), Column: int(a.NameCol), Byte: base + int(a.NameOff)},
			End:   hcl.Pos{Line: int(a.Line), Column: int(a.NameCol) + len(a.Name), Byte: base + int(a.NameOff) + len(a.Name)}}
		expr := hcl.Range{Filename: "f.tf",
			Start: hcl.Pos{Line: int(a.Line), Column: int(a.ExprCol), Byte: base + int(a.ExprOff)},
			End:   hcl.Pos{Line: int(a.EndLine), Column: int(a.EndCol), Byte: base + int(a.EndOff)}}
		wexpr := w.Expr.Range()
		if lo := wexpr.End.Byte - base; string(top.Src[a.ExprOff:a.ExprOff+2]) == "<<" && lo >= 0 && lo < len(top.Src) {
			// A heredoc: the scan keeps its closing newline, which HCL's
			// parser needs to see; hclsyntax's range ends before it.
			nl := 1
			if top.Src[lo] == '\r' {
				nl = 2
			}
			wexpr.End = hcl.Pos{Line: wexpr.End.Line + 1, Column: 1, Byte: wexpr.End.Byte + nl}
		}
		if name != w.NameRange || expr != wexpr {
			t.Fatalf("%s.%s: name at %v, expression at %v; HCL says %v and %v", where, a.Name, name, expr, w.NameRange, wexpr)
		}
	}
	for i, g := range got.blocks {
		w := want.Blocks[i]
		var labels []string
		var ranges []hcl.Range
		for _, l := range g.labels {
			labels = append(labels, l.Name)
			ranges = append(ranges, l.Range)
		}
		if g.h.Type != w.Type || g.h.TypeRange != w.TypeRange || g.h.DefRange != w.DefRange() ||
			len(labels)+len(w.Labels) > 0 && (!reflect.DeepEqual(labels, w.Labels) || !reflect.DeepEqual(ranges, w.LabelRanges)) {
			t.Fatalf("%s: block %d is %s%q at %v (%v, labels at %v), HCL says %s%q at %v (%v, %v)", where, i,
				g.h.Type, labels, g.h.TypeRange, g.h.DefRange, ranges, w.Type, w.Labels, w.TypeRange, w.DefRange(), w.LabelRanges)
		}
		sameBody(t, where+"."+w.Type, top, g.body, w.Body)
	}
}

package tfeval

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

const traverseModule = `
variable "s" { default = "x" }
variable "o" {
  default = { a = { b = [1, 2] }, n = null }
}
variable "none" {}
variable "ns" {
  type    = string
  default = null
}
locals {
  l   = { k = "v", list = ["p", "q"] }
  str = "text"
}
resource "aws_security_group" "g" {
  name   = "g"
  vpc_id = var.s
  tags   = { Team = "t" }
}
resource "aws_security_group" "b" {
  ingress {
    from_port = 1
  }
}
resource "aws_s3_bucket" "c" {
  count  = 2
  bucket = "b${count.index}"
}
resource "aws_s3_bucket" "e" {
  for_each = toset(["x"])
  bucket   = each.key
}
resource "aws_s3_bucket" "u" {
  count  = var.none
  bucket = "u"
}
variable "bad" {
  type    = number
  default = "x"
}
resource "aws_security_group" "e" {
  name = var.missing
}
resource "aws_iam_role" "n" {
  name = null
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["s3:GetObject"]
  }
}
`

// moduleDir writes text as the main.tf of a new folder.
func moduleDir(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// evalModule declares a fresh module of traverseModule: each evaluation
// gets its own, so memos do not hide a diagnostic from the second.
func evalModule(dir string) (*module, *source.Diagnostics) {
	diags := &source.Diagnostics{}
	cache := &parseCache{dirs: map[string][]File{}, read: Options{MaxFileSize: 1 << 20}.reader()}
	ld := &loader{diags: diags, rootDir: dir, rootVals: map[string]cty.Value{}, rootRaw: map[string]string{}, cache: cache}
	m := newModule(ld, dir, "", nil, nil)
	m.declare(ld.moduleFiles(dir, model.Loc{}, diags), diags)
	return m, diags
}

// TestTraverseMatchesScope holds eval's shortcut for a lone reference to
// what HCL gives with the scope built for it: the same value (marks and
// reasons included) and the same diagnostics.
func TestTraverseMatchesScope(t *testing.T) {
	exprs := []string{
		"var.s", "var.o", "var.o.a.b[1]", "var.o.a.c", "var.o.n.x", "var.none", "var.missing", "var.s.x", "var.o[\"a\"]",
		"local.l.k", "local.l.list[5]", "local.str", "local.str.x", "local.missing",
		"aws_security_group.g", "aws_security_group.g.id", "aws_security_group.g.arn", "aws_security_group.g.vpc_id",
		"aws_security_group.g.tags.Team", "aws_security_group.g.tags.Other", "aws_security_group.g.nope",
		"data.aws_iam_policy_document.d.json", "data.aws_iam_policy_document.d",
		"aws_security_group.none.id", "data.aws_x.none.id", "var", "local", "data.aws_x",
		// Nested blocks, count, for_each, ids, indexes.
		"aws_security_group.b.ingress", "aws_security_group.b.ingress[0].from_port", "aws_security_group.b.ingress[0].to_port",
		"aws_security_group.b.egress", "aws_s3_bucket.c[0].bucket", "aws_s3_bucket.c.bucket", "aws_s3_bucket.c[1].id",
		`aws_s3_bucket.e["x"].id`, "aws_s3_bucket.e.id", "aws_s3_bucket.u.bucket", "aws_s3_bucket.u[0].bucket",
		"aws_iam_role.n.id", "aws_iam_role.n.name", "aws_iam_role.n.arn", `aws_security_group.g.tags["Team"]`,
		"aws_security_group.g[0].id", "aws_security_group.g.id.x", "data.aws_iam_policy_document.d.json.x",
	}
	dir := moduleDir(t, traverseModule)
	shortcut := 0
	for _, src := range exprs {
		expr := sameAsHCL(t, dir, src)
		if _, _, ok := func() (cty.Value, hcl.Diagnostics, bool) {
			m, _ := evalModule(dir)
			return m.traverse(expr.(*hclsyntax.ScopeTraversalExpr).Traversal)
		}(); ok {
			shortcut++
		}
	}
	if shortcut < 18 {
		t.Errorf("only %d of the references took the shortcut", shortcut)
	}
}

// TestTemplateMatchesHCL holds eval's rendering of plain templates to
// HCL's: the same value and diagnostics, whether the shortcut takes the
// template or leaves it.
func TestTemplateMatchesHCL(t *testing.T) {
	exprs := []string{
		`"text"`, `""`, `"${var.s}-x"`, `"a${local.str}b${aws_security_group.g.name}c"`, `"${var.s}${var.s}"`,
		`"${local.l.list[1]}"`, `"n${1}"`, `"${true}-${var.o.a.b[0]}"`, `"é${local.str}"`,
		`"x${data.aws_iam_policy_document.d.json}"`, // rendered without AWS: known
		// Left to HCL: unknown, null, not a primitive, undeclared, directives, calls.
		`"${aws_security_group.g.id}-x"`, `"${var.none}"`, `"x${var.o.n}"`, `"x${var.ns}"`, `"x${var.o}"`, `"${var.missing}-x"`,
		`"${local.missing}"`, `"${aws_security_group.none.id}x"`, `"%{if true}a%{endif}"`, `"${upper(var.s)}"`,
		`"${var.o.a.c}"`, `"x${data.aws_s3_bucket.none.arn}"`,
	}
	dir := moduleDir(t, traverseModule)
	shortcut := 0
	for _, src := range exprs {
		expr := sameAsHCL(t, dir, src)
		m, _ := evalModule(dir)
		if e, ok := expr.(*hclsyntax.TemplateExpr); ok {
			if _, ok := m.template(e); ok {
				shortcut++
			}
		}
	}
	if shortcut != 10 {
		t.Errorf("%d of the templates took the shortcut, want 10", shortcut)
	}
}

// TestConstantMatchesHCL holds eval's values of lists and objects of
// literals to HCL's, whether constant takes them or leaves them.
func TestConstantMatchesHCL(t *testing.T) {
	exprs := []string{
		`[]`, `{}`, `["0.0.0.0/0"]`, `["a", "b", 1, true, null]`, `[["x"], {a = 1}]`, `{ Team = "t", "Stack" = "s" }`,
		`{ a = 1, a = 2 }`, `{ "é" = "ü" }`, `{ a = { b = [1.5, "c"] } }`, `[ "x" ]`,
		// Left to HCL: references, calls, templates, odd keys.
		`[var.s]`, `{ a = local.str }`, `[upper("x")]`, `["${var.s}"]`, `{ (local.str) = 1 }`, `{ a.b = 1 }`,
		`{ 1 = "x" }`, `{ true = 1 }`, `{ "" = 1 }`, `{ "${var.s}" = 1 }`, `[for x in ["a"] : x]`, `[var.missing, "a"]`,
	}
	dir := moduleDir(t, traverseModule)
	shortcut := 0
	for _, src := range exprs {
		expr := sameAsHCL(t, dir, src)
		if _, ok := constant(expr, 0); ok {
			shortcut++
		}
	}
	if shortcut != 10 {
		t.Errorf("%d of the expressions took the shortcut, want 10", shortcut)
	}
}

// TestRefTupleMatchesHCL holds eval's values of lists of literals and
// references to HCL's with the scope built for them, diagnostics and
// their order included, whether refTuple takes them or leaves them.
func TestRefTupleMatchesHCL(t *testing.T) {
	exprs := []string{
		`[var.s]`, `[var.s, "x", 1]`, `[aws_security_group.g.id, var.s]`, `[aws_security_group.g.id, aws_security_group.b.ingress[0].from_port]`,
		`[var.o.a.c, local.l.k, local.str]`, `[aws_security_group.g.name.x, var.s.x, local.l.list[5]]`, `[var.none, var.ns]`,
		`[aws_s3_bucket.c[0].bucket, aws_s3_bucket.c.bucket, aws_s3_bucket.u.bucket]`, `[data.aws_iam_policy_document.d.json]`,
		`[aws_iam_role.n.id, aws_iam_role.n.name, aws_security_group.g.tags.Team]`, `[aws_security_group.e.name, var.bad]`,
		// Left to HCL: undeclared, other roots, templates, calls.
		`[var.missing, var.s]`, `[local.missing]`, `[data.aws_x.none.id]`, `[aws_security_group.none.id]`, `[count.index]`, `[path.module]`,
		`["${var.s}"]`, `[upper(var.s)]`, `[module.m.x]`, `[var]`,
	}
	dir := moduleDir(t, traverseModule)
	shortcut := 0
	for _, src := range exprs {
		expr := sameAsHCL(t, dir, src)
		m, _ := evalModule(dir)
		if _, ok := m.refTuple(expr.(*hclsyntax.TupleConsExpr)); ok {
			shortcut++
		}
	}
	if shortcut != 11 {
		t.Errorf("%d of the lists took the shortcut, want 11", shortcut)
	}
}

// TestPlainRefMatchesTree holds eval's value of an argument that is a
// lone reference, taken from its source by plainRef, to the value of its
// tree, diagnostics included; and refSteps to the traversals simpleExpr
// builds.
func TestPlainRefMatchesTree(t *testing.T) {
	srcs := []string{
		"var.s", "var.o", "var.none", "var.ns", "var.bad", "local.str", "local.l", "aws_security_group.g.id",
		"aws_security_group.g.name", "aws_security_group.g.arn", "aws_security_group.g.tags", "aws_security_group.b.ingress",
		"aws_security_group.b.egress", "aws_security_group.e.name", "data.aws_iam_policy_document.d.json",
		"data.aws_iam_policy_document.d.id", "aws_iam_role.n.id", "aws_iam_role.n.name",
		// Left to the tree: undeclared, count and for_each, longer or other references.
		"var.missing", "local.missing", "aws_security_group.none.id", "data.aws_x.none.id", "aws_s3_bucket.c.bucket",
		"aws_s3_bucket.e.id", "aws_s3_bucket.u.bucket", "var.o.a", "local.l.k", "aws_security_group.g", "count.index",
		"path.module", "module.m.x", "var", "aws-x.y.z", "aws_x.y-z.id", "true.x", "var.s[0]", "var.s.0", "var..s", "var.s.",
	}
	shortcut := 0
	for _, src := range srcs {
		dir := moduleDir(t, traverseModule+"locals {\n  zz = "+src+"\n}\n")
		m1, d1 := evalModule(dir)
		a1 := m1.locals["zz"].Expr.(*arg)
		if _, ok := m1.plainRef(a1.src()); ok {
			shortcut++
		}
		m1, d1 = evalModule(dir)
		got := m1.local("zz", hcl.Range{})
		m2, d2 := evalModule(dir)
		unwrap(m2.locals["zz"].Expr) // parsed: eval takes the tree
		want := m2.local("zz", hcl.Range{})
		if !got.RawEquals(want) {
			t.Errorf("%s: got %#v, want %#v", src, got, want)
		}
		if g, w := fmt.Sprint(*d1), fmt.Sprint(*d2); g != w {
			t.Errorf("%s: diagnostics\n got %s\nwant %s", src, g, w)
		}
		steps, n, ok := refSteps([]byte(src))
		x, simple := hclscan.SimpleExpr([]byte(src), "e.tf", hcl.Pos{Line: 1, Column: 1})
		tr, trav := x.(*hclsyntax.ScopeTraversalExpr)
		if ok != (simple && trav && len(tr.Traversal) >= 2 && len(tr.Traversal) <= 4) {
			t.Errorf("%s: refSteps says %v, simpleExpr %v", src, ok, x)
			continue
		}
		for i := 0; ok && i < n; i++ {
			want := tr.Traversal.RootName()
			if i > 0 {
				want, _ = attrStep(tr.Traversal, i)
			}
			if string(steps[i]) != want {
				t.Errorf("%s: step %d is %q, want %q", src, i, steps[i], want)
			}
		}
	}
	if shortcut != 18 {
		t.Errorf("%d of the references took the shortcut, want 18", shortcut)
	}
}

// sameAsHCL parses src, evaluates it with eval and with HCL given the
// scope built for it, each in a fresh module of dir, and reports any
// difference in value (marks and reasons included) or diagnostics.
func sameAsHCL(t *testing.T, dir, src string) hclsyntax.Expression {
	t.Helper()
	expr, hd := hclsyntax.ParseExpression([]byte(src), "e.tf", hcl.Pos{Line: 1, Column: 1})
	if hd.HasErrors() {
		t.Fatalf("%s: %v", src, hd)
	}
	m1, d1 := evalModule(dir)
	got := m1.eval(expr, nil)
	m2, d2 := evalModule(dir)
	want := m2.evaluated(expr.Value(&hcl.EvalContext{Functions: m2.functions(), Variables: m2.scope(expr, nil)}))
	if !got.RawEquals(want) {
		t.Errorf("%s: got %#v, want %#v", src, got, want)
	}
	if g, w := fmt.Sprint(*d1), fmt.Sprint(*d2); g != w {
		t.Errorf("%s: diagnostics\n got %s\nwant %s", src, g, w)
	}
	return expr
}

// Ensure numbers read as strings the way Terraform converts them, whole
// numbers by the fast path included.
func TestNumberText(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"0", "0"}, {"22", "22"}, {"-1", "-1"}, {"65535", "65535"}, {"1.5", "1.5"}, {"1e3", "1000"},
		{"9223372036854775807", "9223372036854775807"}, {"9223372036854775808", "9223372036854775808"},
		{"123456789012345678901234567890", "123456789012345678901234567890"}, {"0.1", "0.1"},
	} {
		v, err := cty.ParseNumberVal(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := Scalar(v); !ok || got != c.want {
			t.Errorf("scalar(%s) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

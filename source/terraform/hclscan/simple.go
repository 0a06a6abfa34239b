package hclscan

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// SimpleExpr builds, without HCL's lexer, the syntax tree of the
// arguments most configurations are made of — a plain quoted string, a
// whole number, true/false/null, a reference like var.x or
// aws_security_group.g.id, a one-line list of those — exactly as hclsyntax.ParseExpression would
// (TestSimpleExprMatchesParser and FuzzSimpleExpr hold it to that).
// Anything else gives ok=false and goes to the parser.
func SimpleExpr(src []byte, file string, start hcl.Pos) (hclsyntax.Expression, bool) {
	n := len(src)
	if n == 0 || n > 512 {
		return nil, false
	}
	rng := func(a, b int) hcl.Range {
		return hcl.Range{Filename: file,
			Start: hcl.Pos{Line: start.Line, Column: start.Column + a, Byte: start.Byte + a},
			End:   hcl.Pos{Line: start.Line, Column: start.Column + b, Byte: start.Byte + b}}
	}
	switch c := src[0]; {
	case c == '"':
		if n < 3 || src[n-1] != '"' {
			return nil, false
		}
		for _, b := range src[1 : n-1] {
			if b < 0x20 || b >= 0x7f || b == '"' || b == '\\' || b == '%' {
				return nil, false
			}
		}
		if bytes.IndexByte(src, '$') >= 0 {
			return simpleTemplate(src, file, start)
		}
		// The template, its parts and its literal in one allocation.
		t := &stringTemplate{lit: hclsyntax.LiteralValueExpr{Val: cty.StringVal(string(src[1 : n-1])), SrcRange: rng(1, n-1)}}
		t.parts[0] = &t.lit
		t.t = hclsyntax.TemplateExpr{Parts: t.parts[:], SrcRange: rng(0, n)}
		return &t.t, true
	case c >= '1' && c <= '9' || (c == '0' && n == 1):
		for _, b := range src {
			if b < '0' || b > '9' {
				return nil, false
			}
		}
		v, err := cty.ParseNumberVal(string(src))
		if err != nil {
			return nil, false
		}
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng(0, n)}, true
	case c == '[':
		return simpleTuple(src, file, start)
	case IsIdentStart(c):
		switch string(src) {
		case "true":
			return &hclsyntax.LiteralValueExpr{Val: cty.True, SrcRange: rng(0, n)}, true
		case "false":
			return &hclsyntax.LiteralValueExpr{Val: cty.False, SrcRange: rng(0, n)}, true
		case "null":
			return &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.DynamicPseudoType), SrcRange: rng(0, n)}, true
		}
		end := identEnd(src, 0)
		root := Intern(src[:end])
		if root == "true" || root == "false" || root == "null" {
			return nil, false
		}
		tr := make(hcl.Traversal, 1, 1+bytes.Count(src[end:], []byte(".")))
		tr[0] = hcl.TraverseRoot{Name: root, SrcRange: rng(0, end)}
		for i := end; i < n; {
			if src[i] != '.' || i+1 >= n || !IsIdentStart(src[i+1]) {
				return nil, false
			}
			j := identEnd(src, i+1)
			tr = append(tr, hcl.TraverseAttr{Name: Intern(src[i+1 : j]), SrcRange: rng(i, j)})
			i = j
		}
		if bytes.IndexByte(src, '-') >= 0 {
			return nil, false // a - b without blanks: leave it to the parser
		}
		return &hclsyntax.ScopeTraversalExpr{Traversal: tr, SrcRange: rng(0, n)}, true
	}
	return nil, false
}

// stringTemplate is a quoted string's tree, allocated at once.
type stringTemplate struct {
	t     hclsyntax.TemplateExpr
	parts [1]hclsyntax.Expression
	lit   hclsyntax.LiteralValueExpr
}

// simpleTuple builds a one-line list of simple items: ["a", "b"],
// [aws_security_group.g.id].
func simpleTuple(src []byte, file string, start hcl.Pos) (hclsyntax.Expression, bool) {
	n := len(src)
	if src[n-1] != ']' {
		return nil, false
	}
	at := func(i int) hcl.Pos {
		return hcl.Pos{Line: start.Line, Column: start.Column + i, Byte: start.Byte + i}
	}
	var exprs []hclsyntax.Expression
	for i := 1; ; {
		for i < n-1 && src[i] == ' ' {
			i++
		}
		if i == n-1 {
			break
		}
		j := i
		if src[i] == '"' {
			for j = i + 1; j < n-1 && src[j] != '"'; j++ {
			}
			j++
		} else {
			for j < n-1 && src[j] != ',' && src[j] != ' ' {
				j++
			}
		}
		if j > n-1 {
			return nil, false
		}
		item, ok := SimpleExpr(src[i:j], file, at(i))
		if !ok {
			return nil, false
		}
		exprs = append(exprs, item)
		for i = j; i < n-1 && src[i] == ' '; i++ {
		}
		if i < n-1 {
			if src[i] != ',' {
				return nil, false
			}
			i++
		}
	}
	rng := func(a, b int) hcl.Range { return hcl.Range{Filename: file, Start: at(a), End: at(b)} }
	return &hclsyntax.TupleConsExpr{Exprs: exprs, SrcRange: rng(0, n), OpenRange: rng(0, 1)}, true
}

// simpleTemplate builds a one-line string with interpolations of
// references: "${local.name}-sc", "s3://${local.bucket}/logs/".
func simpleTemplate(src []byte, file string, start hcl.Pos) (hclsyntax.Expression, bool) {
	n := len(src)
	rng := func(a, b int) hcl.Range {
		return hcl.Range{Filename: file,
			Start: hcl.Pos{Line: start.Line, Column: start.Column + a, Byte: start.Byte + a},
			End:   hcl.Pos{Line: start.Line, Column: start.Column + b, Byte: start.Byte + b}}
	}
	var parts []hclsyntax.Expression
	lit := 1 // start of the pending literal text
	for i := 1; i < n-1; {
		if src[i] != '$' {
			i++
			continue
		}
		if At(src, i+1) != '{' || At(src, i+2) == '~' {
			return nil, false // a lone $, $${ or a strip marker
		}
		if i > lit {
			parts = append(parts, &hclsyntax.LiteralValueExpr{Val: cty.StringVal(string(src[lit:i])), SrcRange: rng(lit, i)})
		}
		j := i + 2
		for j < n-1 && src[j] != '}' {
			j++
		}
		if j >= n-1 || !IsIdentStart(At(src, i+2)) {
			return nil, false
		}
		ref, ok := SimpleExpr(src[i+2:j], file, rng(i+2, j).Start)
		if _, trav := ref.(*hclsyntax.ScopeTraversalExpr); !ok || !trav {
			return nil, false
		}
		parts = append(parts, ref)
		i = j + 1
		lit = i
	}
	if lit < n-1 {
		parts = append(parts, &hclsyntax.LiteralValueExpr{Val: cty.StringVal(string(src[lit : n-1])), SrcRange: rng(lit, n-1)})
	}
	if len(parts) == 1 {
		if _, trav := parts[0].(*hclsyntax.ScopeTraversalExpr); trav {
			return &hclsyntax.TemplateWrapExpr{Wrapped: parts[0], SrcRange: rng(0, n)}, true
		}
	}
	return &hclsyntax.TemplateExpr{Parts: parts, SrcRange: rng(0, n)}, true
}

package tfeval

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// opText spells the operators an unknown condition or count is written
// with.
var opText = map[*hclsyntax.Operation]string{
	hclsyntax.OpLogicalOr: "||", hclsyntax.OpLogicalAnd: "&&", hclsyntax.OpLogicalNot: "!",
	hclsyntax.OpEqual: "==", hclsyntax.OpNotEqual: "!=",
	hclsyntax.OpGreaterThan: ">", hclsyntax.OpGreaterThanOrEqual: ">=",
	hclsyntax.OpLessThan: "<", hclsyntax.OpLessThanOrEqual: "<=",
	hclsyntax.OpAdd: "+", hclsyntax.OpSubtract: "-", hclsyntax.OpMultiply: "*",
	hclsyntax.OpDivide: "/", hclsyntax.OpModulo: "%", hclsyntax.OpNegate: "-",
}

// exprText writes an expression the way a message names it (var.n > 0,
// length(var.list)), the same wherever it is written and however it is
// spaced: the name of an unknown the worlds of a root assume. ok is
// false for forms not worth naming (templates, for expressions).
func exprText(x hcl.Expression) (string, bool) {
	var b strings.Builder
	ok := writeExpr(&b, unwrap(x), 0)
	return b.String(), ok && b.Len() <= 200
}

// atomText is exprText for an unknown a world may assume: not one that
// reads a managed resource (aws_x.y), whose count or for_each is what
// makes it unknown in the first reading, and which the world's own
// reading of that resource decides.
func atomText(x hcl.Expression) (string, bool) {
	for _, tr := range x.Variables() {
		switch tr.RootName() {
		case "var", "local", "module", "data", "path", "terraform":
		default:
			return "", false
		}
	}
	return exprText(x)
}

func writeExpr(b *strings.Builder, x hcl.Expression, depth int) bool {
	if depth > 16 {
		return false
	}
	switch e := x.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return writeTraversal(b, e.Traversal)
	case *hclsyntax.LiteralValueExpr:
		return writeLiteral(b, e.Val)
	case *hclsyntax.ParenthesesExpr:
		b.WriteString("(")
		ok := writeExpr(b, e.Expression, depth+1)
		b.WriteString(")")
		return ok
	case *hclsyntax.UnaryOpExpr:
		b.WriteString(opText[e.Op])
		return opText[e.Op] != "" && writeExpr(b, e.Val, depth+1)
	case *hclsyntax.BinaryOpExpr:
		op := opText[e.Op]
		if op == "" || !writeExpr(b, e.LHS, depth+1) {
			return false
		}
		b.WriteString(" " + op + " ")
		return writeExpr(b, e.RHS, depth+1)
	case *hclsyntax.FunctionCallExpr:
		b.WriteString(e.Name + "(")
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writeExpr(b, a, depth+1) {
				return false
			}
		}
		if e.ExpandFinal {
			b.WriteString("...")
		}
		b.WriteString(")")
		return true
	case *hclsyntax.ConditionalExpr:
		for i, p := range []hcl.Expression{e.Condition, e.TrueResult, e.FalseResult} {
			if i > 0 {
				b.WriteString([]string{"", " ? ", " : "}[i])
			}
			if !writeExpr(b, p, depth+1) {
				return false
			}
		}
		return true
	case *hclsyntax.TemplateWrapExpr:
		b.WriteString(`"${`)
		ok := writeExpr(b, e.Wrapped, depth+1)
		b.WriteString(`}"`)
		return ok
	case *hclsyntax.SplatExpr:
		if !writeExpr(b, e.Source, depth+1) {
			return false
		}
		b.WriteString("[*]")
		if tr, ok := e.Each.(*hclsyntax.RelativeTraversalExpr); ok {
			return writeSteps(b, tr.Traversal)
		}
		_, ok := e.Each.(*hclsyntax.AnonSymbolExpr)
		return ok
	}
	return false
}

func writeTraversal(b *strings.Builder, tr hcl.Traversal) bool {
	b.WriteString(tr.RootName())
	return writeSteps(b, tr[1:])
}

func writeSteps(b *strings.Builder, tr hcl.Traversal) bool {
	for _, t := range tr {
		switch s := t.(type) {
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			b.WriteString("[")
			if !writeLiteral(b, s.Key) {
				return false
			}
			b.WriteString("]")
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		default:
			return false
		}
	}
	return true
}

func writeLiteral(b *strings.Builder, v cty.Value) bool {
	switch {
	case !v.IsKnown():
		return false
	case v.IsNull():
		b.WriteString("null")
	case v.Type() == cty.String:
		b.WriteString(strconv.Quote(v.AsString()))
	case v.Type() == cty.Number:
		b.WriteString(numberText(v.AsBigFloat()))
	case v.Type() == cty.Bool:
		b.WriteString(strconv.FormatBool(v.True()))
	default:
		return false
	}
	return true
}

package tfeval

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/emrguard/emrguard/model"
)

// prefixed returns the Partial of a string whose start alone is known
// (hcl refines a template's unknown value with its known prefix): the
// prefix and one hole for the rest, or "" when no start is known.
func prefixed(prefix, why string) model.Partial {
	if prefix == "" {
		return ""
	}
	var b model.PartialBuilder
	b.Lit(prefix)
	b.Hole(model.Hole{Kind: model.HoleAny, Why: why})
	return b.Partial()
}

// PartialOf returns the known start of an unknown string value as a
// Partial, or "".
func PartialOf(v cty.Value, why string) model.Partial {
	u, _ := v.Unmark()
	if u.IsKnown() || u.Type() != cty.String {
		return ""
	}
	return prefixed(u.Range().StringPrefix(), why)
}

// templatePartial renders a template part by part: known parts as text,
// each unknown one as a hole (with its known start, when hcl refined
// it). ok is false when no part is unknown or a part cannot be text.
func templatePartial(parts []hclsyntax.Expression, eval func(hcl.Expression) cty.Value) (p model.Partial, ok bool) {
	var pb model.PartialBuilder
	for _, part := range parts {
		v := eval(part)
		if !v.IsWhollyKnown() {
			why := ReasonOf(v)
			if pre := PartialOf(v, why); pre != "" {
				pb.Append(pre)
				continue
			}
			pb.Hole(model.Hole{Kind: model.HoleAny, Label: label(part), Why: why})
			continue
		}
		s, ok := Scalar(v)
		if !ok {
			return "", false
		}
		pb.Lit(s)
	}
	return pb.Partial(), pb.Holes() > 0
}

// label names the reference a template part is ("aws_kms_key.emr.arn"),
// or "".
func label(x hclsyntax.Expression) string {
	t, ok := x.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, step := range t.Traversal {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		default:
			b.WriteString("[…]")
		}
	}
	return b.String()
}

// templatefilePartial renders templatefile(path, vars) part by part
// (templatePartial) when its value is unknown only because some
// variables are: the file is read as templatefile reads it.
func (m *module) templatefilePartial(e *hclsyntax.FunctionCallExpr, in *Instance) (model.Partial, bool) {
	pv := m.eval(e.Args[0], in)
	if !plainString(pv) {
		return "", false
	}
	p := filePath(m.ld.rootDir, pv.AsString())
	if !m.ld.sandbox.inside(p) {
		return "", false
	}
	src, err := m.ld.opt.reader()(p)
	if err != nil {
		return "", false
	}
	expr, hd := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
	if hd.HasErrors() {
		return "", false
	}
	return m.renderPartial(expr, e.Args[1], in, m.functions())
}

// templatestringPartial is templatefilePartial for templatestring(ref,
// vars): the template is the string ref refers to.
func (m *module) templatestringPartial(e *hclsyntax.FunctionCallExpr, in *Instance) (model.Partial, bool) {
	if templateRef(e.Args[0]) != nil {
		return "", false
	}
	tv := m.eval(e.Args[0], in)
	if !plainString(tv) {
		return "", false
	}
	expr, hd := parseStringTemplate(tv.AsString())
	if hd.HasErrors() {
		return "", false
	}
	return m.renderPartial(expr, e.Args[1], in, stringTemplateFuncs())
}

// renderPartial renders a parsed template part by part with the
// variables varsExpr gives (an object or a map, known).
func (m *module) renderPartial(expr hclsyntax.Expression, varsExpr hclsyntax.Expression, in *Instance, funcs map[string]function.Function) (model.Partial, bool) {
	tmpl, ok := expr.(*hclsyntax.TemplateExpr)
	if !ok {
		return "", false
	}
	vars, _ := m.eval(varsExpr, in).Unmark()
	if !vars.IsKnown() || vars.IsNull() || !(vars.Type().IsObjectType() || vars.Type().IsMapType()) {
		return "", false
	}
	scope := map[string]cty.Value{}
	for it := vars.ElementIterator(); it.Next(); {
		k, v := it.Element()
		scope[k.AsString()] = v
	}
	ctx := &hcl.EvalContext{Variables: scope, Functions: funcs}
	return templatePartial(tmpl.Parts, func(x hcl.Expression) cty.Value {
		v, _ := x.Value(ctx)
		return v
	})
}

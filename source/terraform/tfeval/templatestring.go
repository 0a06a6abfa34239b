package tfeval

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// templateStringFunc is Terraform 1.9's templatestring(ref, vars): the
// string ref refers to, rendered as a template with vars as its
// variables, as templatefile renders a file
// (developer.hashicorp.com/terraform/language/functions/templatestring).
// As Terraform's, ref must be a reference (local.t, data.x.y.body), not
// a template written in place, and the template may call no file
// function nor another template function.
var templateStringFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "template", Type: customdecode.ExpressionClosureType},
		{Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowMarked: true},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		c := customdecode.ExpressionClosureFromVal(args[0])
		if err := templateRef(c.Expression); err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		tv, diags := c.Value()
		if diags.HasErrors() {
			return cty.NilVal, function.NewArgErrorf(0, "invalid template expression: %s", diags.Error())
		}
		vars, vmarks := args[1].Unmark()
		tu, tmarks := tv.Unmark()
		if !tu.IsKnown() || !vars.IsKnown() {
			return cty.UnknownVal(cty.String).WithMarks(tmarks, vmarks), nil
		}
		if tu.Type() != cty.String || tu.IsNull() {
			return cty.NilVal, function.NewArgErrorf(0, "invalid template value: a string is required")
		}
		expr, hd := parseStringTemplate(tu.AsString())
		if hd.HasErrors() {
			return cty.NilVal, function.NewArgErrorf(0, "invalid template: %s", hd.Error())
		}
		scope, err := templateScope(vars)
		if err != nil {
			return cty.NilVal, err
		}
		for _, tr := range expr.Variables() {
			if _, ok := scope[tr.RootName()]; !ok {
				return cty.NilVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s", tr.RootName(), tr[0].SourceRange())
			}
		}
		v, hd := expr.Value(&hcl.EvalContext{Variables: scope, Functions: stringTemplateFuncs()})
		if hd.HasErrors() {
			return cty.NilVal, hd
		}
		s, err := convert.Convert(v, cty.String)
		if err != nil {
			return cty.NilVal, fmt.Errorf("invalid template result: %w", err)
		}
		return s.WithMarks(tmarks, vmarks), nil
	},
})

// templateRef says why x is not what templatestring takes: a reference,
// with Terraform's messages for a template written in place.
func templateRef(x hcl.Expression) error {
	switch e := x.(type) {
	case *hclsyntax.TemplateWrapExpr:
		return fmt.Errorf("invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax")
	case *hclsyntax.TemplateExpr:
		return fmt.Errorf("invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression")
	case *hclsyntax.ScopeTraversalExpr:
		return nil
	case *hclsyntax.RelativeTraversalExpr:
		return templateRef(e.Source)
	case *hclsyntax.IndexExpr:
		return templateRef(e.Collection)
	case *hclsyntax.SplatExpr:
		return templateRef(e.Source)
	}
	return fmt.Errorf("invalid template expression: must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax")
}

// parseStringTemplate parses a templatestring template, its for
// expressions spending the root's budget as a file's do.
func parseStringTemplate(src string) (hclsyntax.Expression, hcl.Diagnostics) {
	expr, hd := hclsyntax.ParseTemplate([]byte(src), "<templatestring argument>", hcl.InitialPos)
	if !hd.HasErrors() {
		guardFors(expr)
	}
	return expr, hd
}

// templateScope is vars (an object or a map) as a template's variables.
func templateScope(vars cty.Value) (map[string]cty.Value, error) {
	if t := vars.Type(); vars.IsNull() || !t.IsObjectType() && !t.IsMapType() {
		return nil, function.NewArgErrorf(1, "invalid vars value: must be a map")
	}
	scope := map[string]cty.Value{}
	for it := vars.ElementIterator(); it.Next(); {
		k, v := it.Element()
		if !hclsyntax.ValidIdentifier(k.AsString()) {
			return nil, function.NewArgErrorf(1, "invalid template variable name %q: must start with a letter, followed by zero or more letters, digits, and underscores", k.AsString())
		}
		scope[k.AsString()] = v
	}
	return scope, nil
}

var (
	stringFuncsOnce sync.Once
	stringFuncs     map[string]function.Function
)

// stringTemplateFuncs are the functions of a templatestring template:
// the module-independent ones, the template functions refusing to recurse
// and the file functions refusing, as Terraform's ("cannot use filesystem
// access functions like file in templatestring templates").
func stringTemplateFuncs() map[string]function.Function {
	stringFuncsOnce.Do(func() {
		stringFuncs = make(map[string]function.Function, len(baseFuncs)+16)
		for k, v := range baseFuncs {
			stringFuncs[k] = v
		}
		for _, name := range []string{"templatefile", "templatestring"} {
			stringFuncs[name] = refusing(fmt.Sprintf("cannot recursively call %s from inside another template function", name))
		}
		fs := []string{"file", "filebase64", "fileexists", "fileset"}
		for name := range fileHashes {
			fs = append(fs, name)
		}
		for _, name := range fs {
			stringFuncs[name] = refusing(fmt.Sprintf("cannot use filesystem access functions like %s in templatestring templates; consider passing the function result as a template variable instead", name))
		}
	})
	return stringFuncs
}

// refusing is a function whose every call is the error msg.
func refusing(msg string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true},
		Type: func([]cty.Value) (cty.Type, error) {
			return cty.NilType, fmt.Errorf("%s", strings.TrimSpace(msg))
		},
	})
}

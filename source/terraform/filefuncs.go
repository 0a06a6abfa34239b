package terraform

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Terraform's file functions, written here: go-cty-funcs' file reads a
// file whatever its size, and it has no templatefile. Relative paths are
// read from the root module's folder, as Terraform, which runs there.

// filePath returns the file a file function given p reads.
func filePath(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// fileFunc is Terraform's file (or filebase64) reading through read, so
// that the size limit applies: go-cty-funcs' reads the whole file,
// whatever its size (file("/dev/zero")).
func fileFunc(base string, read reader, b64 bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String, AllowMarked: true}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, marks := args[0].Unmark()
			p := filePath(base, pv.AsString())
			src, err := read(p)
			switch {
			case err != nil:
				return cty.NilVal, fmt.Errorf("file %s: %s", p, describe(err))
			case b64:
				return cty.StringVal(base64.StdEncoding.EncodeToString(src)).WithMarks(marks), nil
			case !utf8.Valid(src):
				return cty.NilVal, fmt.Errorf("file %s is not UTF-8 text; use filebase64", p)
			}
			return cty.StringVal(string(src)).WithMarks(marks), nil
		},
	})
}

// templateFileFunc is Terraform's templatefile(path, vars), which
// go-cty-funcs lacks: the file (read from base, within the size limit of
// read) is an HCL template, rendered with vars as its variables and
// funcs as its functions, except templatefile itself.
func templateFileFunc(base string, read reader, funcs map[string]function.Function) function.Function {
	var once sync.Once
	var inner map[string]function.Function // funcs, with templatefile refusing
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowMarked: true},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			vars, marks := args[1].Unmark()
			if !vars.IsKnown() {
				return cty.DynamicVal.WithMarks(marks), nil
			}
			if t := vars.Type(); !t.IsObjectType() && !t.IsMapType() {
				return cty.NilVal, function.NewArgErrorf(1, "vars must be an object or a map, not %s", t.FriendlyName())
			}
			p := filePath(base, args[0].AsString())
			src, err := read(p)
			if err != nil {
				return cty.NilVal, fmt.Errorf("template %s: %s", p, describe(err))
			}
			expr, hd := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
			if hd.HasErrors() {
				return cty.NilVal, fmt.Errorf("template %s", strings.TrimSuffix(hd.Error(), "."))
			}
			scope := map[string]cty.Value{}
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				if !hclsyntax.ValidIdentifier(k.AsString()) {
					return cty.NilVal, function.NewArgErrorf(1, "%q is not a valid template variable name", k.AsString())
				}
				scope[k.AsString()] = v
			}
			for _, tr := range expr.Variables() {
				if _, ok := scope[tr.RootName()]; !ok {
					r := tr.SourceRange()
					return cty.NilVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s:%d,%d", tr.RootName(), r.Filename, r.Start.Line, r.Start.Column)
				}
			}
			once.Do(func() {
				inner = make(map[string]function.Function, len(funcs))
				for k, v := range funcs {
					inner[k] = v
				}
				inner["templatefile"] = noRecursion
			})
			v, hd := expr.Value(&hcl.EvalContext{Variables: scope, Functions: inner})
			if hd.HasErrors() {
				return cty.NilVal, fmt.Errorf("template %s", strings.TrimSuffix(hd.Error(), "."))
			}
			return v.WithMarks(marks), nil
		},
	})
}

// noRecursion stands for templatefile inside a template, as Terraform
// forbids it.
var noRecursion = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowMarked: true},
	Type: func([]cty.Value) (cty.Type, error) {
		return cty.NilType, fmt.Errorf("cannot recursively call templatefile from inside a template")
	},
})

package tfeval

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// Terraform 0.11's list(...) and map(k, v, ...), which Terraform 0.12 to
// 0.14 still read (deprecated) and 0.15 removed. What they mean is
// certain, so they are read as Terraform 0.12 read them, with a warning
// (legacyCalls) — refusing them would leave every value depending on them
// unknown, as the quoted type constraints of the same era (typeOf).

// listFunc is Terraform 0.12's list(values...): a list of its arguments,
// converted to their common type.
var listFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) == 0 {
			return cty.NilType, errors.New("at least one argument is required")
		}
		ty, _ := convert.UnifyUnsafe(argTypes(args, 0, 1))
		if ty == cty.NilType {
			return cty.NilType, errors.New("all arguments must have the same type")
		}
		return cty.List(ty), nil
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		vals := make([]cty.Value, len(args))
		for i, a := range args {
			v, err := convert.Convert(a, ret.ElementType())
			if err != nil {
				return cty.NilVal, function.NewArgError(i, err)
			}
			vals[i] = v
		}
		return cty.ListVal(vals), nil
	},
})

// mapFunc is Terraform 0.12's map(key, value, ...): a map of the pairs of
// its arguments, the values converted to their common type.
var mapFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) < 2 || len(args)%2 != 0 {
			return cty.NilType, fmt.Errorf("map requires an even number of two or more arguments, got %d", len(args))
		}
		ty, _ := convert.UnifyUnsafe(argTypes(args, 1, 2))
		if ty == cty.NilType {
			return cty.NilType, errors.New("all arguments must have the same type")
		}
		return cty.Map(ty), nil
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		for _, a := range args {
			if !a.IsWhollyKnown() {
				return cty.UnknownVal(ret), nil
			}
		}
		out := make(map[string]cty.Value, len(args)/2)
		for i := 0; i < len(args); i += 2 {
			k, err := convert.Convert(args[i], cty.String)
			if err != nil {
				return cty.NilVal, function.NewArgError(i, err)
			}
			if k.IsNull() {
				return cty.NilVal, fmt.Errorf("argument %d is a null key", i+1)
			}
			if _, dup := out[k.AsString()]; dup {
				return cty.NilVal, fmt.Errorf("argument %d is a duplicate key: %q", i+1, k.AsString())
			}
			v, err := convert.Convert(args[i+1], ret.ElementType())
			if err != nil {
				return cty.NilVal, function.NewArgError(i+1, err)
			}
			out[k.AsString()] = v
		}
		return cty.MapVal(out), nil
	},
})

// argTypes returns the types of args[from], args[from+step], ….
func argTypes(args []cty.Value, from, step int) []cty.Type {
	var ts []cty.Type
	for i := from; i < len(args); i += step {
		ts = append(ts, args[i].Type())
	}
	return ts
}

// legacyCalls warns of each call of list() or map() in a native-syntax
// file. A cheap byte search comes first: list( and map( are common as
// type constraints (list(string)), which are not calls, and a file with
// neither is not lexed at all.
func legacyCalls(path string, src []byte) hcl.Diagnostics {
	if !mayCallLegacy(src) {
		return nil
	}
	toks, _ := hclsyntax.LexConfig(src, path, hcl.InitialPos)
	var diags hcl.Diagnostics
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if t.Type != hclsyntax.TokenIdent || toks[i+1].Type != hclsyntax.TokenOParen {
			continue
		}
		name := string(t.Bytes)
		if name != "list" && name != "map" || i > 0 && toks[i-1].Type == hclsyntax.TokenDot || isTypeArg(toks[i+2:]) {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Removed function " + name + "()",
			Detail: fmt.Sprintf("%s() is Terraform 0.11's, read as %s as Terraform 0.12 to 0.14 did (Terraform 0.15 and later refuse it: %s)",
				name, map[string]string{"list": "tolist([...])", "map": "tomap({...}) of its key, value pairs"}[name],
				map[string]string{"list": "write [a, b]", "map": "write { k = v }"}[name]),
			Subject: t.Range.Ptr(),
		})
	}
	return diags
}

// typeKeywords are the words a type constraint's argument starts with.
var typeKeywords = map[string]bool{"string": true, "number": true, "bool": true, "any": true,
	"list": true, "map": true, "set": true, "object": true, "tuple": true, "optional": true}

// isTypeArg reports whether the tokens after "list(" or "map(" are a type
// (string) or (object({…})), not values.
func isTypeArg(toks hclsyntax.Tokens) bool {
	if len(toks) < 2 || toks[0].Type != hclsyntax.TokenIdent || !typeKeywords[string(toks[0].Bytes)] {
		return false
	}
	return toks[1].Type == hclsyntax.TokenCParen || toks[1].Type == hclsyntax.TokenOParen
}

// mayCallLegacy reports whether src has "list(" or "map(" not preceded by
// a name character (tolist(, tomap( are today's functions), followed by
// something other than a type keyword and ")" or "(".
func mayCallLegacy(src []byte) bool {
	for _, name := range [][]byte{[]byte("list("), []byte("map(")} {
		for rest, off := src, 0; ; {
			i := bytes.Index(rest, name)
			if i < 0 {
				break
			}
			at := off + i
			off, rest = at+len(name), src[at+len(name):]
			if at > 0 && isNameByte(src[at-1]) {
				continue
			}
			j := 0
			for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t') {
				j++
			}
			k := j
			for k < len(rest) && isNameByte(rest[k]) {
				k++
			}
			if k < len(rest) && typeKeywords[string(rest[j:k])] && (rest[k] == ')' || rest[k] == '(') {
				continue
			}
			return true
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

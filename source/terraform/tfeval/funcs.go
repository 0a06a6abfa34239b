package tfeval

import (
	"regexp"
	"strings"

	"github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/hashicorp/go-cty-funcs/collection"
	"github.com/hashicorp/go-cty-funcs/crypto"
	"github.com/hashicorp/go-cty-funcs/encoding"
	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/go-cty-funcs/uuid"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/emrguard/emrguard/source"
)

// baseFuncs are the Terraform functions that do not depend on the module:
// taken from cty's stdlib, go-cty-funcs and hcl's tryfunc; written here
// only where Terraform's differ (length, replace, and terraformFuncs) or
// where the reason a value is unknown would be lost (try, can, keepReasons).
var baseFuncs = map[string]function.Function{
	"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "log": stdlib.LogFunc,
	"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc,
	"signum": stdlib.SignumFunc,
	"chomp":  stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
	"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
	"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "replace": replaceFunc,
	"split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc,
	"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
	"trimsuffix": stdlib.TrimSuffixFunc, "trimspace": stdlib.TrimSpaceFunc,
	"chunklist": stdlib.ChunklistFunc, "coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
	"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
	"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc,
	"keys": stdlib.KeysFunc, "length": lengthFunc, "merge": stdlib.MergeFunc,
	"range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
	"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
	"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
	"coalesce":  collection.CoalesceFunc,
	"csvdecode": stdlib.CSVDecodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc,
	"base64encode": encoding.Base64EncodeFunc, "base64decode": encoding.Base64DecodeFunc, "urlencode": encoding.URLEncodeFunc,
	"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
	"md5": crypto.Md5Func, "sha1": crypto.Sha1Func, "sha256": crypto.Sha256Func, "sha512": crypto.Sha512Func,
	"uuidv5":   uuid.V5Func,
	"cidrhost": cidr.HostFunc, "cidrnetmask": cidr.NetmaskFunc, "cidrsubnet": cidr.SubnetFunc, "cidrsubnets": cidr.SubnetsFunc,
	"basename": filesystem.BasenameFunc, "dirname": filesystem.DirnameFunc,
	"try": tryFunc, "can": canFunc,
	"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number),
	"tobool": stdlib.MakeToFunc(cty.Bool), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
	"sensitive": sensitiveFunc, "nonsensitive": nonsensitiveFunc,
}

// sensitiveFunc is Terraform's sensitive(value): the value is a secret,
// read as unknown so that no report quotes it (as sensitive variables).
var sensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true}},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		return unknown("a value given to sensitive() is "+source.Sensitive, ""), nil
	},
})

// nonsensitiveFunc is Terraform's nonsensitive(value): the value as it is
// (a secret stays unknown: it was never read).
var nonsensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

func init() {
	for name, f := range terraformFuncs {
		baseFuncs[name] = f
	}
	// Not in terraformFuncs: its templates call baseFuncs, which would be
	// a cycle of initialisation.
	baseFuncs["templatestring"] = templateStringFunc
	for name, f := range baseFuncs {
		if dropsReasons(f) {
			baseFuncs[name] = keepReasons(f)
		}
	}
}

// dropsReasons tells whether cty may drop the reasons of f's arguments:
// when an argument is unknown (or of unknown type) and its parameter
// does not take it, cty returns an unknown at once, with the marks of
// the parameters that do not take marked values only — a parameter that
// does (element's list, merge's maps …) leaves its marks to the function,
// which is not called.
func dropsReasons(f function.Function) bool {
	ps := f.Params()
	if vp := f.VarParam(); vp != nil {
		ps = append(ps, *vp)
	}
	for _, p := range ps {
		if p.AllowMarked && (!p.AllowUnknown || !p.AllowDynamicType) {
			return true
		}
	}
	return false
}

// widened returns f's parameters taking marked, unknown and dynamic
// values (and null, when null is set), so that a wrapper of f lets f
// itself decide what such an argument gives.
func widened(f function.Function, null bool) ([]function.Parameter, *function.Parameter) {
	widen := func(p function.Parameter) function.Parameter {
		p.AllowMarked, p.AllowUnknown, p.AllowDynamicType = true, true, true
		p.AllowNull = p.AllowNull || null
		return p
	}
	orig := f.Params()
	params := make([]function.Parameter, len(orig))
	for i, p := range orig {
		params[i] = widen(p)
	}
	var varParam *function.Parameter
	if vp := f.VarParam(); vp != nil {
		w := widen(*vp)
		varParam = &w
	}
	return params, varParam
}

// keepReasons is f, whose unknown result for an unknown argument keeps
// the marks of every argument, so the reason it is unknown: the result is
// f's own (with its refinements), with the marks cty dropped put back.
func keepReasons(f function.Function) function.Function {
	orig := f.Params()
	params, varParam := widened(f, false)
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		Type:        f.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			early := false
			var marks []cty.ValueMarks
			for i, a := range args {
				var p function.Parameter
				if i < len(orig) {
					p = orig[i]
				} else {
					p = *f.VarParam()
				}
				if !a.IsKnown() && !p.AllowUnknown || a.Type() == cty.DynamicPseudoType && !p.AllowDynamicType {
					early = true
				}
				if p.AllowMarked {
					_, m := a.UnmarkDeep()
					marks = append(marks, m)
				}
			}
			v, err := f.Call(args)
			if err != nil || !early {
				return v, err
			}
			return v.WithMarks(marks...), nil
		},
	})
}

// tryFunc and canFunc are hcl's try and can, except that an unknown
// result keeps the marks of the value that made it unknown, so the reason:
// hcl's return a bare unknown.
var (
	tryFunc = function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "expressions", Type: customdecode.ExpressionClosureType},
		Type: func(args []cty.Value) (cty.Type, error) {
			v, err := try(args)
			if err != nil {
				return cty.NilType, err
			}
			return v.Type(), nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return try(args) },
	})
	canFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "expression", Type: customdecode.ExpressionClosureType}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, diags := customdecode.ExpressionClosureFromVal(args[0]).Value()
			switch {
			case diags.HasErrors():
				return cty.False, nil
			case !v.IsWhollyKnown():
				_, marks := v.UnmarkDeep()
				return cty.UnknownVal(cty.Bool).WithMarks(marks), nil
			}
			return cty.True, nil
		},
	})
)

// try is hcl's: the first expression that evaluates without error, or
// unknown if that one is not wholly known; hcl's gives the error when none
// does.
func try(args []cty.Value) (cty.Value, error) {
	for _, arg := range args {
		v, diags := customdecode.ExpressionClosureFromVal(arg).Value()
		if diags.HasErrors() {
			continue
		}
		if !v.IsWhollyKnown() {
			_, marks := v.UnmarkDeep()
			return cty.DynamicVal.WithMarks(marks), nil
		}
		return v, nil
	}
	return tryfunc.TryFunc.Call(args)
}

// moduleFuncs adds the functions that read files: relative paths are
// read from base, the root module's folder (Terraform's working
// directory, whatever the module), through read, and only inside sb,
// the scanned tree (filefuncs.go).
func moduleFuncs(base string, read reader, sb sandbox) map[string]function.Function {
	out := make(map[string]function.Function, len(baseFuncs)+12)
	for k, v := range baseFuncs {
		out[k] = v
	}
	fs := fileFuncs{base: base, read: read, sb: sb}
	out["file"] = fs.file("file", false)
	out["filebase64"] = fs.file("filebase64", true)
	out["fileexists"] = fs.exists()
	out["fileset"] = fs.set(filesystem.MakeFileSetFunc(base))
	for name, h := range fileHashes {
		out[name] = fs.hash(name, h)
	}
	out["templatefile"] = fs.template(out)
	return out
}

// replaceFunc is Terraform's replace: a substring between slashes
// ("/^(.*provider/)/") is a regular expression, the replacement then
// expanding $1 and the like; cty's replace is literal only.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, substr, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(substr) > 1 && substr[0] == '/' && substr[len(substr)-1] == '/' {
			re, err := regexp.Compile(substr[1 : len(substr)-1])
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(re.ReplaceAllString(str, repl)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, substr, repl)), nil
	},
})

// lengthFunc is Terraform's length: cty's stdlib one refuses objects and
// strings, which Terraform's accepts.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true, AllowMarked: true}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		t := v.Type()
		switch {
		case t == cty.String:
			return stdlib.Strlen(v)
		case t.IsObjectType():
			return cty.NumberIntVal(int64(len(t.AttributeTypes()))).WithMarks(marks), nil
		case t.IsTupleType():
			return cty.NumberIntVal(int64(len(t.TupleElementTypes()))).WithMarks(marks), nil
		}
		r, err := stdlib.Length(v)
		return r.WithMarks(marks), err
	},
})

package tfeval

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Terraform's own functions: those whose Terraform behaviour differs from
// the go-cty stdlib function of the same name (lookup, index), and those
// go-cty and go-cty-funcs lack. Each follows the function's page in
// Terraform's documentation (developer.hashicorp.com/terraform/language/
// functions/NAME); a call to a function emrguard does not know is an input
// error, so a module using one of these was an input error before.
var terraformFuncs = map[string]function.Function{
	"lookup": lookupFunc, "index": indexFunc, "one": oneFunc,
	"alltrue": allTrueFunc, "anytrue": anyTrueFunc, "sum": sumFunc,
	"matchkeys": matchkeysFunc, "transpose": transposeFunc,
	"startswith": stringTest(strings.HasPrefix, "prefix"), "endswith": stringTest(strings.HasSuffix, "suffix"),
	"strcontains":  stringTest(strings.Contains, "substr"),
	"base64sha256": base64Hash(func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }),
	"base64sha512": base64Hash(func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }),
	"base64gzip":   base64GzipFunc, "timecmp": timecmpFunc, "ephemeralasnull": ephemeralAsNullFunc,
	"yamldecode": yamlDecodeFunc, "yamlencode": yamlEncodeFunc,
	"textencodebase64": textEncodeBase64Func, "textdecodebase64": textDecodeBase64Func,
	"issensitive": issensitiveFunc, "pathexpand": pathexpandFunc,
	// Terraform 0.11's, removed in 0.15: read with a warning (legacyfuncs.go).
	"list": listFunc, "map": mapFunc,
	// Known only when Terraform applies (or plans): never by a static scan.
	"timestamp":     afterApply("timestamp() is the time of the apply", cty.String),
	"plantimestamp": afterApply("plantimestamp() is the time of the plan", cty.String),
	"uuid":          afterApply("uuid() is a random UUID chosen at apply", cty.String),
	"bcrypt":        afterApply("bcrypt() uses a random salt chosen at apply", cty.String),
	// The machine's that runs Terraform, or a secret (machinefuncs.go).
	"abspath": abspathFunc, "rsadecrypt": rsadecryptFunc,
}

// lookupFunc is Terraform's lookup(map, key, default): unlike go-cty's, the
// default may be null (lookup(var.tags, "x", null) is common), and it may
// be left out, when a missing key is an error ("For historical reasons,
// the default parameter is actually optional").
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true, AllowDynamicType: true},
		{Name: "key", Type: cty.String, AllowMarked: true, AllowUnknown: true, AllowDynamicType: true},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true, AllowDynamicType: true, AllowNull: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, fmt.Errorf("lookup() takes two or three arguments, got %d", len(args))
		}
		m, _ := args[0].Unmark()
		key, _ := args[1].Unmark()
		ty := m.Type()
		switch {
		case ty == cty.DynamicPseudoType:
			return cty.DynamicPseudoType, nil
		case ty.IsObjectType():
			if !key.IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			if ty.HasAttribute(key.AsString()) {
				return ty.AttributeType(key.AsString()), nil
			}
			if len(args) == 3 {
				return args[2].Type(), nil
			}
			return cty.DynamicPseudoType, nil // the error is Impl's, once known
		case ty.IsMapType():
			if len(args) == 3 {
				if _, err := convert.Convert(args[2], ty.ElementType()); err != nil {
					return cty.NilType, function.NewArgErrorf(2, "the default value must have the same type as the map elements")
				}
			}
			return ty.ElementType(), nil
		}
		return cty.NilType, function.NewArgErrorf(0, "lookup() requires a map as the first argument")
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		var marks []cty.ValueMarks
		unmarked := make([]cty.Value, len(args))
		for i, a := range args {
			var m cty.ValueMarks
			unmarked[i], m = a.Unmark()
			marks = append(marks, m)
		}
		m, key := unmarked[0], unmarked[1]
		if !m.IsWhollyKnown() || !key.IsKnown() {
			return cty.UnknownVal(ret).WithMarks(marks...), nil
		}
		if m.IsNull() || key.IsNull() {
			return cty.NilVal, errors.New("lookup() requires a map and a key that are not null")
		}
		k := key.AsString()
		if m.Type().IsObjectType() {
			if m.Type().HasAttribute(k) {
				return m.GetAttr(k).WithMarks(marks[:2]...), nil
			}
		} else if m.HasIndex(key).True() {
			return m.Index(key).WithMarks(marks[:2]...), nil
		}
		if len(args) < 3 {
			return cty.NilVal, fmt.Errorf("lookup failed to find key %q", k)
		}
		d, err := convert.Convert(args[2], ret)
		if err != nil {
			return cty.NilVal, function.NewArgError(2, err)
		}
		return d.WithMarks(marks[:2]...), nil
	},
})

// indexFunc is Terraform's index(list, value): the zero-based position of
// the first element equal to value, an error when there is none. go-cty's
// stdlib "index" is another function (the index operator, list[i]).
var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType},
		{Name: "value", Type: cty.DynamicPseudoType},
	},
	Type: function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		l := args[0]
		if t := l.Type(); !t.IsListType() && !t.IsTupleType() {
			return cty.NilVal, function.NewArgErrorf(0, "argument must be a list or tuple")
		}
		if l.LengthInt() == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "cannot search an empty list")
		}
		for it := l.ElementIterator(); it.Next(); {
			i, v := it.Element()
			eq, err := stdlib.Equal(v, args[1])
			if err != nil {
				return cty.NilVal, err
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return i, nil
			}
		}
		return cty.NilVal, errors.New("item not found")
	},
})

// oneFunc is Terraform's one(list): null for an empty list, set or tuple,
// its element for one element, an error for more.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			switch ets := ty.TupleElementTypes(); len(ets) {
			case 0:
				return cty.DynamicPseudoType, nil
			case 1:
				return ets[0], nil
			}
		}
		return cty.NilType, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		switch args[0].LengthInt() {
		case 0:
			return cty.NullVal(ret), nil
		case 1:
			it := args[0].ElementIterator()
			it.Next()
			_, v := it.Element()
			return v, nil
		}
		return cty.NilVal, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
	},
})

// allTrueFunc and anyTrueFunc are Terraform's alltrue and anytrue over a
// list or set of bools (a null element counts as false); a known element
// that decides the answer decides it even beside unknown ones.
var (
	allTrueFunc = boolFold(true)
	anyTrueFunc = boolFold(false)
)

// boolFold is alltrue (all) or anytrue (!all).
func boolFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool), AllowUnknown: true}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if !args[0].IsKnown() {
				return cty.UnknownVal(cty.Bool), nil
			}
			unknown := false
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				switch {
				case !v.IsKnown():
					unknown = true
				case all && (v.IsNull() || v.False()):
					return cty.False, nil
				case !all && !v.IsNull() && v.True():
					return cty.True, nil
				}
			}
			if unknown {
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(all), nil
		},
	})
}

// sumFunc is Terraform's sum(list): the total of a non-empty list, set or
// tuple of numbers.
var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		t := args[0].Type()
		if !t.IsListType() && !t.IsSetType() && !t.IsTupleType() {
			return cty.NilVal, function.NewArgErrorf(0, "argument must be list, set, or tuple; received %s", t.FriendlyName())
		}
		if args[0].LengthInt() == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "cannot sum an empty list")
		}
		total := cty.Zero
		for it := args[0].ElementIterator(); it.Next(); {
			_, v := it.Element()
			if v.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "argument must be list, set, or tuple of number values")
			}
			n, err := convert.Convert(v, cty.Number)
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "argument must be list, set, or tuple of number values")
			}
			if !n.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			total = total.Add(n)
		}
		return total, nil
	},
})

// matchkeysFunc is Terraform's matchkeys(values, keys, searchset): the
// elements of values whose element of keys (at the same index) is in
// searchset.
var matchkeysFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "values", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "keys", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "searchset", Type: cty.List(cty.DynamicPseudoType)},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()})
		if ty == cty.NilType {
			return cty.NilType, errors.New("keys and searchset must be of the same type")
		}
		return args[0].Type(), nil
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		if args[0].LengthInt() != args[1].LengthInt() {
			return cty.NilVal, errors.New("length of keys and values should be equal")
		}
		var out []cty.Value
		keys := args[1].AsValueSlice()
		for i, v := range args[0].AsValueSlice() {
			for it := args[2].ElementIterator(); it.Next(); {
				_, s := it.Element()
				eq, err := stdlib.Equal(keys[i], s)
				if err != nil {
					return cty.NilVal, err
				}
				if !eq.IsKnown() {
					return cty.UnknownVal(ret), nil
				}
				if eq.True() {
					out = append(out, v)
					break
				}
			}
		}
		if len(out) == 0 {
			return cty.ListValEmpty(ret.ElementType()), nil
		}
		return cty.ListVal(out), nil
	},
})

// transposeFunc is Terraform's transpose(map(list(string))): each string of
// the lists becomes a key, listing the keys it appeared under.
var transposeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:   function.StaticReturnType(cty.Map(cty.List(cty.String))),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		out := map[string][]cty.Value{}
		for it := args[0].ElementIterator(); it.Next(); {
			k, list := it.Element()
			if list.IsNull() {
				return cty.NilVal, errors.New("transpose requires no null list")
			}
			for li := list.ElementIterator(); li.Next(); {
				_, v := li.Element()
				if v.IsNull() {
					return cty.NilVal, errors.New("transpose requires no null string")
				}
				out[v.AsString()] = append(out[v.AsString()], k)
			}
		}
		if len(out) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		m := make(map[string]cty.Value, len(out))
		for k, vs := range out {
			m[k] = cty.ListVal(vs)
		}
		return cty.MapVal(m), nil
	},
})

// stringTest is startswith, endswith or strcontains: test(str, other).
func stringTest(test func(s, other string) bool, other string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: other, Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(test(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

// base64Hash is base64sha256 or base64sha512: the hash of the string's
// UTF-8 bytes, base64-encoded.
func base64Hash(sum func([]byte) []byte) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(base64.StdEncoding.EncodeToString(sum([]byte(args[0].AsString())))), nil
		},
	})
}

// base64GzipFunc is Terraform's base64gzip(str): the string gzipped, then
// base64-encoded.
var base64GzipFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		if _, err := w.Write([]byte(args[0].AsString())); err != nil {
			return cty.NilVal, fmt.Errorf("base64gzip: %w", err)
		}
		if err := w.Flush(); err != nil { // as Terraform's: write, flush, close
			return cty.NilVal, fmt.Errorf("base64gzip: %w", err)
		}
		if err := w.Close(); err != nil {
			return cty.NilVal, fmt.Errorf("base64gzip: %w", err)
		}
		return cty.StringVal(base64.StdEncoding.EncodeToString(b.Bytes())), nil
	},
})

// timecmpFunc is Terraform's timecmp(a, b): -1, 0 or 1 as the RFC 3339
// timestamp a is before, equal to or after b.
var timecmpFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "timestamp_a", Type: cty.String}, {Name: "timestamp_b", Type: cty.String}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var ts [2]time.Time
		for i := range ts {
			t, err := time.Parse(time.RFC3339, args[i].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(i, "not RFC 3339 timestamp: %q", args[i].AsString())
			}
			ts[i] = t
		}
		return cty.NumberIntVal(int64(ts[0].Compare(ts[1]))), nil
	},
})

// ephemeralAsNullFunc is Terraform's ephemeralasnull(value): null for an
// ephemeral value, the value otherwise; a static scan reads no ephemeral
// value, so it is the value.
var ephemeralAsNullFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

// afterApply is a function whose result Terraform decides only when it
// runs (a time, a random value, the runner's folders, a decryption with a
// key it is given): unknown, saying why.
func afterApply(reason string, t cty.Type) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true},
		Type:     function.StaticReturnType(t),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return cty.UnknownVal(t).Mark(why(reason)), nil
		},
	})
}

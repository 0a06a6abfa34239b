package tfeval

import (
	"encoding/json"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// yamlEncodeFunc is Terraform's yamlencode(value): the value as YAML 1.2
// in block style (developer.hashicorp.com/terraform/language/functions/
// yamlencode). Terraform's (go-cty-yaml) writes every string and key
// double-quoted, numbers and bools plain, null as null, an empty mapping
// or sequence in flow style ({} and []), and a sequence under a key at
// the key's indentation:
//
//	"bar": "baz"
//	"foo":
//	- 1
//	- "a": "b"
//	  "c": "d"
//
// This writes the same, except for strings of several lines, written
// double-quoted with \n where go-cty-yaml writes a literal block: the
// value read back (yamldecode) is the same.
var yamlEncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].IsWhollyKnown() {
			return cty.UnknownVal(cty.String), nil
		}
		var b strings.Builder
		yamlBlock(&b, args[0], "")
		return cty.StringVal(b.String()), nil
	},
})

// yamlBlock writes v as a block node at indent, ending with a newline.
func yamlBlock(b *strings.Builder, v cty.Value, indent string) {
	switch t := v.Type(); {
	case !nonEmpty(v):
		b.WriteString(indent)
		b.WriteString(yamlFlow(v))
		b.WriteByte('\n')
	case t.IsObjectType() || t.IsMapType():
		for it := v.ElementIterator(); it.Next(); { // keys in lexical order, as cty's
			k, e := it.Element()
			b.WriteString(indent)
			b.WriteString(yamlString(k.AsString()))
			b.WriteByte(':')
			yamlValueAfter(b, e, indent, indent+"  ")
		}
	default:
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			// The element as a block at indent+2, its first indentation
			// replaced by "- ": "- 1", "- "a": "b"\n  "c": "d"".
			var eb strings.Builder
			yamlBlock(&eb, e, indent+"  ")
			b.WriteString(indent)
			b.WriteString("- ")
			b.WriteString(strings.TrimPrefix(eb.String(), indent+"  "))
		}
	}
}

// yamlValueAfter writes the value of a mapping key: a scalar or empty
// collection on the key's line, a mapping below it at inner, a sequence
// below it at the key's own indent.
func yamlValueAfter(b *strings.Builder, v cty.Value, indent, inner string) {
	switch t := v.Type(); {
	case !nonEmpty(v):
		b.WriteString(" " + yamlFlow(v) + "\n")
	case t.IsObjectType() || t.IsMapType():
		b.WriteByte('\n')
		yamlBlock(b, v, inner)
	default:
		b.WriteByte('\n')
		yamlBlock(b, v, indent)
	}
}

// nonEmpty reports whether v is a mapping or sequence of one element or
// more: a block; anything else is written in flow style.
func nonEmpty(v cty.Value) bool {
	t := v.Type()
	coll := t.IsObjectType() || t.IsMapType() || t.IsListType() || t.IsSetType() || t.IsTupleType()
	return coll && !v.IsNull() && v.LengthInt() > 0
}

// yamlFlow is a scalar, null or an empty collection.
func yamlFlow(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	switch t := v.Type(); {
	case t == cty.String:
		return yamlString(v.AsString())
	case t == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case t == cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	case t.IsObjectType() || t.IsMapType():
		return "{}"
	}
	return "[]"
}

// yamlString double-quotes s: JSON's escapes are YAML's too, and YAML
// reads \/ and \uXXXX the same.
func yamlString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

package tfeval

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// Ensure what yamlencode writes reads back (yamldecode) as the value it
// was given, as objects and tuples (what YAML keeps of a value's type):
// strings that look like other scalars, several lines, quotes and
// escapes, big and fractional numbers, nesting in both directions.
func TestYAMLEncodeRoundTrip(t *testing.T) {
	for _, v := range []cty.Value{
		cty.StringVal("true"),
		cty.NullVal(cty.DynamicPseudoType),
		cty.ObjectVal(map[string]cty.Value{
			"yes":      cty.StringVal("yes"),
			"number":   cty.StringVal("8443"),
			"null":     cty.StringVal("~"),
			"lines":    cty.StringVal("#!/bin/bash\nset -e\n  aws s3 cp \"s3://b/x\" .\n"),
			"escapes":  cty.StringVal("tab\there \\ back, \u00e9, ☃, \u2028, \x01"),
			"colon":    cty.StringVal("key: value # not a comment"),
			"big":      cty.MustParseNumberVal("123456789012345678901234567890"),
			"fraction": cty.NumberFloatVal(-0.125),
			"bool":     cty.False,
			"empty":    cty.EmptyObjectVal,
			"none":     cty.EmptyTupleVal,
			"spaced key: x": cty.TupleVal([]cty.Value{
				cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NumberIntVal(2)}),
				cty.ObjectVal(map[string]cty.Value{
					"Classification": cty.StringVal("spark-defaults"),
					"Properties":     cty.ObjectVal(map[string]cty.Value{"spark.authenticate": cty.StringVal("true")}),
				}),
				cty.NullVal(cty.DynamicPseudoType),
			}),
		}),
	} {
		enc, err := yamlEncodeFunc.Call([]cty.Value{v})
		if err != nil {
			t.Fatalf("yamlencode(%#v): %v", v, err)
		}
		back, err := yamlDecode(enc.AsString())
		if err != nil {
			t.Fatalf("yamldecode of\n%s: %v", enc.AsString(), err)
		}
		if !back.RawEquals(v) {
			t.Errorf("yamlencode then yamldecode gives %#v, want %#v; the YAML:\n%s", back, v, enc.AsString())
		}
	}
}

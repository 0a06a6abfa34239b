package tfeval

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"gopkg.in/yaml.v3"
)

// yamlDecodeFunc is Terraform's yamldecode(src): one YAML document as a
// value, mappings as objects and sequences as tuples
// (developer.hashicorp.com/terraform/language/functions/yamldecode);
// scalars by their YAML 1.2 core schema tag, a timestamp as its string.
var yamlDecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "src", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return cty.DynamicPseudoType, nil
		}
		v, err := yamlDecode(args[0].AsString())
		if err != nil {
			return cty.NilType, function.NewArgError(0, err)
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return yamlDecode(args[0].AsString())
	},
})

func yamlDecode(src string) (cty.Value, error) {
	dec := yaml.NewDecoder(strings.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return cty.NilVal, fmt.Errorf("on line %s", strings.TrimPrefix(err.Error(), "yaml: line "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return cty.NilVal, errors.New("unexpected extra content after value")
	}
	return yamlValue(&doc, 0)
}

// yamlValue converts n; depth bounds aliases that refer to themselves.
func yamlValue(n *yaml.Node, depth int) (cty.Value, error) {
	if depth > 100 {
		return cty.NilVal, fmt.Errorf("line %d: value nested too deeply (an alias cycle?)", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return cty.NullVal(cty.DynamicPseudoType), nil
		}
		return yamlValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1)
	case yaml.SequenceNode:
		vals := make([]cty.Value, len(n.Content))
		for i, c := range n.Content {
			v, err := yamlValue(c, depth+1)
			if err != nil {
				return cty.NilVal, err
			}
			vals[i] = v
		}
		return cty.TupleVal(vals), nil
	case yaml.MappingNode:
		attrs := make(map[string]cty.Value, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
				return cty.NilVal, fmt.Errorf("line %d: a mapping key must be a string", k.Line)
			}
			v, err := yamlValue(n.Content[i+1], depth+1)
			if err != nil {
				return cty.NilVal, err
			}
			attrs[k.Value] = v
		}
		return cty.ObjectVal(attrs), nil
	}
	switch n.ShortTag() {
	case "!!null":
		return cty.NullVal(cty.DynamicPseudoType), nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return cty.NilVal, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return cty.BoolVal(b), nil
	case "!!int", "!!float":
		// cty's precision (512 bits), as Terraform's: big.Float's default
		// (64) rounds a 30-digit number.
		f, err := cty.ParseNumberVal(strings.ReplaceAll(n.Value, "_", ""))
		if err != nil {
			var x float64 // 0x1F, 0o17, .inf: as yaml.v3 reads them
			if err := n.Decode(&x); err != nil {
				return cty.NilVal, fmt.Errorf("line %d: %q is not a number", n.Line, n.Value)
			}
			return cty.NumberFloatVal(x), nil
		}
		return f, nil
	}
	return cty.StringVal(n.Value), nil
}

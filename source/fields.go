package source

import (
	"fmt"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// String reads the value v of key as a string field, the way every JSON
// and YAML source does: nil or null is Absent, and so is "" (CLI
// skeletons leave every field empty); an unresolved value is Unknown with
// its reason; any other type is an error diagnostic and Unknown — never
// Absent, since a value is there that could not be read.
func String(v *tree.Node, key string, diags *Diagnostics) model.Field[string] {
	switch {
	case v == nil || v.Kind == tree.Null:
		return model.Field[string]{}
	case v.Kind == tree.Unknown:
		return tree.UnknownString(v, v.At)
	case v.Kind != tree.String:
		why := fmt.Sprintf("%s is a %s, want a string", key, v.Kind)
		diags.Errorf(v.At, "%s", why)
		return model.Unresolved[string](why, v.At)
	case v.Text == "":
		return model.Field[string]{}
	}
	return model.Known(v.Text, v.At)
}

// Int reads the value v of key as an integer field (a number, or a string
// holding one), with String's rules for absent, unresolved and wrong values.
func Int(v *tree.Node, key string, diags *Diagnostics) model.Field[int] {
	switch {
	case v == nil || v.Kind == tree.Null:
		return model.Field[int]{}
	case v.Kind == tree.Unknown:
		return model.Unresolved[int](v.Text, v.At)
	}
	if x, ok := v.Int(); ok {
		return model.Known(x, v.At)
	}
	why := fmt.Sprintf("%s is %s %q, want an integer", key, v.Kind, v.Text)
	diags.Errorf(v.At, "%s", why)
	return model.Unresolved[int](why, v.At)
}

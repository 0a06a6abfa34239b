package cfn

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// member returns the member key of a resolved object, or nil.
func member(o *tree.Node, key string) *tree.Member {
	if o == nil || o.Kind != tree.Object {
		return nil
	}
	for i := len(o.Fields) - 1; i >= 0; i-- {
		if o.Fields[i].Key == key {
			return &o.Fields[i]
		}
	}
	return nil
}

// prop finds key in a resolved object: the member's value and the line of
// the key. A whole object that is unknown makes every key unknown.
func prop(o *tree.Node, key string) (v *tree.Node, at model.Loc, ok bool) {
	if o != nil && o.Kind == tree.Unknown {
		return o, o.At, true
	}
	m := member(o, key)
	if m == nil || m.Val == nil || m.Val.Kind == tree.Null {
		return nil, model.Loc{}, false
	}
	return m.Val, m.KeyAt, true
}

// str reads a scalar property as a string field.
func (t *template) str(o *tree.Node, key string) model.Field[string] {
	v, at, ok := prop(o, key)
	if !ok {
		return model.Field[string]{}
	}
	return t.strOf(v, key, at)
}

func (t *template) strOf(v *tree.Node, key string, at model.Loc) model.Field[string] {
	switch v.Kind {
	case tree.Unknown:
		return tree.UnknownString(v, at)
	case tree.String, tree.Number, tree.Bool:
		return model.Known(v.Text, at)
	}
	t.errorf(v.At, "%s is a %s, want a string", key, v.Kind)
	return model.Unresolved[string](key+" is a "+v.Kind.String()+", want a string", at)
}

// link reads a property that names another resource. When it is a Ref or
// GetAtt of a resource of the template, the field holds that resource's
// logical ID if byName is false, else the resource's name when the
// template sets it and the logical ID otherwise. Anything else is read
// as a string (an AWS ID or name given literally or by parameter).
func (t *template) link(o *tree.Node, key string, byName bool) model.Field[string] {
	v, at, ok := prop(o, key)
	if !ok {
		return model.Field[string]{}
	}
	return t.linkOf(v, key, at, byName)
}

func (t *template) linkOf(v *tree.Node, key string, at model.Loc, byName bool) model.Field[string] {
	if id, _, ok := refTarget(v); ok {
		if byName && v.Kind == tree.String {
			return model.Known(v.Text, at)
		}
		return model.Known(id, at)
	}
	return t.strOf(v, key, at)
}

// links reads a list of resource references (see link).
func (t *template) links(o *tree.Node, key string, byName bool) model.Field[[]string] {
	v, at, ok := prop(o, key)
	if !ok {
		return model.Field[[]string]{}
	}
	switch v.Kind {
	case tree.Unknown:
		return model.Unresolved[[]string](v.Text, at)
	case tree.String:
		return model.Known([]string{v.Text}, at)
	case tree.Array:
	default:
		t.errorf(v.At, "%s is a %s, want a list", key, v.Kind)
		return model.Unresolved[[]string](key+" is not a list", at)
	}
	out := make([]string, 0, len(v.Items))
	for _, it := range v.Items {
		f := t.linkOf(it, key, it.At, byName)
		if !f.IsSet() {
			return model.Unresolved[[]string](f.Why, at)
		}
		out = append(out, f.Val)
	}
	return model.Known(out, at)
}

func (t *template) integer(o *tree.Node, key string) model.Field[int] {
	v, at, ok := prop(o, key)
	if !ok {
		return model.Field[int]{}
	}
	if v.Kind == tree.Unknown {
		return model.Unresolved[int](v.Text, at)
	}
	n, ok := v.Int()
	if !ok {
		t.errorf(v.At, "%s is not a whole number", key)
		return model.Unresolved[int](key+" is not a whole number", at)
	}
	return model.Known(n, at)
}

func (t *template) boolean(o *tree.Node, key string) model.Field[bool] {
	v, at, ok := prop(o, key)
	if !ok {
		return model.Field[bool]{}
	}
	if v.Kind == tree.Unknown {
		return model.Unresolved[bool](v.Text, at)
	}
	b, ok := v.Bool()
	if !ok {
		t.errorf(v.At, "%s is a %s, want true or false", key, v.Kind)
		return model.Unresolved[bool](key+" is not a boolean", at)
	}
	return model.Known(b, at)
}

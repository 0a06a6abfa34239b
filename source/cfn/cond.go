package cfn

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// cond is the value of a condition: true, false, or unknown with why.
type cond struct {
	val, known bool
	why        string
}

func unknownCond(why string) cond { return cond{why: why} }

// condition evaluates a named condition of the Conditions section once.
func (t *template) condition(name string, at model.Loc) cond {
	if c, ok := t.conds[name]; ok {
		return c
	}
	if t.condBusy[name] {
		t.errorf(at, "circular condition: %s depends on itself", name)
		return unknownCond("circular condition " + name)
	}
	def := t.conditions.Get(name)
	if def == nil {
		t.errorf(at, "condition %s is not defined in Conditions", name)
		return unknownCond("condition " + name + " is not defined")
	}
	if v, ok := t.world[name]; ok {
		t.conds[name] = cond{val: v, known: true}
		return t.conds[name]
	}
	t.condBusy[name] = true
	n := len(t.atoms)
	c := t.evalCond(def)
	delete(t.condBusy, name)
	if !c.known && t.world == nil && len(t.atoms) == n && !t.exhausted {
		// Unknown of itself, not through another condition: an atom the
		// worlds give each value.
		t.atoms = append(t.atoms, name)
	}
	t.conds[name] = c
	return c
}

// evalCond evaluates a condition expression: Fn::Equals, Fn::Not,
// Fn::And, Fn::Or, Condition, or anything resolving to a boolean.
func (t *template) evalCond(n *tree.Node) cond {
	t.steps++
	if t.steps > maxSteps || t.exhausted {
		return unknownCond("template too complex to resolve")
	}
	fn, arg, ok := t.intrinsic(n)
	if !ok && n.Kind == tree.Object && len(n.Fields) == 1 && n.Fields[0].Key == "Condition" {
		fn, arg, ok = "Condition", n.Fields[0].Val, true
	}
	if !ok {
		v := t.resolve(n)
		if v.Kind == tree.Unknown {
			return unknownCond(v.Text)
		}
		if b, ok := v.Bool(); ok {
			return cond{val: b, known: true}
		}
		t.errorf(n.At, "a condition is a %s, want Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition", v.Kind)
		return unknownCond("a condition is not a boolean")
	}
	switch fn {
	case "Condition":
		name, ok := arg.Str()
		if !ok {
			t.errorf(arg.At, "Condition names a condition, got a %s", arg.Kind)
			return unknownCond("Condition takes a name")
		}
		return t.condition(name, arg.At)
	case "Fn::Equals":
		if arg.Kind != tree.Array || len(arg.Items) != 2 {
			t.errorf(arg.At, "Fn::Equals takes [value, value]")
			return unknownCond("Fn::Equals takes [value, value]")
		}
		a, b := t.resolve(arg.Items[0]), t.resolve(arg.Items[1])
		for _, v := range []*tree.Node{a, b} {
			if v.Kind == tree.Unknown {
				return unknownCond(v.Text)
			}
		}
		return cond{val: equalValues(a, b), known: true}
	case "Fn::Not":
		items := arg.Items
		if arg.Kind != tree.Array || len(items) != 1 {
			t.errorf(arg.At, "Fn::Not takes [condition]")
			return unknownCond("Fn::Not takes [condition]")
		}
		c := t.evalCond(items[0])
		c.val = !c.val
		return c
	case "Fn::And", "Fn::Or":
		if arg.Kind != tree.Array || len(arg.Items) == 0 {
			t.errorf(arg.At, "%s takes a list of conditions", fn)
			return unknownCond(fn + " takes a list of conditions")
		}
		short := fn == "Fn::Or" // the value that decides alone
		var unk cond
		unknown := false
		for _, it := range arg.Items {
			c := t.evalCond(it)
			switch {
			case !c.known:
				if !unknown {
					unk, unknown = c, true
				}
			case c.val == short:
				return cond{val: short, known: true}
			}
		}
		if unknown {
			return unk
		}
		return cond{val: !short, known: true}
	}
	v := t.call(fn, arg, n.At)
	if v.Kind == tree.Unknown {
		return unknownCond(v.Text)
	}
	if b, ok := v.Bool(); ok {
		return cond{val: b, known: true}
	}
	t.errorf(n.At, "%s does not give a boolean condition", fn)
	return unknownCond(fn + " does not give a boolean")
}

// equalValues compares two resolved values as CloudFormation does: as
// strings for scalars, item by item for lists.
func equalValues(a, b *tree.Node) bool {
	if a.Kind == tree.Array || b.Kind == tree.Array {
		if a.Kind != b.Kind || len(a.Items) != len(b.Items) {
			return false
		}
		for i := range a.Items {
			if !equalValues(a.Items[i], b.Items[i]) {
				return false
			}
		}
		return true
	}
	if a.Kind == tree.Object || b.Kind == tree.Object {
		return false
	}
	return a.Text == b.Text
}

// active reports whether a resource is created: its Condition, if any,
// holds. A resource whose condition is unknown is read (it may be
// created).
func (t *template) active(r *resource) bool {
	c := r.node.Get("Condition")
	if c == nil {
		return true
	}
	name, ok := c.Str()
	if !ok {
		t.errorf(c.At, "Condition of %s is a %s, want a condition name", r.id, c.Kind)
		return true
	}
	v := t.condition(name, c.At)
	return !v.known || v.val
}

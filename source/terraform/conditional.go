package terraform

import (
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// maxConditions bounds the unknowns a root is read again for: each is
// true or false, so a root is read at most 2^maxConditions = 4 more
// times, once per combination (a world).
const maxConditions = 2

// conditions are the unknowns deciding a count of a root: what the
// first reading found (found), and the values a world gives them (world;
// nil in the first reading). Shared by the copies of a root's loader.
type conditions struct {
	mu    sync.Mutex
	world map[string]bool
	found []string
}

func (c *conditions) note(atom string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.found, atom) {
		c.found = append(c.found, atom)
	}
}

// conditionalCount reads a count Terraform cannot know statically whose
// expression is cond ? A : B with A and B known whole numbers (the usual
// `count = var.create ? 1 : 0`). Each unknown cond depends on, in a
// boolean position (the condition, an operand of &&, || or !, through
// locals), is an atom: var.x or module.m.out. The first reading notes
// the atoms and decides nothing; a world gives each atom a value, and the
// count is the branch the condition then takes. The atoms are assumed
// only here: elsewhere they stay unknown, so a world is one of the ways
// the resources can exist, never a guess about other values.
func (m *module) conditionalCount(expr hcl.Expression) (int, bool) {
	c, ok := unwrap(expr).(*hclsyntax.ConditionalExpr)
	cs := m.ld.conds
	if !ok || cs == nil {
		return 0, false
	}
	a, errA := countOf(m.known(c.TrueResult))
	b, errB := countOf(m.known(c.FalseResult))
	if errA != nil || errB != nil {
		return 0, false
	}
	if a == b { // the condition does not matter (HCL says unknown)
		return a, true
	}
	v, ok := m.condition(c.Condition, 0)
	if !ok || cs.world == nil {
		return 0, false
	}
	if v {
		return a, true
	}
	return b, true
}

// known evaluates x, giving NilVal when the value is not wholly known.
func (m *module) known(x hcl.Expression) cty.Value {
	v := m.eval(x, nil)
	if !v.IsWhollyKnown() {
		return cty.NullVal(cty.Number)
	}
	v, _ = v.Unmark()
	return v
}

// condition evaluates a boolean expression with the world's atoms; ok is
// false when it stays unknown. depth bounds the locals followed.
func (m *module) condition(x hcl.Expression, depth int) (val, ok bool) {
	if depth > 8 {
		return false, false
	}
	switch e := unwrap(x).(type) {
	case *hclsyntax.ParenthesesExpr:
		return m.condition(e.Expression, depth)
	case *hclsyntax.UnaryOpExpr:
		if e.Op == hclsyntax.OpLogicalNot {
			v, ok := m.condition(e.Val, depth)
			return !v, ok
		}
	case *hclsyntax.BinaryOpExpr:
		if e.Op == hclsyntax.OpLogicalAnd || e.Op == hclsyntax.OpLogicalOr {
			l, lok := m.condition(e.LHS, depth)
			r, rok := m.condition(e.RHS, depth)
			and := e.Op == hclsyntax.OpLogicalAnd
			switch {
			case lok && rok:
				if and {
					return l && r, true
				}
				return l || r, true
			case lok && l != and, rok && r != and: // false && _, true || _
				return !and, true
			}
			return false, false
		}
	case *hclsyntax.ScopeTraversalExpr:
		if v, ok := m.boolOf(e); ok {
			return v, true
		}
		return m.atom(e, depth)
	}
	return m.boolOf(x)
}

// boolOf evaluates x as Terraform converts a condition: a known bool.
func (m *module) boolOf(x hcl.Expression) (bool, bool) {
	v, _ := m.eval(x, nil).Unmark()
	if !v.IsWhollyKnown() || v.IsNull() {
		return false, false
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		return false, false
	}
	return b.True(), true
}

// atom is an unknown reference in a boolean position: a local is
// followed to its expression; var.x and module.m.out are atoms, named
// with the module's address (module.emr.var.create).
func (m *module) atom(e *hclsyntax.ScopeTraversalExpr, depth int) (bool, bool) {
	tr := e.Traversal
	root, attr := tr.RootName(), ""
	if len(tr) > 1 {
		if a, ok := tr[1].(hcl.TraverseAttr); ok {
			attr = a.Name
		}
	}
	switch {
	case root == "local" && len(tr) == 2 && attr != "":
		if l := m.locals[attr]; l != nil {
			if a, ok := l.Expr.(*arg); !ok || a.src() != nil || a.parsed != nil {
				return m.condition(l.Expr, depth+1)
			}
		}
		return false, false
	case root == "var" && len(tr) == 2 && attr != "":
	case root == "module" && len(tr) == 3 && attr != "":
		if _, ok := tr[2].(hcl.TraverseAttr); !ok {
			return false, false
		}
	default:
		return false, false
	}
	name := m.prefix + traversalText(tr)
	cs := m.ld.conds
	if cs.world == nil {
		cs.note(name)
		return false, false
	}
	v, ok := cs.world[name]
	return v, ok
}

// traversalText writes a traversal of attribute steps: var.x, module.m.out.
func traversalText(tr hcl.Traversal) string {
	s := tr.RootName()
	for _, t := range tr[1:] {
		if a, ok := t.(hcl.TraverseAttr); ok {
			s += "." + a.Name
		}
	}
	return s
}

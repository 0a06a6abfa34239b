package tfeval

import (
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/emrguard/emrguard/model"
)

// MaxConditions bounds the unknowns a root is read again for: each is
// true or false, so a root is read at most 2^MaxConditions = 8 more
// times, once per combination (a world).
const MaxConditions = 3

// conditions are the unknowns deciding a count of a root: what the
// first reading found (found, and what kind each is), and the
// values a world gives them (world; nil in the first reading). Shared by
// the copies of a root's loader.
type conditions struct {
	mu    sync.Mutex
	world map[string]bool
	found []string
	kinds map[string]model.UnknownKind // of the found atoms not Boolean
}

func (c *conditions) note(atom string, kind model.UnknownKind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.found, atom) {
		c.found = append(c.found, atom)
		if kind != model.Boolean {
			if c.kinds == nil {
				c.kinds = map[string]model.UnknownKind{}
			}
			c.kinds[atom] = kind
		}
	}
}

// worldCount reads a count Terraform cannot know statically in the
// world the loader reads. The count is cond ? A : B, or any other
// expression. Each unknown the condition depends on, in a boolean
// position (the condition, an operand of &&, || or !, through locals),
// is a boolean atom: var.x, module.m.out, or the text of an unknown
// boolean such as var.n > 0. An unknown count, whole or a branch, is a
// count atom (var.n, length(var.list)): its worlds are "0" and "at
// least 1, all alike", the latter read as one representative instance
// whose count.index is unknown (rep). The first reading notes the atoms
// and decides nothing; a world gives each atom a value. The atoms are
// assumed only here: elsewhere they stay unknown, so a world is one of
// the ways the resources can exist, never a guess about other values.
func (m *module) worldCount(expr hcl.Expression) (n int, rep, ok bool) {
	cs := m.ld.conds
	if cs == nil {
		return 0, false, false
	}
	x := unwrap(expr)
	for p, ok := x.(*hclsyntax.ParenthesesExpr); ok; p, ok = x.(*hclsyntax.ParenthesesExpr) {
		x = p.Expression // (cond ? 1 : 0) is the conditional
	}
	c, isCond := x.(*hclsyntax.ConditionalExpr)
	if !isCond {
		return m.countAtom(expr)
	}
	a, errA := countOf(m.known(c.TrueResult))
	b, errB := countOf(m.known(c.FalseResult))
	if errA == nil && errB == nil && a == b { // the condition does not matter (HCL says unknown)
		return a, false, true
	}
	if !m.countable(c.TrueResult, errA) || !m.countable(c.FalseResult, errB) {
		return 0, false, false
	}
	v, vok := m.condition(c.Condition, 0)
	branch := func(x hcl.Expression, n int, err error) (int, bool, bool) {
		if err == nil {
			return n, false, true
		}
		return m.countAtom(x)
	}
	if cs.world == nil {
		// Note the branches' atoms as well: a world may take either.
		branch(c.TrueResult, a, errA)
		branch(c.FalseResult, b, errB)
		return 0, false, false
	}
	switch {
	case !vok:
		return 0, false, false
	case v:
		return branch(c.TrueResult, a, errA)
	}
	return branch(c.FalseResult, b, errB)
}

// worldEach reads a for_each over a collection Terraform cannot know (a
// variable without a value, a list read at apply) in the world the loader
// reads: an Each atom named by its text, whose worlds are "empty" and "at
// least one element", the latter read as one representative instance
// whose each.key and each.value are unknown (instKey.rep), so that a
// verdict not depending on them holds for every element.
func (m *module) worldEach(x hcl.Expression) (exists, ok bool) {
	cs := m.ld.conds
	if cs == nil {
		return false, false
	}
	text, ok := atomText(x)
	if !ok {
		return false, false
	}
	name := m.prefix + text
	if cs.world == nil {
		cs.note(name, model.Each)
		return false, false
	}
	exists, ok = cs.world[name]
	return exists, ok
}

// countable tells whether a branch of a conditional count is a count a
// world can give: a known one (err nil), or an unknown one with a name.
func (m *module) countable(x hcl.Expression, err error) bool {
	if err == nil {
		return true
	}
	if m.eval(x, nil).IsWhollyKnown() {
		return false // known, and not a count
	}
	_, ok := atomText(x)
	return ok
}

// countAtom is a whole count Terraform cannot know, as a count atom
// named by its text: in a world, 0 or one representative of at least 1.
func (m *module) countAtom(x hcl.Expression) (n int, rep, ok bool) {
	if v := m.eval(x, nil); v.IsWhollyKnown() {
		return 0, false, false // known but not a count: an input error, reported by the caller
	}
	text, ok := atomText(x)
	if !ok {
		return 0, false, false
	}
	name := m.prefix + text
	cs := m.ld.conds
	if cs.world == nil {
		cs.note(name, model.Count)
		return 0, false, false
	}
	exists, ok := cs.world[name]
	if !ok {
		return 0, false, false
	}
	if exists {
		return 1, true, true
	}
	return 0, false, true
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
	if v, ok := m.boolOf(x); ok {
		return v, true
	}
	return m.textAtom(x)
}

// textAtom is an unknown boolean that is not a reference (var.n > 0,
// length(var.list) > 0), as an atom named by its text.
func (m *module) textAtom(x hcl.Expression) (bool, bool) {
	if v, _ := m.eval(x, nil).Unmark(); v.IsWhollyKnown() || !v.Type().Equals(cty.Bool) && v.Type() != cty.DynamicPseudoType {
		return false, false
	}
	text, ok := atomText(x)
	if !ok {
		return false, false
	}
	return m.worldValue(m.prefix + text)
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
	return m.worldValue(m.prefix + traversalText(tr))
}

// worldValue is the value the world gives boolean atom name; the first
// reading notes it and decides nothing.
func (m *module) worldValue(name string) (bool, bool) {
	cs := m.ld.conds
	if cs.world == nil {
		cs.note(name, model.Boolean)
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

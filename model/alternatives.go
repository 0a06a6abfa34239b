package model

// Alternatives are the evidence of one Terraform root read again under
// each combination of the few unknowns that decide whether some of its
// resources exist (count = var.create ? 1 : 0): the control engine
// judges each world and keeps a verdict they all agree on
// (engine.Evaluate, package control/engine), where the first reading, in the Evidence holding
// the Alternatives, could not decide.
type Alternatives struct {
	// Unknowns name the unknowns with the module's address
	// (module.emr.module.this.enabled, var.create).
	Unknowns []string
	// Kinds say what each unknown is (none: every one a Boolean).
	Kinds []UnknownKind
	// Base is the root's first reading, its resources among the
	// evidence's: which results are this root's.
	Base *Evidence
	// Worlds are every combination: Values[i] is Unknowns[i]'s. None
	// when the unknowns are more than Bound, the most a root is read
	// again for.
	Worlds []World
	Bound  int
}

// World is the evidence of a root when its unknowns hold Values.
type World struct {
	Values   []bool
	Evidence *Evidence
}

// UnknownKind is what an unknown deciding a count is, and so what its
// true and false mean.
type UnknownKind uint8

const (
	// Boolean is a condition (var.create): true or false.
	Boolean UnknownKind = iota
	// Count is a whole count (var.n, length(var.list)): false is 0, true
	// at least 1 instance, all alike (one standing for each).
	Count
	// Each is the collection of a for_each (var.names): false is empty,
	// true at least one element, the instances all built from the same
	// block (one standing for each, each.key and each.value unknown).
	Each
)

// Kind is unknown i's kind.
func (a *Alternatives) Kind(i int) UnknownKind {
	if i < len(a.Kinds) {
		return a.Kinds[i]
	}
	return Boolean
}

// Combinations are the 2^n ways n unknowns can go, true first, in the
// order Worlds lists them: unknown i is bit i of the world's number,
// clear for true.
func Combinations(n int) [][]bool {
	out := make([][]bool, 1<<n)
	for combo := range out {
		vals := make([]bool, n)
		for i := range vals {
			vals[i] = combo&(1<<i) == 0
		}
		out[combo] = vals
	}
	return out
}

package model

// Alternatives are the evidence of one Terraform root read again under
// each combination of the few unknowns that decide whether some of its
// resources exist (count = var.create ? 1 : 0): the control engine
// judges each world and keeps a verdict they all agree on
// (control.Evaluate), where the first reading, in the Evidence holding
// the Alternatives, could not decide.
type Alternatives struct {
	// Unknowns name the unknowns with the module's address
	// (module.emr.module.this.enabled, var.create).
	Unknowns []string
	// Counts marks the unknowns that are whole counts (var.n,
	// length(var.list)), whose false is 0 and true at least 1 instance,
	// all alike; the others are booleans.
	Counts []bool
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

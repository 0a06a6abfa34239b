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
	// Base is the root's first reading, its resources among the
	// evidence's: which results are this root's.
	Base *Evidence
	// Worlds are every combination: Values[i] is Unknowns[i]'s.
	Worlds []World
}

// World is the evidence of a root when its unknowns hold Values.
type World struct {
	Values   []bool
	Evidence *Evidence
}

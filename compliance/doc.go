// Package compliance holds compliance frameworks as data: each framework is
// a YAML file naming its requirements and the controls that bear on each
// (control ID → requirement IDs), with the framework's version and the
// source the mapping was read from. The built-in frameworks are embedded
// (frameworks/*.yaml); a user adds one with the same schema
// (emrguard --compliance-file).
//
// A framework never changes a verdict: Evaluate rolls the results of the
// mapped controls up to one status per requirement — fail if any mapped
// result fails, unknown if any is unknown and none fails, pass if the
// applicable ones all pass, n/a if none applies.
package compliance

// Package model holds the evidence emrguard judges: clusters, security
// configurations, security groups and the other resources a control reads.
//
// Every value a control reads is a Field: it is Set (with the value and the
// location it was read from), Absent (the input did not say; the control
// decides what AWS does by default) or Unknown (the input said, but the value
// could not be learned, and Why says why). Sources fill the model; controls
// only look things up in it. Nothing here does I/O.
//
// Joins are made here, not by each source: most lazily, by the lookups
// (Subnet, RouteTableOf, Role, SecurityConfigurationOf), and those that
// change a resource (a policy attached to a role, a managed policy a role
// lists by reference, a rule added to a group, a route or subnet to a
// table, logging to a bucket) by Link, once, over facts the sources emit
// (link.go, join.go). Both follow one scoping rule: the same template or Terraform
// root (Scope) when the source has one, else the same file, then the same
// folder, then anywhere; two candidates at the nearest level are
// ambiguous, never a guess.
package model

// Package model holds the evidence emrguard judges: clusters, security
// configurations, security groups and the other resources a control reads.
//
// Every value a control reads is a Field: it is Set (with the value and the
// location it was read from), Absent (the input did not say; the control
// decides what AWS does by default) or Unknown (the input said, but the value
// could not be learned, and Why says why). Sources fill the model; controls
// only look things up in it. Nothing here does I/O.
package model

// Package source holds what every input adapter shares: positioned
// diagnostics. Each adapter lives in a subpackage (secconf, request, …) and
// turns its input into model evidence; none of them knows the controls.
package source

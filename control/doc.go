// Package control defines what a check is — a Control, a value with its
// metadata and one Run function — and the engine that runs controls over
// evidence. A control reads model evidence only; it never parses a file or
// calls AWS, so missing evidence is a verdict (Unknown), never an error.
package control

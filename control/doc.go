// Package control is the vocabulary of checks: what a check is — a
// Control, a value with its metadata and one Run function — and what it
// says (Pass, Result, Verdict, Severity, suppressions, identities). A
// control reads model evidence only; it never parses a file or calls AWS,
// so missing evidence is a verdict (Unknown), never an error. The engine
// that runs controls over evidence is package control/engine.
package control

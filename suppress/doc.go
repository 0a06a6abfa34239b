// Package suppress marks results as accepted risks after evaluation.
//
// A suppression is written in one of three places:
//
//   - inline, in a YAML or HCL file, as a comment on the line the result
//     points at or on the comment lines directly above it:
//
//     # emrguard:ignore EMR102 until=2027-03-31 reason="in-transit TLS is terminated by the VPC endpoint"
//
//     Several IDs may be given, comma-separated; "//" comments work too.
//
//   - for JSON, which has no comments, in a sidecar file next to it named
//     <file>.emrguard-ignore, one suppression per line, prefixed by the
//     line it applies to, or "*" for every line of the file:
//
//     12 emrguard:ignore EMR102 until=2027-03-31 reason="…"
//
//   - emrguard:ignore EMR204 reason="bastion-only SSH"
//
//     Blank lines and lines starting with "#" are ignored. A sidecar also
//     works next to a YAML or HCL file.
//
//   - in the config file (.emrguard.yaml), by control, resource pattern,
//     file pattern, account and region (see Rule).
//
// The rules every form follows: reason is required (a suppression without
// one is refused with an error, so the run exits 2); until is optional and
// inclusive (until=2027-03-31 applies through that day, UTC); an expired
// suppression no longer applies and yields a warning naming it and the
// result it no longer covers. Only failing and unknown results are
// suppressed; a suppressed result keeps its verdict and is reported as
// suppressed by every writer, never dropped.
//
// Suppressions are read from the file lines at a result's location, so
// they work the same whatever source produced the result.
package suppress

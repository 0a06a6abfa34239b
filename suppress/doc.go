// Package suppress marks results as accepted risks after evaluation.
//
// A suppression is written in one of three places.
//
// Inline, in a YAML or HCL file, as a comment on the line the result points
// at, or on the comment lines directly above it (several IDs may be given,
// comma-separated; "//" comments work too):
//
//	# emrguard:ignore EMR102 until=2027-03-31 reason="TLS ends at the VPC endpoint"
//
// For JSON, which has no comments, in a sidecar file next to it named
// <file>.emrguard-ignore: one suppression per line, prefixed by the line it
// applies to, or "*" for every line of the file. Blank lines and lines
// starting with "#" are ignored; a sidecar also works next to YAML or HCL.
//
//	12 emrguard:ignore EMR102 until=2027-03-31 reason="…"
//	*  emrguard:ignore EMR204 reason="bastion-only SSH"
//
// In the config file (.emrguard.yaml), by control, resource pattern, file
// pattern, account and region (see Rule and package config).
//
// Every form follows the same rules: reason is required (a suppression
// without one is refused with an error, so the run exits 2); until is
// optional and inclusive (until=2027-03-31 applies through that day, UTC);
// an expired suppression no longer applies and yields a warning naming it
// and the result it no longer covers. Only failing and unknown results are
// suppressed; a suppressed result keeps its verdict and is reported as
// suppressed by every writer, never dropped.
//
// Suppressions are read from the file lines at a result's location, so
// they work the same whatever source produced the result.
//
// Code nobody reviews cannot suppress: a directive, inline or in a sidecar,
// in a file under a folder named in VendoredDirs (.terraform — where
// terraform init installs modules —, .terragrunt-cache, node_modules,
// vendor) is not applied; a warning names it when it would have covered a
// result. Input read from standard input has no inline or sidecar
// suppressions ("<stdin>.emrguard-ignore" in the working folder is not
// read). The config file, which the project reviews, covers both.
package suppress

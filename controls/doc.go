// Package controls is the catalogue of ../shared/CONTROLS.md: one value per
// control, one file per family, and All, the one explicit list. Each
// control's good and bad examples live in testdata/<ID>/ and are its tests
// and its documentation (emrguard rules --explain ID).
package controls

// Package report writes results: each Writer is a function of a Run alone,
// and knows nothing of where evidence came from beyond the locations the
// results carry.
//
// Everything a result quotes comes from inputs nobody reviewed. Writers
// for people (table, markdown, HTML, JUnit) show control characters, ANSI
// and OSC escape sequences, bidirectional overrides and invalid UTF-8 as
// Go escapes (printable); markdown also escapes markup and HTML,
// html/template escapes markup, SARIF escapes the brackets of a message
// shaped like an embedded link, and the JSON encoders escape control
// characters. Secrets never reach a Run: sources read them as unknown
// (source.Sensitive).
package report

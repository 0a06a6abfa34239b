// Package scan turns paths into evidence: it walks files and folders,
// refuses oversized files, recognises each file's kind by its content, and
// hands it to the source adapter that reads that kind. Every unreadable or
// malformed input becomes a positioned diagnostic; the other files are
// still read.
package scan

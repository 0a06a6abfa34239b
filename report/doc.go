// Package report writes results: each Writer is a function of a Run alone,
// and knows nothing of where evidence came from beyond the locations the
// results carry.
package report

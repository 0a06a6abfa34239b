package tfeval

import "sync/atomic"

// Tuning is when a reading takes its parallel paths — a root module
// without module calls read flat, its file groups on all cores (flat.go),
// and parsers running ahead of a sequential reading (prefetch, lazy.go) —
// and how much work a root may cost.
type Tuning struct {
	// Flat switches the flat reading on; tests compare it with the
	// sequential one.
	Flat bool
	// FlatMin is the number of read steps from which a module is read
	// flat: below it, the grouping costs more than it saves.
	FlatMin int
	// FlatMinGroups is the number of file groups from which a module is
	// read flat: one group is one reader, no faster than the sequential
	// reading (tests set 1, to run the flat reading on small modules).
	FlatMinGroups int
	// PrefetchMin is the number of steps from which parsers run ahead.
	PrefetchMin int
	// PrefetchWindow bounds how far ahead (lazy.go says why it trails).
	PrefetchWindow int
	// MaxWork bounds, per root module, the elements for-expressions
	// iterate over and those functions take and give (budget.go).
	MaxWork int64
}

// Tune is the tuning every reading uses. Tests lower the sizes to take
// the parallel paths on small examples, and the budget to spend it; set
// it only while no reading runs.
var Tune = Tuning{Flat: true, FlatMin: 256, FlatMinGroups: 2, PrefetchMin: 512, PrefetchWindow: 256, MaxWork: 500_000}

// parallelRuns counts the readings that took the parallel paths.
var parallelRuns struct{ flat, prefetch atomic.Int64 }

// ParallelRuns returns how many roots were read flat, and how many
// readings had parsers running ahead, since the process started.
func ParallelRuns() (flat, prefetch int64) {
	return parallelRuns.flat.Load(), parallelRuns.prefetch.Load()
}

package control

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcRoom is the state of makeRoom.
var gcRoom struct {
	sync.Mutex
	n      int // calls not yet resumed
	before int // the GC percent the first of them found
}

// makeRoom raises the GC percent so that the next collection comes only
// after n more bytes are allocated beyond the live heap, until resume is
// called. The goal is put 2n past the live heap: the runtime starts a
// cycle before the heap reaches the goal (at 145 of 160 MB on
// tf-10000-dirs, with n+n/4). It leaves a GOGC that is off, or already
// high enough, alone. Unlike turning the collector off, this keeps the
// runtime returning memory beyond that goal to the OS. Overlapping calls
// (evaluations in parallel) share one setting: the first raises it, the
// last resume restores what the first found.
func makeRoom(n uint64) (resume func()) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := uint64(0)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = sample[0].Value.Uint64()
	}
	gcRoom.Lock()
	defer gcRoom.Unlock()
	if gcRoom.n == 0 {
		gcRoom.before = debug.SetGCPercent(-1)
		want := gcRoom.before
		if live > 0 && want >= 0 {
			want = max(want, int(100*2*n/live)+1)
		}
		debug.SetGCPercent(want)
	}
	gcRoom.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			gcRoom.Lock()
			defer gcRoom.Unlock()
			if gcRoom.n--; gcRoom.n == 0 {
				debug.SetGCPercent(gcRoom.before)
			}
		})
	}
}

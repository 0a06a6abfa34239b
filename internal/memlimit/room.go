package memlimit

import (
	"runtime/debug"
	"sync"
)

// room is the state of Room.
var room struct {
	sync.Mutex
	n      int // calls not yet resumed
	before int // the GC percent the first of them found
}

// Room raises the GC percent so that the next collection comes only
// after n more bytes are allocated beyond the live heap, until resume is
// called. The goal is put 2n past the live heap: the runtime starts a
// cycle before the heap reaches the goal (well before it with n+n/4:
// bench/README.md, "Figures behind code comments"). It leaves a GOGC
// that is off, or already high enough, alone, and so does a call before the first collection
// (the live heap is not known yet). Unlike turning the collector off, this keeps the
// runtime returning memory beyond that goal to the OS. Overlapping calls
// (evaluations in parallel) share one setting: the first raises it, the
// last resume restores what the first found.
func Room(n uint64) (resume func()) {
	heap, _ := live()
	room.Lock()
	defer room.Unlock()
	if room.n == 0 {
		room.before = debug.SetGCPercent(-1)
		want := room.before
		if heap > 0 && want >= 0 {
			want = max(want, int(100*2*n/heap)+1)
		}
		debug.SetGCPercent(want)
	}
	room.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			room.Lock()
			defer room.Unlock()
			if room.n--; room.n == 0 {
				debug.SetGCPercent(room.before)
			}
		})
	}
}

// Package memlimit keeps a run's memory near a soft limit that follows
// its live data, for the commands that read a whole corpus, and puts the
// next collection past a large allocation that makes no garbage (Room).
//
// Go's default (GOGC=100) lets the heap grow to twice the live data. A
// fixed soft limit (GOMEMLIMIT) bounds that, but makes the collector run
// without pause once the live data nears the limit. So the limit here is
// the larger of a floor and 1.6 times the largest live heap seen so far:
// small and medium runs stay under the floor, large ones get a heap of
// 1.6× their live data instead of 2×. The limit only rises: following the
// live heap down made a Terraform run whose live heap hovers collect
// twice as often, and 1.5× was slower than 1.6×. The floor, 288 MiB, is
// what a run under 300 MiB can give the heap: 256 MiB made a Terraform
// run of 10,000 modules collect every 40-60 MB, and slower. The figures
// behind each choice: bench/README.md, "Figures behind code comments".
package memlimit

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Floor is the soft limit while the live heap is small.
const Floor = 288 << 20

// Limit returns the soft limit for a largest live heap of live bytes.
func Limit(floor, live uint64) uint64 {
	return max(floor, live+live*6/10)
}

var (
	mu      sync.Mutex
	running int   // Starts not yet stopped
	before  int64 // the limit found by the first of them
	done    chan struct{}
)

// Start sets the soft limit and revises it every interval until stop is
// called, which restores the limit found. It does nothing when the user
// set GOMEMLIMIT: their limit wins. The limit is the process's, so
// overlapping Starts (commands run in one test process) share one reviser
// and the last stop restores the limit.
func Start(floor uint64, interval time.Duration) (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	mu.Lock()
	defer mu.Unlock()
	running++
	if running == 1 {
		before = debug.SetMemoryLimit(int64(floor))
		done = make(chan struct{})
		go revise(floor, interval, done)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			running--
			if running == 0 {
				close(done)
				debug.SetMemoryLimit(before)
			}
		})
	}
}

// revise sets the limit from the live heap every interval until done.
func revise(floor uint64, interval time.Duration, done chan struct{}) {
	var most uint64 // the largest live heap seen
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		l, ok := live()
		if !ok {
			return // not provided by this runtime
		}
		most = max(most, l)
		lim := min(Limit(floor, most), math.MaxInt64)
		mu.Lock()
		select {
		case <-done: // stopped meanwhile: the limit is restored already
		default:
			debug.SetMemoryLimit(int64(lim))
		}
		mu.Unlock()
	}
}

// live returns the heap live after the last collection, if the runtime
// tells it.
func live() (uint64, bool) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return sample[0].Value.Uint64(), true
}

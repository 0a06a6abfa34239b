package memlimit

import (
	"runtime/debug"
	"testing"
	"time"
)

// Ensure the limit is the floor for small live heaps and 1.6× the live
// heap beyond, so the collector never runs without pause.
func TestLimit(t *testing.T) {
	for _, c := range []struct{ live, want uint64 }{
		{0, Floor}, {100 << 20, Floor}, {160 << 20, Floor}, {200 << 20, 320 << 20}, {1 << 30, 1<<30 + (1<<30)*6/10},
	} {
		if got := Limit(Floor, c.live); got != c.want {
			t.Errorf("Limit(%d MiB live) = %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

// Ensure Start sets the floor, stop restores the previous limit, and a
// GOMEMLIMIT set by the user is left alone.
func TestStart(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	stop := Start(Floor, time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got < Floor {
		t.Errorf("limit while running = %d, want at least %d", got, Floor)
	}
	time.Sleep(5 * time.Millisecond) // let the reviser run
	inner := Start(Floor, time.Millisecond)
	inner()
	if got := debug.SetMemoryLimit(-1); got == prev {
		t.Error("an overlapping Start's stop restored the limit while the first still runs")
	}
	stop()
	stop() // twice is harmless
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("limit after stop = %d, want the previous %d", got, prev)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	stop = Start(Floor, time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("with GOMEMLIMIT set the limit changed to %d", got)
	}
	stop()
}

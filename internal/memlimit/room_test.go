package memlimit

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// Ensure Room raises the GC percent to fit what it is asked for,
// keeps it raised until the last of overlapping calls resumes, which
// restores the setting found, and leaves a GOGC=off alone.
func TestRoom(t *testing.T) {
	runtime.GC() // the live heap is known after a collection
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	a := Room(1 << 40) // far more than the live heap: a large percent
	raised := debug.SetGCPercent(-1)
	debug.SetGCPercent(raised)
	if raised <= 100 {
		t.Errorf("Room(1 TiB) left the GC percent at %d", raised)
	}
	b := Room(1)
	a()
	a() // a second call does nothing
	if got := debug.SetGCPercent(raised); got != raised {
		t.Errorf("after one of two resumes, GC percent = %d, want %d", got, raised)
	}
	b()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after both resumes, GC percent = %d, want 100", got)
	}
	debug.SetGCPercent(-1)
	Room(1 << 40)()
	if got := debug.SetGCPercent(100); got != -1 {
		t.Errorf("Room turned a GOGC=off collector on (%d)", got)
	}
}

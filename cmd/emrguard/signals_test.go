package main

import (
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

// Ensure a command that returns after the first signal exits with the
// signal's code, not its own, and that a command that does not return is
// ended by the watchdog with that code; without a signal the command's
// own code stands.
func TestWatchdog(t *testing.T) {
	quiet := &watchdog{cancel: func() {}, exit: func(int) {}, stderr: io.Discard}
	if got := quiet.code(exitFailing); got != exitFailing {
		t.Errorf("no signal: exit %d, want the command's %d", got, exitFailing)
	}

	cancelled := make(chan struct{})
	exited := make(chan int, 1)
	w := &watchdog{cancel: func() { close(cancelled) }, grace: time.Hour, exit: func(c int) { exited <- c }, stderr: io.Discard}
	sigs := make(chan os.Signal, 2)
	go w.watch(sigs)
	sigs <- syscall.SIGTERM
	<-cancelled
	if got := w.code(exitOK); got != 143 {
		t.Errorf("returned after SIGTERM: exit %d, want 143", got)
	}
	sigs <- syscall.SIGINT
	if got := <-exited; got != 130 {
		t.Errorf("second signal SIGINT: exit %d, want 130", got)
	}

	exited = make(chan int, 1)
	stuck := &watchdog{cancel: func() {}, grace: time.Millisecond, exit: func(c int) { exited <- c }, stderr: io.Discard}
	sigs = make(chan os.Signal, 1)
	go stuck.watch(sigs)
	sigs <- syscall.SIGINT
	if got := <-exited; got != 130 {
		t.Errorf("stuck after SIGINT: the watchdog exits %d, want 130", got)
	}
}

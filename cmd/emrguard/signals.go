package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// Signals. SIGINT and SIGTERM end any command within a second, whatever
// it is doing: the first cancels the run's context, which the AWS calls,
// the monitor and the sends honour; a command still running signalGrace
// later is stuck somewhere no context reaches (a read of a pipe no one
// writes to, a file system that does not answer) and the process exits
// then. A second signal exits at once.
//
// Exit codes after a signal follow the shells' convention for a process
// a signal ended, 128 + the signal's number: 130 for SIGINT, 143 for
// SIGTERM — also when the command finished its work within the grace, so
// a caller never mistakes an interrupted run for a clean one. A report
// named by --output is written to a temporary file and renamed: an exit
// mid-write leaves the previous report, never half of one.

// signalGrace is how long a cancelled command has to return by itself.
const signalGrace = 500 * time.Millisecond

// watchdog turns signals into cancellation, then exit.
type watchdog struct {
	cancel func()
	grace  time.Duration
	exit   func(int)
	stderr io.Writer

	mu  sync.Mutex
	got int // exit code of the first signal received; 0 for none
}

// signalCode is the exit code for a process ended by sig: 128 + its number.
func signalCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

// watch handles the signals of sigs until the process exits: the first
// cancels and arms the grace timer, the second (or the timer) exits.
func (w *watchdog) watch(sigs <-chan os.Signal) {
	sig := <-sigs
	code := signalCode(sig)
	w.mu.Lock()
	w.got = code
	w.mu.Unlock()
	w.cancel()
	timer := time.NewTimer(w.grace)
	defer timer.Stop()
	select {
	case sig2 := <-sigs:
		fmt.Fprintf(w.stderr, "emrguard: %v again; exiting now\n", sig2)
		w.exit(signalCode(sig2))
	case <-timer.C:
		fmt.Fprintf(w.stderr, "emrguard: %v; the command did not stop within %v, exiting\n", sig, w.grace)
		w.exit(code)
	}
}

// code is the process's exit code once the run returned code: the
// signal's when one arrived.
func (w *watchdog) code(code int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.got != 0 {
		return w.got
	}
	return code
}

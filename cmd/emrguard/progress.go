package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress shows what a long run is doing on stderr: nothing for the first
// second (most runs end before), then one line rewritten in place. It is
// off unless stderr is a terminal, so logs and pipes stay clean.
type progress struct {
	w       io.Writer
	after   time.Duration // show nothing before this
	mu      sync.Mutex
	start   time.Time
	stage   string
	shown   bool
	stopped bool
	done    chan struct{}
}

// startProgress returns a running progress line, or one that does
// nothing when enabled is false.
func startProgress(w io.Writer, enabled bool) *progress {
	p := &progress{w: w, after: time.Second, start: time.Now(), done: make(chan struct{})}
	if !enabled {
		p.stopped = true
		return p
	}
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				p.tick()
			}
		}
	}()
	return p
}

// Stage names what the run does now.
func (p *progress) Stage(s string) {
	p.mu.Lock()
	p.stage = s
	p.mu.Unlock()
}

// tick redraws the line once the run has lasted p.after.
func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	el := time.Since(p.start)
	if el < p.after {
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[Kemrguard: %s (%.0fs)", p.stage, el.Seconds())
	p.shown = true
}

// Stop clears the line; it may be called more than once.
func (p *progress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.stopped = true
	close(p.done)
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

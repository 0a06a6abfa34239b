package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emrguard/emrguard/notify"
)

// picky refuses some alerts (for good, or as if down) and keeps the rest.
type picky struct {
	mu       sync.Mutex
	down     bool
	reject   map[string]bool // refused for good
	failing  map[string]bool // fail, not as a rejection
	got      []string
	attempts map[string]int
}

func (p *picky) Send(_ context.Context, a notify.Alert) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.attempts == nil {
		p.attempts = map[string]int{}
	}
	p.attempts[a.ID]++
	switch {
	case p.down:
		return errors.New("down")
	case p.reject[a.ID]:
		return &notify.RejectedError{Err: errors.New("400 Bad Request: invalid_payload")}
	case p.failing[a.ID]:
		return errors.New("500 for this one")
	}
	p.got = append(p.got, a.ID)
	return nil
}

func alertN(i int) notify.Alert {
	a := sample()
	a.ID = fmt.Sprintf("ev-%d", i)
	return a
}

// Ensure a spooled alert the sink rejects for good is set aside (kept as
// *.rejected, reported at warning level) and one that keeps failing is
// stepped over, so neither blocks the alerts behind it.
func TestFlushSkipsPast(t *testing.T) {
	for _, tc := range []struct {
		name           string
		reject, fail   bool
		wantRejected   int
		wantPendingEnd int
	}{
		{"rejected for good", true, false, 1, 0},
		{"failing again", false, true, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var logs bytes.Buffer
			p := fast
			p.SpoolDir = dir
			p.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
			sink := &picky{down: true, reject: map[string]bool{}, failing: map[string]bool{}}
			r := notify.Retrying(sink, p).(*notify.Retrier)
			for i := range 5 {
				if err := r.Send(context.Background(), alertN(i)); err != nil {
					t.Fatal(err)
				}
			}
			sink.mu.Lock()
			sink.down = false
			sink.reject["ev-0"] = tc.reject // the oldest: first in line
			sink.failing["ev-0"] = tc.fail
			sink.mu.Unlock()
			logs.Reset()
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // Run flushes once, then returns
			r.Run(ctx, 1)
			if len(sink.got) != 4 || sink.got[0] != "ev-1" {
				t.Errorf("delivered %v, want ev-1..ev-4", sink.got)
			}
			rejected, _ := filepath.Glob(filepath.Join(dir, "*.rejected"))
			if len(rejected) != tc.wantRejected || r.Pending() != tc.wantPendingEnd {
				t.Errorf("rejected files %v, pending %d", rejected, r.Pending())
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "ev-0") {
				t.Errorf("not reported at warning level:\n%s", logs.String())
			}
		})
	}
}

// Ensure a sink that is down stops a flush after a few tries, not one per
// spooled alert.
func TestFlushStopsWhenDown(t *testing.T) {
	p := fast
	p.SpoolDir = t.TempDir()
	sink := &picky{down: true}
	r := notify.Retrying(sink, p).(*notify.Retrier)
	for i := range 10 {
		r.Send(context.Background(), alertN(i))
	}
	before := 0
	for _, n := range sink.attempts {
		before += n
	}
	n, err := r.Flush(context.Background())
	after := 0
	for _, n := range sink.attempts {
		after += n
	}
	if n != 0 || err == nil || after-before != 3 || r.Pending() != 10 {
		t.Errorf("flush while down: sent %d err %v, %d tries, pending %d", n, err, after-before, r.Pending())
	}
}

// Ensure Send does not retry an alert the sink rejects for good, and keeps
// it aside in the spool rather than dropping it.
func TestSendRejected(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
	}))
	defer srv.Close()
	p := fast
	p.SpoolDir = t.TempDir()
	sinks, err := notify.Open(context.Background(), []string{srv.URL}, notify.Env{Policy: p})
	if err != nil {
		t.Fatal(err)
	}
	r := sinks[0].(*notify.Retrier)
	if err := r.Send(context.Background(), sample()); err != nil {
		t.Fatal(err)
	}
	kept, _ := filepath.Glob(filepath.Join(p.SpoolDir, "*", "*.rejected"))
	if len(kept) != 1 || r.Pending() != 0 {
		t.Errorf("rejected alert: kept %v, pending %d", kept, r.Pending())
	}
	wh := &notify.Webhook{URL: srv.URL}
	if err := wh.Send(context.Background(), sample()); !notify.IsRejected(err) {
		t.Errorf("400: %v is not a rejection", err)
	}
}

// Ensure a spool that cannot be written — its folder's parent is a regular
// file (fails for root too), or the disk is full — makes Send fail, naming
// the spool and the cause, and leaves no temporary file behind.
func TestSpoolUnwritable(t *testing.T) {
	full := func(*os.File, []byte) error { return &os.PathError{Op: "write", Path: "spool", Err: syscall.ENOSPC} }
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	os.WriteFile(blocker, []byte("x"), 0o600)
	for _, tc := range []struct {
		name  string
		dir   string
		write func(*os.File, []byte) error
		cause error
	}{
		{"parent is a file", filepath.Join(blocker, "spool"), nil, syscall.ENOTDIR},
		{"disk full", t.TempDir(), full, syscall.ENOSPC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := fast
			p.SpoolDir = tc.dir
			p.SpoolWrite = tc.write
			r := notify.Retrying(&picky{down: true}, p).(*notify.Retrier)
			err := r.Send(context.Background(), sample())
			if err == nil || !errors.Is(err, tc.cause) || !strings.Contains(err.Error(), "spool") {
				t.Fatalf("Send: %v, want %v", err, tc.cause)
			}
			if left, _ := filepath.Glob(filepath.Join(tc.dir, ".tmp-*")); len(left) != 0 || r.Pending() != 0 {
				t.Errorf("left %v, pending %d", left, r.Pending())
			}
		})
	}
}

// Ensure a flush removes the temporary file a crashed write left (old),
// and not one being written now.
func TestFlushRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, ".tmp-1"), filepath.Join(dir, ".tmp-2")
	os.WriteFile(old, []byte("{"), 0o600)
	os.WriteFile(fresh, []byte("{"), 0o600)
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(old, hourAgo, hourAgo)
	p := fast
	p.SpoolDir = dir
	notify.Retrying(&picky{}, p).(*notify.Retrier).Flush(context.Background())
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp removed: %v", err)
	}
}

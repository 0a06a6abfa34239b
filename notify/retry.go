package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Policy says how hard Retrying tries before it spools.
type Policy struct {
	Attempts int           // tries per Send; default 4
	Base     time.Duration // first backoff; default 200ms, doubled each try
	Max      time.Duration // backoff cap; default 5s
	// SpoolDir keeps alerts that could not be delivered; empty means no
	// spool: Send returns the last error (the Lambda front door relies on
	// its own retries and dead-letter queue instead).
	SpoolDir string
	// Sleep waits between tries; tests replace it. Default: a timer that
	// ends early when ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
	Log   *slog.Logger
}

// Retrier is the Sink Retrying returns; Flush resends what is spooled.
type Retrier struct {
	inner Sink
	p     Policy
	flush sync.Mutex // one Flush at a time
}

// Retrying wraps s with retries and exponential backoff with jitter; when
// every try fails and p.SpoolDir is set, the alert is written to the spool
// (fsync'd, renamed into place) and Send returns nil: the alert is kept and
// Flush sends it later. The returned Sink is a *Retrier.
func Retrying(s Sink, p Policy) Sink {
	if p.Attempts <= 0 {
		p.Attempts = 4
	}
	if p.Base <= 0 {
		p.Base = 200 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = 5 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	return &Retrier{inner: s, p: p}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send delivers a, retrying; then spools it. It fails only when the alert
// was neither delivered nor spooled.
func (r *Retrier) Send(ctx context.Context, a Alert) error {
	var err error
	for try := 0; try < r.p.Attempts; try++ {
		if try > 0 {
			d := min(r.p.Max, r.p.Base<<(try-1))
			d = d/2 + rand.N(d/2+1) // jitter: many monitors must not retry in step
			if serr := r.p.Sleep(ctx, d); serr != nil {
				break
			}
		}
		if err = r.inner.Send(ctx, a); err == nil {
			return nil
		}
		r.p.Log.Warn("alert delivery failed", "event", a.ID, "try", try+1, "err", err)
	}
	if r.p.SpoolDir == "" {
		return err
	}
	if serr := r.spool(a); serr != nil {
		return fmt.Errorf("%w; and spooling it failed: %v", err, serr)
	}
	r.p.Log.Warn("alert spooled for later delivery", "event", a.ID, "dir", r.p.SpoolDir, "err", err)
	return nil
}

// spool writes a durably: a temporary file, fsync'd, renamed to a name
// derived from the alert ID (so a duplicate replaces, not doubles), then
// the folder fsync'd so the rename survives a crash.
func (r *Retrier) spool(a Alert) error {
	if err := os.MkdirAll(r.p.SpoolDir, 0o700); err != nil {
		return err
	}
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(r.p.SpoolDir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spool %s: %w", r.p.SpoolDir, err)
	}
	sum := sha256.Sum256([]byte(a.ID))
	name := fmt.Sprintf("%d-%s.json", time.Now().UnixNano(), hex.EncodeToString(sum[:8]))
	if old := r.spooled(hex.EncodeToString(sum[:8])); old != "" {
		name = old
	}
	if err := os.Rename(tmp, filepath.Join(r.p.SpoolDir, name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spool %s: %w", r.p.SpoolDir, err)
	}
	return syncDir(r.p.SpoolDir)
}

// spooled returns the file already holding the alert of hash, if any.
func (r *Retrier) spooled(hash string) string {
	m, _ := filepath.Glob(filepath.Join(r.p.SpoolDir, "*-"+hash+".json"))
	if len(m) == 0 {
		return ""
	}
	return filepath.Base(m[0])
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Pending returns how many alerts wait in the spool.
func (r *Retrier) Pending() int {
	if r.p.SpoolDir == "" {
		return 0
	}
	m, _ := filepath.Glob(filepath.Join(r.p.SpoolDir, "*.json"))
	return len(m)
}

// Flush sends the spooled alerts, oldest first, once each; a delivered
// alert's file is removed. It stops at the first failure (the sink is
// still down) and returns how many were sent. An unreadable file is
// renamed *.bad and reported, so one bad file does not block the others.
func (r *Retrier) Flush(ctx context.Context) (int, error) {
	if r.p.SpoolDir == "" {
		return 0, nil
	}
	r.flush.Lock()
	defer r.flush.Unlock()
	files, _ := filepath.Glob(filepath.Join(r.p.SpoolDir, "*.json"))
	sort.Strings(files) // names start with the spool time
	sent := 0
	var bad []error
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		var a Alert
		if err == nil {
			err = json.Unmarshal(data, &a)
		}
		if err != nil {
			os.Rename(f, strings.TrimSuffix(f, ".json")+".bad")
			bad = append(bad, fmt.Errorf("spool file %s: %w (renamed .bad)", f, err))
			continue
		}
		if err := r.inner.Send(ctx, a); err != nil {
			return sent, errors.Join(append(bad, fmt.Errorf("resending spooled alert %s: %w", a.ID, err))...)
		}
		if err := os.Remove(f); err != nil {
			bad = append(bad, err)
		}
		sent++
	}
	if sent > 0 {
		syncDir(r.p.SpoolDir)
	}
	return sent, errors.Join(bad...)
}

// Run flushes the spool now and then every tick until ctx is done.
func (r *Retrier) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if n, err := r.Flush(ctx); n > 0 || err != nil {
			r.p.Log.Info("spool flushed", "sent", n, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Multi sends each alert to every sink; it fails when any sink fails, after
// trying them all. Wrap each sink in Retrying before, so that one failing
// sink does not make the others send twice.
type Multi []Sink

// Send sends a to every sink.
func (m Multi) Send(ctx context.Context, a Alert) error {
	var errs []error
	for _, s := range m {
		if err := s.Send(ctx, a); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

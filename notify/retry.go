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

	"github.com/emrguard/emrguard/internal/rawopen"
)

// Policy says how hard Retrying tries before it spools.
type Policy struct {
	Attempts int           // tries per Send; default 4
	Base     time.Duration // first backoff; default 200ms, doubled each try
	Max      time.Duration // backoff cap; default 5s
	// MaxRetryAfter bounds how long a sink's Retry-After is honoured
	// before the next try; default 60s (a longer wait spools instead).
	MaxRetryAfter time.Duration
	// SpoolDir keeps alerts that could not be delivered; empty means no
	// spool: Send returns the last error (the Lambda front door relies on
	// its own retries and dead-letter queue instead).
	SpoolDir string
	// Sleep waits between tries; tests replace it. Default: a timer that
	// ends early when ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
	// SpoolWrite writes an alert's bytes to its spool file; tests replace
	// it to fail as a full disk does (ENOSPC). Default: f.Write.
	SpoolWrite func(f *os.File, data []byte) error
	Log        *slog.Logger
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
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = time.Minute
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	if p.SpoolWrite == nil {
		p.SpoolWrite = func(f *os.File, data []byte) error { _, err := f.Write(data); return err }
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
			var ra *RetryAfterError
			if errors.As(err, &ra) {
				if ra.After > r.p.MaxRetryAfter {
					break // throttled for longer than a send may wait: spool
				}
				d = max(d, ra.After) // the sink said when; sooner is refused again
			}
			if serr := r.p.Sleep(ctx, d); serr != nil {
				break
			}
		}
		if err = r.inner.Send(ctx, a); err == nil {
			return nil
		}
		r.p.Log.Warn("alert delivery failed", "event", a.ID, "try", try+1, "err", err)
		if IsRejected(err) {
			break // the same alert will be refused again
		}
	}
	if r.p.SpoolDir == "" {
		return err
	}
	if IsRejected(err) {
		// Kept aside, not resent: Flush would only be refused again, and
		// must not stall the alerts behind it.
		file, serr := r.spool(a, rejectedExt)
		if serr != nil {
			return fmt.Errorf("%w; and spooling it failed: %w", err, serr)
		}
		r.p.Log.Warn("alert rejected by the sink; kept in the spool, not resent", "event", a.ID, "file", file, "err", err)
		return nil
	}
	if _, serr := r.spool(a, ".json"); serr != nil {
		return fmt.Errorf("%w; and spooling it failed: %w", err, serr)
	}
	r.p.Log.Warn("alert spooled for later delivery", "event", a.ID, "dir", r.p.SpoolDir, "err", err)
	return nil
}

// rejectedExt names spool files of alerts a sink refused for good.
const rejectedExt = ".rejected"

// spool writes a durably: a temporary file, fsync'd, renamed to a name
// derived from the alert ID (so a duplicate replaces, not doubles), then
// the folder fsync'd so the rename survives a crash. ext is ".json" (to
// resend) or rejectedExt (kept aside). It returns the file written.
func (r *Retrier) spool(a Alert, ext string) (string, error) {
	if err := os.MkdirAll(r.p.SpoolDir, 0o700); err != nil {
		return "", fmt.Errorf("spool %s: %w", r.p.SpoolDir, err)
	}
	data, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("spool alert %s: %w", a.ID, err)
	}
	f, err := os.CreateTemp(r.p.SpoolDir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("spool %s: %w", r.p.SpoolDir, err)
	}
	tmp := f.Name()
	werr := r.p.SpoolWrite(f, data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("spool %s: %w", r.p.SpoolDir, err)
	}
	sum := sha256.Sum256([]byte(a.ID))
	name := fmt.Sprintf("%d-%s%s", time.Now().UnixNano(), hex.EncodeToString(sum[:8]), ext)
	if old := r.spooled(hex.EncodeToString(sum[:8]), ext); old != "" {
		name = old
	}
	path := filepath.Join(r.p.SpoolDir, name)
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("spool %s: %w", r.p.SpoolDir, err)
	}
	if err := syncDir(r.p.SpoolDir); err != nil {
		return "", fmt.Errorf("spool %s: %w", r.p.SpoolDir, err)
	}
	return path, nil
}

// spooled returns the file already holding the alert of hash, if any.
func (r *Retrier) spooled(hash, ext string) string {
	m, _ := filepath.Glob(filepath.Join(r.p.SpoolDir, "*-"+hash+ext))
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
// alert's file is removed. An alert the sink rejects for good (IsRejected)
// is renamed *.rejected and reported, and the next one is tried: one
// refused alert must not block every alert behind it. Any other failure
// leaves the file; after maxFailures failures in a row the sink is taken
// to be down and Flush stops. An unreadable file is renamed *.bad and
// reported. It returns how many were sent; its error names every alert
// not sent.
// maxSpoolFile bounds a spooled alert read back: alerts are kilobytes, so
// a larger file is not one of ours (renamed .bad like any unreadable one).
const maxSpoolFile = 16 << 20

func (r *Retrier) Flush(ctx context.Context) (int, error) {
	if r.p.SpoolDir == "" {
		return 0, nil
	}
	r.flush.Lock()
	defer r.flush.Unlock()
	r.removeStaleTemps()
	files, _ := filepath.Glob(filepath.Join(r.p.SpoolDir, "*.json"))
	sort.Strings(files) // names start with the spool time
	sent, failed := 0, 0
	var bad []error
	for _, f := range files {
		data, err := rawopen.ReadRegular(f, maxSpoolFile)
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
		err = r.inner.Send(ctx, a)
		switch {
		case err == nil:
			failed = 0
			if err := os.Remove(f); err != nil {
				bad = append(bad, fmt.Errorf("spool file %s: %w", f, err))
			}
			sent++
			continue
		case IsRejected(err):
			failed = 0
			kept := strings.TrimSuffix(f, ".json") + rejectedExt
			if rerr := os.Rename(f, kept); rerr != nil {
				kept = f
			}
			bad = append(bad, fmt.Errorf("spooled alert %s rejected by the sink, kept in %s and not resent: %w", a.ID, kept, err))
			continue
		}
		bad = append(bad, fmt.Errorf("resending spooled alert %s: %w", a.ID, err))
		if failed++; failed == maxFailures {
			break
		}
	}
	if sent > 0 {
		syncDir(r.p.SpoolDir)
	}
	return sent, errors.Join(bad...)
}

// staleTemp is the age past which a spool temporary file is a crashed
// write's leftover (a process killed between create and rename), never an
// alert: the alert's message was not deleted, so SQS delivers it again.
const staleTemp = 10 * time.Minute

func (r *Retrier) removeStaleTemps() {
	temps, _ := filepath.Glob(filepath.Join(r.p.SpoolDir, ".tmp-*"))
	for _, f := range temps {
		if st, err := os.Stat(f); err == nil && time.Since(st.ModTime()) > staleTemp {
			os.Remove(f)
		}
	}
}

// maxFailures is how many spooled alerts in a row may fail before Flush
// takes the sink to be down: more than one, so that a single alert the
// sink keeps failing does not stall the others.
const maxFailures = 3

// Run flushes the spool now and then every tick until ctx is done. A
// flush that leaves alerts unsent or set aside is a warning.
func (r *Retrier) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		n, err := r.Flush(ctx)
		switch {
		case err != nil:
			r.p.Log.Warn("spool flush left alerts unsent", "dir", r.p.SpoolDir, "sent", n, "pending", r.Pending(), "err", err)
		case n > 0:
			r.p.Log.Info("spool flushed", "dir", r.p.SpoolDir, "sent", n)
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

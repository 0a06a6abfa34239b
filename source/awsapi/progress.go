package awsapi

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// Progress is how far a scan has got: accounts and regions known and
// finished, clusters found, and calls sent to AWS (every attempt, retries
// included) of which Retries were re-sent after a retryable error.
type Progress struct {
	Accounts, AccountsDone int
	Regions, RegionsDone   int
	Clusters               int
	Calls, Retries         int
}

// counters are a scan's progress, updated by collectors running in
// parallel; the reporter reads them.
type counters struct {
	accounts, accountsDone atomic.Int64
	regions, regionsDone   atomic.Int64
	clusters               atomic.Int64
	calls, retries         atomic.Int64
}

func (c *counters) snapshot() Progress {
	return Progress{
		Accounts: int(c.accounts.Load()), AccountsDone: int(c.accountsDone.Load()),
		Regions: int(c.regions.Load()), RegionsDone: int(c.regionsDone.Load()),
		Clusters: int(c.clusters.Load()),
		Calls:    int(c.calls.Load()), Retries: int(c.retries.Load()),
	}
}

// progressEvery is how often at most Options.Progress is called while
// counters change: a scan makes thousands of calls a second and a
// terminal needs a few updates.
const progressEvery = 200 * time.Millisecond

// report calls fn with the counters whenever they changed, at most every
// progressEvery, until stop is called; stop makes a last call with the
// final figures.
func (c *counters) report(fn func(Progress)) (stop func()) {
	if fn == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		var last Progress
		for {
			select {
			case <-done:
				fn(c.snapshot())
				return
			case <-t.C:
				if p := c.snapshot(); p != last {
					last = p
					fn(p)
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

type attemptsKey struct{}

// instrument returns the API option added to every client of one service
// in one account and region: it bounds the calls in flight to limit (the
// SDK's retries and waits happen inside the bound, so a throttled service
// is not hit harder), and counts every attempt sent and every retry.
func (c *counters) instrument(limit int) func(*middleware.Stack) error {
	sem := make(chan struct{}, limit)
	return func(st *middleware.Stack) error {
		err := st.Initialize.Add(middleware.InitializeMiddlewareFunc("emrguardLimit",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return middleware.InitializeOutput{}, middleware.Metadata{}, ctx.Err()
				}
				defer func() { <-sem }()
				return next.HandleInitialize(context.WithValue(ctx, attemptsKey{}, new(atomic.Int32)), in)
			}), middleware.Before)
		if err != nil {
			return err
		}
		count := middleware.FinalizeMiddlewareFunc("emrguardCount",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				c.calls.Add(1)
				if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok && n.Add(1) > 1 {
					c.retries.Add(1)
				}
				return next.HandleFinalize(ctx, in)
			})
		// After the retry middleware, so that each attempt passes here.
		if err := st.Finalize.Insert(count, "Retry", middleware.After); err != nil {
			return st.Finalize.Add(count, middleware.After)
		}
		return nil
	}
}

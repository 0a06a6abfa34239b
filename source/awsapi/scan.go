package awsapi

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Options says what a scan reaches and how hard it may push.
type Options struct {
	// Regions are scanned in each account; when empty and AllRegions is
	// false, the configuration's own region is.
	Regions []string
	// AllRegions scans every region DescribeRegions lists for the account
	// (the regions enabled for it; opt-in regions it has not opted into
	// are left out).
	AllRegions bool
	// RoleARNs are assumed, one account each. When RoleARNs or OrgRole is
	// given, only those accounts are scanned: the caller's own account is
	// scanned too only when one of them names it (an organization's
	// management account is then reached with the caller's credentials,
	// not through the role).
	RoleARNs []string
	// ExternalID is passed to every AssumeRole.
	ExternalID string
	// OrgRole is a role name: every ACTIVE account of the caller's
	// organization (ListAccounts) is scanned through
	// arn:<partition>:iam::<account>:role/<OrgRole>.
	OrgRole string
	// Concurrency is the most calls in flight to one service of one
	// account in one region (default 4). At most 16×Concurrency accounts
	// and 8×Concurrency regions (of all accounts together) are scanned at
	// once.
	Concurrency int
	// JobRunsSince is how far back EMR on EKS job runs are read (default 90 days).
	JobRunsSince time.Duration
	// Progress, when set, is called as the counters change (at most
	// every 200 ms, and once with the final figures before Scan
	// returns), from one goroutine at a time.
	Progress func(Progress)
	// Now gives the snapshot's time (default time.Now).
	Now func() time.Time
}

// defaultJobRunsSince is the window of job runs read by default.
const defaultJobRunsSince = 90 * 24 * time.Hour

// scanner is one Scan's settings and counters.
type scanner struct {
	opt   Options
	cnt   *counters
	since time.Time
	// regions bounds the regions being read at once, across accounts:
	// a region holds the most goroutines and memory.
	regions chan struct{}
}

// Scan reads the EMR evidence of every account and region opt names,
// with cfg's credentials (or the roles assumed with them). It returns an
// error only when nothing can be scanned: no region to scan, or the
// caller's credentials are refused (GetCallerIdentity fails). Every other
// failed call is recorded in the snapshot as a Failure of its account or
// region, and the scan goes on; an account whose role cannot be assumed
// is listed with Via and that failure.
//
// Terminated clusters (TERMINATING, TERMINATED, TERMINATED_WITH_ERRORS)
// are not read: they run nothing left to protect. A cluster whose
// DescribeCluster fails is left out of Clusters and named by its Failure.
func Scan(ctx context.Context, cfg aws.Config, opt Options) (*snapshot.Snapshot, error) {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	if opt.JobRunsSince <= 0 {
		opt.JobRunsSince = defaultJobRunsSince
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if len(opt.Regions) == 0 && !opt.AllRegions && cfg.Region == "" {
		return nil, fmt.Errorf("aws scan: no region: set one in the configuration or with --region")
	}
	if cfg.Region == "" {
		cfg.Region = firstRegion(opt)
	}
	if cfg.Retryer == nil {
		// Adaptive: retries throttling with backoff and slows the client
		// down when AWS keeps throttling it.
		cfg.Retryer = func() aws.Retryer { return retry.NewAdaptiveMode() }
	}
	now := opt.Now()
	s := &scanner{opt: opt, cnt: &counters{}, since: now.Add(-opt.JobRunsSince), regions: make(chan struct{}, 8*opt.Concurrency)}
	stop := s.cnt.report(opt.Progress)
	defer stop()

	caller, err := s.callerIdentity(ctx, cfg)
	if err != nil {
		return nil, err
	}
	targets := s.targets(ctx, cfg, caller)
	s.cnt.accounts.Add(int64(len(targets)))

	snap := &snapshot.Snapshot{Format: snapshot.Format, Version: snapshot.Version, Taken: now.UTC()}
	snap.Accounts = make([]*snapshot.Account, len(targets))
	p := newPool(16 * opt.Concurrency)
	for i, t := range targets {
		p.Go(func() {
			snap.Accounts[i] = s.account(ctx, t)
			s.cnt.accountsDone.Add(1)
		})
	}
	p.Wait()
	if err := ctx.Err(); err != nil {
		// Cancelled part way: the failures recorded say "context
		// canceled", not what AWS holds; the snapshot is not evidence.
		return nil, fmt.Errorf("aws scan: %w", err)
	}
	return snap, nil
}

// firstRegion is the region global calls are made from when the
// configuration names none.
func firstRegion(opt Options) string {
	if len(opt.Regions) > 0 {
		return opt.Regions[0]
	}
	return "us-east-1"
}

// pool runs functions on at most n goroutines; Go blocks while n run.
type pool struct {
	wg  sync.WaitGroup
	sem chan struct{}
}

func newPool(n int) *pool { return &pool{sem: make(chan struct{}, n)} }

func (p *pool) Go(f func()) {
	p.sem <- struct{}{}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.sem; p.wg.Done() }()
		f()
	}()
}

func (p *pool) Wait() { p.wg.Wait() }

// set is a deduplicating list of strings, in sorted order when read.
type set map[string]struct{}

func (s set) add(v ...string) {
	for _, x := range v {
		if x != "" {
			s[x] = struct{}{}
		}
	}
}

func (s set) addp(v *string) {
	if v != nil {
		s.add(*v)
	}
}

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// batches cuts ids into slices of at most n.
func batches(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > 0 {
		k := min(n, len(ids))
		out = append(out, slices.Clip(ids[:k]))
		ids = ids[k:]
	}
	return out
}

// sortFailures orders failures recorded by parallel collectors, so that
// two scans of the same estate give the same snapshot.
func sortFailures(fs []snapshot.Failure) []snapshot.Failure {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		for _, p := range [][2]string{{a.Service, b.Service}, {a.Operation, b.Operation}, {a.Region, b.Region}, {a.Resource, b.Resource}, {a.Code, b.Code}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return a.Message < b.Message
	})
	return fs
}

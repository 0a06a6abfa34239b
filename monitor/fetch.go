package monitor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/singleflight"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/secconf"
	"github.com/emrguard/emrguard/source/tree"
)

// Fetcher finds the security configuration a launch names. It always
// returns a configuration: the real one, or secconf.Placeholder whose
// fields are Unknown with the reason; err says what went wrong, for the
// report's errors.
type Fetcher interface {
	SecurityConfiguration(ctx context.Context, account, region, name string) (*model.SecurityConfiguration, error)
	// Forget drops a cached configuration (it was created or deleted).
	Forget(account, region, name string)
}

// EMRAPI is the one EMR call the monitor makes.
type EMRAPI interface {
	DescribeSecurityConfiguration(ctx context.Context, in *emr.DescribeSecurityConfigurationInput, opts ...func(*emr.Options)) (*emr.DescribeSecurityConfigurationOutput, error)
}

// EMRFetcher fetches with DescribeSecurityConfiguration in the event's
// region and caches by account, region and name: found configurations for
// TTL, answers that will not change soon (AccessDenied, does not exist)
// for NegativeTTL; other errors (throttling past the SDK's retries, 5xx)
// are not cached. Concurrent lookups of one configuration share one call
// (single flight): a burst of launches naming it makes one
// DescribeSecurityConfiguration, not one per worker.
type EMRFetcher struct {
	// Client returns the EMR client of a region.
	Client func(region string) EMRAPI
	// Account is the account the credentials belong to, when known; a
	// configuration of another account is then not asked for (the call
	// would look in the wrong account).
	Account          string
	TTL, NegativeTTL time.Duration
	// CallTimeout bounds the shared call (default 30 s). It runs on its
	// own context, so that one waiter giving up does not fail the others.
	CallTimeout time.Duration
	Now         func() time.Time

	mu     sync.Mutex
	cache  map[string]cached
	flight singleflight.Group
}

type cached struct {
	sc      *model.SecurityConfiguration
	err     error
	expires time.Time
}

// NewEMRFetcher returns a fetcher using one client per region from cfg.
func NewEMRFetcher(cfg aws.Config, account string) *EMRFetcher {
	var mu sync.Mutex
	clients := map[string]EMRAPI{}
	return &EMRFetcher{Account: account, Client: func(region string) EMRAPI {
		mu.Lock()
		defer mu.Unlock()
		if c := clients[region]; c != nil {
			return c
		}
		c := emr.NewFromConfig(cfg, func(o *emr.Options) { o.Region = region })
		clients[region] = c
		return c
	}}
}

func (f *EMRFetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func cacheKey(account, region, name string) string { return account + "/" + region + "/" + name }

// Forget drops the cached configuration.
func (f *EMRFetcher) Forget(account, region, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.cache, cacheKey(account, region, name))
	f.flight.Forget(cacheKey(account, region, name))
}

// lookup is the result of one shared call.
type lookup struct {
	sc  *model.SecurityConfiguration
	err error
}

// SecurityConfiguration returns the named configuration, from the cache
// when fresh; otherwise it joins the call in flight for the same account,
// region and name, or makes it. A caller whose ctx ends first gets a
// placeholder saying so; the call goes on for the others.
func (f *EMRFetcher) SecurityConfiguration(ctx context.Context, account, region, name string) (*model.SecurityConfiguration, error) {
	key := cacheKey(account, region, name)
	if c, ok := f.cached(key); ok {
		return c.sc, c.err
	}
	ref := model.Ref{Kind: secconf.Kind, ID: name, Name: name, Account: account, Region: region}
	if f.Account != "" && account != "" && account != f.Account {
		why := fmt.Sprintf("security configuration %q is in account %s; this monitor's credentials read account %s only", name, account, f.Account)
		return secconf.Placeholder(name, ref, why), nil
	}
	ch := f.flight.DoChan(key, func() (any, error) {
		// A call that finished between our cache look and this one
		// has stored its answer: do not ask again.
		if c, ok := f.cached(key); ok {
			return lookup{c.sc, c.err}, nil
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cmpOr(f.CallTimeout, 30*time.Second))
		defer cancel()
		sc, err := f.describe(cctx, key, ref)
		return lookup{sc, err}, nil
	})
	select {
	case r := <-ch:
		l := r.Val.(lookup)
		return l.sc, l.err
	case <-ctx.Done():
		call := fmt.Sprintf("emr DescribeSecurityConfiguration %q in %s", name, region)
		return secconf.Placeholder(name, ref, call+" was cancelled"), ctx.Err()
	}
}

// cached returns the fresh cache entry of key.
func (f *EMRFetcher) cached(key string) (cached, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cache[key]
	return c, ok && f.now().Before(c.expires)
}

// describe makes the call and caches what it learned.
func (f *EMRFetcher) describe(ctx context.Context, key string, ref model.Ref) (*model.SecurityConfiguration, error) {
	name, region := ref.Name, ref.Region
	call := fmt.Sprintf("emr DescribeSecurityConfiguration %q in %s", name, region)
	out, err := f.Client(region).DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: aws.String(name)})
	var sc *model.SecurityConfiguration
	ttl := cmpOr(f.TTL, 5*time.Minute)
	switch {
	case err == nil:
		doc := &tree.Node{Kind: tree.String, Text: aws.ToString(out.SecurityConfiguration)}
		var diags error
		sc, ds := secconf.Decode(doc, ref)
		sc.Name = model.Known(name, model.Loc{})
		if e := ds.Err(); e != nil {
			diags = fmt.Errorf("%s: %w", call, e)
		}
		f.store(key, sc, diags, ttl)
		return sc, diags
	case ctx.Err() != nil:
		return secconf.Placeholder(name, ref, call+" was cancelled"), ctx.Err()
	}
	why, permanent := explain(call, name, region, err)
	sc = secconf.Placeholder(name, ref, why)
	err = fmt.Errorf("%s: %w", call, err)
	if permanent {
		f.store(key, sc, err, cmpOr(f.NegativeTTL, time.Minute))
	}
	return sc, err
}

func (f *EMRFetcher) store(key string, sc *model.SecurityConfiguration, err error, ttl time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cache == nil {
		f.cache = map[string]cached{}
	}
	f.cache[key] = cached{sc: sc, err: err, expires: f.now().Add(ttl)}
}

// explain turns an EMR error into the reason the controls quote, and says
// whether the answer will stay the same for a while.
func explain(call, name, region string, err error) (why string, permanent bool) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch {
		case strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation":
			return fmt.Sprintf("AccessDenied on DescribeSecurityConfiguration %q in %s: %s", name, region, ae.ErrorMessage()), true
		case code == "InvalidRequestException" && strings.Contains(ae.ErrorMessage(), "does not exist"):
			return fmt.Sprintf("security configuration %q does not exist in %s (deleted after the launch, or never created)", name, region), true
		}
		return fmt.Sprintf("%s failed: %s: %s", call, code, ae.ErrorMessage()), false
	}
	return fmt.Sprintf("%s failed: %v", call, err), false
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// NoFetcher stands in when the monitor has no AWS credentials: every
// configuration is a placeholder saying so.
type NoFetcher struct{ Why string }

// SecurityConfiguration returns a placeholder.
func (n NoFetcher) SecurityConfiguration(_ context.Context, account, region, name string) (*model.SecurityConfiguration, error) {
	why := n.Why
	if why == "" {
		why = "no AWS credentials to call DescribeSecurityConfiguration"
	}
	ref := model.Ref{Kind: secconf.Kind, ID: name, Name: name, Account: account, Region: region}
	return secconf.Placeholder(name, ref, fmt.Sprintf("security configuration %q was not fetched: %s", name, why)), nil
}

// Forget does nothing.
func (NoFetcher) Forget(string, string, string) {}

package monitor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/secconf"
)

// AccountFetcher is the Fetcher of a monitor that reads several accounts:
// each account's configurations through the configuration Accounts gives
// for it (the monitor's own credentials, or the member role assumed
// there), with one EMRFetcher and its cache per account. An account that
// cannot be read (AssumeRole refused, no role name) yields a placeholder
// whose reason says so: the controls that need it are unknown, and the
// alert says the launch could not be verified.
type AccountFetcher struct {
	Accounts         *Accounts
	TTL, NegativeTTL time.Duration

	mu sync.Mutex
	by map[string]*EMRFetcher
}

// SecurityConfiguration returns the named configuration of account.
func (f *AccountFetcher) SecurityConfiguration(ctx context.Context, account, region, name string) (*model.SecurityConfiguration, error) {
	cfg, err := f.Accounts.Config(ctx, account)
	if err != nil {
		ref := model.Ref{Kind: secconf.Kind, ID: name, Name: name, Account: account, Region: region}
		why := err.Error()
		var ae *AssumeError
		if errors.As(err, &ae) {
			why = ae.Why()
		}
		return secconf.Placeholder(name, ref, fmt.Sprintf("security configuration %q was not read: %s", name, why)), err
	}
	f.mu.Lock()
	if f.by == nil {
		f.by = map[string]*EMRFetcher{}
	}
	ef := f.by[account]
	if ef == nil {
		ef = NewEMRFetcher(cfg, account)
		ef.TTL, ef.NegativeTTL = f.TTL, f.NegativeTTL
		f.by[account] = ef
	}
	f.mu.Unlock()
	return ef.SecurityConfiguration(ctx, account, region, name)
}

// Forget drops the account's cached configuration.
func (f *AccountFetcher) Forget(account, region, name string) {
	f.mu.Lock()
	ef := f.by[account]
	f.mu.Unlock()
	if ef != nil {
		ef.Forget(account, region, name)
	}
}

package monitor

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/awsapi"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Query is what one event's controls need read beyond the event and the
// security configuration it names.
type Query struct {
	Account, Region string
	// Roles are execution role ARNs (EKS101, EKS102).
	Roles []string
	// VirtualCluster and Endpoint name a managed endpoint whose network
	// EKS201 and EKS202 judge; empty when the event creates none.
	VirtualCluster, Endpoint string
}

// Reader reads what events only name. Read returns it as a snapshot
// account (what was read, and each call that failed, which the mapping
// turns into unknown fields quoting it); its error says the account
// could not be read at all (an *AssumeError). ClustersUsing returns the
// active clusters of a region whose security configuration is name; its
// error says the list could not be made.
type Reader interface {
	Read(ctx context.Context, q Query) (*snapshot.Account, error)
	ClustersUsing(ctx context.Context, account, region, name string) ([]string, error)
}

// AWSReader reads through the configuration Accounts gives for the
// event's account. Roles read without a failed call are cached for TTL
// (default 5 minutes): jobs reuse a few execution roles, and IAM's rate
// limit is account-wide.
type AWSReader struct {
	Accounts *Accounts
	TTL      time.Duration
	Now      func() time.Time

	mu    sync.Mutex
	roles map[string]rolesRead
}

type rolesRead struct {
	iam     *snapshot.IAM
	expires time.Time
}

func (r *AWSReader) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Read reads q's roles (cached) and endpoint.
func (r *AWSReader) Read(ctx context.Context, q Query) (*snapshot.Account, error) {
	cfg, err := r.Accounts.Config(ctx, q.Account)
	if err != nil {
		return nil, err
	}
	a := &snapshot.Account{ID: q.Account, Partition: model.PartitionOf(q.Region)}
	if len(q.Roles) > 0 {
		roles := slices.Clone(q.Roles)
		slices.Sort(roles)
		key := q.Account + "|" + strings.Join(roles, ",")
		r.mu.Lock()
		c, ok := r.roles[key]
		r.mu.Unlock()
		if ok && r.now().Before(c.expires) {
			a.IAM = c.iam
		} else {
			a.IAM, a.Failures = awsapi.ReadRoles(ctx, cfg, a.Partition, roles)
			if len(a.Failures) == 0 {
				r.mu.Lock()
				if r.roles == nil {
					r.roles = map[string]rolesRead{}
				}
				r.roles[key] = rolesRead{iam: a.IAM, expires: r.now().Add(cmpOr(r.TTL, 5*time.Minute))}
				r.mu.Unlock()
			}
		}
	}
	if q.Endpoint != "" {
		a.Regions = append(a.Regions, awsapi.ReadEndpoint(ctx, cfg, q.Region, q.VirtualCluster, q.Endpoint))
	}
	return a, nil
}

// ClustersUsing lists the region's active clusters using name.
func (r *AWSReader) ClustersUsing(ctx context.Context, account, region, name string) ([]string, error) {
	cfg, err := r.Accounts.Config(ctx, account)
	if err != nil {
		return nil, err
	}
	return awsapi.ClustersUsing(ctx, cfg, region, name)
}

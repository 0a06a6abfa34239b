package awsapi

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/emrguard/emrguard/source/snapshot"
)

// caller is who the scan's own credentials are.
type caller struct{ account, partition string }

// target is one account to scan and the configuration that reaches it.
type target struct {
	id, partition, via string
	cfg                aws.Config
	// failures are recorded before the account is scanned: the
	// AssumeRole that could not reach it, or an organization listing
	// that failed.
	failures    []snapshot.Failure
	unreachable bool
}

// callerIdentity asks STS who the credentials are: the one call whose
// failure stops the scan, for without it nothing can be reached.
func (s *scanner) callerIdentity(ctx context.Context, cfg aws.Config) (caller, error) {
	out, err := s.sts(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return caller{}, fmt.Errorf("sts GetCallerIdentity: %w", err)
	}
	c := caller{account: aws.ToString(out.Account), partition: "aws"}
	if a, err := arn.Parse(aws.ToString(out.Arn)); err == nil {
		c.partition = a.Partition
	}
	return c, nil
}

func (s *scanner) sts(cfg aws.Config) *sts.Client {
	return sts.NewFromConfig(cfg, func(o *sts.Options) { o.APIOptions = s.apiOptions(o.APIOptions) })
}

// targets lists the accounts to scan: the caller's own, or the roles and
// organization accounts the options name (deduplicated by role ARN, in
// the order given, organization accounts after by account ID).
func (s *scanner) targets(ctx context.Context, cfg aws.Config, c caller) []*target {
	if len(s.opt.RoleARNs) == 0 && s.opt.OrgRole == "" {
		return []*target{{id: c.account, partition: c.partition, cfg: cfg}}
	}
	var out []*target
	seen := map[string]bool{}
	addRole := func(roleARN string) {
		if seen[roleARN] {
			return
		}
		seen[roleARN] = true
		out = append(out, &target{via: roleARN, cfg: cfg})
	}
	for _, r := range s.opt.RoleARNs {
		addRole(r)
	}
	if s.opt.OrgRole != "" {
		ids, err := s.orgAccounts(ctx, cfg)
		if err != nil {
			// The listing failed: the caller's own account is scanned
			// and carries the failure, so that the report names it.
			self := &target{id: c.account, partition: c.partition, cfg: cfg,
				failures: []snapshot.Failure{failureOf("organizations", "ListAccounts", "", "", err)}}
			return append(out, self)
		}
		for _, id := range ids {
			if id == c.account {
				if !seen[id] {
					seen[id] = true
					out = append(out, &target{id: c.account, partition: c.partition, cfg: cfg})
				}
				continue
			}
			addRole(fmt.Sprintf("arn:%s:iam::%s:role/%s", c.partition, id, strings.TrimPrefix(s.opt.OrgRole, "/")))
		}
	}
	return out
}

// orgAccounts lists the organization's ACTIVE accounts, sorted.
func (s *scanner) orgAccounts(ctx context.Context, cfg aws.Config) ([]string, error) {
	api := organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.APIOptions = s.apiOptions(o.APIOptions) })
	var ids []string
	pg := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			if accountActive(a) {
				ids = append(ids, aws.ToString(a.Id))
			}
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// accountActive reads State, and Status where an older API gives only it.
func accountActive(a orgtypes.Account) bool {
	if a.State != "" {
		return a.State == orgtypes.AccountStateActive
	}
	return a.Status == orgtypes.AccountStatusActive
}

// assume switches t, reached through its role t.via, to the role's
// credentials. The role is assumed once here, so that a refusal is
// recorded against the account before any of its calls; the credentials
// are cached and renewed as they expire for the rest of the scan.
func (s *scanner) assume(ctx context.Context, t *target) {
	roleARN, cfg := t.via, t.cfg
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		t.unreachable = true
		t.failures = []snapshot.Failure{{Service: "sts", Operation: "AssumeRole", Resource: roleARN,
			Message: fmt.Sprintf("role ARN %q is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)", roleARN)}}
		return
	}
	t.id, t.partition = a.AccountID, a.Partition
	prov := stscreds.NewAssumeRoleProvider(s.sts(cfg), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "emrguard"
		if s.opt.ExternalID != "" {
			o.ExternalID = aws.String(s.opt.ExternalID)
		}
	})
	cache := aws.NewCredentialsCache(prov)
	if _, err := cache.Retrieve(ctx); err != nil {
		t.unreachable = true
		t.failures = []snapshot.Failure{failureOf("sts", "AssumeRole", "", roleARN, err)}
		return
	}
	t.cfg = cfg.Copy()
	t.cfg.Credentials = cache
}

// account scans one account: its regions in parallel, then the global
// objects (IAM, log buckets) the regions named.
func (s *scanner) account(ctx context.Context, t *target) *snapshot.Account {
	if t.via != "" {
		s.assume(ctx, t)
	}
	acct := &snapshot.Account{ID: t.id, Partition: t.partition, Via: t.via}
	fs := &failures{list: t.failures}
	if t.unreachable {
		acct.Failures = fs.take()
		return acct
	}
	names := s.regionNames(ctx, t.cfg, fs)
	s.cnt.regions.Add(int64(len(names)))
	trails := newTrailCache()
	results := make([]*regionResult, len(names))
	p := newPool(8 * s.opt.Concurrency)
	for i, name := range names {
		p.Go(func() {
			s.regions <- struct{}{}
			defer func() { <-s.regions }()
			results[i] = s.region(ctx, t.cfg, name, trails)
			s.cnt.regionsDone.Add(1)
		})
	}
	p.Wait()

	need := iamNeeds{}
	roles, profiles := set{}, set{}
	bucketRegion := map[string]string{} // a log bucket is read from the first region naming it
	for _, r := range results {
		acct.Regions = append(acct.Regions, r.region)
		roles.add(r.roles.sorted()...)
		profiles.add(r.profiles.sorted()...)
		for _, b := range r.buckets.sorted() {
			if _, ok := bucketRegion[b]; !ok {
				bucketRegion[b] = r.region.Name
			}
		}
	}
	need.Roles, need.InstanceProfiles = roles.sorted(), profiles.sorted()

	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Go(func() { acct.IAM = collectIAM(ctx, s.iam(t.cfg), t.partition, need, fs) })
	byRegion := map[string][]string{}
	for b, r := range bucketRegion {
		byRegion[r] = append(byRegion[r], b)
	}
	for region, names := range byRegion {
		sort.Strings(names)
		wg.Go(func() {
			cfg := t.cfg.Copy()
			cfg.Region = region
			bs := collectBuckets(ctx, s.s3(cfg), names, fs)
			mu.Lock()
			acct.Buckets = append(acct.Buckets, bs...)
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Slice(acct.Buckets, func(i, j int) bool { return acct.Buckets[i].Name < acct.Buckets[j].Name })
	acct.Failures = sortFailures(fs.take())
	return acct
}

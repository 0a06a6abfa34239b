package awstest

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/emrguard/emrguard/source/snapshot"
)

// LoadAccounts makes accts the estate the server serves, each in full: its
// regions, IAM and buckets. The first account ever loaded is the caller's
// (CallerKey); the others are reached through STS AssumeRole. Loading an
// account ID again replaces it. The server reads the objects as they are
// when called: do not change them while requests are under way.
func (s *Server) LoadAccounts(accts ...*snapshot.Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range accts {
		s.addLocked(a)
	}
}

func (s *Server) addLocked(a *snapshot.Account) {
	acct := &account{snap: a, regions: map[string]*snapshot.Region{}}
	if !slices.Contains(s.order, a.ID) {
		s.order = append(s.order, a.ID)
	}
	for _, r := range a.Regions {
		acct.regions[r.Name] = r
	}
	s.accounts[a.ID] = acct
}

// LoadFile loads the accounts of a snapshot file (JSON, gzipped when its
// name ends in .gz), as written by `emrguard aws --snapshot-out`.
func (s *Server) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("awstest: load %s: %w", path, err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("awstest: load %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	var snap snapshot.Snapshot
	if err := json.NewDecoder(r).Decode(&snap); err != nil {
		return fmt.Errorf("awstest: load %s: %w", path, err)
	}
	if snap.Format != snapshot.Format {
		return fmt.Errorf("awstest: load %s: format %q is not %q", path, snap.Format, snapshot.Format)
	}
	for _, a := range snap.Accounts {
		if a.ID == "" {
			return fmt.Errorf("awstest: load %s: an account has no ID (it was not reached when the snapshot was taken)", path)
		}
	}
	s.LoadAccounts(snap.Accounts...)
	return nil
}

// regionLocked returns an account's region, making it when absent.
func (s *Server) regionLocked(acctID, name string) *snapshot.Region {
	acct := s.accounts[acctID]
	if r := acct.regions[name]; r != nil {
		return r
	}
	r := &snapshot.Region{Name: name}
	acct.snap.Regions = append(acct.snap.Regions, r)
	acct.regions[name] = r
	return r
}

// AddSecurityConfiguration stores a security configuration document in
// the caller's account.
func (s *Server) AddSecurityConfiguration(region, name, doc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.regionLocked(s.callerLocked(), region)
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// A new slice, never written in place: calls under way read the old one.
	confs := slices.DeleteFunc(slices.Clone(r.SecurityConfigurations), func(sc *snapshot.SecurityConfiguration) bool { return sc.Name == name })
	r.SecurityConfigurations = append(confs, &snapshot.SecurityConfiguration{Name: name, Document: doc, CreationDateTime: &created})
}

// region returns a copy of the call's region as it is now (an empty one
// when the account has none): AddSecurityConfiguration may change the
// region while the call reads it.
func (s *Server) region(c *call) *snapshot.Region {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := c.acct.regions[c.region]; r != nil {
		cp := *r
		return &cp
	}
	return &snapshot.Region{Name: c.region}
}

// DisableRegion makes region one the account (loaded or not yet) has not
// enabled: its calls fail as AWS fails them (the security token is not
// recognised there), and DescribeRegions lists it only with AllRegions.
func (s *Server) DisableRegion(accountID, region string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.disabled[accountID] == nil {
		s.disabled[accountID] = map[string]bool{}
	}
	s.disabled[accountID][region] = true
}

// DenyAssumeRole makes AssumeRole into roleARN fail with AccessDenied.
func (s *Server) DenyAssumeRole(roleARN string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[roleARN] = true
}

// SetOrganization makes the caller's account an organization's management
// account whose ListAccounts lists these accounts (ID → status: ACTIVE,
// SUSPENDED, PENDING_CLOSURE). Without it ListAccounts fails with
// AWSOrganizationsNotInUseException.
func (s *Server) SetOrganization(accounts map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.org = make(map[string]string, len(accounts))
	for k, v := range accounts {
		s.org[k] = v
	}
}

// PutObject stores an S3 object (any account may read it: buckets are
// global names).
func (s *Server) PutObject(bucket, key string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[bucket+"/"+key] = append([]byte(nil), body...)
}

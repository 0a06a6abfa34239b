package snapshot

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/internal/outfile"
)

// Write encodes s to w as compact JSON, in a canonical order (accounts by
// ID, regions by name, objects by their AWS IDs, failures by call), so
// that the same account state gives the same bytes whatever order the
// collectors finished in. It does not change s.
func Write(w io.Writer, s *Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Canonical(s)); err != nil {
		return fmt.Errorf("snapshot: encoding: %w", err)
	}
	return nil
}

// WriteFile writes s to path, gzip-compressed when path ends in ".gz".
// The file is written whole or not at all: to a temporary file in the
// same folder (mode 0600: a snapshot describes an account), synced, then
// renamed over path.
func WriteFile(path string, s *Snapshot) error {
	encode := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		var out io.Writer = bw
		var zw *gzip.Writer
		if strings.HasSuffix(path, ".gz") {
			zw = gzip.NewWriter(bw)
			out = zw
		}
		if err := Write(out, s); err != nil {
			return err
		}
		if zw != nil {
			if err := zw.Close(); err != nil {
				return fmt.Errorf("compressing: %w", err)
			}
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("writing: %w", err)
		}
		return nil
	}
	// 0600: a snapshot describes an account.
	if err := outfile.Write(path, 0o600, true, encode); err != nil {
		return fmt.Errorf("snapshot %s: %w", path, err)
	}
	return nil
}

// Canonical returns a copy of s whose lists are in the canonical order
// Write uses; s is not changed (the objects themselves are shared).
// Evidence maps this order too, so a live run and its replay agree.
func Canonical(s *Snapshot) *Snapshot {
	if s == nil {
		return nil
	}
	out := *s
	out.Accounts = sorted(s.Accounts, func(a *Account) string { return a.ID + "\x00" + a.Via })
	for i, a := range out.Accounts {
		ac := *a
		ac.Failures = sortFailures(a.Failures)
		ac.Buckets = sorted(a.Buckets, func(b *Bucket) string { return b.Name })
		if a.IAM != nil {
			iam := *a.IAM
			iam.Roles = sorted(a.IAM.Roles, func(r *Role) string { return deref(r.Role.Arn) + deref(r.Role.RoleName) })
			iam.InstanceProfiles = sorted(a.IAM.InstanceProfiles, func(p instanceProfile) string { return deref(p.Arn) + deref(p.InstanceProfileName) })
			iam.Policies = sorted(a.IAM.Policies, func(p *Policy) string { return deref(p.Policy.Arn) })
			iam.Holders = sorted(a.IAM.Holders, func(h *PolicyHolders) string { return h.PolicyARN })
			ac.IAM = &iam
		}
		ac.Regions = sorted(a.Regions, func(r *Region) string { return r.Name })
		for j, r := range ac.Regions {
			ac.Regions[j] = canonicalRegion(r)
		}
		out.Accounts[i] = &ac
	}
	return &out
}

func canonicalRegion(r *Region) *Region {
	c := *r
	c.Clusters = sorted(r.Clusters, func(x *Cluster) string { return deref(x.Cluster.Id) })
	c.SecurityConfigurations = sorted(r.SecurityConfigurations, func(x *SecurityConfiguration) string { return x.Name })
	c.SecurityGroups = sorted(r.SecurityGroups, func(x securityGroup) string { return deref(x.GroupId) })
	c.Subnets = sorted(r.Subnets, func(x subnet) string { return deref(x.SubnetId) })
	c.RouteTables = sorted(r.RouteTables, func(x routeTable) string { return deref(x.RouteTableId) })
	c.VPCEndpoints = sorted(r.VPCEndpoints, func(x vpcEndpoint) string { return deref(x.VpcEndpointId) + deref(x.ServiceName) })
	c.Images = sorted(r.Images, func(x image) string { return deref(x.ImageId) })
	c.LaunchTemplateVersions = sorted(r.LaunchTemplateVersions, func(x launchTemplateVersion) string {
		return fmt.Sprintf("%s\x00%s\x00%020d", deref(x.LaunchTemplateId), deref(x.LaunchTemplateName), derefInt64(x.VersionNumber))
	})
	c.Trails = sorted(r.Trails, func(x *Trail) string { return deref(x.Trail.TrailARN) + deref(x.Trail.Name) })
	c.KMSKeys = sorted(r.KMSKeys, func(x *KMSKey) string { return x.Ref })
	c.VirtualClusters = sorted(r.VirtualClusters, func(x *VirtualCluster) string { return x.ID })
	c.ManagedEndpoints = sorted(r.ManagedEndpoints, func(x managedEndpoint) string { return deref(x.Id) })
	c.JobRuns = sorted(r.JobRuns, func(x jobRun) string { return deref(x.VirtualClusterId) + "\x00" + deref(x.Id) })
	c.Nodegroups = sorted(r.Nodegroups, func(x nodegroup) string { return deref(x.ClusterName) + "\x00" + deref(x.NodegroupName) })
	c.PodIdentityAssociations = sorted(r.PodIdentityAssociations, func(x podIdentity) string { return deref(x.ClusterName) + "\x00" + deref(x.AssociationId) })
	c.Certificates = sorted(r.Certificates, func(x *CertificateZip) string { return x.Location })
	c.Failures = sortFailures(r.Failures)
	return &c
}

func sortFailures(fs []Failure) []Failure {
	return sorted(fs, func(f Failure) string {
		return strings.Join([]string{f.Service, f.Operation, f.Region, f.Resource, f.Code, f.Message}, "\x00")
	})
}

// sorted returns a copy of xs stably sorted by key; nil stays nil.
func sorted[T any](xs []T, key func(T) string) []T {
	if xs == nil {
		return nil
	}
	out := slices.Clone(xs)
	slices.SortStableFunc(out, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt64(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}

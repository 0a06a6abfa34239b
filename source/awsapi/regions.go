package awsapi

import (
	"context"
	"errors"
	"net"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/smithy-go"
	"github.com/emrguard/emrguard/source/snapshot"
)

// regionNames are the regions to scan in one account: those the options
// name, in their order without repeats, or with AllRegions every region
// enabled for the account (DescribeRegions lists only those by default),
// sorted. A failed DescribeRegions is recorded and leaves no region.
func (s *scanner) regionNames(ctx context.Context, cfg aws.Config, fs *failures) []string {
	if !s.opt.AllRegions {
		if len(s.opt.Regions) == 0 {
			return []string{cfg.Region}
		}
		seen := set{}
		var out []string
		for _, r := range s.opt.Regions {
			if _, ok := seen[r]; !ok && r != "" {
				seen.add(r)
				out = append(out, r)
			}
		}
		return out
	}
	api := ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.APIOptions = s.apiOptions(o.APIOptions) })
	out, err := api.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		fs.add("ec2", "DescribeRegions", cfg.Region, "", err)
		return nil
	}
	names := set{}
	for _, r := range out.Regions {
		names.addp(r.RegionName)
	}
	return names.sorted()
}

// unavailableCodes are the replies of a region the account cannot use:
// an opt-in region it has not enabled rejects its credentials.
var unavailableCodes = map[string]bool{
	"UnrecognizedClientException": true, // JSON services
	"InvalidClientTokenId":        true, // query services
	"AuthFailure":                 true, // EC2
	"OptInRequired":               true,
}

// regionUnavailable reports whether err, the reply to a region's first
// call, says the region cannot be used at all: then its other calls are
// not made, and the region carries that one failure. Any other error
// (AccessDenied, throttling, a 5xx, a cut body) is the call's own.
func regionUnavailable(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return unavailableCodes[ae.ErrorCode()]
	}
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound // no endpoint for that region name
}

// regionResult is one region's snapshot and what it asks of the
// account's global services.
type regionResult struct {
	region          *snapshot.Region
	roles, profiles set
	buckets         set
}

// region scans one region: EMR on EC2, EMR on EKS and the trails at once,
// then the EC2 objects, KMS keys and certificates those name.
func (s *scanner) region(ctx context.Context, cfg aws.Config, name string, trails *trailCache) *regionResult {
	c := s.regionClients(cfg, name)
	fs := &failures{}
	r := &snapshot.Region{Name: name}
	res := &regionResult{region: r, roles: set{}, profiles: set{}, buckets: set{}}
	defer func() { r.Failures = sortFailures(fs.take()) }()

	// Block public access is read first: it is one call, and its refusal
	// tells whether the region can be used at all.
	bpa, err := c.emr.GetBlockPublicAccessConfiguration(ctx, &emr.GetBlockPublicAccessConfigurationInput{})
	if err != nil {
		fs.add("emr", "GetBlockPublicAccessConfiguration", name, "", err)
		if regionUnavailable(err) {
			return res
		}
	} else {
		r.BlockPublicAccess = bpa.BlockPublicAccessConfiguration
	}

	var ec2Wait, all sync.WaitGroup
	var clusters *emrResult
	ec2Wait.Go(func() { clusters = collectEMR(ctx, c.emr, name, s.opt.Concurrency, s.cnt, fs) })
	ec2Wait.Go(func() {
		r.VirtualClusters, r.ManagedEndpoints, r.JobRuns, r.Nodegroups = collectEMROnEKS(ctx, c.ec, c.eks, name, s.since, fs)
		r.PodIdentityAssociations = collectPodIdentities(ctx, c.eks, name, r.VirtualClusters, fs)
	})
	all.Go(func() { r.Trails = collectTrails(ctx, c.ct, name, trails, fs) })
	ec2Wait.Wait()
	r.Clusters, r.SecurityConfigurations = clusters.clusters, clusters.secconfs

	need := ec2NeedsOf(r)
	all.Go(func() {
		e := collectEC2(ctx, c.ec2, name, need, s.opt.Concurrency, fs)
		r.SecurityGroups, r.Subnets, r.RouteTables, r.VPCEndpoints, r.Images, r.LaunchTemplateVersions =
			e.groups, e.subnets, e.routeTables, e.endpoints, e.images, e.templates
	})
	keys, certs := clusters.keyRefs, clusters.certLocations
	// A key ARN of another region is asked in its own region: KMS is
	// regional and would answer NotFound here.
	var kmsMu sync.Mutex
	for where, refs := range byKeyRegion(keys.sorted(), name) {
		api := c.kms
		if where != name {
			api = s.regionClients(cfg, where).kms
		}
		all.Go(func() {
			got := collectKeys(ctx, api, name, refs, fs)
			kmsMu.Lock()
			r.KMSKeys = append(r.KMSKeys, got...)
			kmsMu.Unlock()
		})
	}
	if locs := certs.sorted(); len(locs) > 0 {
		all.Go(func() { r.Certificates = collectCertificates(ctx, c.s3, name, locs, fs) })
	}
	all.Wait()
	sortBy(r.KMSKeys, func(k *snapshot.KMSKey) string { return k.Ref })

	for _, cl := range r.Clusters {
		res.roles.addp(cl.Cluster.ServiceRole)
		res.roles.addp(cl.Cluster.AutoScalingRole)
		if a := cl.Cluster.Ec2InstanceAttributes; a != nil {
			res.profiles.addp(a.IamInstanceProfile)
		}
		if b := logBucket(aws.ToString(cl.Cluster.LogUri)); b != "" {
			res.buckets.add(b)
		}
	}
	for _, j := range r.JobRuns {
		res.roles.addp(j.ExecutionRoleArn)
	}
	for _, e := range r.ManagedEndpoints {
		res.roles.addp(e.ExecutionRoleArn)
	}
	for _, n := range r.Nodegroups {
		res.roles.addp(n.NodeRole)
	}
	for _, a := range r.PodIdentityAssociations {
		res.roles.addp(a.RoleArn)
	}
	return res
}

// byKeyRegion groups KMS key refs by the region of their ARN; IDs and
// aliases belong to region.
func byKeyRegion(refs []string, region string) map[string][]string {
	out := map[string][]string{}
	for _, ref := range refs {
		where := kmsRefRegion(ref)
		if where == "" {
			where = region
		}
		out[where] = append(out[where], ref)
	}
	return out
}

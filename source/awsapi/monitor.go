package awsapi

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emrcontainers"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/emrguard/emrguard/source/snapshot"
)

// The launch monitor reads, for one event, the few objects it only
// names. These functions read them as a scan does, into the same
// snapshot parts, so that one mapping (snapshot.Evidence) serves both.

// ReadRoles reads roles (names or ARNs) as a scan does: GetRole,
// ListAttachedRolePolicies, ListRolePolicies and GetRolePolicy of each,
// and GetPolicy and GetPolicyVersion of the customer-managed policies
// attached to them. It returns what was read and every call that failed.
func ReadRoles(ctx context.Context, cfg aws.Config, partition string, roles []string) (*snapshot.IAM, []snapshot.Failure) {
	fs := &failures{}
	out := readIAM(ctx, iam.NewFromConfig(cfg), partition, iamNeeds{Roles: roles}, fs)
	return out, fs.take()
}

// ReadEndpoint reads one EMR on EKS managed endpoint
// (DescribeManagedEndpoint) and the EC2 objects EKS201 and EKS202 judge
// it by: its security group, its subnets, and their VPCs' route tables.
// The region holds what was read and every call that failed.
func ReadEndpoint(ctx context.Context, cfg aws.Config, region, virtualCluster, id string) *snapshot.Region {
	cfg = cfg.Copy()
	cfg.Region = region
	fs := &failures{}
	r := &snapshot.Region{Name: region}
	out, err := emrcontainers.NewFromConfig(cfg).DescribeManagedEndpoint(ctx, &emrcontainers.DescribeManagedEndpointInput{
		VirtualClusterId: aws.String(virtualCluster), Id: aws.String(id)})
	switch {
	case err != nil:
		fs.add("emr-containers", "DescribeManagedEndpoint", region, id, fmt.Errorf("emr-containers DescribeManagedEndpoint %s in %s: %w", id, region, err))
	case out.Endpoint == nil:
		fs.add("emr-containers", "DescribeManagedEndpoint", region, id, fmt.Errorf("emr-containers DescribeManagedEndpoint %s in %s: no endpoint in the reply", id, region))
	default:
		r.ManagedEndpoints = append(r.ManagedEndpoints, *out.Endpoint)
		e := collectEC2(ctx, ec2.NewFromConfig(cfg), region, ec2NeedsOf(r), 4, fs)
		r.SecurityGroups, r.Subnets, r.RouteTables = e.groups, e.subnets, e.routeTables
	}
	r.Failures = fs.take()
	return r
}

// ClustersUsing returns the IDs of the region's active clusters whose
// security configuration is name (ListClusters, then DescribeCluster of
// each, four at a time). Its error names the first call that failed:
// then the list is not known to be whole.
func ClustersUsing(ctx context.Context, cfg aws.Config, region, name string) ([]string, error) {
	cfg = cfg.Copy()
	cfg.Region = region
	api := emr.NewFromConfig(cfg)
	var ids []string
	pages := emr.NewListClustersPaginator(api, &emr.ListClustersInput{ClusterStates: activeStates})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("emr ListClusters in %s: %w", region, err)
		}
		for _, c := range page.Clusters {
			ids = append(ids, aws.ToString(c.Id))
		}
	}
	using := make([]bool, len(ids))
	var mu sync.Mutex
	var first error
	boundedEach(len(ids), 4, func(i int) {
		out, err := api.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: aws.String(ids[i])})
		if err != nil {
			mu.Lock()
			if first == nil {
				first = fmt.Errorf("emr DescribeCluster %s in %s: %w", ids[i], region, err)
			}
			mu.Unlock()
			return
		}
		using[i] = out.Cluster != nil && aws.ToString(out.Cluster.SecurityConfiguration) == name
	})
	if first != nil {
		return nil, first
	}
	var out []string
	for i, id := range ids {
		if using[i] {
			out = append(out, id)
		}
	}
	return out, nil
}

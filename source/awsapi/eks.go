package awsapi

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/emrcontainers"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// emrContainersAPI is the part of *emrcontainers.Client collectEMROnEKS
// calls. ListVirtualClusters returns the same virtual cluster shape as
// DescribeVirtualCluster, so the latter is not needed.
type emrContainersAPI interface {
	ListVirtualClusters(ctx context.Context, params *emrcontainers.ListVirtualClustersInput, optFns ...func(*emrcontainers.Options)) (*emrcontainers.ListVirtualClustersOutput, error)
	ListManagedEndpoints(ctx context.Context, params *emrcontainers.ListManagedEndpointsInput, optFns ...func(*emrcontainers.Options)) (*emrcontainers.ListManagedEndpointsOutput, error)
	ListJobRuns(ctx context.Context, params *emrcontainers.ListJobRunsInput, optFns ...func(*emrcontainers.Options)) (*emrcontainers.ListJobRunsOutput, error)
}

// eksAPI is the part of *eks.Client collectEMROnEKS calls.
type eksAPI interface {
	ListNodegroups(ctx context.Context, params *eks.ListNodegroupsInput, optFns ...func(*eks.Options)) (*eks.ListNodegroupsOutput, error)
	DescribeNodegroup(ctx context.Context, params *eks.DescribeNodegroupInput, optFns ...func(*eks.Options)) (*eks.DescribeNodegroupOutput, error)
	ListPodIdentityAssociations(ctx context.Context, params *eks.ListPodIdentityAssociationsInput, optFns ...func(*eks.Options)) (*eks.ListPodIdentityAssociationsOutput, error)
	DescribePodIdentityAssociation(ctx context.Context, params *eks.DescribePodIdentityAssociationInput, optFns ...func(*eks.Options)) (*eks.DescribePodIdentityAssociationOutput, error)
}

// ecParallel is how many virtual clusters or nodegroups are read at once.
const ecParallel = 4

// collectEMROnEKS reads a region's EMR on EKS estate: the virtual
// clusters that can run jobs, RUNNING and ARRESTED (an arrested one has
// lost access to its namespace but keeps its endpoints and resumes when
// fixed; TERMINATING and TERMINATED ones run nothing and are left out),
// and per virtual cluster its managed endpoints that are ACTIVE or
// CREATING and its job runs created after since, in every state (they
// show which execution roles and images are in use). For each distinct
// EKS cluster behind them it reads the nodegroups (ListNodegroups,
// DescribeNodegroup each). Results keep the API's order, virtual cluster
// by virtual cluster. A list that failed part way keeps what it read and
// its failure is in fs; a nodegroup whose DescribeNodegroup failed is
// left out, its failure in fs.
func collectEMROnEKS(ctx context.Context, ec emrContainersAPI, ek eksAPI, region string, since time.Time, fs *failures) (vcs []*snapshot.VirtualCluster, eps []ectypes.Endpoint, runs []ectypes.JobRun, ngs []ekstypes.Nodegroup) {
	var listed []ectypes.VirtualCluster
	pages := emrcontainers.NewListVirtualClustersPaginator(ec, &emrcontainers.ListVirtualClustersInput{
		States: []ectypes.VirtualClusterState{ectypes.VirtualClusterStateRunning, ectypes.VirtualClusterStateArrested},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fs.add("emr-containers", "ListVirtualClusters", region, "", fmt.Errorf("emr-containers ListVirtualClusters in %s: %w", region, err))
			break
		}
		listed = append(listed, page.VirtualClusters...)
	}

	var clusters []string
	seen := map[string]bool{}
	for _, v := range listed {
		vc := ecVirtualCluster(v)
		vcs = append(vcs, vc)
		if vc.ProviderType == string(ectypes.ContainerProviderTypeEks) && vc.EKSCluster != "" && !seen[vc.EKSCluster] {
			seen[vc.EKSCluster] = true
			clusters = append(clusters, vc.EKSCluster)
		}
	}

	perEndpoints := make([][]ectypes.Endpoint, len(vcs))
	perRuns := make([][]ectypes.JobRun, len(vcs))
	boundedEach(len(vcs), ecParallel, func(i int) {
		perEndpoints[i] = ecEndpoints(ctx, ec, region, vcs[i].ID, fs)
		perRuns[i] = ecJobRuns(ctx, ec, region, vcs[i].ID, since, fs)
	})
	for i := range vcs {
		eps = append(eps, perEndpoints[i]...)
		runs = append(runs, perRuns[i]...)
	}

	perCluster := make([][]ekstypes.Nodegroup, len(clusters))
	boundedEach(len(clusters), ecParallel, func(i int) {
		perCluster[i] = eksNodegroups(ctx, ek, region, clusters[i], fs)
	})
	for _, n := range perCluster {
		ngs = append(ngs, n...)
	}
	return vcs, eps, runs, ngs
}

// ecVirtualCluster flattens the SDK's virtual cluster, whose container
// info is a union encoding/json cannot read back.
func ecVirtualCluster(v ectypes.VirtualCluster) *snapshot.VirtualCluster {
	vc := &snapshot.VirtualCluster{
		ID:                      aws.ToString(v.Id),
		Name:                    aws.ToString(v.Name),
		Arn:                     aws.ToString(v.Arn),
		State:                   string(v.State),
		SecurityConfigurationID: aws.ToString(v.SecurityConfigurationId),
		CreatedAt:               v.CreatedAt,
		Tags:                    v.Tags,
	}
	if p := v.ContainerProvider; p != nil {
		vc.EKSCluster, vc.ProviderType = aws.ToString(p.Id), string(p.Type)
		if info, ok := p.Info.(*ectypes.ContainerInfoMemberEksInfo); ok {
			vc.Namespace = aws.ToString(info.Value.Namespace)
		}
	}
	return vc
}

// ecEndpoints lists a virtual cluster's ACTIVE and CREATING endpoints.
func ecEndpoints(ctx context.Context, ec emrContainersAPI, region, vc string, fs *failures) []ectypes.Endpoint {
	var out []ectypes.Endpoint
	pages := emrcontainers.NewListManagedEndpointsPaginator(ec, &emrcontainers.ListManagedEndpointsInput{
		VirtualClusterId: aws.String(vc),
		States:           []ectypes.EndpointState{ectypes.EndpointStateActive, ectypes.EndpointStateCreating},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fs.add("emr-containers", "ListManagedEndpoints", region, vc, fmt.Errorf("emr-containers ListManagedEndpoints %s in %s: %w", vc, region, err))
			break
		}
		out = append(out, page.Endpoints...)
	}
	return out
}

// ecJobRuns lists a virtual cluster's job runs created after since.
func ecJobRuns(ctx context.Context, ec emrContainersAPI, region, vc string, since time.Time, fs *failures) []ectypes.JobRun {
	in := &emrcontainers.ListJobRunsInput{VirtualClusterId: aws.String(vc)}
	if !since.IsZero() {
		in.CreatedAfter = aws.Time(since)
	}
	var out []ectypes.JobRun
	pages := emrcontainers.NewListJobRunsPaginator(ec, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fs.add("emr-containers", "ListJobRuns", region, vc, fmt.Errorf("emr-containers ListJobRuns %s in %s: %w", vc, region, err))
			break
		}
		out = append(out, page.JobRuns...)
	}
	return out
}

// eksNodegroups lists an EKS cluster's nodegroups and describes each.
func eksNodegroups(ctx context.Context, ek eksAPI, region, cluster string, fs *failures) []ekstypes.Nodegroup {
	var names []string
	pages := eks.NewListNodegroupsPaginator(ek, &eks.ListNodegroupsInput{ClusterName: aws.String(cluster)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fs.add("eks", "ListNodegroups", region, cluster, fmt.Errorf("eks ListNodegroups %s in %s: %w", cluster, region, err))
			break
		}
		names = append(names, page.Nodegroups...)
	}
	got := make([]*ekstypes.Nodegroup, len(names))
	boundedEach(len(names), 2, func(i int) {
		res := cluster + "/" + names[i]
		out, err := ek.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(names[i])})
		if err != nil {
			fs.add("eks", "DescribeNodegroup", region, res, fmt.Errorf("eks DescribeNodegroup %s in %s: %w", res, region, err))
			return
		}
		if out.Nodegroup == nil {
			fs.add("eks", "DescribeNodegroup", region, res, fmt.Errorf("eks DescribeNodegroup %s in %s: no nodegroup in the reply", res, region))
			return
		}
		got[i] = out.Nodegroup
	})
	var ngs []ekstypes.Nodegroup
	for _, n := range got {
		if n != nil {
			ngs = append(ngs, *n)
		}
	}
	return ngs
}

// collectPodIdentities reads the EKS Pod Identity associations in the
// namespaces the virtual clusters run in (ListPodIdentityAssociations
// with the namespace filter, then DescribePodIdentityAssociation each, as
// the list leaves out the role): those give roles to EMR's jobs, while
// the associations of other namespaces belong to other applications. A
// list that failed part way keeps what it read; an association whose
// Describe failed is left out; each failure is in fs.
func collectPodIdentities(ctx context.Context, ek eksAPI, region string, vcs []*snapshot.VirtualCluster, fs *failures) []ekstypes.PodIdentityAssociation {
	type place struct{ cluster, namespace string }
	var places []place
	seen := map[place]bool{}
	for _, vc := range vcs {
		p := place{vc.EKSCluster, vc.Namespace}
		if vc.ProviderType == string(ectypes.ContainerProviderTypeEks) && p.cluster != "" && p.namespace != "" && !seen[p] {
			seen[p] = true
			places = append(places, p)
		}
	}
	per := make([][]ekstypes.PodIdentityAssociation, len(places))
	boundedEach(len(places), ecParallel, func(i int) {
		p := places[i]
		var ids []string
		pages := eks.NewListPodIdentityAssociationsPaginator(ek, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(p.cluster), Namespace: aws.String(p.namespace)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				fs.add("eks", "ListPodIdentityAssociations", region, p.cluster+"/"+p.namespace, fmt.Errorf("eks ListPodIdentityAssociations %s namespace %s in %s: %w", p.cluster, p.namespace, region, err))
				break
			}
			for _, a := range page.Associations {
				ids = append(ids, aws.ToString(a.AssociationId))
			}
		}
		for _, id := range ids {
			res := p.cluster + "/" + id
			out, err := ek.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(p.cluster), AssociationId: aws.String(id)})
			switch {
			case err != nil:
				fs.add("eks", "DescribePodIdentityAssociation", region, res, fmt.Errorf("eks DescribePodIdentityAssociation %s in %s: %w", res, region, err))
			case out.Association == nil:
				fs.add("eks", "DescribePodIdentityAssociation", region, res, fmt.Errorf("eks DescribePodIdentityAssociation %s in %s: no association in the reply", res, region))
			default:
				per[i] = append(per[i], *out.Association)
			}
		}
	})
	var out []ekstypes.PodIdentityAssociation
	for _, as := range per {
		out = append(out, as...)
	}
	return out
}

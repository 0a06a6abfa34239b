package awstest_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/emrcontainers"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Ensure the S3 client (path style) reads a bucket's logging whole and
// PutObject's bytes, and sees NoSuchBucket and NoSuchKey.
func TestS3RoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	logging := fill(&s3types.LoggingEnabled{})
	for i := range logging.TargetGrants {
		logging.TargetGrants[i].Grantee.Type = "CanonicalUser"
		logging.TargetGrants[i].Permission = "FULL_CONTROL"
	}
	logging.TargetObjectKeyFormat.PartitionedPrefix.PartitionDateSource = "EventTime"
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Buckets: []*snapshot.Bucket{{Name: "logs", Logging: logging, LoggingRead: true}, {Name: "quiet", LoggingRead: true}}})
	s.PutObject("certs", "emr/certs.zip", []byte("PK\x03\x04 zip bytes"))
	c := s3.NewFromConfig(s.Config("eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()

	out, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("logs")})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "logging", out.LoggingEnabled, logging)
	out, err = c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("quiet")})
	if err != nil || out.LoggingEnabled != nil {
		t.Errorf("logging off: %v %+v", err, out)
	}
	if _, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("nope")}); apiCode(err) != "NoSuchBucket" {
		t.Errorf("unknown bucket: %v", err)
	}
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("certs"), Key: aws.String("emr/certs.zip")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(body) != "PK\x03\x04 zip bytes" {
		t.Errorf("object %q", body)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("certs"), Key: aws.String("nope")}); apiCode(err) != "NoSuchKey" {
		t.Errorf("unknown key: %v", err)
	}
	if s.Calls("s3.GetObject") != 2 || s.Calls("s3.GetBucketLogging") != 3 {
		t.Errorf("calls %v", s.CallCounts())
	}
}

// Ensure the emr-containers client reads back virtual clusters (our flat
// type in the API's nested shape), managed endpoints and job runs whole,
// with state and date filters, page by page.
func TestEMRContainersRoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	at := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	r := &snapshot.Region{Name: "eu-west-1"}
	for i, st := range []string{"RUNNING", "TERMINATED", "RUNNING"} {
		id := "vc" + string(rune('a'+i))
		created := at.Add(time.Duration(i) * time.Hour)
		r.VirtualClusters = append(r.VirtualClusters, &snapshot.VirtualCluster{ID: id, Name: "n-" + id, Arn: "arn:aws:emr-containers:eu-west-1:111122223333:/virtualclusters/" + id,
			State: st, EKSCluster: "data-eks", ProviderType: "EKS", Namespace: "spark", SecurityConfigurationID: "sc1", CreatedAt: &created, Tags: map[string]string{"team": "a"}})
		ep := fill(&ectypes.Endpoint{})
		ep.Id, ep.VirtualClusterId, ep.State = aws.String("ep"+id), aws.String("vca"), "ACTIVE"
		r.ManagedEndpoints = append(r.ManagedEndpoints, *ep)
		jr := fill(&ectypes.JobRun{})
		jr.Id, jr.VirtualClusterId, jr.State, jr.CreatedAt = aws.String("jr"+id), aws.String("vca"), "RUNNING", &created
		r.JobRuns = append(r.JobRuns, *jr)
	}
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{r}})
	s.SetPageSize(1)
	c := emrcontainers.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()

	var got []*snapshot.VirtualCluster
	for p := emrcontainers.NewListVirtualClustersPaginator(c, &emrcontainers.ListVirtualClustersInput{States: []ectypes.VirtualClusterState{"RUNNING"}}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range out.VirtualClusters {
			d, err := c.DescribeVirtualCluster(ctx, &emrcontainers.DescribeVirtualClusterInput{Id: v.Id})
			if err != nil {
				t.Fatal(err)
			}
			vc := d.VirtualCluster
			info, ok := vc.ContainerProvider.Info.(*ectypes.ContainerInfoMemberEksInfo)
			if !ok {
				t.Fatalf("container info %T", vc.ContainerProvider.Info)
			}
			got = append(got, &snapshot.VirtualCluster{ID: *vc.Id, Name: *vc.Name, Arn: *vc.Arn, State: string(vc.State), EKSCluster: *vc.ContainerProvider.Id,
				ProviderType: string(vc.ContainerProvider.Type), Namespace: *info.Value.Namespace, SecurityConfigurationID: *vc.SecurityConfigurationId, CreatedAt: vc.CreatedAt, Tags: vc.Tags})
		}
	}
	sameJSON(t, "running virtual clusters", got, []*snapshot.VirtualCluster{r.VirtualClusters[0], r.VirtualClusters[2]})

	var eps []ectypes.Endpoint
	for p := emrcontainers.NewListManagedEndpointsPaginator(c, &emrcontainers.ListManagedEndpointsInput{VirtualClusterId: aws.String("vca")}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eps = append(eps, out.Endpoints...)
	}
	sameJSON(t, "managed endpoints", eps, r.ManagedEndpoints)
	ep, err := c.DescribeManagedEndpoint(ctx, &emrcontainers.DescribeManagedEndpointInput{VirtualClusterId: aws.String("vca"), Id: aws.String("epvcb")})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "DescribeManagedEndpoint", ep.Endpoint, r.ManagedEndpoints[1])

	var jrs []ectypes.JobRun
	for p := emrcontainers.NewListJobRunsPaginator(c, &emrcontainers.ListJobRunsInput{VirtualClusterId: aws.String("vca"), CreatedAfter: aws.Time(at.Add(time.Hour))}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		jrs = append(jrs, out.JobRuns...)
	}
	sameJSON(t, "job runs created after", jrs, r.JobRuns[1:])
	if _, err := c.DescribeVirtualCluster(ctx, &emrcontainers.DescribeVirtualClusterInput{Id: aws.String("nope")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown virtual cluster: %v", err)
	}
}

// Ensure the EKS client lists a cluster's nodegroups page by page and
// reads each back whole.
func TestEKSRoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	r := &snapshot.Region{Name: "eu-west-1"}
	for i, cl := range []string{"data-eks", "other", "data-eks"} {
		ng := fill(&ekstypes.Nodegroup{})
		ng.ClusterName, ng.NodegroupName = aws.String(cl), aws.String("ng"+string(rune('a'+i)))
		r.Nodegroups = append(r.Nodegroups, *ng)
	}
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{r}})
	s.SetPageSize(1)
	c := eks.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()
	var got []ekstypes.Nodegroup
	for p := eks.NewListNodegroupsPaginator(c, &eks.ListNodegroupsInput{ClusterName: aws.String("data-eks")}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range out.Nodegroups {
			d, err := c.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String("data-eks"), NodegroupName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, *d.Nodegroup)
		}
	}
	sameJSON(t, "nodegroups of data-eks", got, []ekstypes.Nodegroup{r.Nodegroups[0], r.Nodegroups[2]})
	if _, err := c.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String("data-eks"), NodegroupName: aws.String("ngb")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("another cluster's nodegroup: %v", err)
	}
}

package awsapi

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/emrcontainers"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
)

// Ensure, against an independent AWS (moto): collectEMROnEKS keeps the
// running virtual clusters, flattened with their EKS cluster and
// namespace, leaves out the terminated ones, lists each one's job runs
// with their execution roles, and describes each nodegroup of each EKS
// cluster once, however many virtual clusters share it.
func testMotoEMROnEKS(t *testing.T, config func(region string) aws.Config) {
	cfg := config("eu-west-1")
	ctx := context.Background()
	var calls svcCounter
	ec := emrcontainers.NewFromConfig(cfg, func(o *emrcontainers.Options) { o.APIOptions = append(o.APIOptions, calls.install) })
	ek := eks.NewFromConfig(cfg, func(o *eks.Options) { o.APIOptions = append(o.APIOptions, calls.install) })
	role := "arn:aws:iam::" + motoAccount + ":role/eks"
	if _, err := ek.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("data-eks"), RoleArn: aws.String(role), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}}); err != nil {
		t.Fatal(err)
	}
	for _, ng := range []string{"spark", "system"} {
		if _, err := ek.CreateNodegroup(ctx, &eks.CreateNodegroupInput{ClusterName: aws.String("data-eks"), NodegroupName: aws.String(ng), NodeRole: aws.String(role), Subnets: []string{"subnet-1"}}); err != nil {
			t.Fatal(err)
		}
	}
	vc := func(name, ns string) string {
		t.Helper()
		out, err := ec.CreateVirtualCluster(ctx, &emrcontainers.CreateVirtualClusterInput{Name: aws.String(name), ContainerProvider: &ectypes.ContainerProvider{
			Type: ectypes.ContainerProviderTypeEks, Id: aws.String("data-eks"),
			Info: &ectypes.ContainerInfoMemberEksInfo{Value: ectypes.EksInfo{Namespace: aws.String(ns)}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Id)
	}
	analytics, adhoc, gone := vc("analytics", "spark-jobs"), vc("adhoc", "adhoc"), vc("gone", "old")
	if _, err := ec.DeleteVirtualCluster(ctx, &emrcontainers.DeleteVirtualClusterInput{Id: aws.String(gone)}); err != nil {
		t.Fatal(err)
	}
	exec := "arn:aws:iam::" + motoAccount + ":role/spark-exec"
	if _, err := ec.StartJobRun(ctx, &emrcontainers.StartJobRunInput{
		VirtualClusterId: aws.String(analytics), Name: aws.String("nightly"), ExecutionRoleArn: aws.String(exec), ReleaseLabel: aws.String("emr-7.5.0-latest"),
		ClientToken: aws.String("t1"), JobDriver: &ectypes.JobDriver{SparkSubmitJobDriver: &ectypes.SparkSubmitJobDriver{EntryPoint: aws.String("s3://code/job.py")}},
	}); err != nil {
		t.Fatal(err)
	}
	before := calls.count("DescribeNodegroup")

	// moto records a job run as created at midnight UTC of its day, so
	// "since" reaches back two days for the run just started to count.
	fs := &failures{}
	vcs, eps, runs, ngs := collectEMROnEKS(ctx, ec, ek, "eu-west-1", time.Now().Add(-48*time.Hour), fs)

	// moto 5.2.1 does not serve managed endpoints (404 with an HTML
	// body): each virtual cluster's ListManagedEndpoints is a failure, as
	// any unanswered call is.
	// (The awstest tests read endpoints as AWS serves them.)
	failed := map[string]bool{}
	for _, f := range fs.take() {
		if f.Operation != "ListManagedEndpoints" || f.Service != "emr-containers" || f.Region != "eu-west-1" {
			t.Errorf("unexpected failure %+v", f)
		}
		failed[f.Resource] = true
	}
	if len(failed) != 2 || !failed[analytics] || !failed[adhoc] || len(eps) != 0 {
		t.Errorf("ListManagedEndpoints failed for %v with %d endpoints, want the two running virtual clusters", failed, len(eps))
	}

	if len(vcs) != 2 {
		t.Fatalf("virtual clusters = %+v, want analytics and adhoc (not the terminated one)", vcs)
	}
	byID := map[string]string{}
	for _, v := range vcs {
		if v.EKSCluster != "data-eks" || v.ProviderType != "EKS" || v.State != "RUNNING" || v.Arn == "" {
			t.Errorf("virtual cluster %+v", v)
		}
		byID[v.ID] = v.Namespace
	}
	if byID[analytics] != "spark-jobs" || byID[adhoc] != "adhoc" {
		t.Errorf("namespaces = %v", byID)
	}
	if len(runs) != 1 || aws.ToString(runs[0].ExecutionRoleArn) != exec || aws.ToString(runs[0].VirtualClusterId) != analytics {
		t.Errorf("job runs = %+v, want nightly with its execution role", runs)
	}
	names := map[string]bool{}
	for _, n := range ngs {
		names[aws.ToString(n.NodegroupName)] = aws.ToString(n.ClusterName) == "data-eks"
	}
	if len(ngs) != 2 || !names["spark"] || !names["system"] {
		t.Errorf("nodegroups = %v, want spark and system of data-eks", names)
	}
	if n, m := calls.count("ListNodegroups"), calls.count("DescribeNodegroup")-before; n != 1 || m != 2 {
		t.Errorf("ListNodegroups %d, DescribeNodegroup %d calls; want 1 and 2 (one EKS cluster behind two virtual clusters)", n, m)
	}
}

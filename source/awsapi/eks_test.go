package awsapi

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/emrcontainers"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
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

// eksEstate is a region's EMR on EKS: a running and an arrested virtual
// cluster on data-eks, a terminated one on old-eks; endpoints active,
// creating and terminated; job runs before and after since; nodegroups of
// both EKS clusters.
func eksEstate(since time.Time) *snapshot.Region {
	at := func(h int) *time.Time { t := since.Add(time.Duration(h) * time.Hour); return &t }
	vc := func(id, state, eks string) *snapshot.VirtualCluster {
		return &snapshot.VirtualCluster{ID: id, Name: id, Arn: "arn:aws:emr-containers:eu-west-1:" + awstestAccount + ":/virtualclusters/" + id,
			State: state, EKSCluster: eks, ProviderType: "EKS", Namespace: "ns-" + id, CreatedAt: at(-100), Tags: map[string]string{"team": "data"}}
	}
	ep := func(id, vc string, state ectypes.EndpointState) ectypes.Endpoint {
		return ectypes.Endpoint{Id: aws.String(id), VirtualClusterId: aws.String(vc), State: state, Type: aws.String("JUPYTER_ENTERPRISE_GATEWAY"),
			ExecutionRoleArn: aws.String("arn:aws:iam::" + awstestAccount + ":role/notebook"), SecurityGroup: aws.String("sg-1"), SubnetIds: []string{"subnet-1"}, CreatedAt: at(-50)}
	}
	run := func(id, vc string, created int) ectypes.JobRun {
		return ectypes.JobRun{Id: aws.String(id), VirtualClusterId: aws.String(vc), State: ectypes.JobRunStateCompleted,
			ExecutionRoleArn: aws.String("arn:aws:iam::" + awstestAccount + ":role/spark-" + id), ReleaseLabel: aws.String("emr-7.5.0-latest"), CreatedAt: at(created)}
	}
	ng := func(cluster, name string) ekstypes.Nodegroup {
		return ekstypes.Nodegroup{ClusterName: aws.String(cluster), NodegroupName: aws.String(name), NodeRole: aws.String("arn:aws:iam::" + awstestAccount + ":role/node"),
			AmiType: ekstypes.AMITypesAl2023X8664Standard, Status: ekstypes.NodegroupStatusActive, Subnets: []string{"subnet-1"}}
	}
	return &snapshot.Region{
		Name:            "eu-west-1",
		VirtualClusters: []*snapshot.VirtualCluster{vc("vc-run", "RUNNING", "data-eks"), vc("vc-arr", "ARRESTED", "data-eks"), vc("vc-old", "TERMINATED", "old-eks")},
		ManagedEndpoints: []ectypes.Endpoint{
			ep("ep-active", "vc-run", ectypes.EndpointStateActive), ep("ep-gone", "vc-run", ectypes.EndpointStateTerminated),
			ep("ep-new", "vc-arr", ectypes.EndpointStateCreating),
		},
		JobRuns:    []ectypes.JobRun{run("jr-new", "vc-run", 2), run("jr-old", "vc-run", -2), run("jr-arr", "vc-arr", 1), run("jr-term", "vc-old", 1)},
		Nodegroups: []ekstypes.Nodegroup{ng("data-eks", "spark"), ng("data-eks", "system"), ng("old-eks", "legacy")},
	}
}

// Ensure, through internal/awstest with one item a page: collectEMROnEKS
// returns the running and arrested virtual clusters as the region holds
// them, their active and creating endpoints, their job runs since the
// given time, and the nodegroups of their one EKS cluster, reading every
// page and each nodegroup once.
func TestEMROnEKSAwstest(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	estate := eksEstate(since)
	s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{estate}})
	s.SetPageSize(1)
	cfg := s.Config("eu-west-1")
	fs := &failures{}
	vcs, eps, runs, ngs := collectEMROnEKS(context.Background(), emrcontainers.NewFromConfig(cfg), eks.NewFromConfig(cfg), "eu-west-1", since, fs)
	svcNoFailures(t, fs)
	same := func(what string, got, want any) {
		t.Helper()
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		if string(g) != string(w) {
			t.Errorf("%s:\n%s\nwant:\n%s", what, g, w)
		}
	}
	same("virtual clusters", vcs, estate.VirtualClusters[:2])
	same("endpoints", eps, []ectypes.Endpoint{estate.ManagedEndpoints[0], estate.ManagedEndpoints[2]})
	same("job runs", runs, []ectypes.JobRun{estate.JobRuns[0], estate.JobRuns[2]})
	same("nodegroups", ngs, estate.Nodegroups[:2])
	for op, want := range map[string]int{
		"emr-containers.ListVirtualClusters": 2, "emr-containers.ListManagedEndpoints": 2, "emr-containers.ListJobRuns": 2,
		"eks.ListNodegroups": 2, "eks.DescribeNodegroup": 2,
	} {
		if n := s.Calls(op); n != want {
			t.Errorf("%s called %d times, want %d", op, n, want)
		}
	}
}

// Ensure each EMR on EKS and EKS call denied, throttled or failing past
// the retries, or cut short, leaves one Failure naming it and its object,
// and no invented evidence in its place.
func TestEMROnEKSFaults(t *testing.T) {
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		service, op, resource string
		vcs, eps, runs, ngs   int // what is left
	}{
		{"emr-containers", "ListVirtualClusters", "", 0, 0, 0, 0},
		{"emr-containers", "ListManagedEndpoints", "vc-run", 1, 0, 1, 1},
		{"emr-containers", "ListJobRuns", "vc-run", 1, 1, 0, 1},
		{"eks", "ListNodegroups", "data-eks", 1, 1, 1, 0},
		{"eks", "DescribeNodegroup", "data-eks/spark", 1, 1, 1, 0},
	} {
		for _, f := range svcFaults(c.service+"."+c.op, "AccessDeniedException", "ThrottlingException") {
			t.Run(c.op+"/"+f.name, func(t *testing.T) {
				s := awstest.New()
				defer s.Close()
				full := eksEstate(since)
				// One virtual cluster, one endpoint, one job run, one nodegroup.
				r := &snapshot.Region{Name: "eu-west-1", VirtualClusters: full.VirtualClusters[:1], ManagedEndpoints: full.ManagedEndpoints[:1],
					JobRuns: full.JobRuns[:1], Nodegroups: full.Nodegroups[:1]}
				s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{r}})
				s.Inject(f.fault)
				cfg := s.Config("eu-west-1")
				fs := &failures{}
				vcs, eps, runs, ngs := collectEMROnEKS(context.Background(), emrcontainers.NewFromConfig(cfg), eks.NewFromConfig(cfg), "eu-west-1", since, fs)
				svcCheckFault(t, s, fs, f, c.service, c.op, "eu-west-1", c.resource)
				if len(vcs) != c.vcs || len(eps) != c.eps || len(runs) != c.runs || len(ngs) != c.ngs {
					t.Errorf("got %d virtual clusters, %d endpoints, %d job runs, %d nodegroups; want %d, %d, %d, %d",
						len(vcs), len(eps), len(runs), len(ngs), c.vcs, c.eps, c.runs, c.ngs)
				}
			})
		}
	}
}

// Ensure an EMR on EKS or EKS list that fails after its first page keeps
// what it read, its Failure naming the list.
func TestEMROnEKSPartialPages(t *testing.T) {
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		service, op, resource string
		vcs, eps, runs, ngs   int
	}{
		{"emr-containers", "ListVirtualClusters", "", 1, 2, 2, 2},
		{"emr-containers", "ListManagedEndpoints", "vc-run", 1, 1, 2, 2},
		{"emr-containers", "ListJobRuns", "vc-run", 1, 2, 1, 2},
		{"eks", "ListNodegroups", "data-eks", 1, 2, 2, 1},
	} {
		t.Run(c.op, func(t *testing.T) {
			s := awstest.New()
			defer s.Close()
			// vc-run with two active endpoints, two job runs and two
			// nodegroups, so that each list has two pages; for the
			// virtual clusters' own list, an empty second one.
			full := eksEstate(since)
			r := &snapshot.Region{Name: "eu-west-1", VirtualClusters: full.VirtualClusters[:1],
				ManagedEndpoints: []ectypes.Endpoint{full.ManagedEndpoints[0], full.ManagedEndpoints[0]},
				JobRuns:          []ectypes.JobRun{full.JobRuns[0], full.JobRuns[0]}, Nodegroups: full.Nodegroups[:2]}
			r.ManagedEndpoints[1].Id, r.JobRuns[1].Id = aws.String("ep-active-2"), aws.String("jr-new-2")
			if c.op == "ListVirtualClusters" {
				empty := *full.VirtualClusters[1]
				empty.EKSCluster = "data-eks"
				r.VirtualClusters = append(r.VirtualClusters, &empty)
			}
			s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{r}})
			s.SetPageSize(1)
			f := awstest.Fault{Op: c.service + "." + c.op, Status: 403, Code: "AccessDeniedException"}
			cfg := s.Config("eu-west-1")
			cfg.APIOptions = append(cfg.APIOptions, svcAfterFirst(s, f))
			fs := &failures{}
			vcs, eps, runs, ngs := collectEMROnEKS(context.Background(), emrcontainers.NewFromConfig(cfg), eks.NewFromConfig(cfg), "eu-west-1", since, fs)
			svcOneFailure(t, fs, c.op, c.resource, "AccessDeniedException")
			if len(vcs) != c.vcs || len(eps) != c.eps || len(runs) != c.runs || len(ngs) != c.ngs {
				t.Errorf("got %d virtual clusters, %d endpoints, %d job runs, %d nodegroups; want %d, %d, %d, %d",
					len(vcs), len(eps), len(runs), len(ngs), c.vcs, c.eps, c.runs, c.ngs)
			}
		})
	}
}

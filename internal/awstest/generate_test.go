package awstest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/emrguard/emrguard/internal/awstest"
)

// Ensure GenerateAccount is deterministic, makes the counts its doc
// promises, links every cluster to objects that exist, and is served: the
// active-state listing skips the terminated clusters.
func TestGenerateAccount(t *testing.T) {
	regions := []string{"eu-west-1", "us-east-1"}
	a, b := awstest.GenerateAccount("111122223333", regions, 25), awstest.GenerateAccount("111122223333", regions, 25)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("two estates from the same arguments differ")
	}
	groups := 3 // ceil(25/10)
	for _, r := range a.Regions {
		if len(r.Clusters) != 25+awstest.GenTerminated || len(r.SecurityGroups) != 3*groups || len(r.Subnets) != awstest.GenSubnets ||
			len(r.RouteTables) != awstest.GenRouteTables || len(r.VPCEndpoints) != awstest.GenVPCEndpoints || len(r.SecurityConfigurations) != awstest.GenSecConfigs ||
			len(r.KMSKeys) != awstest.GenKMSKeys || len(r.Images) != awstest.GenImages || len(r.Trails) != 1 || len(r.VirtualClusters) != 1 || len(r.Nodegroups) != 1 {
			t.Errorf("%s: counts differ from the documented ones", r.Name)
		}
		sgs, ids := map[string]bool{}, map[string]bool{}
		for _, sg := range r.SecurityGroups {
			sgs[*sg.GroupId] = true
		}
		for _, c := range r.Clusters {
			at := c.Cluster.Ec2InstanceAttributes
			if !sgs[*at.EmrManagedMasterSecurityGroup] || !sgs[*at.EmrManagedSlaveSecurityGroup] || ids[*c.Cluster.Id] {
				t.Errorf("cluster %s: unknown security group or repeated ID", *c.Cluster.Id)
			}
			ids[*c.Cluster.Id] = true
		}
	}
	if iam := a.IAM; len(iam.Roles) != awstest.GenRoles || len(iam.InstanceProfiles) != awstest.GenInstanceProfiles ||
		len(iam.Policies) != awstest.GenPolicies || len(iam.Holders) != awstest.GenHolders {
		t.Error("IAM counts differ from the documented ones")
	}

	s := awstest.New()
	defer s.Close()
	s.LoadAccounts(a)
	ctx := context.Background()
	active := 0
	for p := emr.NewListClustersPaginator(emr.NewFromConfig(s.Config("us-east-1")), &emr.ListClustersInput{ClusterStates: []emrtypes.ClusterState{"STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"}}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		active += len(out.Clusters)
	}
	if active != 25 || s.Calls("emr.ListClusters") != 1 {
		t.Errorf("%d active clusters in %d calls, want 25 in 1", active, s.Calls("emr.ListClusters"))
	}
	open, err := ec2.NewFromConfig(s.Config("us-east-1")).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sg := range open.SecurityGroups {
		for _, p := range sg.IpPermissions {
			for _, r := range p.IpRanges {
				if aws.ToString(r.CidrIp) == "0.0.0.0/0" && aws.ToInt32(p.FromPort) == 22 {
					n++
				}
			}
		}
	}
	if n != 1 { // trio 0 of 3
		t.Errorf("%d groups open on 22, want 1", n)
	}
	if _, err := iam.NewFromConfig(s.Config("us-east-1")).GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("emr-ec2-scoped")}); err != nil {
		t.Error(err)
	}
}

// BenchmarkDescribeClusters measures the server's own cost per call (no
// latency set): listing a generated region's 50 active clusters and
// describing each, through the real EMR client.
func BenchmarkDescribeClusters(b *testing.B) {
	s := awstest.New()
	defer s.Close()
	s.LoadAccounts(awstest.GenerateAccount("111122223333", []string{"eu-west-1"}, 50))
	c := emr.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out, err := c.ListClusters(ctx, &emr.ListClustersInput{ClusterStates: []emrtypes.ClusterState{"RUNNING", "WAITING"}})
		if err != nil {
			b.Fatal(err)
		}
		for _, cs := range out.Clusters {
			if _, err := c.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: cs.Id}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

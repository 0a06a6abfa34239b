package awstest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/smithy-go"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

func emrFixture() *snapshot.Account {
	r := &snapshot.Region{Name: "eu-west-1", BlockPublicAccess: fill(&emrtypes.BlockPublicAccessConfiguration{})}
	for i, st := range []emrtypes.ClusterState{"RUNNING", "WAITING", "TERMINATED", "STARTING"} {
		cl := fill(&emrtypes.Cluster{})
		cl.Id = aws.String("j-" + string(rune('A'+i)))
		cl.Status.State = st
		r.Clusters = append(r.Clusters, &snapshot.Cluster{Cluster: *cl, Primary: *fill(&[]emrtypes.Instance{}), PrimaryRead: true})
	}
	for _, name := range []string{"strong", "weak", "kms"} {
		created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		r.SecurityConfigurations = append(r.SecurityConfigurations, &snapshot.SecurityConfiguration{Name: name, Document: `{"EncryptionConfiguration":{"EnableInTransitEncryption":true}}`, CreationDateTime: &created})
	}
	return &snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{r, {Name: "us-east-1"}}}
}

// Ensure the EMR client reads back the loaded clusters, primary nodes,
// security configurations and block public access, page by page.
func TestEMRRoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	acct := emrFixture()
	s.LoadAccounts(acct)
	s.SetPageSize(1)
	r := acct.Regions[0]
	c := emr.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()

	var ids []string
	p := emr.NewListClustersPaginator(c, &emr.ListClustersInput{ClusterStates: []emrtypes.ClusterState{"STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"}})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, cs := range out.Clusters {
			ids = append(ids, aws.ToString(cs.Id))
			for _, cl := range r.Clusters {
				if k := cl.Cluster; *k.Id == *cs.Id {
					sameJSON(t, "summary", cs, emrtypes.ClusterSummary{Id: k.Id, Name: k.Name, Status: k.Status, ClusterArn: k.ClusterArn, OutpostArn: k.OutpostArn, NormalizedInstanceHours: k.NormalizedInstanceHours})
				}
			}
		}
	}
	sameJSON(t, "active clusters", ids, []string{"j-A", "j-B", "j-D"})
	if n := s.Calls("emr.ListClusters"); n != 3 {
		t.Errorf("ListClusters pages: %d calls, want 3 (page size 1)", n)
	}

	for _, cl := range r.Clusters {
		out, err := c.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: cl.Cluster.Id})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "DescribeCluster "+*cl.Cluster.Id, out.Cluster, cl.Cluster)
		var got []emrtypes.Instance
		ip := emr.NewListInstancesPaginator(c, &emr.ListInstancesInput{ClusterId: cl.Cluster.Id, InstanceGroupTypes: []emrtypes.InstanceGroupType{"MASTER"}})
		for ip.HasMorePages() {
			page, err := ip.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page.Instances...)
		}
		sameJSON(t, "ListInstances "+*cl.Cluster.Id, got, cl.Primary)
	}
	if _, err := c.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: aws.String("j-NOPE")}); apiCode(err) != "InvalidRequestException" {
		t.Errorf("unknown cluster: %v", err)
	}

	var names []string
	sp := emr.NewListSecurityConfigurationsPaginator(c, &emr.ListSecurityConfigurationsInput{})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range page.SecurityConfigurations {
			names = append(names, aws.ToString(sc.Name))
		}
	}
	sameJSON(t, "security configurations", names, []string{"strong", "weak", "kms"})
	for _, sc := range r.SecurityConfigurations {
		out, err := c.DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: &sc.Name})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "DescribeSecurityConfiguration", snapshot.SecurityConfiguration{Name: aws.ToString(out.Name), Document: aws.ToString(out.SecurityConfiguration), CreationDateTime: out.CreationDateTime}, sc)
	}

	bpa, err := c.GetBlockPublicAccessConfiguration(ctx, &emr.GetBlockPublicAccessConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "block public access", bpa.BlockPublicAccessConfiguration, r.BlockPublicAccess)
	def, err := emr.NewFromConfig(s.Config("us-east-1")).GetBlockPublicAccessConfiguration(ctx, &emr.GetBlockPublicAccessConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if b := def.BlockPublicAccessConfiguration; !aws.ToBool(b.BlockPublicSecurityGroupRules) || len(b.PermittedPublicSecurityGroupRuleRanges) != 1 || aws.ToInt32(b.PermittedPublicSecurityGroupRuleRanges[0].MinRange) != 22 {
		t.Errorf("default block public access: %+v", b)
	}
}

// apiCode is the API error code of err, "" when it is not an API error.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

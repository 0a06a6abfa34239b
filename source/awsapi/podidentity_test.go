package awsapi

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// podIdentityEstate is the virtual clusters of eksEstate's data-eks (in
// namespaces ns-vc-run and ns-vc-arr) with Pod Identity associations in
// both, one in a namespace no virtual cluster runs in, and one in another
// EKS cluster's namespace of the same name.
func podIdentityEstate() *snapshot.Region {
	assoc := func(cluster, ns, sa, id string) ekstypes.PodIdentityAssociation {
		return ekstypes.PodIdentityAssociation{ClusterName: aws.String(cluster), Namespace: aws.String(ns), ServiceAccount: aws.String(sa),
			AssociationId: aws.String(id), AssociationArn: aws.String("arn:aws:eks:eu-west-1:" + awstestAccount + ":podidentityassociation/" + cluster + "/" + id),
			RoleArn: aws.String("arn:aws:iam::" + awstestAccount + ":role/" + sa)}
	}
	full := eksEstate(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	return &snapshot.Region{Name: "eu-west-1", VirtualClusters: full.VirtualClusters[:2],
		PodIdentityAssociations: []ekstypes.PodIdentityAssociation{
			assoc("data-eks", "ns-vc-run", "emr-containers-sa-spark-driver-1-a", "a-1"),
			assoc("data-eks", "monitoring", "grafana", "a-2"),
			assoc("data-eks", "ns-vc-run", "emr-containers-sa-spark-client-1-a", "a-3"),
			assoc("old-eks", "ns-vc-run", "emr-containers-sa-spark-driver-1-b", "a-4"),
			assoc("data-eks", "ns-vc-arr", "emr-containers-sa-spark-driver-1-c", "a-5"),
		}}
}

// Ensure, through internal/awstest with one item a page:
// collectPodIdentities reads the associations of the virtual clusters'
// namespaces on their EKS cluster, each whole (with its role, which the
// list leaves out), every page, and no other namespace's or cluster's.
func TestPodIdentitiesAwstest(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	r := podIdentityEstate()
	s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{r}})
	s.SetPageSize(1)
	fs := &failures{}
	got := collectPodIdentities(context.Background(), eks.NewFromConfig(s.Config("eu-west-1")), "eu-west-1", r.VirtualClusters, fs)
	svcNoFailures(t, fs)
	var ids, roles []string
	for _, a := range got {
		ids, roles = append(ids, aws.ToString(a.AssociationId)), append(roles, aws.ToString(a.RoleArn))
	}
	if want := []string{"a-1", "a-3", "a-5"}; !slices.Equal(ids, want) {
		t.Errorf("associations %v, want %v", ids, want)
	}
	if len(roles) != 3 || roles[0] != "arn:aws:iam::"+awstestAccount+":role/emr-containers-sa-spark-driver-1-a" {
		t.Errorf("roles %v: want each association's role, from DescribePodIdentityAssociation", roles)
	}
	for op, want := range map[string]int{"eks.ListPodIdentityAssociations": 3, "eks.DescribePodIdentityAssociation": 3} {
		if n := s.Calls(op); n != want {
			t.Errorf("%s called %d times, want %d", op, n, want)
		}
	}
}

// Ensure a denied, throttled or failing list or describe leaves one
// Failure naming it and its object, and no association in its place.
func TestPodIdentitiesFaults(t *testing.T) {
	for _, c := range []struct{ op, resource string }{
		{"ListPodIdentityAssociations", "data-eks/ns-vc-run"},
		{"DescribePodIdentityAssociation", "data-eks/a-1"},
	} {
		for _, f := range svcFaults("eks."+c.op, "AccessDeniedException", "ThrottlingException") {
			t.Run(c.op+"/"+f.name, func(t *testing.T) {
				s := awstest.New()
				defer s.Close()
				r := podIdentityEstate()
				r.VirtualClusters = r.VirtualClusters[:1]
				r.PodIdentityAssociations = r.PodIdentityAssociations[:1]
				s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{r}})
				s.Inject(f.fault)
				fs := &failures{}
				got := collectPodIdentities(context.Background(), eks.NewFromConfig(s.Config("eu-west-1")), "eu-west-1", r.VirtualClusters, fs)
				svcCheckFault(t, s, fs, f, "eks", c.op, "eu-west-1", c.resource)
				if len(got) != 0 {
					t.Errorf("got %d associations, want none", len(got))
				}
			})
		}
	}
}

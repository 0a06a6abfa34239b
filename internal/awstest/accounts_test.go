package awstest_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

func oneCluster(acct, region, id string) *snapshot.Account {
	return &snapshot.Account{ID: acct, Regions: []*snapshot.Region{{Name: region, Clusters: []*snapshot.Cluster{{Cluster: emrtypes.Cluster{Id: aws.String(id), Status: &emrtypes.ClusterStatus{State: "WAITING"}}}}}}}
}

func clusterIDs(t *testing.T, cfg aws.Config) []string {
	t.Helper()
	out, err := emr.NewFromConfig(cfg).ListClusters(context.Background(), &emr.ListClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range out.Clusters {
		ids = append(ids, aws.ToString(c.Id))
	}
	return ids
}

// Ensure AssumeRole credentials are served from the role's account (through
// the SDK's own stscreds provider, ExternalId included), and that a denied
// role or an account not loaded gives AccessDenied.
func TestAssumeRoleRouting(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.LoadAccounts(oneCluster("111122223333", "eu-west-1", "j-CALLER"), oneCluster("444455556666", "eu-west-1", "j-MEMBER"))
	s.DenyAssumeRole("arn:aws:iam::444455556666:role/locked")
	ctx := context.Background()
	base := s.Config("eu-west-1")
	sameJSON(t, "caller's clusters", clusterIDs(t, base), []string{"j-CALLER"})

	member := base.Copy()
	member.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), "arn:aws:iam::444455556666:role/emrguard-audit",
		func(o *stscreds.AssumeRoleOptions) { o.ExternalID = aws.String("ext-1"); o.RoleSessionName = "scan" }))
	sameJSON(t, "member's clusters", clusterIDs(t, member), []string{"j-MEMBER"})
	id, err := sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "member identity", []string{*id.Account, *id.Arn}, []string{"444455556666", "arn:aws:sts::444455556666:assumed-role/emrguard-audit/scan"})
	id, err = sts.NewFromConfig(base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "111122223333" {
		t.Errorf("caller identity: %v %+v", err, id)
	}

	for _, arn := range []string{"arn:aws:iam::444455556666:role/locked", "arn:aws:iam::777788889999:role/emrguard-audit"} {
		_, err := sts.NewFromConfig(base).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("scan")})
		if apiCode(err) != "AccessDenied" {
			t.Errorf("AssumeRole %s: %v", arn, err)
		}
	}
}

// Ensure a disabled region refuses calls as AWS does in each protocol and
// is listed by DescribeRegions only with AllRegions.
func TestDisableRegion(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.LoadAccounts(oneCluster("111122223333", "eu-west-1", "j-A"), oneCluster("111122223333", "ap-east-1", "j-B"))
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{{Name: "eu-west-1"}, {Name: "ap-east-1"}}})
	s.DisableRegion("111122223333", "ap-east-1")
	ctx := context.Background()
	cfg := s.Config("ap-east-1")
	if _, err := emr.NewFromConfig(cfg).ListClusters(ctx, &emr.ListClustersInput{}); apiCode(err) != "UnrecognizedClientException" {
		t.Errorf("EMR: %v", err)
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{}); apiCode(err) != "AuthFailure" {
		t.Errorf("EC2: %v", err)
	}
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Errorf("STS: %v", err)
	}
	if _, err := emr.NewFromConfig(s.Config("eu-west-1")).ListClusters(ctx, &emr.ListClustersInput{}); err != nil {
		t.Errorf("enabled region: %v", err)
	}
}

// Ensure LoadFile reads a gzipped snapshot and serves its accounts, the
// first as the caller's.
func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "estate.json.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	snap := snapshot.Snapshot{Format: snapshot.Format, Version: snapshot.Version, Accounts: []*snapshot.Account{oneCluster("111122223333", "eu-west-1", "j-FILE")}}
	if err := json.NewEncoder(gz).Encode(snap); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	f.Close()
	s := awstest.New()
	defer s.Close()
	if err := s.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "clusters from file", clusterIDs(t, s.Config("eu-west-1")), []string{"j-FILE"})
	if err := s.LoadFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}

// Ensure calls and DisableRegion before any LoadAccounts leave the caller's
// slot to the first account loaded.
func TestCallerIsFirstLoaded(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.DisableRegion("444455556666", "ap-east-1")
	if ids := clusterIDs(t, s.Config("eu-west-1")); len(ids) != 0 {
		t.Errorf("empty estate: %v", ids)
	}
	s.LoadAccounts(oneCluster("111122223333", "eu-west-1", "j-FIRST"), oneCluster("444455556666", "eu-west-1", "j-SECOND"))
	sameJSON(t, "caller's clusters", clusterIDs(t, s.Config("eu-west-1")), []string{"j-FIRST"})
}

// Ensure a key the server never issued is refused as AWS refuses it, in
// the JSON and the query protocols.
func TestUnknownAccessKey(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.LoadAccounts(oneCluster("111122223333", "eu-west-1", "j-A"))
	cfg := s.Config("eu-west-1")
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDSTRANGER", "secret", "")
	ctx := context.Background()
	if _, err := emr.NewFromConfig(cfg).ListClusters(ctx, &emr.ListClustersInput{}); apiCode(err) != "UnrecognizedClientException" {
		t.Errorf("EMR: %v", err)
	}
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Errorf("STS: %v", err)
	}
}

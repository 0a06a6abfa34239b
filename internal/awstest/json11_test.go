package awstest_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Ensure the CloudTrail client reads back trails, their status and both
// kinds of selectors, and sees TrailNotFoundException.
func TestCloudTrailRoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	var trails []*snapshot.Trail
	for i, home := range []string{"eu-west-1", "us-east-1"} {
		tr := fill(&cttypes.Trail{})
		tr.Name, tr.TrailARN, tr.HomeRegion = aws.String("trail-"+home), aws.String("arn:aws:cloudtrail:"+home+":111122223333:trail/t"+string(rune('0'+i))), aws.String(home)
		trails = append(trails, &snapshot.Trail{Trail: *tr, Status: fill(&snapshot.TrailStatus{}), SelectorsRead: true,
			EventSelectors: *fill(&[]cttypes.EventSelector{}), AdvancedEventSelectors: *fill(&[]cttypes.AdvancedEventSelector{})})
	}
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{{Name: "eu-west-1", Trails: trails}}})
	c := cloudtrail.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()

	out, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "trails", out.TrailList, []cttypes.Trail{trails[0].Trail, trails[1].Trail})
	out, err = c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "trails without shadows", out.TrailList, []cttypes.Trail{trails[0].Trail})
	for _, tr := range trails {
		st, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: tr.Trail.TrailARN})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "status", snapshot.TrailStatus{IsLogging: st.IsLogging, LatestDeliveryError: st.LatestDeliveryError, LatestDeliveryTime: st.LatestDeliveryTime}, tr.Status)
		sel, err := c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: tr.Trail.Name})
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "event selectors", sel.EventSelectors, tr.EventSelectors)
		sameJSON(t, "advanced event selectors", sel.AdvancedEventSelectors, tr.AdvancedEventSelectors)
	}
	if _, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("nope")}); apiCode(err) != "TrailNotFoundException" {
		t.Errorf("unknown trail: %v", err)
	}
}

// Ensure the KMS client finds a key by ID, ARN, alias and alias ARN, reads
// its metadata whole and its rotation status.
func TestKMSRoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	md := fill(&kmstypes.KeyMetadata{})
	md.KeyId, md.Arn = aws.String("1234abcd-12ab-34cd-56ef-1234567890ab"), aws.String("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	key := &snapshot.KMSKey{Ref: "alias/emr", Metadata: md, RotationEnabled: aws.Bool(true)}
	other := &snapshot.KMSKey{Ref: "arn:aws:kms:eu-west-1:111122223333:key/other", Metadata: &kmstypes.KeyMetadata{KeyId: aws.String("other")}}
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{{Name: "eu-west-1", KMSKeys: []*snapshot.KMSKey{other, key}}}})
	c := kms.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()
	for _, ref := range []string{"alias/emr", "arn:aws:kms:eu-west-1:111122223333:alias/emr", *md.KeyId, *md.Arn} {
		out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		if err != nil {
			t.Fatal(ref, err)
		}
		sameJSON(t, "DescribeKey "+ref, out.KeyMetadata, md)
	}
	rot, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: md.Arn})
	if err != nil || !rot.KeyRotationEnabled {
		t.Errorf("rotation: %v %+v", err, rot)
	}
	rot, err = c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String("other")})
	if err != nil || rot.KeyRotationEnabled {
		t.Errorf("rotation of other: %v %+v", err, rot)
	}
	if _, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/nope")}); apiCode(err) != "NotFoundException" {
		t.Errorf("unknown key: %v", err)
	}
}

// Ensure Organizations ListAccounts pages through SetOrganization's
// accounts with their status, and fails as AWS does with no organization.
func TestOrganizations(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	c := organizations.NewFromConfig(s.Config("us-east-1"))
	ctx := context.Background()
	if _, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{}); apiCode(err) != "AWSOrganizationsNotInUseException" {
		t.Errorf("no organization: %v", err)
	}
	s.SetOrganization(map[string]string{"111122223333": "ACTIVE", "222233334444": "SUSPENDED", "333344445555": "PENDING_CLOSURE"})
	s.SetPageSize(2)
	var got []string
	for p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Accounts {
			got = append(got, aws.ToString(a.Id)+"="+string(a.Status))
		}
	}
	sameJSON(t, "accounts", got, []string{"111122223333=ACTIVE", "222233334444=SUSPENDED", "333344445555=PENDING_CLOSURE"})
	if n := s.Calls("organizations.ListAccounts"); n != 3 {
		t.Errorf("ListAccounts: %d calls, want 1 refused + 2 pages", n)
	}
}

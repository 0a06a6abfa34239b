package awsapi

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Ensure, against an independent AWS (moto): a multi-region trail is
// seen in its home region and, as a shadow trail, in another; its status
// and selectors are fetched once for the account however many regions
// show it; a single-region trail shows only in its region; a trail that
// is not logging says so.
func testMotoTrails(t *testing.T, config func(region string) aws.Config) {
	ctx := context.Background()
	s3c := s3.NewFromConfig(config("eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail-logs"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	var calls svcCounter
	clients := map[string]*cloudtrail.Client{}
	for _, r := range []string{"eu-west-1", "us-east-1"} {
		clients[r] = cloudtrail.NewFromConfig(config(r), func(o *cloudtrail.Options) { o.APIOptions = append(o.APIOptions, calls.install) })
	}
	all, err := clients["eu-west-1"].CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-all"), S3BucketName: aws.String("trail-logs"), IsMultiRegionTrail: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clients["eu-west-1"].StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("org-all")}); err != nil {
		t.Fatal(err)
	}
	if _, err := clients["eu-west-1"].PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("org-all"), EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := clients["us-east-1"].CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("local"), S3BucketName: aws.String("trail-logs")}); err != nil {
		t.Fatal(err)
	}

	// Regions in turn, the home region first: moto answers
	// GetEventSelectors for a trail ARN only in the trail's home region,
	// where AWS answers it in any region (prowler relies on it).
	cache := newTrailCache()
	fs := &failures{}
	got := map[string][]string{}
	logging := map[string]bool{}
	for _, r := range []string{"eu-west-1", "us-east-1"} {
		for _, tr := range collectTrails(ctx, clients[r], r, cache, fs) {
			name := aws.ToString(tr.Trail.Name)
			got[r] = append(got[r], name)
			if tr.Status == nil || tr.Status.IsLogging == nil || !tr.SelectorsRead {
				t.Errorf("%s in %s: status %+v, selectors read %v", name, r, tr.Status, tr.SelectorsRead)
				continue
			}
			logging[r+" "+name] = *tr.Status.IsLogging
			if name == "org-all" && (len(tr.EventSelectors) != 1 || tr.EventSelectors[0].ReadWriteType != cttypes.ReadWriteTypeWriteOnly) {
				t.Errorf("org-all selectors in %s = %+v", r, tr.EventSelectors)
			}
		}
	}
	svcNoFailures(t, fs)
	sort.Strings(got["us-east-1"])
	if !reflect.DeepEqual(got, map[string][]string{"eu-west-1": {"org-all"}, "us-east-1": {"local", "org-all"}}) {
		t.Errorf("trails = %v, want org-all in eu-west-1 and, as a shadow trail, in us-east-1 beside local", got)
	}
	if !reflect.DeepEqual(logging, map[string]bool{"eu-west-1 org-all": true, "us-east-1 org-all": true, "us-east-1 local": false}) {
		t.Errorf("logging = %v, want org-all logging everywhere and local not", logging)
	}
	if n, m := calls.count("GetTrailStatus"), calls.count("GetEventSelectors"); n != 2 || m != 2 {
		t.Errorf("GetTrailStatus %d, GetEventSelectors %d calls; want 2 each (org-all once for both regions, local once)", n, m)
	}

	// The shadow region first, with a new cache: moto refuses the
	// cross-region GetEventSelectors, which is recorded once, in the
	// region that asked, and leaves SelectorsRead false in both regions.
	cache, fs = newTrailCache(), &failures{}
	arn := aws.ToString(all.TrailARN)
	for _, r := range []string{"us-east-1", "eu-west-1"} {
		for _, tr := range collectTrails(ctx, clients[r], r, cache, fs) {
			if aws.ToString(tr.Trail.TrailARN) == arn && (tr.SelectorsRead || tr.EventSelectors != nil || tr.Status == nil) {
				t.Errorf("org-all in %s: selectors read %v %+v, status %+v; want unread selectors and a status", r, tr.SelectorsRead, tr.EventSelectors, tr.Status)
			}
		}
	}
	if f := svcOneFailure(t, fs, "GetEventSelectors", arn, "TrailNotFoundException"); f.Region != "us-east-1" || f.Service != "cloudtrail" {
		t.Errorf("failure = %+v, want cloudtrail in us-east-1", f)
	}
}

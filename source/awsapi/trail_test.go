package awsapi

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
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

// trailEstate is an account's trails: a multi-region trail homed in
// eu-west-1 (shown in us-east-1 too, as a shadow trail) and logging, and a
// single-region trail of eu-west-1 that stopped logging after a delivery
// error, with advanced selectors.
func trailEstate() map[string][]*snapshot.Trail {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	org := &snapshot.Trail{
		Trail: cttypes.Trail{Name: aws.String("org-all"), TrailARN: aws.String("arn:aws:cloudtrail:eu-west-1:" + awstestAccount + ":trail/org-all"),
			HomeRegion: aws.String("eu-west-1"), IsMultiRegionTrail: aws.Bool(true), S3BucketName: aws.String("trail-logs"), LogFileValidationEnabled: aws.Bool(true)},
		Status:        &snapshot.TrailStatus{IsLogging: aws.Bool(true), LatestDeliveryTime: &at},
		SelectorsRead: true, EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}},
	}
	local := &snapshot.Trail{
		Trail: cttypes.Trail{Name: aws.String("local"), TrailARN: aws.String("arn:aws:cloudtrail:eu-west-1:" + awstestAccount + ":trail/local"),
			HomeRegion: aws.String("eu-west-1"), IsMultiRegionTrail: aws.Bool(false), S3BucketName: aws.String("trail-logs")},
		Status:        &snapshot.TrailStatus{IsLogging: aws.Bool(false), LatestDeliveryError: aws.String("AccessDenied"), LatestDeliveryTime: &at},
		SelectorsRead: true, AdvancedEventSelectors: []cttypes.AdvancedEventSelector{{Name: aws.String("management"), FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}}},
	}
	return map[string][]*snapshot.Trail{"eu-west-1": {org, local}, "us-east-1": {org}}
}

// Ensure, through internal/awstest, with the account's regions read at
// once: each region's trails come back as the estate holds them (shadow
// trail included), with status and selectors, and the multi-region
// trail's status and selectors are asked once for the account.
func TestTrailsAwstest(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	estate := trailEstate()
	acct := &snapshot.Account{ID: awstestAccount, Partition: "aws"}
	for _, r := range []string{"eu-west-1", "us-east-1"} {
		acct.Regions = append(acct.Regions, &snapshot.Region{Name: r, Trails: estate[r]})
	}
	s.LoadAccounts(acct)
	cache := newTrailCache()
	got := map[string][]*snapshot.Trail{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	fs := &failures{}
	for r := range estate {
		wg.Add(1)
		go func() {
			defer wg.Done()
			trails := collectTrails(context.Background(), cloudtrail.NewFromConfig(s.Config(r)), r, cache, fs)
			mu.Lock()
			got[r] = trails
			mu.Unlock()
		}()
	}
	wg.Wait()
	svcNoFailures(t, fs)
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(estate, "", " ")
	if string(g) != string(w) {
		t.Errorf("trails:\n%s\nwant:\n%s", g, w)
	}
	for op, want := range map[string]int{"cloudtrail.DescribeTrails": 2, "cloudtrail.GetTrailStatus": 2, "cloudtrail.GetEventSelectors": 2} {
		if n := s.Calls(op); n != want {
			t.Errorf("%s called %d times, want %d (once per region, or per trail for the account)", op, n, want)
		}
	}
}

// Ensure each CloudTrail call denied, throttled or failing past the
// retries, or cut short, leaves one Failure naming it, and what it would
// have told unknown: no trail list at all (never an empty one), or the
// trail without status, or with its selectors unread.
func TestTrailFaults(t *testing.T) {
	arn := "arn:aws:cloudtrail:eu-west-1:" + awstestAccount + ":trail/org-all"
	for _, c := range []struct {
		op, resource string
		check        func(t *testing.T, got []*snapshot.Trail)
	}{
		{"DescribeTrails", "", func(t *testing.T, got []*snapshot.Trail) {
			if got != nil {
				t.Errorf("trails = %v, want nil", got)
			}
		}},
		{"GetTrailStatus", arn, func(t *testing.T, got []*snapshot.Trail) {
			if len(got) != 1 || got[0].Status != nil || !got[0].SelectorsRead {
				t.Errorf("trails = %+v, want org-all without status, selectors read", got)
			}
		}},
		{"GetEventSelectors", arn, func(t *testing.T, got []*snapshot.Trail) {
			if len(got) != 1 || got[0].Status == nil || got[0].SelectorsRead || got[0].EventSelectors != nil {
				t.Errorf("trails = %+v, want org-all with status, selectors unread", got)
			}
		}},
	} {
		for _, f := range svcFaults("cloudtrail."+c.op, "AccessDeniedException", "ThrottlingException") {
			t.Run(c.op+"/"+f.name, func(t *testing.T) {
				s := awstest.New()
				defer s.Close()
				s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Regions: []*snapshot.Region{{Name: "eu-west-1", Trails: trailEstate()["us-east-1"]}}})
				s.Inject(f.fault)
				fs := &failures{}
				got := collectTrails(context.Background(), cloudtrail.NewFromConfig(s.Config("eu-west-1")), "eu-west-1", newTrailCache(), fs)
				svcCheckFault(t, s, fs, f, "cloudtrail", c.op, "eu-west-1", c.resource)
				c.check(t, got)
			})
		}
	}
}

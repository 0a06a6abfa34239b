package awsapi

import (
	"context"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// scanOp is one operation a default scan calls, as awstest names it
// ("emr.DescribeCluster"), with what its failure must say.
type scanOp struct {
	op       string
	global   bool // recorded on the account, without a region
	resource bool // names the object asked about
	// shared: asked once per account for all regions (a multi-region
	// trail's status and selectors), in whichever region meets it first;
	// the fault is injected everywhere and its failure may be in any region.
	shared bool
}

// scanOps are the operations of a default scan (no roles, organization
// or --all-regions: those have their own tests).
var scanOps = []scanOp{
	{op: "emr.GetBlockPublicAccessConfiguration", global: false, resource: false},
	{op: "emr.ListClusters", global: false, resource: false},
	{op: "emr.DescribeCluster", global: false, resource: true},
	{op: "emr.ListInstances", global: false, resource: true},
	{op: "emr.DescribeSecurityConfiguration", global: false, resource: true},
	{op: "ec2.DescribeSecurityGroups", global: false, resource: true},
	{op: "ec2.DescribeSubnets", global: false, resource: true},
	{op: "ec2.DescribeRouteTables", global: false, resource: true},
	{op: "ec2.DescribeVpcEndpoints", global: false, resource: true},
	{op: "ec2.DescribeImages", global: false, resource: true},
	{op: "ec2.DescribeLaunchTemplateVersions", global: false, resource: true},
	{op: "iam.GetRole", global: true, resource: true},
	{op: "iam.GetInstanceProfile", global: true, resource: true},
	{op: "iam.ListAttachedRolePolicies", global: true, resource: true},
	{op: "iam.ListRolePolicies", global: true, resource: true},
	{op: "iam.GetRolePolicy", global: true, resource: true},
	{op: "iam.GetPolicy", global: true, resource: true},
	{op: "iam.GetPolicyVersion", global: true, resource: true},
	{op: "iam.ListEntitiesForPolicy", global: true, resource: true},
	{op: "cloudtrail.DescribeTrails", global: false, resource: false},
	{op: "cloudtrail.GetTrailStatus", resource: true, shared: true},
	{op: "cloudtrail.GetEventSelectors", resource: true, shared: true},
	{op: "kms.DescribeKey", global: false, resource: true},
	{op: "kms.GetKeyRotationStatus", global: false, resource: true},
	{op: "s3.GetBucketLogging", global: true, resource: true},
	{op: "s3.GetObject", global: false, resource: true},
	{op: "emr-containers.ListVirtualClusters", global: false, resource: false},
	{op: "emr-containers.ListManagedEndpoints", global: false, resource: true},
	{op: "emr-containers.ListJobRuns", global: false, resource: true},
	{op: "eks.ListNodegroups", global: false, resource: true},
	{op: "eks.DescribeNodegroup", global: false, resource: true},
}

// faultCodes are each service's throttling and server-error codes.
func faultCodes(service string) (throttle string, throttleStatus int, internal string) {
	switch service {
	case "ec2":
		return "RequestLimitExceeded", 503, "InternalError"
	case "iam", "sts":
		return "Throttling", 400, "ServiceFailure"
	case "s3":
		return "SlowDown", 503, "InternalError"
	}
	return "ThrottlingException", 400, "InternalFailure"
}

// Ensure every operation a scan calls, under every kind of fault, either
// recovers (throttling once: retried, and the snapshot is whole) or is
// recorded as a Failure naming its service, operation, region, object
// and code — while the region it was not injected in is read whole.
func TestScanFaults(t *testing.T) {
	want := estate("210987654321", "eu-west-1", "us-east-1")
	regions := []string{"eu-west-1", "us-east-1"}
	base := newEstateServer(t, want)
	if _, err := Scan(context.Background(), base.Config("eu-west-1"), Options{Regions: regions, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	baseline := base.CallCounts()
	for _, o := range scanOps {
		service, name, _ := strings.Cut(o.op, ".")
		throttle, throttleStatus, internal := faultCodes(service)
		kinds := []struct {
			kind  string
			fault awstest.Fault
			code  string // "" with recover: the call must succeed on retry
			heals bool
		}{
			{"throttled once", awstest.Fault{Times: 1, Status: throttleStatus, Code: throttle}, "", true},
			{"throttled", awstest.Fault{Status: throttleStatus, Code: throttle}, throttle, false},
			{"denied", awstest.Fault{Status: 403, Code: "AccessDenied", Message: "not authorized to perform " + name}, "AccessDenied", false},
			{"5xx", awstest.Fault{Status: 500, Code: internal}, internal, false},
			{"truncated", awstest.Fault{Truncate: true}, "", false},
		}
		for _, k := range kinds {
			t.Run(o.op+"/"+k.kind, func(t *testing.T) {
				t.Parallel()
				if baseline[o.op] == 0 {
					t.Fatalf("%s is not called by a scan of the estate", o.op)
				}
				srv := newEstateServer(t, want)
				f := k.fault
				f.Op = o.op
				if !o.global && !o.shared {
					f.Region = "eu-west-1"
				}
				srv.Inject(f)
				var last Progress
				snap, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{Regions: regions, Now: fixedNow, Progress: func(p Progress) { last = p }})
				if err != nil {
					t.Fatal(err)
				}
				if k.heals {
					sameJSON(t, "snapshot after one throttled "+o.op, snap.Accounts[0], want)
					if got := srv.Calls(o.op); got != baseline[o.op]+1 {
						t.Errorf("%s: %d calls, want %d (one retry)", o.op, got, baseline[o.op]+1)
					}
					if last.Retries != 1 {
						t.Errorf("progress counted %d retries, want 1", last.Retries)
					}
					return
				}
				checkFault(t, snap, want, o, service, name, k.code, k.kind == "truncated")
			})
		}
	}
}

// checkFault asserts that the fault is recorded where it belongs and
// that the region it was not injected in is whole.
func checkFault(t *testing.T, snap *snapshot.Snapshot, want *snapshot.Account, o scanOp, service, op, code string, anyCode bool) {
	t.Helper()
	a := snap.Accounts[0]
	where := a.Failures
	if o.shared {
		where = nil
		for _, r := range a.Regions {
			where = append(where, r.Failures...)
		}
	} else if !o.global {
		if r := regionOf(a, "eu-west-1"); r != nil {
			where = r.Failures
		}
		// The other region is untouched: read whole, no failure.
		sameJSON(t, "region us-east-1", regionOf(a, "us-east-1"), regionOf(want, "us-east-1"))
	}
	var found *snapshot.Failure
	for i, f := range where {
		if f.Service == service && f.Operation == op {
			found = &where[i]
			break
		}
	}
	if found == nil {
		t.Fatalf("no %s %s failure recorded; failures: %+v", service, op, where)
	}
	if !anyCode && found.Code != code {
		t.Errorf("failure code %q, want %q: %+v", found.Code, code, *found)
	}
	if anyCode && found.Code != "" && found.Message == "" {
		t.Errorf("truncated reply recorded without a message: %+v", *found)
	}
	if wantRegion := map[bool]string{false: "eu-west-1", true: ""}[o.global]; found.Region != wantRegion && !o.shared && !(o.global && service == "s3") {
		t.Errorf("failure region %q, want %q: %+v", found.Region, wantRegion, *found)
	}
	if o.resource && found.Resource == "" {
		t.Errorf("failure names no resource: %+v", *found)
	}
	if found.Message == "" {
		t.Errorf("failure has no message: %+v", *found)
	}
}

func regionOf(a *snapshot.Account, name string) *snapshot.Region {
	for _, r := range a.Regions {
		if r.Name == name {
			return r
		}
	}
	return nil
}

package awsapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/emrguard/emrguard/internal/awstest"
)

// Ensure a scan cancelled part way returns the context's error, not a
// snapshot whose failures only say "context canceled".
func TestScanCancelled(t *testing.T) {
	srv := newEstateServer(t, estate(callerID, "eu-west-1"))
	srv.Inject(awstest.Fault{Op: "emr.DescribeCluster", Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	snap, err := Scan(ctx, srv.Config("eu-west-1"), Options{Now: fixedNow})
	if !errors.Is(err, context.Canceled) || snap != nil {
		t.Fatalf("Scan = %v, %v; want nil and context.Canceled", snap, err)
	}
}

// Ensure credentials the caller cannot use stop the scan with an error
// naming GetCallerIdentity: nothing can be reached without them.
func TestScanNoCredentials(t *testing.T) {
	srv := newEstateServer(t, estate(callerID, "eu-west-1"))
	srv.Inject(awstest.Fault{Op: "sts.GetCallerIdentity", Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."})
	if _, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{Now: fixedNow}); err == nil || !containsAll(err.Error(), "GetCallerIdentity", "InvalidClientTokenId") {
		t.Fatalf("Scan error %v, want one naming GetCallerIdentity and the code", err)
	}
	cfg := srv.Config("")
	if _, err := Scan(context.Background(), cfg, Options{}); err == nil {
		t.Fatal("Scan with no region at all: no error")
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// Ensure a Retryer set on the configuration is the one used: with five
// attempts allowed, a call throttled every time is tried five times.
func TestScanKeepsRetryer(t *testing.T) {
	srv := newEstateServer(t, estate(callerID, "eu-west-1"))
	srv.Inject(awstest.Fault{Op: "emr.ListClusters", Code: "ThrottlingException"})
	cfg := srv.Config("eu-west-1")
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			o.RateLimiter = ratelimit.None
		})
	}
	snap, err := Scan(context.Background(), cfg, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("emr.ListClusters"); n != 5 {
		t.Errorf("ListClusters tried %d times, want the configured 5", n)
	}
	if f := snap.Accounts[0].Regions[0].Failures; len(f) != 1 || f[0].Code != "ThrottlingException" {
		t.Errorf("failures %+v, want the one throttled ListClusters", f)
	}
}

package awsapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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

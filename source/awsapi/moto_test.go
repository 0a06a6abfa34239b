package awsapi

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/internal/testtool"
	"github.com/emrguard/emrguard/source/snapshot"
)

// motoAccount is the account moto_server serves.
const motoAccount = "123456789012"

// svcMoto starts moto_server (skipping where it is absent, failing under
// EMRGUARD_CI=1) with AWS's managed IAM policies loaded, and returns a
// function giving an SDK configuration for a region pointed at it:
// static credentials and a retryer without backoff.
func svcMoto(t *testing.T) func(region string) aws.Config {
	t.Helper()
	// moto loads the AWS-managed policies (AmazonElasticMapReduceFullAccess
	// among them) only when asked to, at start.
	t.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	url := testtool.Moto(t)
	return func(region string) aws.Config {
		return aws.Config{
			Region:       region,
			BaseEndpoint: aws.String(url),
			Credentials:  credentials.NewStaticCredentialsProvider("AKIDMOTO", "secret", ""),
			Retryer: func() aws.Retryer {
				return retry.NewStandard(func(o *retry.StandardOptions) {
					o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
					o.RateLimiter = ratelimit.None
				})
			},
		}
	}
}

// TestMoto runs the collectors against one moto_server, each subtest
// with its own objects.
func TestMoto(t *testing.T) {
	config := svcMoto(t)
	for name, test := range map[string]func(*testing.T, func(string) aws.Config){
		"IAM": testMotoIAM, "Trails": testMotoTrails, "Keys": testMotoKeys,
		"S3": testMotoS3, "S3OtherRegion": testMotoS3OtherRegion, "EMROnEKS": testMotoEMROnEKS,
	} {
		t.Run(name, func(t *testing.T) { test(t, config) })
	}
}

// svcNoFailures fails the test for every failure recorded.
func svcNoFailures(t *testing.T, fs *failures) {
	t.Helper()
	for _, f := range fs.take() {
		t.Errorf("unexpected failure: %+v", f)
	}
}

// svcOneFailure takes the failures and checks there is exactly one, of
// op on resource with code.
func svcOneFailure(t *testing.T, fs *failures, op, resource, code string) snapshot.Failure {
	t.Helper()
	list := fs.take()
	if len(list) != 1 {
		t.Fatalf("failures = %+v, want one %s %s %s", list, op, resource, code)
	}
	f := list[0]
	if f.Operation != op || f.Resource != resource || f.Code != code {
		t.Errorf("failure = %+v, want %s on %s with code %s", f, op, resource, code)
	}
	return f
}

// svcSameJSON fails unless got and want are the same JSON value.
func svcSameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Errorf("%s is not JSON: %v\n%s", what, err, got)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// svcCounter counts the operations an SDK client starts (before its
// retries), by operation name: install it with the client's APIOptions.
type svcCounter struct {
	mu sync.Mutex
	n  map[string]int
}

// install adds the counting step to a client's middleware stack.
func (c *svcCounter) install(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("svcCounter", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		c.mu.Lock()
		if c.n == nil {
			c.n = map[string]int{}
		}
		c.n[middleware.GetOperationName(ctx)]++
		c.mu.Unlock()
		return next.HandleInitialize(ctx, in)
	}), middleware.Before)
}

// count is how many times op was started.
func (c *svcCounter) count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[op]
}

// svcFault is one way a call fails after the SDK's retries, as
// internal/awstest injects it, and the Failure code it must leave.
type svcFault struct {
	name     string
	fault    awstest.Fault
	code     string // "" for a reply that never parsed
	attempts int    // calls the server sees: 3 when the SDK retries
}

// svcFaults returns the fault table for a service whose access-denied
// and throttling codes are denied and throttle: denied, throttled past
// the retries, a 5xx past the retries, a 200 whose body is cut short.
func svcFaults(op, denied, throttle string) []svcFault {
	return []svcFault{
		{"denied", awstest.Fault{Op: op, Status: 403, Code: denied}, denied, 1},
		{"throttled", awstest.Fault{Op: op, Status: 400, Code: throttle}, throttle, 3},
		{"5xx", awstest.Fault{Op: op, Status: 503, Code: "ServiceUnavailable"}, "ServiceUnavailable", 3},
		{"truncated", awstest.Fault{Op: op, Truncate: true}, "", 0},
	}
}

// svcCheckFault checks that fs holds exactly one failure, of service and
// op on resource in region, with f's code, and that the server saw as
// many attempts as f says (0: any number).
func svcCheckFault(t *testing.T, s *awstest.Server, fs *failures, f svcFault, service, op, region, resource string) {
	t.Helper()
	list := fs.take()
	if len(list) != 1 {
		t.Fatalf("failures = %+v, want one %s %s on %s", list, service, op, resource)
	}
	got := list[0]
	if got.Service != service || got.Operation != op || got.Region != region || got.Resource != resource || got.Code != f.code || got.Message == "" {
		t.Errorf("failure = %+v, want %s %s in %q on %s with code %q", got, service, op, region, resource, f.code)
	}
	if n := s.Calls(f.fault.Op); f.attempts > 0 && n != f.attempts {
		t.Errorf("%s reached the server %d times, want %d", f.fault.Op, n, f.attempts)
	}
}

// svcAfterFirst returns a client option that injects f into s once the
// client has started its first call of f's operation (f.Op names it
// "service.Operation"), so that the later pages of a list fail on the wire
// while the first was served.
func svcAfterFirst(s *awstest.Server, f awstest.Fault) func(*middleware.Stack) error {
	op := f.Op[strings.IndexByte(f.Op, '.')+1:]
	var mu sync.Mutex
	seen := 0
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("svcAfterFirst", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if middleware.GetOperationName(ctx) == op {
				mu.Lock()
				seen++
				if seen == 2 {
					s.Inject(f)
				}
				mu.Unlock()
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
	}
}

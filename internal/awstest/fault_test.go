package awstest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/emrcontainers"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// protocolCase is one operation of one protocol, with the codes AWS uses
// there for throttling and for a refused permission.
type protocolCase struct {
	op                   string
	throttle, denied     string
	throttleSt, deniedSt int
	call                 func(ctx context.Context, cfg aws.Config) error
}

var protocolCases = []protocolCase{
	{"emr.ListClusters", "ThrottlingException", "AccessDeniedException", 400, 400, func(ctx context.Context, cfg aws.Config) error {
		_, err := emr.NewFromConfig(cfg).ListClusters(ctx, &emr.ListClustersInput{})
		return err
	}},
	{"cloudtrail.DescribeTrails", "ThrottlingException", "AccessDeniedException", 400, 400, func(ctx context.Context, cfg aws.Config) error {
		_, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
		return err
	}},
	{"kms.DescribeKey", "ThrottlingException", "AccessDeniedException", 400, 400, func(ctx context.Context, cfg aws.Config) error {
		_, err := kms.NewFromConfig(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/k")})
		return err
	}},
	{"organizations.ListAccounts", "TooManyRequestsException", "AccessDeniedException", 400, 400, func(ctx context.Context, cfg aws.Config) error {
		_, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
		return err
	}},
	{"ec2.DescribeSecurityGroups", "RequestLimitExceeded", "UnauthorizedOperation", 503, 403, func(ctx context.Context, cfg aws.Config) error {
		_, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
		return err
	}},
	{"iam.ListEntitiesForPolicy", "Throttling", "AccessDenied", 400, 403, func(ctx context.Context, cfg aws.Config) error {
		_, err := iam.NewFromConfig(cfg).ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole")})
		return err
	}},
	{"sts.GetCallerIdentity", "Throttling", "AccessDenied", 400, 403, func(ctx context.Context, cfg aws.Config) error {
		_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}},
	{"s3.GetBucketLogging", "SlowDown", "AccessDenied", 503, 403, func(ctx context.Context, cfg aws.Config) error {
		_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("logs")})
		return err
	}},
	{"emr-containers.ListVirtualClusters", "TooManyRequestsException", "AccessDeniedException", 429, 403, func(ctx context.Context, cfg aws.Config) error {
		_, err := emrcontainers.NewFromConfig(cfg).ListVirtualClusters(ctx, &emrcontainers.ListVirtualClustersInput{})
		return err
	}},
	{"eks.ListNodegroups", "TooManyRequestsException", "AccessDeniedException", 429, 403, func(ctx context.Context, cfg aws.Config) error {
		_, err := eks.NewFromConfig(cfg).ListNodegroups(ctx, &eks.ListNodegroupsInput{ClusterName: aws.String("data-eks")})
		return err
	}},
}

func faultServer() *awstest.Server {
	s := awstest.New()
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Buckets: []*snapshot.Bucket{{Name: "logs"}},
		Regions: []*snapshot.Region{{Name: "eu-west-1", KMSKeys: []*snapshot.KMSKey{{Ref: "alias/k", Metadata: &kmstypes.KeyMetadata{KeyId: aws.String("k")}}}}}})
	s.SetOrganization(map[string]string{"111122223333": "ACTIVE"})
	return s
}

// Ensure every fault kind, in every protocol, reaches the caller as the
// SDK reads it: throttling and 5xx retried (each attempt counted) then
// served, AccessDenied and a final throttle as the protocol's error code,
// latency served, and a body cut short as a deserialization error.
func TestFaultsInEveryProtocol(t *testing.T) {
	ctx := context.Background()
	for _, tc := range protocolCases {
		t.Run(tc.op, func(t *testing.T) {
			s := faultServer()
			defer s.Close()
			cfg := s.Config("eu-west-1")
			if err := tc.call(ctx, cfg); err != nil {
				t.Fatalf("healthy call: %v", err)
			}
			calls := func() int { return s.Calls(tc.op) }

			s.Inject(awstest.Fault{Op: tc.op, Times: 2, Status: tc.throttleSt, Code: tc.throttle})
			if err := tc.call(ctx, cfg); err != nil || calls() != 4 {
				t.Errorf("throttled twice: %v after %d calls, want served on the 3rd attempt", err, calls()-1)
			}
			s.Inject(awstest.Fault{Op: tc.op, Times: 3, Status: tc.throttleSt, Code: tc.throttle})
			if err := tc.call(ctx, cfg); apiCode(err) != tc.throttle || calls() != 7 {
				t.Errorf("throttled 3 times: %v after %d calls", err, calls())
			}
			s.Inject(awstest.Fault{Op: tc.op, Times: 1, Status: 500, Code: "InternalError"})
			if err := tc.call(ctx, cfg); err != nil || calls() != 9 {
				t.Errorf("one 500: %v after %d calls", err, calls())
			}
			s.Inject(awstest.Fault{Op: tc.op, Times: 1, Status: tc.deniedSt, Code: tc.denied, Message: "not authorized"})
			err := tc.call(ctx, cfg)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.denied || ae.ErrorMessage() != "not authorized" || calls() != 10 {
				t.Errorf("access denied: %v after %d calls", err, calls())
			}
			s.Inject(awstest.Fault{Op: tc.op, Times: 1, Delay: time.Millisecond})
			if err := tc.call(ctx, cfg); err != nil || calls() != 11 {
				t.Errorf("latency: %v after %d calls", err, calls())
			}
			s.Inject(awstest.Fault{Op: tc.op, Times: 3, Truncate: true})
			err = tc.call(ctx, cfg)
			var de *smithy.DeserializationError
			if !errors.As(err, &de) {
				t.Errorf("truncated: %v (%T) after %d calls, want a deserialization error", err, err, calls())
			}
		})
	}
}

// Ensure a fault limited to an account or a region leaves the others alone.
func TestFaultFilters(t *testing.T) {
	s := faultServer()
	defer s.Close()
	ctx := context.Background()
	s.Inject(awstest.Fault{Op: "emr.ListClusters", Region: "us-east-1", Code: "AccessDeniedException"})
	s.Inject(awstest.Fault{Op: "emr.ListClusters", Account: "999988887777", Code: "AccessDeniedException"})
	if _, err := emr.NewFromConfig(s.Config("eu-west-1")).ListClusters(ctx, &emr.ListClustersInput{}); err != nil {
		t.Errorf("other region and account: %v", err)
	}
	if _, err := emr.NewFromConfig(s.Config("us-east-1")).ListClusters(ctx, &emr.ListClustersInput{}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("faulty region: %v", err)
	}
}

func ExampleServer_Inject() {
	s := awstest.New()
	defer s.Close()
	s.Inject(awstest.Fault{Op: "ec2.DescribeSubnets", Region: "eu-west-1", Times: 1, Status: 503, Code: "RequestLimitExceeded"})
	_, err := ec2.NewFromConfig(s.Config("eu-west-1")).DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{})
	fmt.Println(err, s.Calls("ec2.DescribeSubnets"))
	// Output: <nil> 2
}

package awstest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/emrguard/emrguard/internal/awstest"
)

// Ensure the real EMR client reads a configuration, sees the documented
// not-found error, retries throttling and surfaces AccessDenied.
func TestEMR(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.AddSecurityConfiguration("eu-west-1", "hardened", `{"EncryptionConfiguration":{"EnableInTransitEncryption":true}}`)
	c := emr.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()
	out, err := c.DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: aws.String("hardened")})
	if err != nil || aws.ToString(out.SecurityConfiguration) == "" || out.CreationDateTime == nil {
		t.Fatalf("describe: %v %+v", err, out)
	}
	_, err = c.DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: aws.String("nope")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidRequestException" {
		t.Errorf("not found: %v", err)
	}
	s.Inject(awstest.Fault{Op: "emr.DescribeSecurityConfiguration", Times: 2, Code: "ThrottlingException"})
	if _, err := c.DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: aws.String("hardened")}); err != nil {
		t.Errorf("throttled twice then served: %v", err)
	}
	s.Inject(awstest.Fault{Op: "emr.DescribeSecurityConfiguration", Times: 1, Code: "AccessDeniedException"})
	_, err = c.DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: aws.String("hardened")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("access denied: %v", err)
	}
	s.Inject(awstest.Fault{Op: "emr.DescribeSecurityConfiguration", Times: 3, Truncate: true})
	if _, err := c.DescribeSecurityConfiguration(ctx, &emr.DescribeSecurityConfigurationInput{Name: aws.String("hardened")}); err == nil {
		t.Error("truncated bodies: no error")
	}
}

// Ensure SNS Publish is recorded with subject and attributes, and 5xx is retried.
func TestSNS(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	c := sns.NewFromConfig(s.Config("eu-west-1"))
	s.Inject(awstest.Fault{Op: "sns.Publish", Times: 1, Status: 500, Code: "InternalError"})
	_, err := c.Publish(context.Background(), &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:210987654321:t"), Message: aws.String("m"), Subject: aws.String("s"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("v")}}})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Published()
	if len(p) != 1 || p[0].Subject != "s" || p[0].Attributes["k"] != "v" || s.Calls("sns.Publish") != 2 {
		t.Errorf("published %+v after %d calls", p, s.Calls("sns.Publish"))
	}
}

// Ensure SQS send, receive (with MD5 checks), visibility and delete work.
func TestSQS(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	url := s.CreateQueue("events")
	c := sqs.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("hello")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30})
	if err != nil || len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != "hello" {
		t.Fatalf("receive: %v %+v", err, out)
	}
	if st := s.QueueState("events"); st.InFlight != 1 {
		t.Errorf("state %+v", st)
	}
	m := out.Messages[0]
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	if st := s.QueueState("events"); st.Visible != 1 {
		t.Errorf("after visibility 0: %+v", st)
	}
	out, _ = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10})
	d, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: []sqstypes.DeleteMessageBatchRequestEntry{{Id: aws.String("0"), ReceiptHandle: out.Messages[0].ReceiptHandle}}})
	if err != nil || len(d.Successful) != 1 {
		t.Fatalf("delete: %v", err)
	}
	if st := s.QueueState("events"); st.Visible+st.InFlight != 0 {
		t.Errorf("after delete: %+v", st)
	}
}

// Ensure SetLatency holds every call back (a call with a deadline far
// below it fails, counted all the same), and CallCounts is a copy.
func TestLatencyAndCallCounts(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	c := emr.NewFromConfig(s.Config("eu-west-1"), func(o *emr.Options) { o.Retryer = aws.NopRetryer{} })
	if _, err := c.ListClusters(context.Background(), &emr.ListClustersInput{}); err != nil {
		t.Fatal(err)
	}
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.ListClusters(ctx, &emr.ListClustersInput{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("an hour's latency under a 50 ms deadline: %v", err)
	}
	s.SetLatency(0)
	counts := s.CallCounts()
	counts["emr.ListClusters"] = 100
	if n := s.Calls("emr.ListClusters"); n != 2 {
		t.Errorf("ListClusters counted %d times, want 2 (CallCounts must be a copy)", n)
	}
}

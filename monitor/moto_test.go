package monitor_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/internal/testtool"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
)

func motoConfig(url string) aws.Config {
	return aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDMOTO", "secret", "")}
}

// Ensure, against an independent AWS (moto): the daemon reads a launch
// from a real SQS queue, looks the named configuration up with
// DescribeSecurityConfiguration, publishes the alert to an SNS topic —
// read back through the topic's SQS subscription — and deletes the event.
func TestMotoEndToEnd(t *testing.T) {
	url := testtool.Moto(t)
	cfg := motoConfig(url)
	ctx := context.Background()
	emrc, snsc, sqsc := emr.NewFromConfig(cfg), sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	if _, err := emrc.CreateSecurityConfiguration(ctx, &emr.CreateSecurityConfigurationInput{Name: aws.String("weak-moto"), SecurityConfiguration: aws.String(noTransit)}); err != nil {
		t.Fatal(err)
	}
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("emr-alerts")})
	if err != nil {
		t.Fatal(err)
	}
	alerts, _ := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("alert-copies")})
	attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: alerts.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		t.Fatal(err)
	}
	events, _ := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("emr-events")})
	if _, err := sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: events.QueueUrl, MessageBody: aws.String(string(withConfiguration(t, "weak-moto", "moto-1")))}); err != nil {
		t.Fatal(err)
	}

	sinks, err := notify.Open(ctx, []string{"sns:" + aws.ToString(topic.TopicArn)}, notify.Env{AWS: func(string) (aws.Config, error) { return cfg, nil }})
	if err != nil {
		t.Fatal(err)
	}
	m := newMonitor(t, nil, sinks, func(c *monitor.Config) { c.Fetcher = monitor.NewEMRFetcher(cfg, "") })
	d := &monitor.Daemon{Monitor: m, SQS: sqsc, QueueURL: aws.ToString(events.QueueUrl), Workers: 2, Wait: time.Second}
	var got []sqstypes.Message
	runDaemon(t, d, func() bool {
		out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: alerts.QueueUrl, MaxNumberOfMessages: 10})
		if err == nil {
			got = append(got, out.Messages...)
		}
		deleted := d.Stats().Deleted
		return len(got) > 0 && deleted == 1
	})
	if len(got) != 1 {
		t.Fatalf("%d alert copies", len(got))
	}
	// An SQS subscription receives the SNS JSON envelope (documented
	// format: Type, TopicArn, Subject, Message, MessageAttributes).
	var env struct{ Type, TopicArn, Subject, Message string }
	if err := json.Unmarshal([]byte(aws.ToString(got[0].Body)), &env); err != nil {
		t.Fatalf("not an SNS envelope: %v\n%s", err, aws.ToString(got[0].Body))
	}
	if env.Type != "Notification" || env.TopicArn != aws.ToString(topic.TopicArn) || !strings.Contains(env.Subject, "EMR102") ||
		!strings.Contains(env.Message, `security configuration "weak-moto" sets EnableInTransitEncryption to false`) || !strings.Contains(env.Message, "j-1XEXAMPLE9ZQ") {
		t.Errorf("alert copy: %+v", env)
	}
	q, _ := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: events.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if q.Attributes["ApproximateNumberOfMessages"] != "0" || q.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Errorf("event queue not drained: %v", q.Attributes)
	}
}

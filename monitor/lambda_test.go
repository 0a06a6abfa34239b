package monitor_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/emrguard/emrguard/monitor"
)

const functionARN = "arn:aws:lambda:eu-west-1:210987654321:function:emrguard-monitor"

func lambdaCtx() context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1", InvokedFunctionArn: functionARN})
}

// Ensure the Lambda handler, invoked the way the runtime does, handles a
// recorded EventBridge event and names the function in the alert.
func TestLambdaEventBridge(t *testing.T) {
	sink := &recorder{}
	h := lambda.NewHandler(newMonitor(t, nil, sink).Lambda())
	out, err := h.Invoke(lambdaCtx(), read(t, "adhoc-spark-launch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res monitor.LambdaResult
	if err := json.Unmarshal(out, &res); err != nil || !res.Alerted || res.EventID != "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01" {
		t.Errorf("result %s (%v)", out, err)
	}
	if a := sink.alerts(); len(a) != 1 || a[0].RaisedBy != functionARN {
		t.Errorf("alerts %+v", a)
	}
	if _, err := h.Invoke(lambdaCtx(), []byte(`{"id":"x","detail-type":"EMR Cluster State Change","detail":{}}`)); err == nil || !strings.Contains(err.Error(), "not an EMR API call") {
		t.Errorf("other event: %v", err)
	}
}

// Ensure an SQS batch reports exactly the messages that failed — the bad
// one and the one whose alert could not be sent — as partial failures.
func TestLambdaSQSBatch(t *testing.T) {
	data, err := os.ReadFile("testdata/sqs-batch.json")
	if err != nil {
		t.Fatal(err)
	}
	sink := &recorder{}
	// The weak-configuration alert is the second send: make it fail.
	flaky := &failNth{inner: sink, n: 2}
	h := lambda.NewHandler(newMonitor(t, nil, flaky).Lambda())
	out, err := h.Invoke(lambdaCtx(), data)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	if strings.Join(ids, ",") != "2e1424d4-f796-459a-8184-9c92662be6da,8b7ddc3e-4b1e-4f3a-9a0c-6b8b2f1c7d21" {
		t.Errorf("failures %v", ids)
	}
	if len(sink.alerts()) != 1 {
		t.Errorf("%d alerts", len(sink.alerts()))
	}
	// Redelivered, the failed message now goes through and the sent one is
	// a duplicate.
	out, _ = h.Invoke(lambdaCtx(), data)
	json.Unmarshal(out, &resp)
	if len(resp.BatchItemFailures) != 1 || len(sink.alerts()) != 2 {
		t.Errorf("redelivery: %s, %d alerts", out, len(sink.alerts()))
	}
}

package monitor

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/events"

	"github.com/emrguard/emrguard/source/event"
)

// LambdaResult is what the Lambda function returns for an EventBridge
// event, for the invocation log.
type LambdaResult struct {
	Outcome string   `json:"outcome"`
	EventID string   `json:"event_id"`
	Alerted bool     `json:"alerted"`
	Failing []string `json:"failing,omitempty"`
}

// Lambda returns the Lambda handler, a thin adapter over Handle: an
// EventBridge event is handled and a failure returned as the invocation's
// error (Lambda retries it, then sends it to the function's dead-letter
// queue); an SQS batch is handled message by message and the messages
// that failed — bad input included, so the queue's redrive policy moves
// them aside — are returned as partial batch failures.
func (m *Monitor) Lambda() func(ctx context.Context, raw json.RawMessage) (any, error) {
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		var probe struct {
			Records []struct {
				EventSource string `json:"eventSource"`
			} `json:"Records"`
		}
		if json.Unmarshal(raw, &probe) == nil && len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:sqs" {
			var batch events.SQSEvent
			if err := json.Unmarshal(raw, &batch); err != nil {
				return nil, err
			}
			resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
			for _, msg := range batch.Records {
				if out, err := m.Handle(ctx, "", []byte(msg.Body)); err != nil {
					m.logFailure(msg.MessageId, err)
					resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
				} else {
					m.logDiags(out)
				}
			}
			return resp, nil
		}
		out, err := m.Handle(ctx, "", raw)
		if err != nil {
			m.logFailure("", err)
			return nil, err
		}
		m.logDiags(out)
		res := LambdaResult{Outcome: out.Kind.String(), EventID: out.Event.ID, Alerted: out.Alert != nil}
		if out.Alert != nil {
			for _, f := range out.Alert.Findings {
				res.Failing = append(res.Failing, f.Control)
			}
		}
		return res, nil
	}
}

func (m *Monitor) logFailure(messageID string, err error) {
	var ie *event.InputError
	if errors.As(err, &ie) {
		m.log.Error("event skipped: bad input", "message", messageID, "event", ie.ID, "err", err)
		return
	}
	m.log.Error("event not handled; it will be redelivered", "message", messageID, "err", err)
}

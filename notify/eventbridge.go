package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"
)

// EventSource and EventDetailType are the source and detail-type of the
// events the EventBridge sink puts: a rule matching
// {"source": ["emrguard"], "detail": {"severity": ["high"]}} routes them.
const (
	EventSource     = "emrguard"
	EventDetailType = "emrguard Finding"
)

// EventBridgeAPI is the one call the EventBridge sink makes.
type EventBridgeAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// EventBridge puts each alert on an event bus as one event whose detail
// is the alert's JSON plus what rules match on: "severity" (the highest
// of the findings), "controls" (every finding's control, an array), and
// "account" and "region" of the resource.
type EventBridge struct {
	Bus    string // name or ARN; "" is the default bus
	Client EventBridgeAPI
}

// EventDetail is the detail of the event put for a.
func EventDetail(a Alert) ([]byte, error) {
	ids := make([]string, 0, len(a.Findings))
	for _, f := range a.Findings {
		ids = append(ids, f.Control)
	}
	return json.Marshal(struct {
		Alert
		Severity string   `json:"severity"`
		Controls []string `json:"controls"`
		Account  string   `json:"account"`
		Region   string   `json:"region"`
	}{a, topSeverity(a), ids, a.Resource.Account, a.Resource.Region})
}

// Send puts a.
func (e *EventBridge) Send(ctx context.Context, a Alert) error {
	detail, err := EventDetail(a)
	if err != nil {
		return fmt.Errorf("eventbridge PutEvents: %w", err)
	}
	entry := types.PutEventsRequestEntry{Source: aws.String(EventSource), DetailType: aws.String(EventDetailType), Detail: aws.String(string(detail))}
	if e.Bus != "" {
		entry.EventBusName = aws.String(e.Bus)
	}
	out, err := e.Client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{entry}})
	if err != nil {
		err = fmt.Errorf("eventbridge PutEvents to %s: %w", e.busName(), err)
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "ValidationException" {
			return &RejectedError{err}
		}
		return err
	}
	if out.FailedEntryCount > 0 && len(out.Entries) > 0 {
		r := out.Entries[0]
		err := fmt.Errorf("eventbridge PutEvents to %s: entry refused: %s: %s", e.busName(), aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
		switch aws.ToString(r.ErrorCode) {
		case "ThrottlingException", "InternalException", "InternalFailure":
			return err // the same entry may pass later
		}
		return &RejectedError{err}
	}
	return nil
}

func (e *EventBridge) busName() string {
	if e.Bus == "" {
		return "the default bus"
	}
	return e.Bus
}

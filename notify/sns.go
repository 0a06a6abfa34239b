package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// SNSAPI is the one call the SNS sink makes.
type SNSAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNS publishes each alert to a topic: the rendered text as the message
// (what e-mail subscribers read), the summary as the subject, and the
// event ID and name, controls, account, region and severity as message
// attributes that subscription filter policies can match: "control" is a
// String.Array of every finding's control (a policy {"control": ["EMR102"]}
// matches any alert naming it), "controls" the same comma-separated.
type SNS struct {
	TopicARN string
	Client   SNSAPI
}

// Send publishes a.
func (s *SNS) Send(ctx context.Context, a Alert) error {
	attr := func(v string) types.MessageAttributeValue {
		if v == "" {
			v = "-" // SNS refuses empty string values
		}
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	_, err := s.Client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(s.TopicARN),
		Subject:  aws.String(a.Subject()),
		Message:  aws.String(a.Text()),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"event_id": attr(a.Event.ID), "event_name": attr(a.Event.Name),
			"controls": attr(a.Controls()), "account": attr(a.Resource.Account),
			"region": attr(a.Resource.Region), "severity": attr(topSeverity(a)),
			"control": controlArray(a),
		},
	})
	if err != nil {
		err = fmt.Errorf("sns Publish to %s: %w", s.TopicARN, err)
		if snsRejects(err) {
			return &RejectedError{err}
		}
		return err
	}
	return nil
}

var rank = map[string]int{"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

func topSeverity(a Alert) string {
	top := ""
	for _, f := range a.Findings {
		if top == "" || rank[strings.ToLower(f.Severity)] > rank[top] {
			top = strings.ToLower(f.Severity)
		}
	}
	return top
}

// controlArray is the String.Array attribute of a's controls, JSON as SNS
// reads it.
func controlArray(a Alert) types.MessageAttributeValue {
	ids := make([]string, 0, len(a.Findings))
	for _, f := range a.Findings {
		ids = append(ids, f.Control)
	}
	v, _ := json.Marshal(ids)
	return types.MessageAttributeValue{DataType: aws.String("String.Array"), StringValue: aws.String(string(v))}
}

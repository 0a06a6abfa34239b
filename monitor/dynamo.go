package monitor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoAPI is the DynamoDB calls DynamoLedger makes.
type DynamoAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// The ledger table's attributes. The table's partition key is LedgerKey
// (a string); TTL is on LedgerTTL.
const (
	LedgerKey = "eventId"
	LedgerTTL = "expiresAt"
)

// DynamoLedger is a Ledger in a DynamoDB table: one item per alerted
// event, written with a conditional PutItem (attribute_not_exists on the
// event ID) so that exactly one instance wins. The item says "sending"
// with a lease while its owner sends, then "sent"; a claim whose owner
// died is taken over once its lease ends, and a claim whose alert failed
// is deleted. Items expire through the table's TTL after Retention.
// An event that raises no alert costs no DynamoDB call.
type DynamoLedger struct {
	Client DynamoAPI
	Table  string
	// Owner names this instance in its claims (default: random).
	Owner string
	// Lease is how long a claim holds before another instance may take
	// it over (default 5 minutes: longer than a send with its retries).
	Lease time.Duration
	// Retention is how long a sent alert's item is kept (default 14
	// days: SQS's longest retention, EventBridge's retries last 24 h).
	Retention time.Duration
	Now       func() time.Time

	once sync.Once
}

// NewDynamoLedger returns a ledger in table through a client of cfg.
func NewDynamoLedger(cfg aws.Config, table string) *DynamoLedger {
	return &DynamoLedger{Client: dynamodb.NewFromConfig(cfg), Table: table}
}

func (l *DynamoLedger) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *DynamoLedger) owner() string {
	l.once.Do(func() {
		if l.Owner == "" {
			b := make([]byte, 8)
			rand.Read(b)
			l.Owner = hex.EncodeToString(b)
		}
	})
	return l.Owner
}

func ddbN(t time.Time) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}
}

func ddbS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

const (
	stateSending = "sending"
	stateSent    = "sent"
)

// Claim writes the event's item unless a live claim or a sent alert is
// there already.
func (l *DynamoLedger) Claim(ctx context.Context, id string) (func(context.Context, bool) error, error) {
	now := l.now()
	owner := l.owner()
	key := map[string]types.AttributeValue{LedgerKey: ddbS(id)}
	_, err := l.Client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(l.Table),
		Item: map[string]types.AttributeValue{
			LedgerKey: ddbS(id), "state": ddbS(stateSending), "owner": ddbS(owner),
			"leaseUntil": ddbN(now.Add(cmpOr(l.Lease, 5*time.Minute))),
			LedgerTTL:    ddbN(now.Add(cmpOr(l.Retention, 14*24*time.Hour))),
		},
		// A claim whose owner died (lease over, never sent) is taken over.
		ConditionExpression:                 aws.String("attribute_not_exists(#k) OR (#s = :sending AND #l < :now)"),
		ExpressionAttributeNames:            map[string]string{"#k": LedgerKey, "#s": "state", "#l": "leaseUntil"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":sending": ddbS(stateSending), ":now": ddbN(now)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		if s, ok := ccf.Item["state"].(*types.AttributeValueMemberS); ok && s.Value == stateSending {
			return nil, ErrClaimHeld
		}
		// Sent, or a ledger that does not say (ALL_OLD not returned):
		// the item exists and was not ours, so another instance won.
		return nil, ErrAlreadySent
	case err != nil:
		return nil, fmt.Errorf("dynamodb PutItem %s in table %s: %w", id, l.Table, err)
	}
	mine := map[string]types.AttributeValue{":me": ddbS(owner)}
	return func(ctx context.Context, sent bool) error {
		if sent {
			_, err := l.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(l.Table), Key: key,
				UpdateExpression:          aws.String("SET #s = :sent REMOVE #l"),
				ConditionExpression:       aws.String("#o = :me"),
				ExpressionAttributeNames:  map[string]string{"#s": "state", "#l": "leaseUntil", "#o": "owner"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":sent": ddbS(stateSent), ":me": ddbS(owner)}})
			if err != nil {
				return fmt.Errorf("dynamodb UpdateItem %s in table %s: %w", id, l.Table, err)
			}
			return nil
		}
		_, err := l.Client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(l.Table), Key: key,
			ConditionExpression: aws.String("#o = :me"), ExpressionAttributeNames: map[string]string{"#o": "owner"},
			ExpressionAttributeValues: mine})
		if err != nil && !errors.As(err, &ccf) {
			return fmt.Errorf("dynamodb DeleteItem %s in table %s: %w", id, l.Table, err)
		}
		return nil
	}, nil
}

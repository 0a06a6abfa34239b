package awstest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/emrguard/emrguard/internal/awstest"
)

func s(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }
func n(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberN{Value: v} }

// Ensure the DynamoDB client writes through conditions as DynamoDB
// evaluates them — attribute_not_exists, comparisons of numbers and
// strings, AND, OR, NOT, parentheses — and reads back
// ConditionalCheckFailedException with the old item (ALL_OLD),
// ResourceNotFoundException, UpdateItem's SET and REMOVE, DeleteItem.
func TestDynamoDBConditions(t *testing.T) {
	srv := awstest.New()
	defer srv.Close()
	srv.CreateTable("eu-west-1", "t", "id")
	db := dynamodb.NewFromConfig(srv.Config("eu-west-1"))
	ctx := context.Background()
	put := func(cond string, vals map[string]ddbtypes.AttributeValue, item map[string]ddbtypes.AttributeValue) error {
		in := &dynamodb.PutItemInput{TableName: aws.String("t"), Item: item, ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld}
		if cond != "" {
			in.ConditionExpression = aws.String(cond)
			in.ExpressionAttributeNames = map[string]string{"#k": "id", "#c": "count"}
			in.ExpressionAttributeValues = vals
		}
		_, err := db.PutItem(ctx, in)
		return err
	}
	first := map[string]ddbtypes.AttributeValue{"id": s("a"), "count": n("10"), "state": s("sending")}
	if err := put("attribute_not_exists(#k)", nil, first); err != nil {
		t.Fatal(err)
	}
	var ccf *ddbtypes.ConditionalCheckFailedException
	err := put("attribute_not_exists(#k)", nil, map[string]ddbtypes.AttributeValue{"id": s("a")})
	if !errors.As(err, &ccf) {
		t.Fatalf("second put: %v", err)
	}
	if st, _ := ccf.Item["state"].(*ddbtypes.AttributeValueMemberS); st == nil || st.Value != "sending" {
		t.Errorf("old item %v", ccf.Item)
	}
	for cond, want := range map[string]bool{
		"#c < :nine":                                   false, // 10 < 9, as numbers (as strings "10" < "9")
		"#c > :nine AND state = :sending":              true,
		"attribute_not_exists(#k) OR #c >= :eleven":    false,
		"NOT (attribute_not_exists(#k) OR #c <> :ten)": true,
		"(#c = :ten) AND NOT attribute_exists(gone)":   true,
	} {
		vals := map[string]ddbtypes.AttributeValue{":nine": n("9"), ":ten": n("10.0"), ":eleven": n("11"), ":sending": s("sending")}
		err := put(cond, vals, first)
		if got := err == nil; got != want || (err != nil && !errors.As(err, &ccf)) {
			t.Errorf("%s: %v, want pass=%v", cond, err, want)
		}
	}
	if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("t"), Key: map[string]ddbtypes.AttributeValue{"id": s("a")},
		UpdateExpression: aws.String("SET #s = :sent REMOVE #c"), ExpressionAttributeNames: map[string]string{"#s": "state", "#c": "count"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":sent": s("sent")}}); err != nil {
		t.Fatal(err)
	}
	items := srv.Items("eu-west-1", "t")
	if len(items) != 1 || items[0]["state"].(map[string]any)["S"] != "sent" || items[0]["count"] != nil {
		t.Errorf("after update: %v", items)
	}
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("t"), Key: map[string]ddbtypes.AttributeValue{"id": s("a")},
		ConditionExpression: aws.String("#s = :sending"), ExpressionAttributeNames: map[string]string{"#s": "state"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":sending": s("sending")}}); !errors.As(err, &ccf) {
		t.Errorf("conditional delete of a sent item: %v", err)
	}
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("t"), Key: map[string]ddbtypes.AttributeValue{"id": s("a")}}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Items("eu-west-1", "t")); n != 0 {
		t.Errorf("%d items after delete", n)
	}
	var rnf *ddbtypes.ResourceNotFoundException
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("missing"), Item: first}); !errors.As(err, &rnf) {
		t.Errorf("put to a missing table: %v", err)
	}
}

package monitor_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/emrguard/emrguard/internal/awshttp"
	"github.com/emrguard/emrguard/internal/testtool"
	"github.com/emrguard/emrguard/monitor"
)

// motoTable creates the ledger table in moto as the deploy template
// declares it: string key LedgerKey, on-demand, TTL on LedgerTTL.
func motoTable(t *testing.T, cfg aws.Config) *dynamodb.Client {
	t.Helper()
	ctx := context.Background()
	db := dynamodb.NewFromConfig(cfg)
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(ledgerTable), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(monitor.LedgerKey), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(monitor.LedgerKey), KeyType: ddbtypes.KeyTypeHash}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(ledgerTable),
		TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String(monitor.LedgerTTL), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	return db
}

// Ensure, against an independent DynamoDB (moto): 8 instances fed every
// event three times alert once per event, and a claim held by another
// instance is told apart from a sent alert (ReturnValuesOnConditionCheckFailure).
func TestMotoLedgerEightInstances(t *testing.T) {
	cfg := motoConfig(testtool.Moto(t))
	awshttp.Use(&cfg)
	db := motoTable(t, cfg)
	sink := &recorder{}
	// No fetcher: EMR102 is unknown for every launch, which alerts
	// (AlertOnUnknown), so every event raises one.
	ms := instances(t, 8, nil, sink, func(int) monitor.Ledger { return &monitor.DynamoLedger{Client: db, Table: ledgerTable} })
	deliver(t, ms, duplicated(t, "moto", 24))
	checkOnePerEvent(t, sink, "moto", 24)
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(ledgerTable)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 24 {
		t.Errorf("%d ledger items, want 24", len(out.Items))
	}
	for _, it := range out.Items {
		if st, _ := it["state"].(*ddbtypes.AttributeValueMemberS); st == nil || st.Value != "sent" {
			t.Errorf("ledger item %v", it)
		}
	}

	holder := &monitor.DynamoLedger{Client: db, Table: ledgerTable, Owner: "holder"}
	if _, err := holder.Claim(context.Background(), "moto-held"); err != nil {
		t.Fatal(err)
	}
	other := &monitor.DynamoLedger{Client: db, Table: ledgerTable}
	if _, err := other.Claim(context.Background(), "moto-held"); !errors.Is(err, monitor.ErrClaimHeld) {
		t.Errorf("claim held by another instance: %v, want ErrClaimHeld", err)
	}
	if _, err := other.Claim(context.Background(), "moto-0"); !errors.Is(err, monitor.ErrAlreadySent) {
		t.Errorf("claim of a sent alert: %v, want ErrAlreadySent", err)
	}
}

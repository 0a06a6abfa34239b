package monitor_test

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/emrguard/emrguard/internal/awshttp"
	"github.com/emrguard/emrguard/internal/testtool"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/monitor/lambdazip"
)

// motoAccount is the account moto serves by default.
const motoAccount = "123456789012"

// Ensure the deploy template creates in CloudFormation (moto) — the README's
// path: the zip uploaded to S3, the stack created from `monitor deploy`'s
// template — and every resource is there as the template has it: the
// function (provided.al2023, bootstrap, the zip's architecture, the ledger
// table in its environment), its rule, role, log group, topic, dead-letter
// queue and the DynamoDB ledger keyed by event ID; without the ledger, no table
// and no variable; multi-region, the central stack instance is the same.
func TestDeployMotoCloudFormation(t *testing.T) {
	cfg := motoConfig(testtool.Moto(t))
	awshttp.Use(&cfg)
	ctx := context.Background()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("emrguard-code"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(cfg.Region)}}); err != nil {
		t.Fatal(err)
	}
	// moto does not run the function: any bootstrap makes the stack.
	var zip bytes.Buffer
	if err := lambdazip.Write(&zip, []byte("\x7fELF not run by moto")); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("emrguard-code"), Key: aws.String("emrguard-lambda-arm64.zip"), Body: bytes.NewReader(zip.Bytes())}); err != nil {
		t.Fatal(err)
	}
	cfn := cloudformation.NewFromConfig(cfg)
	base := []string{"AlertTopic", "DeadLetterQueue", "DeadLetterQueuePolicy", "Function", "FunctionLogGroup", "FunctionRole", "LaunchRule", "RuleInvokePermission"}
	for _, tc := range []struct {
		stack  string
		opt    monitor.DeployOptions
		params map[string]string
		want   []string
		ledger bool
	}{
		{"single", monitor.DeployOptions{}, nil, append(slices.Clone(base), "DeduplicationLedger"), true},
		{"no-ledger", monitor.DeployOptions{}, map[string]string{"DeduplicationTable": "false"}, base, false},
		{"central", monitor.DeployOptions{MultiRegion: true}, map[string]string{"CentralRegion": cfg.Region, "CentralAccountId": motoAccount},
			append(slices.Clone(base), "DeduplicationLedger"), true},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			body, err := monitor.Template(tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			params := []cfntypes.Parameter{{ParameterKey: aws.String("CodeBucket"), ParameterValue: aws.String("emrguard-code")}}
			for k, v := range tc.params {
				params = append(params, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)})
			}
			if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(tc.stack), TemplateBody: aws.String(string(body)),
				Parameters: params, Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}}); err != nil {
				t.Fatal(err)
			}
			st, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(tc.stack)})
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Stacks[0].StackStatus; got != cfntypes.StackStatusCreateComplete {
				t.Fatalf("stack %s: %s (%s)", tc.stack, got, aws.ToString(st.Stacks[0].StackStatusReason))
			}
			res, err := cfn.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String(tc.stack)})
			if err != nil {
				t.Fatal(err)
			}
			// moto 5.2.1 lists the resources it does not name (the queue
			// policy, and every resource whose condition is false) with an
			// empty logical ID; the documented API lists only the created
			// ones, all named. So the named ones are compared exactly.
			phys := map[string]string{}
			for _, r := range res.StackResourceSummaries {
				if aws.ToString(r.LogicalResourceId) == "" {
					continue
				}
				if r.ResourceStatus != cfntypes.ResourceStatusCreateComplete {
					t.Errorf("%s: %s", aws.ToString(r.LogicalResourceId), r.ResourceStatus)
				}
				phys[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
			}
			got := slices.Sorted(maps.Keys(phys))
			want := slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(tc.want), func(s string) bool { return s == "DeadLetterQueuePolicy" })))
			if !slices.Equal(got, want) {
				t.Errorf("resources %q, want %q", got, want)
			}
			checkDeployed(t, cfg, phys, tc.ledger)
		})
	}
}

// checkDeployed reads the created resources back through their services.
func checkDeployed(t *testing.T, cfg aws.Config, phys map[string]string, ledger bool) {
	ctx := context.Background()
	fn, err := lambda.NewFromConfig(cfg).GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(phys["Function"])})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	if fn.Environment != nil {
		vars = fn.Environment.Variables
	}
	// moto 5.2.1 drops Architectures when CloudFormation creates a
	// function (it reports x86_64); TestDeployRoleLeastPrivilege holds
	// the template to the parameter.
	if fn.Runtime != "provided.al2023" || aws.ToString(fn.Handler) != "bootstrap" ||
		vars["EMRGUARD_ACCOUNT"] != motoAccount || vars["EMRGUARD_NOTIFY"] != "sns:"+phys["AlertTopic"] {
		t.Errorf("function %s: runtime %s handler %s environment %v", phys["Function"], fn.Runtime, aws.ToString(fn.Handler), vars)
	}
	if _, err := sns.NewFromConfig(cfg).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(phys["AlertTopic"])}); err != nil {
		t.Errorf("topic: %v", err)
	}
	q, err := sqs.NewFromConfig(cfg).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(phys["DeadLetterQueue"]),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameMessageRetentionPeriod}})
	if err != nil || q.Attributes["MessageRetentionPeriod"] != "1209600" {
		t.Errorf("dead-letter queue: %v %v", err, q)
	}
	if !ledger {
		if v, ok := vars["EMRGUARD_DEDUP_TABLE"]; ok {
			t.Errorf("EMRGUARD_DEDUP_TABLE=%q without the ledger", v)
		}
		return
	}
	if vars["EMRGUARD_DEDUP_TABLE"] != phys["DeduplicationLedger"] {
		t.Errorf("EMRGUARD_DEDUP_TABLE=%q, want the table %q", vars["EMRGUARD_DEDUP_TABLE"], phys["DeduplicationLedger"])
	}
	db := dynamodb.NewFromConfig(cfg)
	tbl, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(phys["DeduplicationLedger"])})
	if err != nil {
		t.Fatal(err)
	}
	if k := tbl.Table.KeySchema; len(k) != 1 || aws.ToString(k[0].AttributeName) != monitor.LedgerKey || k[0].KeyType != ddbtypes.KeyTypeHash {
		t.Errorf("table key %+v", k)
	}
	// moto 5.2.1 drops TimeToLiveSpecification when CloudFormation
	// creates a table (TTL stays DISABLED); TestDeployLedgerTable holds
	// the template to it.
}

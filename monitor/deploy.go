package monitor

import (
	"encoding/json"
	"strings"

	"github.com/emrguard/emrguard/monitor/lambdazip"
)

// EventPattern is the EventBridge pattern of the calls the monitor judges
// (aws-emr-facts.md §4.5). Rules in state ENABLED receive these write
// management events.
func EventPattern() map[string]any {
	return map[string]any{
		"source":      []string{"aws.elasticmapreduce", "aws.emr-containers"},
		"detail-type": []string{"AWS API Call via CloudTrail"},
		"detail": map[string]any{
			"eventSource": []string{"elasticmapreduce.amazonaws.com", "emr-containers.amazonaws.com"},
			"eventName": []string{"RunJobFlow", "CreateSecurityConfiguration", "DeleteSecurityConfiguration",
				"PutBlockPublicAccessConfiguration", "ModifyCluster", "CreateVirtualCluster", "StartJobRun", "CreateManagedEndpoint",
				"CreateJobTemplate"},
		},
	}
}

// DeployOptions shape the template.
type DeployOptions struct {
	// MultiRegion makes one template for a StackSet across regions (and
	// accounts): in the central region it deploys the monitor and lets the
	// organization put events on the default bus; elsewhere only a rule
	// forwarding the same events to the central region's bus.
	MultiRegion bool
	AlertOn     []string
}

type obj = map[string]any

func ref(name string) obj              { return obj{"Ref": name} }
func getAtt(res, attr string) obj      { return obj{"Fn::GetAtt": []string{res, attr}} }
func sub(s string) obj                 { return obj{"Fn::Sub": s} }
func ifCentral(a, b any) obj           { return obj{"Fn::If": []any{"IsCentral", a, b}} }
func condition(name string, r obj) obj { r["Condition"] = name; return r }

// ifLedger is v when the template creates the deduplication table, and
// nothing otherwise.
func ifLedger(v any) obj { return obj{"Fn::If": []any{"HasLedger", v, ref("AWS::NoValue")}} }

// Template returns the CloudFormation template (JSON) that deploys the
// monitor: the EventBridge rule with EventPattern, the Lambda function
// (provided.al2023, arm64 by default, handler bootstrap, code from
// lambdazip) and its log group, a least-privilege role
// (DescribeSecurityConfiguration and the read-only calls of ReadActions,
// sns:Publish to its own topic, writing its own logs, sending to its own
// dead-letter queue, writing items of its own deduplication table, and
// with AssumeRoleName assuming that role in member accounts), the SNS
// topic with an optional e-mail subscription, a dead-letter queue for the
// rule's target and the function, the optional DynamoDB deduplication
// table (TTL on; see DynamoLedger), and outputs.
func Template(opt DeployOptions) ([]byte, error) {
	alertOn := opt.AlertOn
	if len(alertOn) == 0 {
		alertOn = DefaultAlertOn
	}
	params := lambdazip.Parameters()
	params["AlertEmail"] = obj{"Type": "String", "Default": "", "Description": "E-mail address subscribed to the alert topic (confirm the subscription mail); empty for none"}
	params["AlertOn"] = obj{"Type": "String", "Default": strings.Join(alertOn, ","), "Description": "Control IDs whose failure raises an alert (comma-separated)"}
	params["AssumeRoleName"] = obj{"Type": "String", "Default": "", "Description": "Read-only role assumed in member accounts whose events reach this monitor (monitor deploy --org creates it); empty: this account only"}
	params["DeduplicationTable"] = obj{"Type": "String", "Default": "true", "AllowedValues": []string{"true", "false"},
		"Description": "Create a DynamoDB table (TTL on) through which the function's instances send one alert per event; false: deduplication per instance only, so copies of an event handled by different instances may each alert"}
	conds := obj{"HasEmail": obj{"Fn::Not": []any{obj{"Fn::Equals": []any{ref("AlertEmail"), ""}}}},
		"HasAssumeRole": obj{"Fn::Not": []any{obj{"Fn::Equals": []any{ref("AssumeRoleName"), ""}}}}}
	conds["HasLedger"] = obj{"Fn::Equals": []any{ref("DeduplicationTable"), "true"}}
	central := func(r obj) obj { return r }
	if opt.MultiRegion {
		params["CentralRegion"] = obj{"Type": "String", "Description": "Region whose stack instance runs the monitor; the others forward their events to it"}
		params["CentralAccountId"] = obj{"Type": "String", "AllowedPattern": "^[0-9]{12}$", "Description": "Account whose CentralRegion stack instance runs the monitor"}
		params["OrganizationId"] = obj{"Type": "String", "Default": "", "Description": "AWS Organizations ID (o-…) allowed to put events on the central bus; empty for this account only"}
		conds["IsCentral"] = obj{"Fn::And": []any{
			obj{"Fn::Equals": []any{ref("AWS::Region"), ref("CentralRegion")}},
			obj{"Fn::Equals": []any{ref("AWS::AccountId"), ref("CentralAccountId")}}}}
		conds["IsForwarder"] = obj{"Fn::Not": []any{obj{"Condition": "IsCentral"}}}
		conds["HasOrganization"] = obj{"Fn::And": []any{obj{"Condition": "IsCentral"}, obj{"Fn::Not": []any{obj{"Fn::Equals": []any{ref("OrganizationId"), ""}}}}}}
		conds["HasEmail"] = obj{"Fn::And": []any{obj{"Condition": "IsCentral"}, obj{"Fn::Not": []any{obj{"Fn::Equals": []any{ref("AlertEmail"), ""}}}}}}
		conds["HasLedger"] = obj{"Fn::And": []any{obj{"Condition": "IsCentral"}, obj{"Fn::Equals": []any{ref("DeduplicationTable"), "true"}}}}
		central = func(r obj) obj { return condition("IsCentral", r) }
	}
	res := obj{
		"AlertTopic": central(obj{"Type": "AWS::SNS::Topic", "Properties": obj{
			"DisplayName": "emrguard EMR launch alerts", "KmsMasterKeyId": "alias/aws/sns"}}),
		"AlertEmailSubscription": condition("HasEmail", obj{"Type": "AWS::SNS::Subscription", "Properties": obj{
			"TopicArn": ref("AlertTopic"), "Protocol": "email", "Endpoint": ref("AlertEmail")}}),
		"DeadLetterQueue": central(obj{"Type": "AWS::SQS::Queue", "Properties": obj{
			"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": true}}),
		"DeadLetterQueuePolicy": central(obj{"Type": "AWS::SQS::QueuePolicy", "Properties": obj{
			"Queues": []any{ref("DeadLetterQueue")},
			"PolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{obj{
				"Sid": "RuleTargetDeadLetters", "Effect": "Allow", "Principal": obj{"Service": "events.amazonaws.com"},
				"Action": "sqs:SendMessage", "Resource": getAtt("DeadLetterQueue", "Arn"),
				"Condition": obj{"ArnEquals": obj{"aws:SourceArn": getAtt("LaunchRule", "Arn")}}}}}}}),
		"FunctionLogGroup": central(obj{"Type": "AWS::Logs::LogGroup", "Properties": obj{
			"RetentionInDays": ref("LogRetentionDays")}}),
		"FunctionRole": central(obj{"Type": "AWS::IAM::Role", "Properties": obj{
			"AssumeRolePolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{obj{
				"Effect": "Allow", "Principal": obj{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
				"Condition": obj{"StringEquals": obj{"aws:SourceAccount": ref("AWS::AccountId")}}}}},
			"Policies": []any{obj{"PolicyName": "emrguard-monitor", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{
				// DescribeSecurityConfiguration has no resource-level
				// permissions: "*" is the only resource it takes.
				obj{"Sid": "ReadSecurityConfigurations", "Effect": "Allow", "Action": "elasticmapreduce:DescribeSecurityConfiguration", "Resource": "*"},
				// What the other events name (orgdeploy.go's ReadActions).
				obj{"Sid": "ReadWhatEventsName", "Effect": "Allow", "Action": ReadActions[1:7], "Resource": "*"},
				obj{"Sid": "ReadExecutionRoles", "Effect": "Allow", "Action": ReadActions[7:11], "Resource": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*")},
				obj{"Sid": "ReadRolePolicies", "Effect": "Allow", "Action": ReadActions[11:], "Resource": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*")},
				obj{"Fn::If": []any{"HasAssumeRole", obj{"Sid": "ReadMemberAccounts", "Effect": "Allow", "Action": "sts:AssumeRole",
					"Resource": sub("arn:${AWS::Partition}:iam::*:role/${AssumeRoleName}")}, ref("AWS::NoValue")}},
				obj{"Sid": "PublishAlerts", "Effect": "Allow", "Action": "sns:Publish", "Resource": ref("AlertTopic")},
				obj{"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": []string{"logs:CreateLogStream", "logs:PutLogEvents"},
					"Resource": sub("${FunctionLogGroup.Arn}")},
				obj{"Sid": "DeadLetters", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": getAtt("DeadLetterQueue", "Arn")},
				ifLedger(obj{"Sid": "DeduplicationLedger", "Effect": "Allow", "Action": []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"},
					"Resource": getAtt("DeduplicationLedger", "Arn")}),
			}}}},
		}}),
		"Function": central(obj{"Type": "AWS::Lambda::Function", "Properties": obj{
			"Description":      "emrguard launch monitor: evaluates EMR API calls and alerts",
			"Runtime":          "provided.al2023",
			"Architectures":    []any{ref("Architecture")},
			"Handler":          "bootstrap",
			"Code":             obj{"S3Bucket": ref("CodeBucket"), "S3Key": ref("CodeKey")},
			"Role":             getAtt("FunctionRole", "Arn"),
			"MemorySize":       256,
			"Timeout":          30,
			"LoggingConfig":    obj{"LogGroup": ref("FunctionLogGroup"), "LogFormat": "JSON"},
			"DeadLetterConfig": obj{"TargetArn": getAtt("DeadLetterQueue", "Arn")},
			"Environment": obj{"Variables": obj{
				"EMRGUARD_NOTIFY":           sub("sns:${AlertTopic}"),
				"EMRGUARD_ALERT_ON":         ref("AlertOn"),
				"EMRGUARD_ACCOUNT":          ref("AWS::AccountId"),
				"EMRGUARD_ASSUME_ROLE_NAME": ref("AssumeRoleName"),
				"EMRGUARD_DEDUP_TABLE":      ifLedger(ref("DeduplicationLedger")),
			}},
		}}),
		// One item per alerted event, deleted by TTL; on demand, since
		// writes come only with alerts.
		"DeduplicationLedger": condition("HasLedger", obj{"Type": "AWS::DynamoDB::Table", "Properties": obj{
			"BillingMode":             "PAY_PER_REQUEST",
			"AttributeDefinitions":    []any{obj{"AttributeName": LedgerKey, "AttributeType": "S"}},
			"KeySchema":               []any{obj{"AttributeName": LedgerKey, "KeyType": "HASH"}},
			"TimeToLiveSpecification": obj{"AttributeName": LedgerTTL, "Enabled": true},
			"SSESpecification":        obj{"SSEEnabled": true},
		}}),
		"LaunchRule": central(obj{"Type": "AWS::Events::Rule", "Properties": obj{
			"Description":  "EMR API calls judged by emrguard",
			"State":        "ENABLED",
			"EventPattern": EventPattern(),
			"Targets": []any{obj{"Id": "emrguard-monitor", "Arn": getAtt("Function", "Arn"),
				"RetryPolicy":      obj{"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
				"DeadLetterConfig": obj{"Arn": getAtt("DeadLetterQueue", "Arn")}}},
		}}),
		"RuleInvokePermission": central(obj{"Type": "AWS::Lambda::Permission", "Properties": obj{
			"Action": "lambda:InvokeFunction", "FunctionName": ref("Function"),
			"Principal": "events.amazonaws.com", "SourceArn": getAtt("LaunchRule", "Arn")}}),
	}
	outputs := obj{
		"AlertTopicArn":      central(obj{"Description": "SNS topic the alerts go to", "Value": ref("AlertTopic")}),
		"FunctionArn":        central(obj{"Description": "The monitor function (named in every alert)", "Value": getAtt("Function", "Arn")}),
		"RuleArn":            central(obj{"Description": "EventBridge rule feeding the monitor", "Value": getAtt("LaunchRule", "Arn")}),
		"DeadLetterQueueUrl": central(obj{"Description": "Events the monitor could not handle", "Value": ref("DeadLetterQueue")}),
		"DeduplicationTable": condition("HasLedger", obj{"Description": "DynamoDB table deciding which instance sends an event's alert", "Value": ref("DeduplicationLedger")}),
	}
	desc := "emrguard launch monitor: evaluates every EMR launch and security change as it happens and alerts through SNS"
	if opt.MultiRegion {
		desc += " (StackSet: the monitor in CentralRegion, forwarding rules elsewhere)"
		res["OrganizationBusPolicy"] = condition("HasOrganization", obj{"Type": "AWS::Events::EventBusPolicy", "Properties": obj{
			"StatementId": "emrguard-organization-forwarding",
			"Statement": obj{"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
				"Resource":  sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"),
				"Condition": obj{"StringEquals": obj{"aws:PrincipalOrgID": ref("OrganizationId")}}},
		}})
		res["ForwarderRole"] = condition("IsForwarder", obj{"Type": "AWS::IAM::Role", "Properties": obj{
			"AssumeRolePolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{obj{
				"Effect": "Allow", "Principal": obj{"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
				"Condition": obj{"StringEquals": obj{"aws:SourceAccount": ref("AWS::AccountId")}}}}},
			"Policies": []any{obj{"PolicyName": "emrguard-forward", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{
				obj{"Sid": "ForwardToCentralBus", "Effect": "Allow", "Action": "events:PutEvents",
					"Resource": sub("arn:${AWS::Partition}:events:${CentralRegion}:${CentralAccountId}:event-bus/default")},
			}}}},
		}})
		res["ForwardRule"] = condition("IsForwarder", obj{"Type": "AWS::Events::Rule", "Properties": obj{
			"Description":  "Forwards EMR API calls to the emrguard monitor's region",
			"State":        "ENABLED",
			"EventPattern": EventPattern(),
			"Targets": []any{obj{"Id": "emrguard-central-bus",
				"Arn":     sub("arn:${AWS::Partition}:events:${CentralRegion}:${CentralAccountId}:event-bus/default"),
				"RoleArn": getAtt("ForwarderRole", "Arn")}},
		}})
	}
	t := obj{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              desc,
		"Parameters":               params,
		"Conditions":               conds,
		"Resources":                res,
		"Outputs":                  outputs,
	}
	out, err := json.MarshalIndent(t, "", "  ")
	return append(out, '\n'), err
}

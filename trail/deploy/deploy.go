package deploy

import (
	"encoding/json"

	"github.com/emrguard/emrguard/monitor/lambdazip"
)

// The variable the template sets on each function, and its values: the
// binary serves the shard or the merge handler (unset: the monitor).
const (
	ModeVar   = "EMRGUARD_LAMBDA"
	ModeShard = "trail-shard"
	ModeMerge = "trail-merge"
)

// MaxShards bounds ShardCount: States.ArrayRange, which lists the shard
// numbers, makes at most 1000 items.
const MaxShards = 1000

// ReportExt is each report format's file extension (the report's key is
// REPORTS/RUN/report.EXT).
var ReportExt = map[string]string{
	"json": "json", "sarif": "sarif", "asff": "asff.json", "junit": "junit.xml",
	"html": "html", "markdown": "md", "table": "txt",
}

type obj = map[string]any

func ref(name string) obj  { return obj{"Ref": name} }
func arnOf(res string) obj { return obj{"Fn::GetAtt": []string{res, "Arn"}} }
func sub(s string) obj     { return obj{"Fn::Sub": s} }
func allow(sid string, action any, resource any) obj {
	return obj{"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource}
}

// retry is the Retry of a Lambda task: the errors Step Functions
// documents as transient (throttling, service errors), with jittered
// backoff. A handler's own error is not retried: it names bad input or a
// denied bucket, which a retry does not mend.
func retry() []any {
	return []any{obj{
		"ErrorEquals":     []string{"Lambda.TooManyRequestsException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"},
		"IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2, "JitterStrategy": "FULL",
	}}
}

// Definition returns the state machine's definition (Amazon States
// Language, JSONPath). ${…} are DefinitionSubstitutions: the template's
// parameters and the functions' ARNs.
//
//	Plan     Pass    run ID (the execution's name), shard numbers 1..N, the filter (the execution's input)
//	Shards   Map     DISTRIBUTED over the shard numbers: the shard function per number → parts/RUN/I.json.gz
//	Merge    Task    the merge function over parts/RUN/ → reports/RUN/report.EXT (and Security Hub)
//	Verdict  Choice  exit code 2 (files not read in whole) → Failed, naming them; else Done
func Definition() obj {
	// The shard event is built by the Map's ItemSelector, from each shard
	// number and what the Plan state computed; the child execution's
	// Task sends its input, that event, as it is.
	shard := obj{
		"Type":           "Task",
		"Resource":       "arn:aws:states:::lambda:invoke",
		"Parameters":     obj{"FunctionName": "${ShardFunctionArn}", "Payload.$": "$"},
		"ResultSelector": obj{"part.$": "$.Payload.part", "files.$": "$.Payload.files", "events.$": "$.Payload.events"},
		"Retry":          retry(),
		"End":            true,
	}
	return obj{
		"Comment": "emrguard trail: one Lambda per shard of a CloudTrail archive, then the merge into one report",
		"StartAt": "Plan",
		"States": obj{
			"Plan": obj{
				"Type": "Pass",
				"Parameters": obj{
					"run.$":         "$$.Execution.Name",
					"shards.$":      "States.ArrayRange(1, ${ShardCount}, 1)",
					"of.$":          "States.StringToJson('${ShardCount}')",
					"concurrency.$": "States.StringToJson('${MaxConcurrency}')",
					"filter.$":      "$",
				},
				"Next": "Shards",
			},
			"Shards": obj{
				"Type":               "Map",
				"ItemsPath":          "$.shards",
				"MaxConcurrencyPath": "$.concurrency",
				"ItemSelector": obj{
					"source":   "s3://${ArchiveBucket}/${ArchivePrefix}",
					"shard.$":  "$$.Map.Item.Value",
					"of.$":     "$.of",
					"part.$":   "States.Format('s3://${OutputBucket}/${OutputPrefix}parts/{}/{}.json.gz', $.run, $$.Map.Item.Value)",
					"filter.$": "$.filter",
				},
				"ItemProcessor": obj{
					"ProcessorConfig": obj{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
					"StartAt":         "ReadShard",
					"States":          obj{"ReadShard": shard},
				},
				// The shards' answers are in each child execution; the
				// Map's output would grow with the shard count.
				"ResultPath": nil,
				"Next":       "Merge",
			},
			"Merge": obj{
				"Type":     "Task",
				"Resource": "arn:aws:states:::lambda:invoke",
				"Parameters": obj{"FunctionName": "${MergeFunctionArn}", "Payload": obj{
					"parts.$":       "States.Format('s3://${OutputBucket}/${OutputPrefix}parts/{}/', $.run)",
					"report.$":      "States.Format('s3://${OutputBucket}/${OutputPrefix}reports/{}/report.${ReportExt}', $.run)",
					"format":        "${ReportFormat}",
					"securityhub.$": "States.StringToJson('${SecurityHub}')",
				}},
				"ResultSelector": obj{"report.$": "$.Payload.report", "exit_code.$": "$.Payload.exit_code",
					"errors.$": "$.Payload.errors", "error_count.$": "$.Payload.error_count", "message.$": "$.Payload.message"},
				"ResultPath": "$.result",
				"Retry":      retry(),
				"Next":       "Verdict",
			},
			"Verdict": obj{
				"Type":    "Choice",
				"Choices": []any{obj{"Variable": "$.result.exit_code", "NumericEquals": 2, "Next": "Failed"}},
				"Default": "Done",
			},
			// As trail's exit 2: the report is written (it lists the
			// errors), the run is not whole.
			"Failed": obj{"Type": "Fail", "Error": "emrguard.TrailErrors", "CausePath": "$.result.message"},
			"Done":   obj{"Type": "Pass", "InputPath": "$.result", "End": true},
		},
	}
}

// Template returns the CloudFormation template (JSON).
func Template() ([]byte, error) {
	formats := []string{}
	mapping := obj{}
	for _, f := range []string{"json", "sarif", "asff", "junit", "html", "markdown", "table"} {
		formats = append(formats, f)
		mapping[f] = obj{"Ext": ReportExt[f]}
	}
	params := lambdazip.Parameters()
	for k, v := range map[string]any{
		"ArchiveBucket": obj{"Type": "String", "AllowedPattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "Description": "S3 bucket of the CloudTrail archive"},
		"ArchivePrefix": obj{"Type": "String", "Default": "AWSLogs/", "AllowedPattern": "^[^'{}\\\\*]*$",
			"Description": "Key prefix of the archive in ArchiveBucket (the folder holding AWSLogs/, or AWSLogs/ itself); the shards read only under it"},
		"ArchiveKmsKeyArn": obj{"Type": "String", "Default": "", "Description": "KMS key encrypting the archive's objects (a trail's KMSKeyId), for kms:Decrypt; empty when SSE-S3"},
		"ShardCount": obj{"Type": "Number", "Default": 16, "MinValue": 1, "MaxValue": MaxShards,
			"Description": "Shards (Lambda invocations) the archive's files are dealt to by a hash of their key; each must finish in 15 minutes"},
		"MaxConcurrency": obj{"Type": "Number", "Default": 16, "MinValue": 1, "MaxValue": 10000, "Description": "Shards run at once"},
		"OutputBucket":   obj{"Type": "String", "AllowedPattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "Description": "S3 bucket for the parts and the reports"},
		"OutputPrefix": obj{"Type": "String", "Default": "emrguard-trail/", "AllowedPattern": "^([^'{}\\\\*]*/)?$",
			"Description": "Key prefix in OutputBucket (ending in /): parts go to PREFIXparts/RUN/, reports to PREFIXreports/RUN/"},
		"ReportFormat": obj{"Type": "String", "Default": "json", "AllowedValues": formats, "Description": "The report's format (trail --format)"},
		"SecurityHub": obj{"Type": "String", "Default": "false", "AllowedValues": []string{"true", "false"},
			"Description": "Import the findings into Security Hub in this account and region (BatchImportFindings)"},
		"ShardMemory": obj{"Type": "Number", "Default": 1769, "MinValue": 128, "MaxValue": 10240,
			"Description": "MB of memory of the shard function (1769 MB: one full vCPU)"},
	} {
		params[k] = v
	}
	conds := obj{
		"HasSecurityHub": obj{"Fn::Equals": []any{ref("SecurityHub"), "true"}},
		"HasArchiveKey":  obj{"Fn::Not": []any{obj{"Fn::Equals": []any{ref("ArchiveKmsKeyArn"), ""}}}},
	}
	lambdaTrust := obj{"Version": "2012-10-17", "Statement": []any{obj{
		"Effect": "Allow", "Principal": obj{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
		"Condition": obj{"StringEquals": obj{"aws:SourceAccount": ref("AWS::AccountId")}}}}}
	role := func(name string, statements ...any) obj {
		return obj{"Type": "AWS::IAM::Role", "Properties": obj{
			"AssumeRolePolicyDocument": lambdaTrust,
			"Policies":                 []any{obj{"PolicyName": name, "PolicyDocument": obj{"Version": "2012-10-17", "Statement": statements}}},
		}}
	}
	logs := func(group string) obj {
		return allow("WriteOwnLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, sub("${"+group+".Arn}"))
	}
	function := func(desc, mode, roleName, group string, memory any) obj {
		return obj{"Type": "AWS::Lambda::Function", "Properties": obj{
			"Description":   desc,
			"Runtime":       "provided.al2023",
			"Architectures": []any{ref("Architecture")},
			"Handler":       "bootstrap",
			"Code":          obj{"S3Bucket": ref("CodeBucket"), "S3Key": ref("CodeKey")},
			"Role":          arnOf(roleName),
			"MemorySize":    memory,
			"Timeout":       900,
			// Parts and reports are written whole to /tmp, then uploaded.
			"EphemeralStorage": obj{"Size": 2048},
			"LoggingConfig":    obj{"LogGroup": ref(group), "LogFormat": "JSON"},
			"Environment":      obj{"Variables": obj{ModeVar: mode}},
		}}
	}
	logGroup := obj{"Type": "AWS::Logs::LogGroup", "Properties": obj{"RetentionInDays": ref("LogRetentionDays")}}
	machineName := "${AWS::StackName}-trail"
	res := obj{
		"ShardLogGroup": logGroup,
		"MergeLogGroup": logGroup,
		"ShardRole": role("emrguard-trail-shard",
			// ListS3 lists level by level under the prefix.
			obj{"Sid": "ListArchive", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": sub("arn:${AWS::Partition}:s3:::${ArchiveBucket}"),
				"Condition": obj{"StringLike": obj{"s3:prefix": sub("${ArchivePrefix}*")}}},
			allow("ReadArchive", "s3:GetObject", sub("arn:${AWS::Partition}:s3:::${ArchiveBucket}/${ArchivePrefix}*")),
			obj{"Fn::If": []any{"HasArchiveKey", allow("DecryptArchive", "kms:Decrypt", ref("ArchiveKmsKeyArn")), ref("AWS::NoValue")}},
			allow("WriteParts", "s3:PutObject", sub("arn:${AWS::Partition}:s3:::${OutputBucket}/${OutputPrefix}parts/*")),
			logs("ShardLogGroup"),
		),
		"MergeRole": role("emrguard-trail-merge",
			obj{"Sid": "ListParts", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": sub("arn:${AWS::Partition}:s3:::${OutputBucket}"),
				"Condition": obj{"StringLike": obj{"s3:prefix": sub("${OutputPrefix}parts/*")}}},
			allow("ReadParts", "s3:GetObject", sub("arn:${AWS::Partition}:s3:::${OutputBucket}/${OutputPrefix}parts/*")),
			allow("WriteReports", "s3:PutObject", sub("arn:${AWS::Partition}:s3:::${OutputBucket}/${OutputPrefix}reports/*")),
			obj{"Fn::If": []any{"HasSecurityHub", allow("ImportFindings", "securityhub:BatchImportFindings",
				sub("arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default")), ref("AWS::NoValue")}},
			logs("MergeLogGroup"),
		),
		"ShardFunction": function("emrguard trail: reads one shard of a CloudTrail archive into its part", ModeShard, "ShardRole", "ShardLogGroup", ref("ShardMemory")),
		"MergeFunction": function("emrguard trail: judges the shards' parts as one archive and writes the report", ModeMerge, "MergeRole", "MergeLogGroup", 1024),
		"StateMachineRole": obj{"Type": "AWS::IAM::Role", "Properties": obj{
			"AssumeRolePolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{obj{
				"Effect": "Allow", "Principal": obj{"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole",
				"Condition": obj{"StringEquals": obj{"aws:SourceAccount": ref("AWS::AccountId")}}}}},
			"Policies": []any{obj{"PolicyName": "emrguard-trail-run", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{
				allow("InvokeOwnFunctions", "lambda:InvokeFunction", []any{arnOf("ShardFunction"), arnOf("MergeFunction")}),
				// A Distributed Map runs each item as a child execution
				// of this state machine (AWS: "IAM policies for using
				// Distributed Map states"). By name: the role cannot
				// name the machine's ARN, which needs the role.
				allow("StartOwnMapRuns", "states:StartExecution", sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:"+machineName)),
				allow("ManageOwnMapRuns", []string{"states:DescribeExecution", "states:StopExecution"},
					sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:"+machineName+"/*")),
			}}}},
		}},
		"StateMachine": obj{"Type": "AWS::StepFunctions::StateMachine", "Properties": obj{
			"StateMachineName": sub(machineName),
			"StateMachineType": "STANDARD",
			"RoleArn":          arnOf("StateMachineRole"),
			"Definition":       Definition(),
			"DefinitionSubstitutions": obj{
				"ShardFunctionArn": arnOf("ShardFunction"),
				"MergeFunctionArn": arnOf("MergeFunction"),
				"ShardCount":       ref("ShardCount"),
				"MaxConcurrency":   ref("MaxConcurrency"),
				"ArchiveBucket":    ref("ArchiveBucket"),
				"ArchivePrefix":    ref("ArchivePrefix"),
				"OutputBucket":     ref("OutputBucket"),
				"OutputPrefix":     ref("OutputPrefix"),
				"ReportFormat":     ref("ReportFormat"),
				"ReportExt":        obj{"Fn::FindInMap": []any{"ReportFormats", ref("ReportFormat"), "Ext"}},
				"SecurityHub":      ref("SecurityHub"),
			},
		}},
	}
	t := obj{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "emrguard trail beyond one machine: a Step Functions Distributed Map reads a CloudTrail archive in shards (one Lambda each), then merges them into one report in S3 (and Security Hub)",
		"Parameters":               params,
		"Conditions":               conds,
		"Mappings":                 obj{"ReportFormats": mapping},
		"Resources":                res,
		"Outputs": obj{
			"StateMachineArn":  obj{"Description": "Start a run: aws stepfunctions start-execution --state-machine-arn ARN --input '{}'", "Value": ref("StateMachine")},
			"ShardFunctionArn": obj{"Description": "The shard function", "Value": arnOf("ShardFunction")},
			"MergeFunctionArn": obj{"Description": "The merge function", "Value": arnOf("MergeFunction")},
			"Reports":          obj{"Description": "Where each run's report goes (RUN: the execution's name)", "Value": sub("s3://${OutputBucket}/${OutputPrefix}reports/")},
		},
	}
	out, err := json.MarshalIndent(t, "", "  ")
	return append(out, '\n'), err
}

package monitor

import (
	"encoding/json"
	"fmt"
)

// DefaultReadRoleName is the read-only role the organization template
// deploys in every member account, and the central monitor assumes
// (--assume-role-name, the AssumeRoleName parameter).
const DefaultReadRoleName = "emrguard-monitor-read"

// ReadActions are everything the member read role allows: the calls the
// monitor makes in a member account, all read-only. EMR: the configuration
// a launch names, and the clusters using one being deleted; EMR on EKS:
// the endpoint created; EC2: its group, subnets and route tables; IAM: the
// execution roles of jobs, templates and endpoints, with their policies.
var ReadActions = []string{
	"elasticmapreduce:DescribeSecurityConfiguration", "elasticmapreduce:DescribeCluster", "elasticmapreduce:ListClusters",
	"emr-containers:DescribeManagedEndpoint",
	"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeRouteTables",
	"iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion",
}

// MemberTemplate returns the CloudFormation template (JSON) a StackSet
// deploys into every member account and region: a rule forwarding the
// monitored EMR events to the central account's bus (with the role
// EventBridge uses to put them there), and, in the central region only
// (IAM is global; a role name is unique per account), the read-only role
// the central monitor assumes, trusted by the central account alone.
func MemberTemplate() ([]byte, error) {
	params := obj{
		"CentralAccountId": obj{"Type": "String", "AllowedPattern": "^[0-9]{12}$", "Description": "Account running the emrguard monitor"},
		"CentralRegion":    obj{"Type": "String", "Description": "Region of the monitor's event bus; the read role is created in this region's stack instance"},
		"ReadRoleName":     obj{"Type": "String", "Default": DefaultReadRoleName, "Description": "Name of the read-only role the monitor assumes (its --assume-role-name)"},
	}
	conds := obj{"IsCentralRegion": obj{"Fn::Equals": []any{ref("AWS::Region"), ref("CentralRegion")}}}
	bus := sub("arn:${AWS::Partition}:events:${CentralRegion}:${CentralAccountId}:event-bus/default")
	res := obj{
		"ForwarderRole": obj{"Type": "AWS::IAM::Role", "Properties": obj{
			"AssumeRolePolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{obj{
				"Effect": "Allow", "Principal": obj{"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
				"Condition": obj{"StringEquals": obj{"aws:SourceAccount": ref("AWS::AccountId")}}}}},
			"Policies": []any{obj{"PolicyName": "emrguard-forward", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{
				obj{"Sid": "ForwardToCentralBus", "Effect": "Allow", "Action": "events:PutEvents", "Resource": bus}}}}},
		}},
		"ForwardRule": obj{"Type": "AWS::Events::Rule", "Properties": obj{
			"Description":  "Forwards EMR API calls to the emrguard monitor's account",
			"State":        "ENABLED",
			"EventPattern": EventPattern(),
			"Targets":      []any{obj{"Id": "emrguard-central-bus", "Arn": bus, "RoleArn": getAtt("ForwarderRole", "Arn")}},
		}},
		"ReadRole": condition("IsCentralRegion", obj{"Type": "AWS::IAM::Role", "Properties": obj{
			"RoleName":    ref("ReadRoleName"),
			"Description": "emrguard launch monitor: reads what EMR events name, nothing else",
			"AssumeRolePolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{obj{
				"Effect": "Allow", "Principal": obj{"AWS": sub("arn:${AWS::Partition}:iam::${CentralAccountId}:root")}, "Action": "sts:AssumeRole"}}},
			"Policies": []any{obj{"PolicyName": "emrguard-monitor-read", "PolicyDocument": obj{"Version": "2012-10-17", "Statement": []any{
				// The EMR, EMR on EKS and EC2 describe calls take no
				// resource-level permissions; IAM reads are kept to roles
				// and policies of this account.
				obj{"Sid": "DescribeEMR", "Effect": "Allow", "Action": ReadActions[:7], "Resource": "*"},
				obj{"Sid": "ReadRoles", "Effect": "Allow", "Action": ReadActions[7:11], "Resource": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*")},
				obj{"Sid": "ReadPolicies", "Effect": "Allow", "Action": ReadActions[11:], "Resource": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*")},
			}}}},
		}}),
	}
	return marshalTemplate("emrguard member account: forwards EMR API calls to the central monitor and lets it read what they name", params, conds, res,
		obj{"ReadRoleArn": condition("IsCentralRegion", obj{"Description": "Role the central monitor assumes", "Value": getAtt("ReadRole", "Arn")})})
}

// OrgTemplate returns the template (JSON) to deploy in the organization's
// management (or a delegated administrator) account: a service-managed
// StackSet of MemberTemplate, deployed automatically into every account
// of the given organizational units (and accounts that join them later)
// in every region listed. The central account runs the monitor itself
// (Template, with OrganizationId and AssumeRoleName set).
func OrgTemplate() ([]byte, error) {
	member, err := MemberTemplate()
	if err != nil {
		return nil, err
	}
	var compact any
	if err := json.Unmarshal(member, &compact); err != nil {
		return nil, fmt.Errorf("member template: %w", err)
	}
	body, err := json.Marshal(compact)
	if err != nil {
		return nil, err
	}
	params := obj{
		"CentralAccountId":        obj{"Type": "String", "AllowedPattern": "^[0-9]{12}$", "Description": "Account running the emrguard monitor"},
		"CentralRegion":           obj{"Type": "String", "Description": "Region of the monitor"},
		"ReadRoleName":            obj{"Type": "String", "Default": DefaultReadRoleName, "Description": "Name of the read-only role created in each member account"},
		"OrganizationalUnitIds":   obj{"Type": "CommaDelimitedList", "Description": "OUs (ou-… or the root r-…) whose accounts get the rule and role"},
		"Regions":                 obj{"Type": "CommaDelimitedList", "Description": "Regions to forward EMR events from; include CentralRegion (the read role is created there)"},
		"MaxConcurrentPercentage": obj{"Type": "Number", "Default": 25, "MinValue": 1, "MaxValue": 100, "Description": "Share of accounts deployed at once"},
	}
	res := obj{
		"MemberStackSet": obj{"Type": "AWS::CloudFormation::StackSet", "Properties": obj{
			"StackSetName":         "emrguard-monitor-members",
			"Description":          "emrguard: EMR event forwarding and the monitor's read-only role in every member account",
			"PermissionModel":      "SERVICE_MANAGED",
			"AutoDeployment":       obj{"Enabled": true, "RetainStacksOnAccountRemoval": false},
			"Capabilities":         []string{"CAPABILITY_NAMED_IAM"},
			"ManagedExecution":     obj{"Active": true},
			"OperationPreferences": obj{"MaxConcurrentPercentage": ref("MaxConcurrentPercentage"), "FailureTolerancePercentage": 10, "RegionConcurrencyType": "PARALLEL"},
			"Parameters": []any{
				obj{"ParameterKey": "CentralAccountId", "ParameterValue": ref("CentralAccountId")},
				obj{"ParameterKey": "CentralRegion", "ParameterValue": ref("CentralRegion")},
				obj{"ParameterKey": "ReadRoleName", "ParameterValue": ref("ReadRoleName")},
			},
			"StackInstancesGroup": []any{obj{
				"DeploymentTargets": obj{"OrganizationalUnitIds": ref("OrganizationalUnitIds")},
				"Regions":           ref("Regions"),
			}},
			"TemplateBody": string(body),
		}},
	}
	return marshalTemplate("emrguard organization: a StackSet putting the EMR event forwarding rule and the monitor's read-only role in every member account and region", params, obj{}, res,
		obj{"StackSetId": obj{"Description": "The member StackSet", "Value": ref("MemberStackSet")}})
}

func marshalTemplate(desc string, params, conds, res, outputs obj) ([]byte, error) {
	t := obj{"AWSTemplateFormatVersion": "2010-09-09", "Description": desc, "Parameters": params, "Resources": res, "Outputs": outputs}
	if len(conds) > 0 {
		t["Conditions"] = conds
	}
	out, err := json.MarshalIndent(t, "", "  ")
	return append(out, '\n'), err
}

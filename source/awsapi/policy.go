package awsapi

import (
	"encoding/json"
	"slices"
)

// actions are the IAM actions of every call a scan makes. TestPolicy
// holds this list to the operations a full scan sends to the test AWS.
var actions = []string{
	// accounts.go, regions.go
	"sts:GetCallerIdentity", "sts:AssumeRole", "organizations:ListAccounts", "ec2:DescribeRegions",
	// emr.go, regions.go
	"elasticmapreduce:GetBlockPublicAccessConfiguration", "elasticmapreduce:ListClusters",
	"elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstances",
	"elasticmapreduce:DescribeSecurityConfiguration",
	// ec2.go
	"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeRouteTables",
	"ec2:DescribeVpcEndpoints", "ec2:DescribeImages", "ec2:DescribeLaunchTemplateVersions",
	// iam.go
	"iam:GetRole", "iam:GetInstanceProfile", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies",
	"iam:GetRolePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListEntitiesForPolicy",
	// trail.go
	"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
	// kms.go
	"kms:DescribeKey", "kms:GetKeyRotationStatus",
	// s3.go: GetBucketLogging of log buckets, GetObject of the in-transit PEM zips
	"s3:GetBucketLogging", "s3:GetObject",
	// eks.go
	"emr-containers:ListVirtualClusters", "emr-containers:ListManagedEndpoints", "emr-containers:ListJobRuns",
	"eks:ListNodegroups", "eks:DescribeNodegroup", "eks:ListPodIdentityAssociations", "eks:DescribePodIdentityAssociation",
}

// Policy returns the IAM policy a scan needs, as indented JSON: one
// statement allowing every action the collectors call, sorted, on every
// resource. All are reads; sts:AssumeRole is needed only with --role-arn
// or --org-role (narrow its Resource to those roles), organizations:
// ListAccounts only with --org-role, and s3:GetObject reads the PEM zips
// of in-transit encryption (certificates only are kept, never the key).
func Policy() string {
	acts := slices.Sorted(slices.Values(actions))
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid":      "EmrguardScan",
			"Effect":   "Allow",
			"Action":   acts,
			"Resource": "*",
		}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // a fixed document of strings always encodes
	}
	return string(b) + "\n"
}

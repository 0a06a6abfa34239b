// Package awstest is the test AWS: an httptest server that speaks the real
// wire protocols of the operations emrguard calls, so tests drive the real
// aws-sdk-go-v2 clients (serialization, pagination, retries, error codes)
// without AWS.
//
// One server answers every service. A request is routed by the SigV4
// credential scope of its Authorization header (aws-emr-facts.md §3.1):
// the service and region, and the access key ID, which names the account
// whose state serves it. Then by X-Amz-Target (JSON protocols), the form's
// Action (query protocols) or method and path (REST protocols):
//
//	EMR            awsJson1_1  ListClusters, DescribeCluster, ListInstances,
//	                           DescribeSecurityConfiguration, ListSecurityConfigurations,
//	                           GetBlockPublicAccessConfiguration
//	EC2            ec2Query    DescribeRegions, DescribeSecurityGroups, DescribeSubnets,
//	                           DescribeRouteTables, DescribeVpcEndpoints, DescribeImages,
//	                           DescribeLaunchTemplateVersions
//	IAM            awsQuery    GetRole, ListAttachedRolePolicies, ListRolePolicies,
//	                           GetRolePolicy, GetPolicy, GetPolicyVersion,
//	                           GetInstanceProfile, ListEntitiesForPolicy
//	STS            awsQuery    GetCallerIdentity, AssumeRole
//	Organizations  awsJson1_1  ListAccounts
//	CloudTrail     awsJson1_1  DescribeTrails, GetTrailStatus, GetEventSelectors
//	KMS            awsJson1_1  DescribeKey, GetKeyRotationStatus
//	S3             restXml     GetBucketLogging, GetObject, PutObject, ListObjectsV2 (path style)
//	emr-containers restJson1   ListVirtualClusters, DescribeVirtualCluster,
//	                           ListManagedEndpoints, DescribeManagedEndpoint, ListJobRuns
//	EKS            restJson1   ListNodegroups, DescribeNodegroup, ListPodIdentityAssociations,
//	                           DescribePodIdentityAssociation
//	SNS            awsQuery    Publish
//	EventBridge    awsJson1_1  PutEvents
//	Security Hub   restJson1   BatchImportFindings
//	SQS            awsJson1_0  SendMessage, ReceiveMessage, DeleteMessage,
//	                           DeleteMessageBatch, ChangeMessageVisibility
//	DynamoDB       awsJson1_0  PutItem, UpdateItem, DeleteItem (condition expressions;
//	                           tables made with CreateTable)
//
// The estate is data: LoadAccounts takes snapshot.Account values (what a
// live scan records), LoadFile a saved snapshot, GenerateAccount makes a
// large deterministic one. The first account loaded is the caller's
// (Config's credentials); STS AssumeRole into a loaded account returns
// credentials whose later calls are served from that account. The
// snapshot's SDK objects are written back by reflection in each protocol's
// shape (member names, list items, timestamps; IAM policy documents
// percent-encoded); the round-trip tests fill every member of every served
// type and read it back through the real clients.
//
// Faults are injected per operation, optionally per account and region:
// throttling, AccessDenied, 5xx, latency and truncated bodies, each written
// as the protocol writes errors. SetPageSize, SetLatency, DisableRegion,
// DenyAssumeRole and SetOrganization shape the rest; Calls and CallCounts
// count every attempt that reached the server.
package awstest

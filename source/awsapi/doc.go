// Package awsapi gathers a live account's EMR evidence through
// aws-sdk-go-v2 into a snapshot (source/snapshot): every region asked
// for, every account reached directly, through AssumeRole or through
// AWS Organizations. Each collector consumes a narrow interface of the
// calls it makes; tests drive the real SDK clients against
// internal/awstest and moto_server.
//
// A call that fails after the SDK's retries is never dropped: it is
// recorded as a snapshot.Failure naming the service, operation, region,
// object and error code, and the mapping turns it into unknown verdicts
// for exactly the controls that needed it.
//
// # What a scan reaches
//
// Without roles, Scan reads the caller's own account. With RoleARNs or
// OrgRole it reads only those accounts: each role is assumed once
// (stscreds, cached and renewed), an account whose role is refused is
// still listed, with its ID, Via and the AssumeRole failure. With
// OrgRole, the organization's ACTIVE accounts are listed
// (organizations:ListAccounts) and reached through the role, except the
// caller's own account, read with the caller's credentials (a
// management account seldom holds the member role).
//
// Regions are those named, the configuration's own, or with AllRegions
// the ones DescribeRegions lists as enabled for each account. A region's
// first call is GetBlockPublicAccessConfiguration; when it answers that
// the region is not enabled for the account (UnrecognizedClientException,
// InvalidClientTokenId, AuthFailure, OptInRequired) that is the region's
// one failure and nothing else is asked there.
//
// # What a region holds
//
// EMR: the active clusters (STARTING, BOOTSTRAPPING, RUNNING, WAITING;
// terminating and terminated ones are skipped), each described and its
// primary group's or fleet's running instances listed; each security
// configuration a cluster names, once per name per region (names are
// regional); block public access. EC2, batched and each object once:
// the security groups, subnets and custom AMIs the clusters and managed
// endpoints name (200 IDs a call; an ID EC2 says does not exist is its
// own failure and the rest of its batch is asked again), the route
// tables and VPC endpoints of the subnets' VPCs, and the launch template
// versions nodegroups use. Then the KMS keys and PEM zips the security
// configurations name (read with source/secconf), the trails, and EMR on
// EKS. IAM (the roles and instance profiles all of these use) and the
// log buckets are read once per account.
//
// # Load
//
// Every client is made per account and region, and an API option bounds
// each to Options.Concurrency calls in flight (the SDK's retries wait
// inside that bound) and counts every attempt for Progress. At most
// 16×Concurrency accounts, and 8×Concurrency regions of all of them
// together, are read at once. Retries use the SDK's adaptive mode unless the configuration
// has its own Retryer.
package awsapi

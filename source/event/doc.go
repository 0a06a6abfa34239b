// Package event reads CloudTrail records of EMR API calls — an EventBridge
// "AWS API Call via CloudTrail" envelope or a bare record — into evidence
// (aws-emr-facts.md §4).
//
// A RunJobFlow becomes a cluster read from requestParameters by the
// request source, CreateSecurityConfiguration a security configuration
// decoded by source/secconf, PutBlockPublicAccessConfiguration the
// account's block-public-access setting, and the EMR on EKS calls
// (CreateVirtualCluster, CreateManagedEndpoint, StartJobRun,
// CreateJobTemplate) their resources, each job run, template and endpoint
// also a model.JobRole naming its execution role. Every resource's Ref carries the record as a model.Event. A
// failed call (errorCode set) created nothing: it yields no evidence and
// Record.Failed says so. The package never fetches anything and never
// judges: the monitor looks up what the record only names.
package event

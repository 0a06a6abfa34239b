// Package monitor is the launch monitor: one CloudTrail event of an EMR
// call in, every control of source E evaluated on it, one alert out when an
// alerting control fails (by default EMR101 and EMR102, the AWS pattern's
// in-transit encryption check, configurable).
//
// Handle holds the logic; the front doors are thin adapters over it: the
// Lambda handler (EventBridge events directly or through SQS with partial
// batch failures), the SQS daemon (long polling, deleting a message only
// once its alert is delivered or spooled), and the replay of event files.
// The security configuration a launch only names is fetched with EMR
// DescribeSecurityConfiguration in the event's region and cached; when it
// cannot be, the controls that need it say unknown with the reason. The
// other events are judged the same way (events.go's AlertOnByEvent): block
// public access from the request; an EMR on EKS job run's, job template's
// or endpoint's execution role read from IAM, and a created endpoint's
// network from EMR on EKS and EC2 (Reader, enrich.go); a deleted
// configuration against the active clusters still using it. A central
// monitor reads member accounts through a role it assumes in each
// (Accounts, AccountFetcher); the organization template (orgdeploy.go)
// deploys that role and the forwarding rule through a StackSet.
// Deliveries are deduplicated by CloudTrail event ID, since EventBridge and
// SQS deliver at least once; a copy arriving while the first is still in
// hand is not a duplicate yet (ErrInFlight): it stays on the queue until
// the first copy's fate is known. Across instances (Lambda runs many),
// an optional Ledger — DynamoLedger, a DynamoDB table with a conditional
// write per event ID — decides which instance sends an alert; when it
// cannot be asked, the alert goes out anyway (duplicates are possible,
// a lost alert is worse). Concurrent lookups of one configuration share
// one DescribeSecurityConfiguration. A successful launch whose parameters
// cannot be read alerts as unverified (Kind Unverified), never skipped as
// bad input.
package monitor

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
package awsapi

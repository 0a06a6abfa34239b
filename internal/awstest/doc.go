// Package awstest is the test AWS: an httptest server that speaks the real
// wire protocols of the operations emrguard calls, so tests drive the real
// aws-sdk-go-v2 clients (serialization, retries, error codes) without AWS.
//
// One server answers every service. A request is routed by the service
// name in its SigV4 credential scope (aws-emr-facts.md §3.1), then by
// X-Amz-Target (JSON protocols) or the form's Action (query protocols):
//
//	EMR  awsJson1_1  DescribeSecurityConfiguration
//	SNS  awsQuery    Publish
//	SQS  awsJson1_0  SendMessage, ReceiveMessage, DeleteMessage,
//	                 DeleteMessageBatch, ChangeMessageVisibility
//
// State lives in memory (security configurations by region and name,
// queues, published messages). Faults are injected per operation:
// throttling, AccessDenied, latency, 5xx and truncated bodies.
package awstest

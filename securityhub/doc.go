// Package securityhub sends findings to AWS Security Hub with
// BatchImportFindings: in batches of 100 (the API's limit), through the
// real aws-sdk-go-v2 client, whose retryer handles throttling
// (TooManyRequestsException) and 5xx replies. Findings that Security Hub
// rejects (FailedFindings) come back as errors naming the call and the
// finding, so the run exits 2 instead of losing them quietly.
//
// The findings themselves are built by report.ASFFFindings, which fixes the
// finding Id recipe; this package only moves them.
package securityhub

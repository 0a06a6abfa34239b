// Package notify delivers monitor alerts. A Sink sends one Alert: to an SNS
// topic (Publish with a subject and message attributes subscribers filter
// on), to a Slack incoming webhook (Block Kit), a Teams webhook (an
// Adaptive Card message), a generic webhook (a JSON POST with "text"), an
// EventBridge bus (PutEvents, source "emrguard"), Security Hub
// (BatchImportFindings in ASFF), or standard output (JSON lines). Retrying wraps any sink once with retries, backoff and a durable
// on-disk spool, so an alert is delivered or kept, never dropped. An alert
// a sink refuses for good (RejectedError: a webhook's 400, SNS
// InvalidParameter) is kept aside as *.rejected and reported at warning
// level, so it never blocks the alerts spooled behind it. A sink that
// answers how long to wait (RetryAfterError: 429 or 503 with Retry-After)
// is tried again after that wait, within Policy.MaxRetryAfter.
package notify

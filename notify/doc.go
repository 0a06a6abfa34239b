// Package notify delivers monitor alerts. A Sink sends one Alert: to an SNS
// topic (Publish with a subject and message attributes), to a webhook (a
// JSON POST whose "text" field Slack reads), or to standard output (JSON
// lines). Retrying wraps any sink once with retries, backoff and a durable
// on-disk spool, so an alert is delivered or kept, never dropped. An alert
// a sink refuses for good (RejectedError: a webhook's 400, SNS
// InvalidParameter) is kept aside as *.rejected and reported at warning
// level, so it never blocks the alerts spooled behind it.
package notify

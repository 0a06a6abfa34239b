package controls

import (
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

const urlTrail = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/logging_emr_api_calls.html"

// EMR701 fails when no trail records management write events.
var EMR701 = &control.Control{
	ID: "EMR701", Title: "No CloudTrail trail records EMR management events", Severity: control.High,
	BestPractice: "BP 3.7", Sources: control.Live, URL: urlTrail,
	Remediation: control.Remediation{
		Text:           "Create a multi-region trail that is logging and records management write events.",
		CLI:            "aws cloudtrail create-trail --name org-trail --s3-bucket-name BUCKET --is-multi-region-trail\naws cloudtrail start-logging --name org-trail",
		CloudFormation: "AWS::CloudTrail::Trail with `IsMultiRegionTrail: true`, `IsLogging: true`.",
		Terraform:      "aws_cloudtrail with `is_multi_region_trail = true` and `enable_logging = true`.",
	},
	Doc: `No CloudTrail trail records EMR management events

Without a trail, nobody can tell who launched, modified or terminated a
cluster, or changed its security configuration.`,
}

// EMR702 fails when a trail is not logging or fails to deliver.
var EMR702 = &control.Control{
	ID: "EMR702", Title: "CloudTrail trail is not logging or fails to deliver", Severity: control.Medium,
	BestPractice: "BP 3.7", Sources: control.Live, URL: urlTrail,
	Remediation: control.Remediation{
		Text:           "Start logging and fix the delivery error (bucket policy, KMS key policy).",
		CLI:            "aws cloudtrail start-logging --name TRAIL\naws cloudtrail get-trail-status --name TRAIL",
		CloudFormation: "Set `IsLogging: true` and fix the bucket policy of the trail's bucket.",
		Terraform:      "Set `enable_logging = true` and fix the bucket policy.",
	},
	Doc: `CloudTrail trail is not logging or fails to deliver

A stopped trail or one that cannot write its bucket records nothing.`,
}

// EMR703 fails when the log bucket has no server access logging.
var EMR703 = &control.Control{
	ID: "EMR703", Title: "Cluster log bucket has no server access logging", Severity: control.Low,
	BestPractice: "BP 3.7", Sources: control.IaC | control.Live, URL: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
	Remediation: control.Remediation{
		Text:           "Enable server access logging on the bucket that receives cluster logs.",
		CLI:            `aws s3api put-bucket-logging --bucket LOGBUCKET --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"ACCESSLOGS","TargetPrefix":"emr-logs/"}}'`,
		CloudFormation: "Set `LoggingConfiguration` on the AWS::S3::Bucket.",
		Terraform:      "Add aws_s3_bucket_logging for the bucket.",
	},
	Doc: `Cluster log bucket has no server access logging

Without access logs, reads of cluster logs (which may hold credentials passed
as step arguments) leave no trace.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) {
			u := c.LogURI
			switch {
			case u.IsUnknown():
				p.Unknownf(c.Ref, u.At, "log URI is unknown: %s", u.Why)
				return
			case u.IsAbsent():
				p.NAf(c.Ref, c.Ref.Loc, "cluster writes no logs to S3 (EMR704 reports it)")
				return
			}
			name, ok := logBucket(u.Val)
			if !ok {
				p.Unknownf(c.Ref, u.At, "log URI %q is not an s3:// URI", u.Val)
				return
			}
			b, ok := p.Evidence.Bucket(name, c.Ref.Loc)
			if !ok {
				p.Unknownf(c.Ref, u.At, "log bucket %q is not in the scanned inputs", name)
				return
			}
			switch l := b.AccessLogging; {
			case l.IsUnknown():
				p.Unknownf(c.Ref, l.At, "server access logging of log bucket %s is unknown: %s", name, l.Why)
			case l.Get(false):
				p.Passf(c.Ref, l.At, "log bucket %s has server access logging", name)
			default:
				p.Failf(c.Ref, l.At.Or(b.Ref.Loc), "log bucket %s (%s) has no server access logging", name, b.Ref.ID)
			}
		})
	},
}

// logBucket returns the bucket of an s3:// (or s3n://, s3a://) URI.
func logBucket(uri string) (string, bool) {
	for _, scheme := range []string{"s3://", "s3n://", "s3a://"} {
		if rest, ok := strings.CutPrefix(uri, scheme); ok {
			name, _, _ := strings.Cut(rest, "/")
			return name, name != ""
		}
	}
	return "", false
}

// EMR704 fails when the cluster writes no logs to S3.
var EMR704 = &control.Control{
	ID: "EMR704", Title: "Cluster writes no logs to S3", Severity: control.Low,
	BestPractice: "BP 3.7", Sources: iacLiveEvent, URL: "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-debugging.html",
	Remediation: control.Remediation{
		Text:           "Set a log URI so that step, application and node logs outlive the cluster.",
		CLI:            "aws emr create-cluster ... --log-uri s3://LOGBUCKET/emr/",
		CloudFormation: "Set `LogUri` on AWS::EMR::Cluster.",
		Terraform:      "Set `log_uri` on aws_emr_cluster.",
	},
	Doc: `Cluster writes no logs to S3

Without LogUri, logs live only on the nodes and vanish when the cluster
terminates, together with the evidence an investigation needs.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) {
			switch u := c.LogURI; {
			case u.IsUnknown():
				p.Unknownf(c.Ref, u.At, "log URI is unknown: %s", u.Why)
			case u.IsAbsent():
				p.Failf(c.Ref, c.Ref.Loc, "cluster sets no LogUri, so its logs vanish with it")
			default:
				p.Passf(c.Ref, u.At, "logs go to %s", u.Val)
			}
		})
	},
}

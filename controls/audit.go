package controls

import (
	"fmt"
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
cluster, or changed its security configuration. A region passes when one
trail visible from it covers it (multi-region, or homed there), is logging
and records management write events; it is unknown when not every trail
could be read or when the trails that could settle it are not fully known.`,
	Run: func(p *control.Pass) {
		for _, ar := range p.Evidence.AccountRegions {
			judgeTrails(p, ar)
		}
	},
}

// judgeTrails judges EMR701 for one account and region.
func judgeTrails(p *control.Pass, ar *model.AccountRegion) {
	region := ar.Ref.Region
	var notes, unknown []string
	for _, t := range p.Evidence.Trails {
		if t.Ref.Account != ar.Ref.Account || t.Ref.Region != region {
			continue
		}
		ok, why := recordsRegion(t, region)
		switch {
		case ok:
			p.Passf(ar.Ref, t.Ref.Loc, "trail %s covers %s, is logging and records management write events", trailName(t), region)
			return
		case why != "":
			unknown = append(unknown, why)
		}
		if note := trailFault(t, region); note != "" {
			notes = append(notes, note)
		}
	}
	switch c := ar.TrailsComplete; {
	case c.IsUnknown():
		p.Unknownf(ar.Ref, c.At, "not every trail of %s could be read: %s", region, c.Why)
	case !c.Get(false):
		p.Unknownf(ar.Ref, c.At, "whether every trail of %s was read is not known", region)
	case len(unknown) > 0:
		p.Unknownf(ar.Ref, ar.Ref.Loc, "no trail is known to record management write events in %s: %s", region, strings.Join(unknown, "; "))
	case len(notes) == 0:
		p.Failf(ar.Ref, ar.Ref.Loc, "no CloudTrail trail is visible from %s", region)
	default:
		p.Failf(ar.Ref, ar.Ref.Loc, "no trail covers %s, is logging and records management write events: %s", region, strings.Join(notes, "; "))
	}
}

// recordsRegion reports whether t records management write events of
// region; when that is not known, why says which part is missing.
func recordsRegion(t *model.Trail, region string) (ok bool, why string) {
	if trailFault(t, region) != "" {
		return false, ""
	}
	name := trailName(t)
	switch m, h := t.MultiRegion, t.HomeRegion; {
	case m.Get(false), h.Get("") == region:
	case m.IsUnknown():
		return false, fmt.Sprintf("whether trail %s is multi-region is unknown: %s", name, m.Why)
	default:
		return false, fmt.Sprintf("the home region of trail %s is unknown: %s", name, firstWhy(h.Why, "not read"))
	}
	for _, f := range []struct {
		v    model.Field[bool]
		what string
	}{{t.Logging, "whether trail %s is logging"}, {t.ManagementWrites, "whether trail %s records management write events"}} {
		if !f.v.IsSet() {
			return false, fmt.Sprintf(f.what+" is unknown: %s", name, firstWhy(f.v.Why, "not read"))
		}
	}
	return true, ""
}

// trailFault says what known fact keeps t from recording region's
// management write events, or "".
func trailFault(t *model.Trail, region string) string {
	name := trailName(t)
	h := t.HomeRegion
	switch {
	case t.MultiRegion.IsSet() && !t.MultiRegion.Val && h.IsSet() && h.Val != region:
		return fmt.Sprintf("trail %s covers only %s", name, h.Val)
	case t.Logging.IsSet() && !t.Logging.Val:
		return fmt.Sprintf("trail %s is not logging", name)
	case t.ManagementWrites.IsSet() && !t.ManagementWrites.Val:
		return fmt.Sprintf("trail %s records no management write events", name)
	}
	return ""
}

func trailName(t *model.Trail) string { return firstWhy(t.Name.Get(""), t.Ref.ID) }

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

A stopped trail or one that cannot write its bucket records nothing. A
multi-region trail is seen from every region; it is judged once, as seen
from its home region.`,
	Run: func(p *control.Pass) {
		for _, t := range distinctTrails(p.Evidence.Trails) {
			name := trailName(t)
			var faults, unknown []string
			switch l := t.Logging; {
			case l.IsSet() && !l.Val:
				faults = append(faults, "is not logging")
			case !l.IsSet():
				unknown = append(unknown, "whether it is logging is unknown: "+firstWhy(l.Why, "status not read"))
			}
			switch e := t.LatestDeliveryError; {
			case e.IsSet() && e.Val != "":
				faults = append(faults, "reports the delivery error "+quote(e.Val))
			case e.IsUnknown():
				unknown = append(unknown, "its latest delivery error is unknown: "+e.Why)
			}
			at := t.Logging.At.Or(t.Ref.Loc)
			switch {
			case len(faults) > 0:
				p.Failf(t.Ref, at, "trail %s %s", name, strings.Join(faults, " and "))
			case len(unknown) > 0:
				p.Unknownf(t.Ref, at, "trail %s: %s", name, strings.Join(unknown, "; "))
			default:
				p.Passf(t.Ref, at, "trail %s is logging and reports no delivery error", name)
			}
		}
	},
}

// distinctTrails returns each trail once: a trail seen from several
// regions (multi-region, organization) by the copy seen from its home
// region, else the first.
func distinctTrails(ts []*model.Trail) []*model.Trail {
	var out []*model.Trail
	at := map[string]int{}
	for _, t := range ts {
		key := t.ARN.Get("")
		if key == "" {
			key = t.Ref.Account + "/" + t.Ref.Region + "/" + trailName(t)
		}
		i, seen := at[key]
		switch {
		case !seen:
			at[key] = len(out)
			out = append(out, t)
		case t.HomeRegion.IsSet() && t.Ref.Region == t.HomeRegion.Val:
			out[i] = t
		}
	}
	return out
}

// EMR703 fails when the log bucket has no server access logging.
var EMR703 = &control.Control{
	ID: "EMR703", Title: "Cluster log bucket has no server access logging", Severity: control.Low,
	BestPractice: "BP 3.7", Sources: control.IaC | control.Live, URL: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
	Remediation: control.Remediation{
		Text:           "Enable server access logging on the bucket that receives cluster logs (`emrguard harden environment` builds such a bucket).",
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
			var name string
			switch ok := false; {
			case u.IsUnknown():
				// s3://my-logs/${AWS::StackName}/ names its bucket all the same.
				if name, ok = partialBucket(u); !ok {
					p.Unknownf(c.Ref, u.At, "log URI is unknown: %s", u.Why)
					return
				}
			case u.IsAbsent():
				p.NAf(c.Ref, c.Ref.Loc, "cluster writes no logs to S3 (EMR704 reports it)")
				return
			default:
				if name, ok = logBucket(u.Val); !ok {
					p.Unknownf(c.Ref, u.At, "log URI %q is not an s3:// URI", u.Val)
					return
				}
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
			u := c.LogURI
			uri, set := nonEmpty(u)
			switch {
			case set:
				p.Passf(c.Ref, u.At, "logs go to %s", uri)
			case u.IsUnknown():
				p.Unknownf(c.Ref, u.At, "log URI is unknown: %s", u.Why)
			default:
				p.Failf(c.Ref, c.Ref.Loc, "cluster sets no LogUri, so its logs vanish with it")
			}
		})
	},
}

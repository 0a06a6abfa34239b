package controls

import (
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
)

var remIMDS = control.Remediation{
	Text:           "Add `InstanceMetadataServiceConfiguration` with `MinimumInstanceMetadataServiceVersion: 2` and `HttpPutResponseHopLimit: 1` to the security configuration (release 5.23.1, 5.27.1, 5.32.0, 6.2.0 or later); `emrguard harden secconf` sets both, and `emrguard harden fix` adds or corrects them in your files.",
	CLI:            `"InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2, "HttpPutResponseHopLimit": 1}`,
	CloudFormation: "Add `InstanceMetadataServiceConfiguration` at the top level of the AWS::EMR::SecurityConfiguration document.",
	Terraform:      "Add `InstanceMetadataServiceConfiguration` at the top level of the `configuration` JSON.",
}

// EMR401 fails when IMDSv1 stays allowed.
var EMR401 = &control.Control{
	ID: "EMR401", Title: "IMDSv1 stays allowed on cluster instances", Severity: control.Medium,
	BestPractice: "BP 3.4", Sources: iacLiveEvent, URL: urlSecConf, Remediation: remIMDS,
	Doc: `IMDSv1 stays allowed on cluster instances

IMDSv1 answers plain GET requests, so a server-side request forgery in any
application on a node can read the instance profile's credentials. IMDSv2
requires a session token obtained with a PUT.`,
	Run: func(p *control.Pass) {
		withConfiguration(p,
			func(s subject) {
				p.Failf(s.ref, s.link.At, "cluster has no security configuration, so instances allow IMDSv1")
			},
			func(s subject, sc *model.SecurityConfiguration) {
				switch f := sc.IMDSMinVersion; {
				case f.IsUnknown():
					p.Unknownf(s.ref, f.At, "minimum IMDS version is unknown: %s", f.Why)
				case f.IsAbsent():
					p.Failf(s.ref, sc.IMDS.At.Or(sc.Ref.Loc), "%s does not set MinimumInstanceMetadataServiceVersion, so instances allow IMDSv1", name(sc))
				case f.Val < 2:
					p.Failf(s.ref, f.At, "%s sets MinimumInstanceMetadataServiceVersion to %d, allowing IMDSv1", name(sc), f.Val)
				default:
					p.Passf(s.ref, f.At, "instances require IMDSv2")
				}
			})
	},
}

// EMR402 fails when the release predates EMR's own use of IMDSv2.
var EMR402 = &control.Control{
	ID: "EMR402", Title: "Release predates EMR's use of IMDSv2", Severity: control.Medium,
	BestPractice: "BP 3.4", Sources: iacLiveEvent, URL: urlSecConf,
	Remediation: control.Remediation{
		Text:           "Move to a release whose components use IMDSv2 (5.32.0+, 6.2.0+, any 7.x), then require IMDSv2 (EMR401).",
		CLI:            "aws emr create-cluster ... --release-label emr-7.14.0",
		CloudFormation: "Set `ReleaseLabel: emr-7.14.0` on AWS::EMR::Cluster.",
		Terraform:      "Set `release_label = \"emr-7.14.0\"` on aws_emr_cluster.",
	},
	Doc: `Release predates EMR's use of IMDSv2

On releases before 5.32.0 (except 5.23.1 and 5.27.1) and 6.2.0, and on all 4.x
releases, EMR's own components call IMDSv1: IMDSv2 cannot be required without
breaking cluster start-up, so EMR401 cannot be fixed there.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) {
			l, ok := releaseOf(p, c)
			if !ok {
				return
			}
			if imdsv2Capable(l) {
				p.Passf(c.Ref, c.ReleaseLabel.At, "%s uses IMDSv2", l.Raw)
				return
			}
			p.Failf(c.Ref, c.ReleaseLabel.At, "%s predates EMR's use of IMDSv2 (5.32.0, 6.2.0; also 5.23.1 and 5.27.1), so IMDSv1 must stay allowed", l.Raw)
		})
	},
}

// imdsv2Capable reports whether EMR's components on release l use IMDSv2
// (facts §1.2).
func imdsv2Capable(l release.Label) bool {
	switch l.Series {
	case "4":
		return false
	case "5":
		minor, patch := at(l.Nums, 1), at(l.Nums, 2)
		return minor >= 32 || (minor == 23 && patch >= 1) || (minor == 27 && patch >= 1)
	case "6":
		return !l.Less("emr-6.2.0")
	}
	return true // 7.x and the Spark runtime series
}

func at(n []int, i int) int {
	if i < len(n) {
		return n[i]
	}
	return 0
}

// releaseOf parses the cluster's release label, reporting Unknown or Fail
// itself when it cannot (a 2.x/3.x AMI-version cluster fails).
func releaseOf(p *control.Pass, c *model.Cluster) (release.Label, bool) {
	f := c.ReleaseLabel
	switch {
	case f.IsUnknown():
		p.Unknownf(c.Ref, f.At, "release label is unknown: %s", f.Why)
		return release.Label{}, false
	case f.IsAbsent() && c.AMIVersion.IsSet():
		p.Failf(c.Ref, c.AMIVersion.At, "cluster uses AMI version %s (EMR 2.x/3.x), long out of support", c.AMIVersion.Val)
		return release.Label{}, false
	case f.IsAbsent():
		p.Unknownf(c.Ref, c.Ref.Loc, "cluster names no release label")
		return release.Label{}, false
	}
	l, err := release.Parse(f.Val)
	if err != nil {
		p.Unknownf(c.Ref, f.At, "cannot read the release: %v", err)
		return release.Label{}, false
	}
	return l, true
}

// EMR403 fails when the IMDS hop limit is above 1.
var EMR403 = &control.Control{
	ID: "EMR403", Title: "IMDS hop limit lets containers reach instance credentials", Severity: control.Low,
	BestPractice: "BP 3.4", Sources: iacLiveEvent, URL: urlSecConf, Remediation: remIMDS,
	Doc: `IMDS hop limit lets containers reach instance credentials

With a PUT response hop limit above 1, IMDSv2 tokens reach processes in
containers on the node (YARN Docker containers, notebooks), which can then use
the instance profile's credentials.`,
	Run: func(p *control.Pass) {
		// Without an InstanceMetadataServiceConfiguration EMR leaves the
		// hop limit to the instances' defaults (1 on most AMIs, 2 on
		// AL2023-based ones), which no input shows: unknown, not pass.
		const instanceDefault = "the hop limit is the instances' default (1 on most AMIs, 2 on AL2023-based ones), which the inputs do not show"
		withConfiguration(p,
			func(s subject) {
				p.Unknownf(s.ref, s.link.At, "cluster has no security configuration, so %s", instanceDefault)
			},
			func(s subject, sc *model.SecurityConfiguration) {
				switch f := sc.IMDSHopLimit; {
				case f.IsUnknown():
					p.Unknownf(s.ref, f.At, "IMDS hop limit is unknown: %s", f.Why)
				case sc.IMDS.IsUnknown():
					p.Unknownf(s.ref, sc.IMDS.At, "IMDS settings are unknown: %s", sc.IMDS.Why)
				case sc.IMDS.IsAbsent():
					p.Unknownf(s.ref, sc.Ref.Loc, "%s has no InstanceMetadataServiceConfiguration, so %s", name(sc), instanceDefault)
				case f.IsAbsent():
					p.Passf(s.ref, sc.IMDS.At, "%s does not set HttpPutResponseHopLimit: EMR's documented default is 1", name(sc))
				case f.Val > 1:
					p.Failf(s.ref, f.At, "%s sets HttpPutResponseHopLimit to %d; containers can reach instance credentials", name(sc), f.Val)
				default:
					p.Passf(s.ref, f.At, "IMDS hop limit is %d", f.Val)
				}
			})
	},
}

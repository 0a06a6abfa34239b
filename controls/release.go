package controls

import (
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
)

const urlSupport = "https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-standard-support.html"

// remNewest is EMR801's: a move within the series, which is mechanical.
var remNewest = func() control.Remediation {
	r := remRelease
	r.Text = "Move to the newest release of the series (`emrguard harden fix` edits a literal release label to it)."
	return r
}()

var remRelease = control.Remediation{
	Text:           "Move to the newest release of a series that still receives fixes (see `emrguard rules --explain EMR802` for the table's date).",
	CLI:            "aws emr list-release-labels --filters Prefix=emr-7\naws emr create-cluster ... --release-label emr-7.14.0",
	CloudFormation: "Set `ReleaseLabel` on AWS::EMR::Cluster to the newest release.",
	Terraform:      "Set `release_label` on aws_emr_cluster to the newest release.",
}

// withSeries runs judge on each cluster whose release and series are
// known, reporting Unknown (or, for AMI-version clusters, Fail) itself for
// the others.
func withSeries(p *control.Pass, judge func(c *model.Cluster, l release.Label, s release.Series, t *release.Table)) {
	t := p.Config.Releases
	if t == nil {
		t = release.Default()
	}
	clusters(p, func(c *model.Cluster) {
		l, ok := releaseOf(p, c)
		if !ok {
			return
		}
		s, ok := t.Lookup(l)
		if !ok {
			p.Unknownf(c.Ref, c.ReleaseLabel.At, "the release table (as of %s) does not know the %s series of %s", t.AsOf, l.Series, l.Raw)
			return
		}
		judge(c, l, s, t)
	})
}

// EMR801 fails when the release is not the newest of its series.
var EMR801 = &control.Control{
	ID: "EMR801", Title: "Release is not the newest in its series", Severity: control.Low,
	BestPractice: "BP 3.8", Sources: iacLiveEvent, URL: "https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-release-components.html",
	Remediation: remNewest,
	Doc: `Release is not the newest in its series

Each release fixes vulnerabilities in the OS image and the applications;
staying behind the newest release of a series keeps known issues open.`,
	Run: func(p *control.Pass) {
		withSeries(p, func(c *model.Cluster, l release.Label, s release.Series, t *release.Table) {
			newest, _ := release.Parse(s.Newest)
			if release.Compare(l, newest) < 0 {
				p.Failf(c.Ref, c.ReleaseLabel.At, "%s is not the newest release of its series: %s is (release table as of %s)", l.Raw, s.Newest, t.AsOf)
				return
			}
			p.Passf(c.Ref, c.ReleaseLabel.At, "%s is the newest release of its series (release table as of %s)", l.Raw, t.AsOf)
		})
	},
}

// EMR802 fails when the release no longer receives fixes.
var EMR802 = &control.Control{
	ID: "EMR802", Title: "Release no longer receives fixes", Severity: control.Medium,
	BestPractice: "BP 3.8", Sources: iacLiveEvent, URL: urlSupport,
	Remediation: remRelease,
	Doc: `Release no longer receives fixes

Releases out of standard support get no security fixes for their OS image or
applications. The verdict follows emrguard's dated release table (replace it
with --releases FILE).`,
	Run: func(p *control.Pass) {
		withSeries(p, func(c *model.Cluster, l release.Label, s release.Series, t *release.Table) {
			switch {
			case !s.ReceivesFixes:
				p.Failf(c.Ref, c.ReleaseLabel.At, "the %s series of %s no longer receives fixes (release table as of %s)", l.Series, l.Raw, t.AsOf)
			case l.Less(s.OldestSupported):
				p.Failf(c.Ref, c.ReleaseLabel.At, "%s is older than %s, the oldest release of its series still receiving fixes (release table as of %s)", l.Raw, s.OldestSupported, t.AsOf)
			default:
				p.Passf(c.Ref, c.ReleaseLabel.At, "%s still receives fixes (release table as of %s)", l.Raw, t.AsOf)
			}
		})
	},
}

// EMR803 fails when a custom AMI is old.
var EMR803 = &control.Control{
	ID: "EMR803", Title: "Custom AMI is older than the age limit", Severity: control.Low,
	BestPractice: "BP 3.8", Sources: control.Live, URL: "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-custom-ami.html",
	Remediation: control.Remediation{
		Text:           "Rebuild the custom AMI from the newest Amazon Linux base with current patches at least every 90 days.",
		CLI:            "aws ec2 describe-images --image-ids ami-... --query 'Images[0].CreationDate'",
		CloudFormation: "Set `CustomAmiId` to a freshly built AMI.",
		Terraform:      "Set `custom_ami_id` to a freshly built AMI.",
	},
	Doc: `Custom AMI is older than the age limit

A custom AMI freezes the OS packages of its build day; after 90 days it misses
months of security fixes. The age is the image's CreationDate measured to
when the evidence was gathered, so a snapshot gives the same verdict
whenever it is replayed; the limit is ami-age-limit-days in .emrguard.yaml.`,
	Run: func(p *control.Pass) {
		limit := p.Config.AMIAgeLimit()
		clusters(p, func(c *model.Cluster) {
			f := c.CustomAMI
			switch {
			case f.IsUnknown():
				p.Unknownf(c.Ref, f.At, "the custom AMI is unknown: %s", f.Why)
				return
			case f.IsAbsent():
				p.NAf(c.Ref, c.Ref.Loc, "cluster uses EMR's default AMI")
				return
			}
			img := ami(p.Evidence, f.Val, c.Ref)
			switch {
			case img == nil:
				p.Unknownf(c.Ref, f.At, "custom AMI %s is not in the scanned evidence, so its age is unknown", f.Val)
				return
			case img.Created.IsUnknown():
				p.Unknownf(c.Ref, f.At, "creation date of custom AMI %s is unknown: %s", f.Val, img.Created.Why)
				return
			case img.Created.IsAbsent() || img.AsOf.IsZero():
				p.Unknownf(c.Ref, f.At, "custom AMI %s has no known creation date or evidence time", f.Val)
				return
			}
			days := int(img.AsOf.Sub(img.Created.Val).Hours() / 24)
			created := img.Created.Val.UTC().Format("2006-01-02")
			if img.AsOf.Sub(img.Created.Val) > time.Duration(limit)*24*time.Hour {
				p.Failf(c.Ref, f.At, "custom AMI %s was created on %s, %d days before %s: over the %d-day limit", f.Val, created, days, img.AsOf.UTC().Format("2006-01-02"), limit)
				return
			}
			p.Passf(c.Ref, f.At, "custom AMI %s was created on %s, %d days before %s (limit %d days)", f.Val, created, days, img.AsOf.UTC().Format("2006-01-02"), limit)
		})
	},
}

package controls

import (
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
)

// EKS301 fails when a custom image is built on an outdated release.
var EKS301 = &control.Control{
	Run: runEKS301,
	ID:  "EKS301", Title: "Custom image's EMR base release is not the newest in its series", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Rebuild custom images on the newest EMR on EKS base image of the series and use the matching release label.",
		CLI:            "aws emr-containers start-job-run ... --release-label emr-7.14.0-latest",
		CloudFormation: "Set `ReleaseLabel` on AWS::EMRContainers::Endpoint to the newest release.",
		Terraform:      "Set the newest release label on the job template or endpoint.",
	},
	Doc: `Custom image's EMR base release is not the newest in its series

A custom image freezes the base image's packages; older bases miss security
fixes of newer ones.

Judged: job runs and managed endpoints that set a custom image
(spark.kubernetes.container.image), by their release label (the base the
image must be built on), and Dockerfiles whose FROM names an EMR on EKS or
EMR Serverless base image (…/spark/emr-7.1.0, …/notebook-spark/…,
…/notebook-python/…, public.ecr.aws/emr-on-eks/…, …/emr-serverless/spark/…),
by the release in the image path. The registry account is not checked: any
ECR repository of that name and form is taken for the base. Other FROM
images are n/a; a FROM whose build argument has no value is unknown.`,
}

// runEKS301 judges the EMR base release of custom images: job runs and
// managed endpoints that set one (their release label names the base the
// image must be built on), and the EMR base images build files start from.
func runEKS301(p *control.Pass) {
	t := p.Config.Releases
	if t == nil {
		t = release.Default()
	}
	custom := func(ref model.Ref, image, label model.Field[string], what string) {
		switch {
		case image.IsUnknown():
			p.Unknownf(ref, image.At.Or(ref.Loc), "whether %s %s uses a custom image is unknown: %s", what, ref.ID, image.Why)
			return
		case !image.IsSet():
			p.NAf(ref, ref.Loc, "%s %s uses EMR's own image", what, ref.ID)
			return
		}
		judgeBase(p, t, ref, label, what+" "+ref.ID+" runs custom image "+image.Val+" on")
	}
	for _, j := range p.Evidence.JobRuns {
		custom(j.Ref, j.Image, j.ReleaseLabel, "job run")
	}
	for _, me := range p.Evidence.ManagedEndpoints {
		custom(me.Ref, me.Image, me.ReleaseLabel, "managed endpoint")
	}
	for _, img := range p.Evidence.ContainerImages {
		switch b := img.Base; {
		case b.IsUnknown():
			p.Unknownf(img.Ref, b.At.Or(img.Ref.Loc), "the base image is unknown: %s", b.Why)
		case img.ReleaseLabel.IsAbsent():
			p.NAf(img.Ref, b.At.Or(img.Ref.Loc), "base image %s is not an EMR on EKS or EMR Serverless base image", b.Get(""))
		default:
			judgeBase(p, t, img.Ref, img.ReleaseLabel, "base image "+b.Val+" is EMR release")
		}
	}
}

// judgeBase compares an EMR base release with the newest of its series;
// what introduces the release in messages.
func judgeBase(p *control.Pass, t *release.Table, ref model.Ref, label model.Field[string], what string) {
	at := label.At.Or(ref.Loc)
	switch {
	case label.IsUnknown():
		p.Unknownf(ref, at, "%s a release that is unknown: %s", what, label.Why)
		return
	case !label.IsSet():
		p.Unknownf(ref, at, "%s a release the evidence does not show", what)
		return
	}
	l, err := release.Parse(label.Val)
	if err != nil {
		p.Unknownf(ref, at, "%s %s, which cannot be read: %v", what, label.Val, err)
		return
	}
	s, ok := t.Lookup(l)
	if !ok {
		p.Unknownf(ref, at, "%s %s; the release table (as of %s) does not know its %s series", what, l.Raw, t.AsOf, l.Series)
		return
	}
	newest, _ := release.Parse(s.Newest)
	if release.Compare(l, newest) < 0 {
		p.Failf(ref, at, "%s %s, not the newest base of its series: rebuild on %s (release table as of %s)", what, l.Raw, s.Newest, t.AsOf)
		return
	}
	p.Passf(ref, at, "%s %s, the newest base of its series (release table as of %s)", what, l.Raw, t.AsOf)
}

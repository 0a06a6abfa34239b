package controls

import (
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/model"
)

// The live controls judged on evidence built in Go: each case names the
// verdict, and a part of the message, expected on each resource.

const acct, region = "111122223333", "eu-west-1"

func liveRef(kind, id string) model.Ref {
	return model.Ref{Kind: kind, ID: id, Account: acct, Region: region, Origin: model.FromLive}
}

func liveCluster(id string, edit func(c *model.Cluster)) *model.Cluster {
	c := &model.Cluster{Ref: liveRef("aws:emr:cluster", id), State: model.Known("WAITING", model.Loc{})}
	if edit != nil {
		edit(c)
	}
	return c
}

func set[T any](v T) model.Field[T]            { return model.Known(v, model.Loc{}) }
func unknown[T any](why string) model.Field[T] { return model.Unresolved[T](why, model.Loc{}) }

// expect is the verdict expected on a resource, and a part of its message.
type expect struct{ id, verdict, msg string }

// check evaluates c alone over ev as a live scan and compares its results
// with wants, one for one.
func check(t *testing.T, c *control.Control, ev *model.Evidence, cfg control.Config, wants ...expect) {
	t.Helper()
	got := engine.Evaluate([]*control.Control{c}, ev, control.Live, cfg)
	left := append([]control.Result(nil), got...)
next:
	for _, w := range wants {
		for i, r := range left {
			if r.Resource.ID == w.id && r.Verdict.String() == w.verdict && strings.Contains(r.Message, w.msg) {
				left = append(left[:i], left[i+1:]...)
				continue next
			}
		}
		t.Errorf("%s: missing %s %s %q", c.ID, w.id, w.verdict, w.msg)
	}
	for _, r := range left {
		t.Errorf("%s: unexpected %s %s %q", c.ID, r.Resource.ID, r.Verdict, r.Message)
	}
}

// Ensure EMR302 fails on a primary node with a public IP or public DNS
// name from ListInstances, passes on private ones, and never passes when
// the instances are unknown, unlisted or none.
func TestEMR302(t *testing.T) {
	nodes := func(ns ...model.Node) func(*model.Cluster) {
		return func(c *model.Cluster) { c.PrimaryNodes = set(ns) }
	}
	ev := &model.Evidence{Clusters: []*model.Cluster{
		liveCluster("j-ip", nodes(model.Node{InstanceID: "i-1", PublicIP: "203.0.113.7"})),
		liveCluster("j-dns", nodes(model.Node{InstanceID: "i-2", PublicDNS: "ec2-203-0-113-8.eu-west-1.compute.amazonaws.com"})),
		liveCluster("j-private", nodes(model.Node{InstanceID: "i-3"})),
		liveCluster("j-denied", func(c *model.Cluster) { c.PrimaryNodes = unknown[[]model.Node]("AccessDenied on ListInstances") }),
		liveCluster("j-unlisted", nil),
		liveCluster("j-starting", nodes()),
		liveCluster("j-gone", func(c *model.Cluster) { c.State = set("TERMINATED") }),
	}}
	check(t, EMR302, ev, control.Config{},
		expect{"j-ip", "fail", "public IP 203.0.113.7"},
		expect{"j-dns", "fail", "public DNS name ec2-203"},
		expect{"j-private", "pass", "1 listed"},
		expect{"j-denied", "unknown", "AccessDenied on ListInstances"},
		expect{"j-unlisted", "unknown", "not listed"},
		expect{"j-starting", "unknown", "no primary node"},
		expect{"j-gone", "n/a", "TERMINATED"},
	)
}

// Ensure EMR803 measures a custom AMI's age to the evidence's time, with
// the configured limit, and is n/a without a custom AMI.
func TestEMR803(t *testing.T) {
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	image := func(id string, created model.Field[time.Time]) *model.AMI {
		return &model.AMI{Ref: liveRef("aws:ec2:image", id), ImageID: set(id), Created: created, AsOf: asOf}
	}
	custom := func(id string) func(*model.Cluster) { return func(c *model.Cluster) { c.CustomAMI = set(id) } }
	ev := &model.Evidence{
		Clusters: []*model.Cluster{
			liveCluster("j-old", custom("ami-old")),
			liveCluster("j-new", custom("ami-new")),
			liveCluster("j-default", nil),
			liveCluster("j-missing", custom("ami-missing")),
			liveCluster("j-undated", custom("ami-undated")),
		},
		AMIs: []*model.AMI{
			image("ami-old", set(asOf.AddDate(0, 0, -100))),
			image("ami-new", set(asOf.AddDate(0, 0, -89))),
			image("ami-undated", unknown[time.Time]("AccessDenied on DescribeImages")),
		},
	}
	check(t, EMR803, ev, control.Config{},
		expect{"j-old", "fail", "100 days before 2026-12-01: over the 90-day limit"},
		expect{"j-new", "pass", "89 days"},
		expect{"j-default", "n/a", "default AMI"},
		expect{"j-missing", "unknown", "not in the scanned evidence"},
		expect{"j-undated", "unknown", "AccessDenied on DescribeImages"},
	)
	check(t, EMR803, &model.Evidence{Clusters: ev.Clusters[:2], AMIs: ev.AMIs}, control.Config{AMIAgeLimitDays: 120},
		expect{"j-old", "pass", "limit 120 days"},
		expect{"j-new", "pass", "limit 120 days"},
	)
}

func trail(name string, edit func(t *model.Trail)) *model.Trail {
	t := &model.Trail{Ref: liveRef("aws:cloudtrail:trail", name), Name: set(name),
		ARN: set("arn:aws:cloudtrail:" + region + ":" + acct + ":trail/" + name), HomeRegion: set(region),
		MultiRegion: set(true), Logging: set(true), ManagementWrites: set(true)}
	if edit != nil {
		edit(t)
	}
	return t
}

func regionOf(r string, complete model.Field[bool]) *model.AccountRegion {
	return &model.AccountRegion{Ref: model.Ref{Kind: "aws:region", ID: acct + "/" + r, Account: acct, Region: r, Origin: model.FromLive}, TrailsComplete: complete}
}

// Ensure EMR701 passes a region one good trail covers, fails one where
// every trail falls short, and is unknown when the trails were not all
// read or the one that might settle it is not fully known.
func TestEMR701(t *testing.T) {
	inRegion := func(tr *model.Trail, r string) *model.Trail { tr.Ref.Region, tr.Ref.ID = r, r+"/"+tr.Ref.ID; return tr }
	ev := &model.Evidence{
		AccountRegions: []*model.AccountRegion{
			regionOf("eu-west-1", set(true)), regionOf("us-east-1", set(true)), regionOf("eu-central-1", set(true)),
			regionOf("ap-south-1", unknown[bool]("AccessDenied on DescribeTrails")), regionOf("sa-east-1", set(true)),
		},
		Trails: []*model.Trail{
			// eu-west-1: one stopped trail, one good one.
			trail("stopped", func(t *model.Trail) { t.Logging = set(false) }),
			trail("org", nil),
			// us-east-1: a single-region trail of another region, one
			// without management writes.
			inRegion(trail("single", func(t *model.Trail) { t.MultiRegion = set(false) }), "us-east-1"),
			inRegion(trail("data-only", func(t *model.Trail) { t.ManagementWrites = set(false) }), "us-east-1"),
			// eu-central-1: the only candidate's status is unknown.
			inRegion(trail("denied", func(t *model.Trail) { t.Logging = unknown[bool]("AccessDenied on GetTrailStatus") }), "eu-central-1"),
		},
	}
	check(t, EMR701, ev, control.Config{},
		expect{acct + "/eu-west-1", "pass", "trail org covers eu-west-1"},
		expect{acct + "/us-east-1", "fail", "trail single covers only eu-west-1; trail data-only records no management write events"},
		expect{acct + "/eu-central-1", "unknown", "AccessDenied on GetTrailStatus"},
		expect{acct + "/ap-south-1", "unknown", "AccessDenied on DescribeTrails"},
		expect{acct + "/sa-east-1", "fail", "no CloudTrail trail is visible from sa-east-1"},
	)
}

// Ensure EMR702 judges each trail once, from its home region, and fails
// a stopped trail or one with a delivery error.
func TestEMR702(t *testing.T) {
	elsewhere := trail("org", nil)
	elsewhere.Ref.Region = "us-east-1"
	elsewhere.Logging = unknown[bool]("AccessDenied on GetTrailStatus")
	ev := &model.Evidence{Trails: []*model.Trail{
		elsewhere,
		trail("org", nil),
		trail("stopped", func(t *model.Trail) { t.Logging = set(false) }),
		trail("undelivered", func(t *model.Trail) { t.LatestDeliveryError = set("AccessDenied") }),
		trail("unread", func(t *model.Trail) { t.Logging = model.Field[bool]{} }),
	}}
	check(t, EMR702, ev, control.Config{},
		expect{"org", "pass", "is logging"},
		expect{"stopped", "fail", "is not logging"},
		expect{"undelivered", "fail", `delivery error "AccessDenied"`},
		expect{"unread", "unknown", "status not read"},
	)
}

func key(id string, edit func(k *model.KMSKey)) *model.KMSKey {
	k := &model.KMSKey{Ref: liveRef("aws:kms:key", id), KeyID: set(id), ARN: set("arn:aws:kms:" + region + ":" + acct + ":key/" + id),
		Enabled: set(true), State: set("Enabled"), Manager: set("CUSTOMER"), RotationEnabled: set(true)}
	if edit != nil {
		edit(k)
	}
	return k
}

func liveSC(name string, s3Key, diskKey string) *model.SecurityConfiguration {
	sc := &model.SecurityConfiguration{Ref: liveRef("aws:emr:security-configuration", name), Name: set(name), AtRest: set(true),
		S3Mode: set("SSE-KMS"), S3KMSKey: set(s3Key)}
	if diskKey != "" {
		sc.LocalDisk, sc.LocalDiskProvider, sc.LocalDiskKMSKey = set(true), set("AwsKms"), set(diskKey)
	}
	return sc
}

// Ensure EMR110 follows the configuration's S3 and local disk keys (by
// ARN, ID or alias), fails rotation off and, saying it is high, a disabled
// key or one pending deletion, and never passes on a key it cannot see.
func TestEMR110(t *testing.T) {
	uses := func(sc string) func(*model.Cluster) {
		return func(c *model.Cluster) { c.SecurityConfiguration = set(sc) }
	}
	arn := "arn:aws:kms:" + region + ":" + acct + ":key/"
	sse := liveSC("sse-s3", "", "")
	sse.S3Mode, sse.S3KMSKey = set("SSE-S3"), model.Field[string]{}
	off := liveSC("off", "k-good", "")
	off.AtRest = set(false)
	ev := &model.Evidence{
		Clusters: []*model.Cluster{
			liveCluster("j-good", uses("good")), liveCluster("j-norotate", uses("norotate")),
			liveCluster("j-deleting", uses("deleting")), liveCluster("j-missing", uses("missing")),
			liveCluster("j-none", nil), liveCluster("j-sse", uses("sse-s3")), liveCluster("j-off", uses("off")),
		},
		SecurityConfigurations: []*model.SecurityConfiguration{
			liveSC("good", arn+"k-good", "alias/disk"),
			liveSC("norotate", "k-norotate", ""),
			liveSC("deleting", "k-good", "arn:aws:kms:"+region+":"+acct+":alias/gone"),
			liveSC("missing", "k-unseen", ""),
			sse, off,
		},
		KMSKeys: []*model.KMSKey{
			key("k-good", nil),
			key("k-disk", func(k *model.KMSKey) { k.Aliases = []string{"alias/disk"} }),
			key("k-norotate", func(k *model.KMSKey) { k.RotationEnabled = set(false) }),
			key("k-gone", func(k *model.KMSKey) {
				k.Aliases = []string{"alias/gone"}
				k.State = set("PendingDeletion")
				k.Enabled = set(false)
			}),
		},
	}
	check(t, EMR110, ev, control.Config{},
		expect{"j-good", "pass", "alias/disk"},
		expect{"j-norotate", "fail", "automatic rotation disabled"},
		expect{"j-deleting", "fail", "pending deletion (high"},
		expect{"j-missing", "unknown", "k-unseen is not in the scanned evidence"},
		expect{"j-none", "n/a", "no security configuration"},
		expect{"j-sse", "n/a", "uses no KMS key"},
		expect{"j-off", "n/a", "at-rest encryption is off"},
	)
	// A configuration from a file, scanned beside a snapshot, has no key
	// evidence: it is not judged.
	file := liveSC("from-file", "k-good", "")
	file.Ref.Origin = model.FromIaC
	check(t, EMR110, &model.Evidence{SecurityConfigurations: []*model.SecurityConfiguration{file}, KMSKeys: ev.KMSKeys}, control.Config{})
}

// Ensure EMR502 groups clusters by role and instance profile, fails
// differing use-case tags and untagged clusters over the limit, and reads
// the tag key and the limit from the configuration.
func TestEMR502(t *testing.T) {
	cl := func(id, role, profile string, tags map[string]string) *model.Cluster {
		return liveCluster(id, func(c *model.Cluster) {
			c.ServiceRole, c.InstanceProfile, c.Tags = set(role), set(profile), tags
		})
	}
	etl, adhoc := map[string]string{"use-case": "etl", "team": "a"}, map[string]string{"use-case": "adhoc", "team": "a"}
	ev := &model.Evidence{Clusters: []*model.Cluster{
		cl("j-1", "arn:aws:iam::"+acct+":role/shared-svc", "etl-ec2", etl),
		cl("j-2", "shared-svc", "adhoc-ec2", adhoc),
		cl("j-3", "plain-svc", "plain-ec2", nil),
		cl("j-4", "plain-svc", "plain-ec2", nil),
		cl("j-5", "plain-svc", "plain-ec2", nil),
		cl("j-6", "plain-svc", "plain-ec2", nil),
		liveCluster("j-7", func(c *model.Cluster) { c.ServiceRole = unknown[string]("AccessDenied on DescribeCluster") }),
	}}
	check(t, EMR502, ev, control.Config{},
		expect{"shared-svc", "fail", "2 use cases (use-case=adhoc: j-2; use-case=etl: j-1)"},
		expect{"etl-ec2", "pass", "1 cluster of one use case"},
		expect{"adhoc-ec2", "pass", "one use case"},
		expect{"plain-svc", "fail", "serves 4 clusters, 4 of them without the \"use-case\" tag, more than the limit of 3"},
		expect{"plain-ec2", "fail", "more than the limit of 3"},
		expect{"j-7", "unknown", "AccessDenied on DescribeCluster"},
	)
	check(t, EMR502, &model.Evidence{Clusters: ev.Clusters[:6]}, control.Config{UseCaseTagKey: "team", SharedRoleLimit: 4},
		expect{"shared-svc", "pass", "one use case (team=a)"},
		expect{"etl-ec2", "pass", "team=a"},
		expect{"adhoc-ec2", "pass", "team=a"},
		expect{"plain-svc", "pass", "within the limit of 4"},
		expect{"plain-ec2", "pass", "within the limit of 4"},
	)
}

func role(name string, complete model.Field[bool], policies ...string) *model.Role {
	r := &model.Role{Ref: liveRef("aws:iam:role", name), Name: set(name), ARN: set("arn:aws:iam::" + acct + ":role/" + name), PoliciesComplete: complete}
	for _, arn := range policies {
		r.Policies = append(r.Policies, &model.Policy{Ref: liveRef("aws:iam:policy", arn), ARN: set(arn)})
	}
	return r
}

// Ensure EMR601 fails an EMR role holding a v1 policy (by name, any
// partition, AWS's only), and is unknown when the role's policies are not
// all known.
func TestEMR601(t *testing.T) {
	withRoles := func(svc, profile string) func(*model.Cluster) {
		return func(c *model.Cluster) { c.ServiceRole, c.InstanceProfile = set(svc), set(profile) }
	}
	ev := &model.Evidence{
		Clusters: []*model.Cluster{
			liveCluster("j-1", withRoles("v1-svc", "ec2-profile")),
			liveCluster("j-2", withRoles("v2-svc", "lookalike-profile")),
			liveCluster("j-3", withRoles("partial-svc", "missing-profile")),
		},
		Roles: []*model.Role{
			role("v1-svc", set(true), "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole"),
			role("ec2-role", set(true), "arn:aws-cn:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role"),
			role("v2-svc", set(true), "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"),
			role("lookalike", set(true), "arn:aws:iam::"+acct+":policy/AmazonElasticMapReduceRole"),
			role("partial-svc", unknown[bool]("AccessDenied on ListAttachedRolePolicies")),
		},
		InstanceProfiles: []*model.InstanceProfile{
			{Ref: liveRef("aws:iam:instance-profile", "ec2-profile"), Name: set("ec2-profile"), Roles: []model.Field[string]{set("ec2-role")}},
			{Ref: liveRef("aws:iam:instance-profile", "lookalike-profile"), Name: set("lookalike-profile"), Roles: []model.Field[string]{set("lookalike")}},
		},
	}
	check(t, EMR601, ev, control.Config{},
		expect{"v1-svc", "fail", "AmazonElasticMapReduceRole"},
		expect{"ec2-role", "fail", "AmazonElasticMapReduceforEC2Role"},
		expect{"v2-svc", "pass", "no v1"},
		expect{"lookalike", "pass", "no v1"},
		expect{"partial-svc", "unknown", "AccessDenied on ListAttachedRolePolicies"},
		expect{"j-3", "unknown", `instance profile "missing-profile" is not in the scanned inputs`},
	)
}

// Ensure EMR603 fails users, groups and non-EMR roles holding the v1
// full-access policy, passes EMR roles and no holders, and is unknown on
// an incomplete listing or a role it cannot place.
func TestEMR603(t *testing.T) {
	const full = "arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess"
	holders := func(id string, complete model.Field[bool], users, groups, roles []string) *model.PolicyHolders {
		return &model.PolicyHolders{Ref: liveRef("aws:iam:policy", id), PolicyARN: set(full), Users: users, Groups: groups, Roles: roles, Complete: complete}
	}
	trusted := role("emr-trusted", set(true))
	trusted.Trust = &model.PolicyDocument{Statements: []model.Statement{{Effect: set("Allow"),
		Principals: map[string]model.Field[[]string]{"Service": set([]string{"elasticmapreduce.amazonaws.com"})}}}}
	app := role("app", set(true))
	app.Trust = &model.PolicyDocument{Statements: []model.Statement{{Effect: set("Allow"),
		Principals: map[string]model.Field[[]string]{"Service": set([]string{"lambda.amazonaws.com"})}}}}
	clusters := []*model.Cluster{liveCluster("j-1", func(c *model.Cluster) { c.ServiceRole = set("emr-svc") })}
	roles := []*model.Role{trusted, app}
	for _, tc := range []struct {
		h    *model.PolicyHolders
		want expect
	}{
		{holders("users", set(true), []string{"alice"}, []string{"ops"}, nil), expect{"users", "fail", "user alice, group ops"}},
		{holders("app", set(true), nil, nil, []string{"app", "emr-svc"}), expect{"app", "fail", "role app"}},
		{holders("emr", set(true), nil, nil, []string{"emr-svc", "emr-trusted"}), expect{"emr", "pass", "only to EMR roles"}},
		{holders("none", set(true), nil, nil, nil), expect{"none", "pass", "no principal"}},
		{holders("partial", unknown[bool]("AccessDenied on ListEntitiesForPolicy"), nil, nil, nil), expect{"partial", "unknown", "AccessDenied on ListEntitiesForPolicy"}},
		{holders("stranger", set(true), nil, nil, []string{"stranger"}), expect{"stranger", "unknown", "role stranger"}},
	} {
		ev := &model.Evidence{Clusters: clusters, Roles: roles, PolicyHolders: []*model.PolicyHolders{tc.h}}
		check(t, EMR603, ev, control.Config{}, tc.want)
	}
	other := holders("v2", set(true), []string{"alice"}, nil, nil)
	other.PolicyARN = set("arn:aws:iam::aws:policy/AmazonEMRFullAccessPolicy_v2")
	check(t, EMR603, &model.Evidence{PolicyHolders: []*model.PolicyHolders{other}}, control.Config{})
}

// Ensure EMR109 judges the leaf for self-signing and every certificate
// for expiry within 30 days of when it was read and for short RSA keys;
// that a live configuration without its material read is unknown, and a
// file's without a local zip is not judged.
func TestEMR109(t *testing.T) {
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ca := model.Certificate{File: "trustedCertificates.pem", Subject: "CN=ca", Issuer: "CN=ca", SelfSigned: true, NotAfter: asOf.AddDate(10, 0, 0), KeyAlgo: "RSA", KeyBits: 4096}
	leaf := model.Certificate{File: "certificateChain.pem", Subject: "CN=node", Issuer: "CN=ca", NotAfter: asOf.AddDate(1, 0, 0), KeyAlgo: "RSA", KeyBits: 2048}
	bundle := func(edit func(l *model.Certificate)) model.Field[*model.CertificateBundle] {
		l := leaf
		if edit != nil {
			edit(&l)
		}
		return set(&model.CertificateBundle{Source: "s3://certs/tls.zip", Certs: []model.Certificate{l, ca}, AsOf: asOf})
	}
	pem := func(name string, certs model.Field[*model.CertificateBundle]) *model.SecurityConfiguration {
		return &model.SecurityConfiguration{Ref: liveRef("aws:emr:security-configuration", name), Name: set(name), InTransit: set(true),
			TLSProvider: set("PEM"), TLSCertificates: set("s3://certs/tls.zip"), Certificates: certs}
	}
	emrProvider := pem("emr-provider", model.Field[*model.CertificateBundle]{})
	emrProvider.TLSProvider = set("EMR")
	fromFile := pem("from-file", model.Field[*model.CertificateBundle]{})
	fromFile.Ref.Origin = model.FromIaC
	ev := &model.Evidence{
		Clusters: []*model.Cluster{liveCluster("j-none", nil)},
		SecurityConfigurations: []*model.SecurityConfiguration{
			pem("good", bundle(nil)),
			pem("soon", bundle(func(l *model.Certificate) { l.NotAfter = asOf.AddDate(0, 0, 29) })),
			pem("self", bundle(func(l *model.Certificate) { l.SelfSigned, l.Issuer = true, l.Subject })),
			pem("short", bundle(func(l *model.Certificate) { l.KeyBits = 1024 })),
			pem("ec", bundle(func(l *model.Certificate) { l.KeyAlgo, l.KeyBits = "ECDSA", 256 })),
			pem("denied", unknown[*model.CertificateBundle]("AccessDenied on GetObject s3://certs/tls.zip")),
			pem("unread", model.Field[*model.CertificateBundle]{}),
			emrProvider, fromFile,
		},
	}
	check(t, EMR109, ev, control.Config{},
		expect{"good", "pass", "signed by CN=ca"},
		expect{"soon", "fail", "expires on 2026-12-30, within 30 days"},
		expect{"self", "fail", "node certificate CN=node is self-signed"},
		expect{"short", "fail", "1024-bit RSA key"},
		expect{"ec", "pass", "2 certificates"},
		expect{"denied", "unknown", "AccessDenied on GetObject"},
		expect{"unread", "unknown", "was not read"},
		expect{"emr-provider", "n/a", "EMR provider"},
		expect{"j-none", "n/a", "no security configuration"},
	)
}

package controls_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
)

// The live EMR on EKS controls, on evidence built as a live scan gives it,
// until snapshot examples can show them.

func live(kind, id string) model.Ref {
	return model.Ref{Kind: kind, ID: id, Origin: model.FromLive, Account: "210987654321", Region: "eu-west-1"}
}

func known[T any](v T) model.Field[T] { return model.Known(v, model.Loc{}) }

// verdicts evaluates one control and returns "resource:verdict" per result,
// and the messages, joined, for error output.
func verdicts(t *testing.T, c *control.Control, ev *model.Evidence) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range engine.Evaluate([]*control.Control{c}, ev, control.Live|control.IaC, control.Config{Releases: release.Default()}) {
		if prev, dup := out[r.Resource.ID]; dup {
			t.Errorf("%s judged twice (%s, then %s: %s)", r.Resource.ID, prev, r.Verdict, r.Message)
		}
		out[r.Resource.ID] = r.Verdict.String()
		t.Logf("%s %s %s: %s", c.ID, r.Resource.ID, r.Verdict, r.Message)
	}
	return out
}

func expect(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for id, v := range want {
		if got[id] != v {
			t.Errorf("%s: got %q, want %q", id, got[id], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d results, want %d: %v", len(got), len(want), got)
	}
}

// network builds a VPC whose subnet-pub routes to an internet gateway
// and subnet-priv to a NAT gateway.
func network(ev *model.Evidence) {
	ev.Subnets = append(ev.Subnets,
		&model.Subnet{Ref: live("aws:subnet", "subnet-pub"), SubnetID: known("subnet-pub"), VPCID: known("vpc-1")},
		&model.Subnet{Ref: live("aws:subnet", "subnet-priv"), SubnetID: known("subnet-priv"), VPCID: known("vpc-1")},
		&model.Subnet{Ref: live("aws:subnet", "subnet-half"), SubnetID: known("subnet-half"), VPCID: known("vpc-1")})
	ev.RouteTables = append(ev.RouteTables,
		&model.RouteTable{Ref: live("aws:route-table", "rtb-pub"), VPCID: known("vpc-1"), Subnets: []model.Field[string]{known("subnet-pub")},
			RoutesComplete: known(true), Routes: []model.Route{{Destination: known("0.0.0.0/0"), Target: known("igw-1"), TargetKind: model.TargetInternetGateway}}},
		&model.RouteTable{Ref: live("aws:route-table", "rtb-priv"), VPCID: known("vpc-1"), Subnets: []model.Field[string]{known("subnet-priv")},
			RoutesComplete: known(true), Routes: []model.Route{{Destination: known("0.0.0.0/0"), Target: known("nat-1"), TargetKind: model.TargetNATGateway}}},
		&model.RouteTable{Ref: live("aws:route-table", "rtb-half"), VPCID: known("vpc-1"), Subnets: []model.Field[string]{known("subnet-half")},
			RoutesComplete: model.Unresolved[bool]("AccessDenied on DescribeRouteTables", model.Loc{})})
}

// Ensure EKS201 fails an endpoint with a public subnet even beside a
// private one, passes private subnets only, and is unknown when a subnet,
// its routes or the endpoint's subnets are not known.
func TestEKS201(t *testing.T) {
	ev := &model.Evidence{}
	network(ev)
	ep := func(id string, subnets model.Field[[]string]) *model.ManagedEndpoint {
		return &model.ManagedEndpoint{Ref: live("emr-containers:endpoint", id), SubnetIDs: subnets}
	}
	ev.ManagedEndpoints = []*model.ManagedEndpoint{
		ep("public", known([]string{"subnet-priv", "subnet-pub"})),
		ep("private", known([]string{"subnet-priv"})),
		ep("missing-subnet", known([]string{"subnet-priv", "subnet-gone"})),
		ep("routes-denied", known([]string{"subnet-half"})),
		ep("no-subnets", model.Field[[]string]{}),
		ep("denied", model.Unresolved[[]string]("AccessDenied on DescribeManagedEndpoint", model.Loc{})),
	}
	expect(t, verdicts(t, controls.EKS201, ev), map[string]string{
		"public": "fail", "private": "pass", "missing-subnet": "unknown", "routes-denied": "unknown", "no-subnets": "unknown", "denied": "unknown",
	})
}

// Ensure EKS202 fails an endpoint whose group is open to ::/0, passes a
// group open only to a private range, and is unknown for a group not
// among the evidence or with unread rules.
func TestEKS202(t *testing.T) {
	rule := func(cidr string) model.Rule {
		return model.Rule{Protocol: known("tcp"), FromPort: known(18888), ToPort: known(18888), CIDR: known(cidr)}
	}
	ev := &model.Evidence{SecurityGroups: []*model.SecurityGroup{
		{Ref: live("aws:security-group", "sg-open"), GroupID: known("sg-open"), IngressComplete: known(true), Ingress: []model.Rule{rule("10.0.0.0/16"), rule("::/0")}},
		{Ref: live("aws:security-group", "sg-closed"), GroupID: known("sg-closed"), IngressComplete: known(true), Ingress: []model.Rule{rule("10.0.0.0/16")}},
		{Ref: live("aws:security-group", "sg-partial"), GroupID: known("sg-partial"), IngressComplete: model.Unresolved[bool]("throttled", model.Loc{})},
	}}
	ep := func(id string, sg model.Field[string]) *model.ManagedEndpoint {
		return &model.ManagedEndpoint{Ref: live("emr-containers:endpoint", id), SecurityGroup: sg}
	}
	ev.ManagedEndpoints = []*model.ManagedEndpoint{
		ep("open", known("sg-open")), ep("closed", known("sg-closed")), ep("partial", known("sg-partial")),
		ep("gone", known("sg-gone")), ep("none", model.Field[string]{}),
	}
	expect(t, verdicts(t, controls.EKS202, ev), map[string]string{
		"open": "fail", "closed": "pass", "partial": "unknown", "gone": "unknown", "none": "unknown",
	})
}

// Ensure EKS301 fails a custom image on an old base, passes the newest
// base (with EMR on EKS's -latest suffix), is n/a without a custom image
// or for a non-EMR Dockerfile base, and unknown when the release or the
// base cannot be told.
func TestEKS301(t *testing.T) {
	img := known("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/spark:1.4")
	ev := &model.Evidence{
		JobRuns: []*model.JobRun{
			{Ref: live("emr-containers:job-run", "old"), Image: img, ReleaseLabel: known("emr-6.10.0-latest")},
			{Ref: live("emr-containers:job-run", "newest"), Image: img, ReleaseLabel: known("emr-7.14.0-latest")},
			{Ref: live("emr-containers:job-run", "own-image"), ReleaseLabel: known("emr-6.10.0-latest")},
			{Ref: live("emr-containers:job-run", "no-label"), Image: img},
			{Ref: live("emr-containers:job-run", "series-unknown"), Image: img, ReleaseLabel: known("emr-9.0.0")},
		},
		ManagedEndpoints: []*model.ManagedEndpoint{
			{Ref: live("emr-containers:endpoint", "ep-old"), Image: img, ReleaseLabel: known("emr-7.1.0-latest")},
		},
		ContainerImages: []*model.ContainerImage{
			{Ref: model.Ref{Kind: "dockerfile:from", ID: "Dockerfile:1"}, Base: known("public.ecr.aws/emr-on-eks/spark/emr-6.15.0:latest"), ReleaseLabel: known("emr-6.15.0")},
			{Ref: model.Ref{Kind: "dockerfile:from", ID: "Dockerfile:2"}, Base: known("python:3.12")},
			{Ref: model.Ref{Kind: "dockerfile:from", ID: "Dockerfile:3"}, Base: model.Unresolved[string]("build argument BASE has no value", model.Loc{}), ReleaseLabel: model.Unresolved[string]("base unknown", model.Loc{})},
		},
	}
	expect(t, verdicts(t, controls.EKS301, ev), map[string]string{
		"old": "fail", "newest": "pass", "own-image": "n/a", "no-label": "unknown", "series-unknown": "unknown", "ep-old": "fail",
		"Dockerfile:1": "pass", "Dockerfile:2": "n/a", "Dockerfile:3": "unknown",
	})
}

func role(name string, complete bool, pols ...*model.Policy) *model.Role {
	r := &model.Role{Ref: live("aws:iam-role", name), Name: known(name), ARN: known("arn:aws:iam::210987654321:role/" + name), Policies: pols, PoliciesComplete: known(complete)}
	if !complete {
		r.PoliciesComplete = model.Unresolved[bool]("AccessDenied on ListRolePolicies", model.Loc{})
	}
	return r
}

func managed(arn string) *model.Policy {
	return &model.Policy{Ref: live("aws:iam-policy", arn), ARN: known(arn)}
}

func inline(name string, actions ...string) *model.Policy {
	return &model.Policy{Ref: live("aws:iam-inline-policy", name), Name: known(name), Document: &model.PolicyDocument{Statements: []model.Statement{
		{Sid: name, Effect: known("Allow"), Actions: known(actions), Resources: known([]string{"*"})},
	}}}
}

// Ensure EKS501 fails a virtual cluster whose jobs run under roles of
// different permissions, passes one role or roles with the same
// statements (written in another order, under another name), is unknown
// when a role cannot be read, and n/a without jobs.
func TestEKS501(t *testing.T) {
	arn := func(n string) model.Field[string] { return known("arn:aws:iam::210987654321:role/" + n) }
	ev := &model.Evidence{
		Roles: []*model.Role{
			role("reader", true, inline("read", "s3:GetObject", "s3:ListBucket")),
			role("reader-too", true, inline("other-name", "s3:ListBucket", "s3:GetObject")),
			role("admin", true, managed("arn:aws:iam::aws:policy/AdministratorAccess")),
			role("denied", false),
		},
		VirtualClusters: []*model.VirtualCluster{
			{Ref: live("emr-containers:virtual-cluster", "vc-mixed")}, {Ref: live("emr-containers:virtual-cluster", "vc-equal")},
			{Ref: live("emr-containers:virtual-cluster", "vc-one")}, {Ref: live("emr-containers:virtual-cluster", "vc-unread")},
			{Ref: live("emr-containers:virtual-cluster", "vc-idle")},
		},
	}
	job := func(id, vc string, r model.Field[string]) *model.JobRun {
		return &model.JobRun{Ref: live("emr-containers:job-run", id), VirtualClusterID: known(vc), ExecutionRole: r}
	}
	ev.JobRuns = []*model.JobRun{
		job("j1", "vc-mixed", arn("reader")), job("j2", "vc-mixed", arn("denied")),
		job("j4", "vc-equal", arn("reader")), job("j5", "vc-equal", arn("reader-too")),
		job("j6", "vc-one", arn("admin")), job("j7", "vc-one", arn("admin")),
		job("j8", "vc-unread", arn("reader")), job("j9", "vc-unread", arn("denied")),
	}
	ev.ManagedEndpoints = []*model.ManagedEndpoint{{Ref: live("emr-containers:endpoint", "e1"), VirtualClusterID: known("vc-mixed"), ExecutionRole: arn("admin")}}
	expect(t, verdicts(t, controls.EKS501, ev), map[string]string{
		"vc-mixed": "fail", "vc-equal": "pass", "vc-one": "pass", "vc-unread": "unknown", "vc-idle": "n/a",
	})
}

// Ensure EKS701 passes a node role with only the node policies (in any
// partition), fails one with more (naming a wildcard grant), and is
// unknown when the role or its policy list is not known.
func TestEKS701(t *testing.T) {
	ev := &model.Evidence{Roles: []*model.Role{
		role("node-min", true, managed("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"), managed("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"),
			managed("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly")),
		role("node-cn", true, managed("arn:aws-cn:iam::aws:policy/AmazonEKSWorkerNodePolicy"), managed("arn:aws-cn:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly")),
		role("node-ssm", true, managed("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"), managed("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")),
		role("node-wild", true, managed("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"), inline("s3", "s3:*")),
		role("node-fake", true, managed("arn:aws:iam::210987654321:policy/AmazonEKSWorkerNodePolicy")),
		role("node-denied", false, managed("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")),
	}}
	ng := func(id, r string) *model.Nodegroup {
		return &model.Nodegroup{Ref: live("aws:eks-nodegroup", id), NodeRole: known("arn:aws:iam::210987654321:role/" + r)}
	}
	ev.Nodegroups = []*model.Nodegroup{ng("min", "node-min"), ng("cn", "node-cn"), ng("ssm", "node-ssm"), ng("wild", "node-wild"),
		ng("fake", "node-fake"), ng("denied", "node-denied"), ng("gone", "node-gone"), {Ref: live("aws:eks-nodegroup", "no-role")}}
	got := verdicts(t, controls.EKS701, ev)
	expect(t, got, map[string]string{
		"min": "pass", "cn": "pass", "ssm": "fail", "wild": "fail", "fake": "fail", "denied": "unknown", "gone": "unknown", "no-role": "unknown",
	})
	for _, r := range engine.Evaluate([]*control.Control{controls.EKS701}, ev, control.Live, control.Config{}) {
		if r.Resource.ID == "wild" && !strings.Contains(r.Message, "allows s3:* on all resources") {
			t.Errorf("wild: message does not name the wildcard grant: %s", r.Message)
		}
	}
}

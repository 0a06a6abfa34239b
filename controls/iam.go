package controls

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

const (
	urlRoles    = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-roles.html"
	urlPolicies = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-managed-iam-policies.html"
)

// defaultRoles are the shared role names `--use-default-roles` and
// `create-default-roles` set up (facts §6.3).
var defaultRoles = map[string]bool{"EMR_DefaultRole": true, "EMR_EC2_DefaultRole": true, "EMR_DefaultRole_V2": true}

// roleName returns the last path segment of a role or instance-profile ARN,
// or the name itself.
func roleName(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 && strings.HasPrefix(s, "arn:") {
		return s[i+1:]
	}
	return s
}

// EMR501 fails when the cluster uses the shared default roles.
var EMR501 = &control.Control{
	ID: "EMR501", Title: "Cluster uses the shared default EMR roles", Severity: control.Low,
	BestPractice: "BP 3.5", Sources: iacLiveEvent, URL: urlRoles,
	Remediation: control.Remediation{
		Text:           "Create a service role and an instance profile per cluster or use case, with scoped policies (`emrguard harden iam`).",
		CLI:            "aws emr create-cluster ... --service-role etl-emr-service --ec2-attributes InstanceProfile=etl-emr-ec2",
		CloudFormation: "Set `ServiceRole` and `JobFlowRole` to roles defined for this cluster.",
		Terraform:      "Set `service_role` and `ec2_attributes.instance_profile` to roles defined for this cluster.",
	},
	Doc: `Cluster uses the shared default EMR roles

EMR_DefaultRole and EMR_EC2_DefaultRole are shared by every cluster launched
with --use-default-roles and carry broad v1 policies: any job on any cluster
gets every other cluster's data access.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) {
			var shared []string
			var at model.Loc
			for _, f := range []model.Field[string]{c.ServiceRole, c.InstanceProfile} {
				f = roleField(f) // arn:${AWS::Partition}:…:role/NAME names its role
				if f.IsUnknown() {
					p.Unknownf(c.Ref, f.At, "a cluster role is unknown: %s", f.Why)
					return
				}
				if f.IsSet() && defaultRoles[roleName(f.Val)] {
					shared = append(shared, roleName(f.Val))
					if !at.IsValid() {
						at = f.At
					}
				}
			}
			switch {
			case len(shared) > 0:
				p.Failf(c.Ref, at, "cluster uses the shared default role %s", strings.Join(shared, " and "))
			case c.ServiceRole.IsAbsent() && c.InstanceProfile.IsAbsent():
				p.Unknownf(c.Ref, c.Ref.Loc, "cluster names neither a service role nor an instance profile")
			default:
				p.Passf(c.Ref, c.ServiceRole.At.Or(c.InstanceProfile.At), "cluster uses its own roles")
			}
		})
	},
}

// EMR502 fails when one role serves clusters of different use cases.
var EMR502 = &control.Control{
	ID: "EMR502", Title: "One EMR role serves clusters of different use cases", Severity: control.Medium,
	BestPractice: "BP 3.5", Sources: control.Live, URL: urlRoles,
	Remediation: control.Remediation{
		Text:           "Give each use case its own service role and instance profile, scoped to its data (`emrguard harden iam --prefix USECASE --bucket BUCKET`).",
		CLI:            "aws iam create-role --role-name USECASE-emr-ec2 ...; aws iam create-instance-profile --instance-profile-name USECASE-emr-ec2",
		CloudFormation: "Define an AWS::IAM::Role and AWS::IAM::InstanceProfile per use case.",
		Terraform:      "Define an aws_iam_role and aws_iam_instance_profile per use case.",
	},
	Doc: `One EMR role serves clusters of different use cases

A role shared across use cases gives every cluster the union of their data
access; a compromise of one workload reaches all the others. A cluster's use
case is the value of its use-case tag (use-case-tag-key in .emrguard.yaml,
default "use-case"); a role whose clusters do not all carry the tag fails
when it serves more clusters than shared-role-limit (default 3). Terminated
clusters are not counted. The result lands on the role or instance profile.`,
	Run: func(p *control.Pass) {
		key, limit := p.Config.TagKey(), p.Config.RoleLimit()
		for _, g := range roleGroups(p) {
			values := map[string][]string{}
			var untagged []string
			for _, c := range g.clusters {
				if v, ok := c.Tags[key]; ok {
					values[v] = append(values[v], c.Ref.ID)
				} else {
					untagged = append(untagged, c.Ref.ID)
				}
			}
			what := g.kind + " " + g.name
			switch {
			case len(values) > 1:
				var uses []string
				for _, v := range sortedKeys(values) {
					uses = append(uses, fmt.Sprintf("%s=%s: %s", key, v, strings.Join(values[v], ", ")))
				}
				p.Failf(g.ref, g.at, "%s serves clusters of %d use cases (%s)", what, len(values), strings.Join(uses, "; "))
			case len(untagged) > 0 && len(g.clusters) > limit:
				p.Failf(g.ref, g.at, "%s serves %d clusters, %d of them without the %q tag, more than the limit of %d: %s", what, len(g.clusters), len(untagged), key, limit, strings.Join(untagged, ", "))
			case len(values) == 1:
				p.Passf(g.ref, g.at, "%s serves %s of one use case (%s=%s)", what, clusterCount(len(g.clusters)), key, sortedKeys(values)[0])
			default:
				p.Passf(g.ref, g.at, "%s serves %s without the %q tag, within the limit of %d", what, clusterCount(len(g.clusters)), key, limit)
			}
		}
	},
}

func clusterCount(n int) string {
	if n == 1 {
		return "1 cluster"
	}
	return fmt.Sprintf("%d clusters", n)
}

// roleGroup is a service role or instance profile with the clusters it
// serves.
type roleGroup struct {
	kind, name string
	ref        model.Ref
	at         model.Loc
	clusters   []*model.Cluster
}

// roleGroups groups the active clusters by service role and by instance
// profile (by name within an account); a cluster whose role is unknown
// gets Unknown.
func roleGroups(p *control.Pass) []*roleGroup {
	var out []*roleGroup
	byKey := map[string]*roleGroup{}
	clusters(p, func(c *model.Cluster) {
		if ended(p, c) {
			return
		}
		for _, r := range []struct {
			f    model.Field[string]
			kind string
		}{{roleField(c.ServiceRole), "service role"}, {roleField(c.InstanceProfile), "instance profile"}} {
			switch {
			case r.f.IsUnknown():
				p.On(r.kind).Unknownf(c.Ref, r.f.At, "the %s is unknown: %s", r.kind, r.f.Why)
				continue
			case r.f.IsAbsent():
				continue
			}
			name := roleName(r.f.Val)
			k := r.kind + "\x00" + c.Ref.Account + "\x00" + name
			g := byKey[k]
			if g == nil {
				g = &roleGroup{kind: r.kind, name: name, ref: roleRef(p, c, r.f, r.kind), at: r.f.At}
				byKey[k] = g
				out = append(out, g)
			}
			g.clusters = append(g.clusters, c)
		}
	})
	return out
}

// roleRef returns the resource a role or instance profile result lands
// on: the one among the evidence, else one named after the cluster's.
func roleRef(p *control.Pass, c *model.Cluster, f model.Field[string], kind string) model.Ref {
	if kind == "service role" {
		if r, ok := p.Evidence.Role(f.Val, c.Ref.Loc); ok {
			return r.Ref
		}
	} else if ip, ok := p.Evidence.InstanceProfile(f.Val, c.Ref.Loc); ok {
		return ip.Ref
	}
	k := "aws:iam:role"
	if kind != "service role" {
		k = "aws:iam:instance-profile"
	}
	return model.Ref{Kind: k, ID: roleName(f.Val), Name: roleName(f.Val), Account: c.Ref.Account, Origin: c.Ref.Origin}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// EMR601 fails when an EMR role has a deprecated v1 managed policy.
var EMR601 = &control.Control{
	ID: "EMR601", Title: "EMR role has a deprecated v1 managed policy", Severity: control.Medium,
	BestPractice: "BP 3.6", Sources: control.Live, URL: urlPolicies,
	Remediation: control.Remediation{
		Text:           "Replace AmazonElasticMapReduceRole with AmazonEMRServicePolicy_v2 (and tag resources), and the EC2 v1 policy with a scoped customer policy; `emrguard harden iam` writes both roles.",
		CLI:            "aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole\naws iam attach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2",
		CloudFormation: "Use `ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]` on the service role.",
		Terraform:      "Attach `arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2` with aws_iam_role_policy_attachment.",
	},
	Doc: `EMR role has a deprecated v1 managed policy

The v1 policies grant wide actions on all resources (the EC2 one includes s3:*,
dynamodb:*, sqs:*) and are on a deprecation path. Policies are matched by
name, in any partition: AmazonElasticMapReduceRole,
AmazonElasticMapReduceforEC2Role, AmazonElasticMapReduceFullAccess and
AmazonElasticMapReduceEditorsRole.`,
	Run: func(p *control.Pass) {
		for _, er := range emrRoles(p) {
			r, uses := er.role, strings.Join(er.uses, ", ")
			var v1 []string
			var at model.Loc
			for _, pol := range r.Policies {
				if n := v1PolicyName(pol); n != "" {
					v1 = append(v1, n)
					if !at.IsValid() {
						at = pol.ARN.At.Or(pol.Ref.Loc)
					}
				}
			}
			switch {
			case len(v1) > 0:
				p.Failf(r.Ref, at, "role %s (%s) has the deprecated v1 managed policy %s", r.Ref.ID, uses, strings.Join(v1, " and "))
			case r.PoliciesComplete.IsUnknown():
				p.Unknownf(r.Ref, r.PoliciesComplete.At.Or(r.Ref.Loc), "not every policy of role %s (%s) is known: %s", r.Ref.ID, uses, r.PoliciesComplete.Why)
			default:
				p.Passf(r.Ref, r.Ref.Loc, "role %s (%s) has no v1 EMR managed policy", r.Ref.ID, uses)
			}
		}
	},
}

// v1Policies are the deprecated v1 EMR managed policies (facts §6.1).
var v1Policies = map[string]bool{
	"AmazonElasticMapReduceRole": true, "AmazonElasticMapReduceforEC2Role": true,
	"AmazonElasticMapReduceFullAccess": true, "AmazonElasticMapReduceEditorsRole": true,
}

// v1PolicyName returns the name of pol when it is a v1 EMR managed
// policy, else "". A policy with an ARN must be AWS's (…:iam::aws:policy/,
// any partition): a customer policy of the same name is not deprecated.
func v1PolicyName(pol *model.Policy) string {
	n := pol.Name.Get("")
	if arn := pol.ARN.Get(""); arn != "" {
		if !strings.Contains(arn, ":iam::aws:policy/") {
			return ""
		}
		n = roleName(arn)
	}
	if v1Policies[n] {
		return n
	}
	return ""
}

// EMR602 fails when an EMR role's policy allows wildcard actions on all resources.
var EMR602 = &control.Control{
	ID: "EMR602", Title: "EMR role policy allows wildcard actions on all resources", Severity: control.High,
	BestPractice: "BP 3.6", Sources: control.IaC | control.Live, URL: urlPolicies,
	Remediation: control.Remediation{
		Text:           "Scope the statement's actions to those the cluster needs and its resources to the cluster's buckets, keys and tables (`emrguard harden iam`).",
		CLI:            "aws iam put-role-policy --role-name ROLE --policy-name scoped --policy-document file://scoped.json",
		CloudFormation: "Narrow `Action` and `Resource` in the role's `Policies` or AWS::IAM::Policy.",
		Terraform:      "Narrow `actions` and `resources` in the role's policy documents.",
	},
	Doc: `EMR role policy allows wildcard actions on all resources

"*" or "<service>:*" on "*" gives every job on the cluster full control of
that service in the account. The EMR roles are the service role a cluster
names and the roles of the instance profile it names as JobFlowRole.
AWS-managed policies are judged by name where their wildcards are known
(AdministratorAccess, AmazonS3FullAccess, the v1 EC2 role policy, …).`,
	Run: func(p *control.Pass) {
		for _, er := range emrRoles(p) {
			judgeWildcards(p, er)
		}
	},
}

// emrRole is a role a cluster uses, with how the clusters use it.
type emrRole struct {
	role *model.Role
	uses []string // e.g. "service role of cluster X"
}

// emrRoles returns the roles clusters use as service role or through
// their instance profile, each once; a role that cannot be followed gives
// the cluster Unknown.
func emrRoles(p *control.Pass) []*emrRole {
	var out []*emrRole
	seen := map[*model.Role]*emrRole{}
	add := func(c *model.Cluster, id string, at model.Loc, use string) {
		r, ok := p.Evidence.Role(id, c.Ref.Loc)
		if !ok {
			p.On(use).Unknownf(c.Ref, at, "%s %q is not in the scanned inputs, so its policies are unknown", use, id)
			return
		}
		er := seen[r]
		if er == nil {
			er = &emrRole{role: r}
			seen[r] = er
			out = append(out, er)
		}
		// A module's cluster read in several roots (or worlds) is one use.
		if u := use + " of " + c.Ref.ID; !slices.Contains(er.uses, u) {
			er.uses = append(er.uses, u)
		}
	}
	clusters(p, func(c *model.Cluster) {
		f := roleField(c.ServiceRole)
		if f.IsUnknown() {
			p.On("service role").Unknownf(c.Ref, f.At, "the service role is unknown: %s", f.Why)
		} else if f.IsSet() {
			add(c, f.Val, f.At, "service role")
		}
		f = roleField(c.InstanceProfile)
		switch {
		case f.IsUnknown():
			p.On("instance profile").Unknownf(c.Ref, f.At, "the instance profile (JobFlowRole) is unknown: %s", f.Why)
			return
		case f.IsAbsent():
			return
		}
		ip, ok := p.Evidence.InstanceProfile(f.Val, c.Ref.Loc)
		if !ok {
			p.On("instance profile").Unknownf(c.Ref, f.At, "instance profile %q is not in the scanned inputs, so its role is unknown", f.Val)
			return
		}
		for _, r := range ip.Roles {
			if r.IsUnknown() {
				p.On("instance profile role").Unknownf(c.Ref, r.At, "the role of instance profile %s is unknown: %s", ip.Ref.ID, r.Why)
				continue
			}
			add(c, r.Val, r.At.Or(f.At), "instance profile role")
		}
	})
	return out
}

// awsManagedWildcards are AWS-managed policies known to allow a wildcard
// action on every resource, by name.
var awsManagedWildcards = map[string]string{
	"AdministratorAccess":              "*",
	"PowerUserAccess":                  "NotAction iam:*,organizations:*,account:*",
	"AmazonS3FullAccess":               "s3:*",
	"AmazonEC2FullAccess":              "ec2:*",
	"AmazonDynamoDBFullAccess":         "dynamodb:*",
	"AmazonElasticMapReduceforEC2Role": "s3:*",
}

func judgeWildcards(p *control.Pass, er *emrRole) {
	r, uses := er.role, strings.Join(er.uses, ", ")
	failed := false
	var unknown []string
	var unknownAt model.Loc
	for _, pol := range r.Policies {
		if pol.Document == nil {
			arn := pol.ARN.Get("")
			if !strings.Contains(arn, ":iam::aws:policy/") {
				unknown = append(unknown, fmt.Sprintf("policy %s is not in the scanned inputs", firstWhy(arn, pol.Ref.ID)))
				unknownAt = pol.Ref.Loc
				continue
			}
			if a, ok := awsManagedWildcards[roleName(arn)]; ok {
				p.On("policy "+roleName(arn)).Failf(r.Ref, pol.ARN.At.Or(pol.Ref.Loc), "role %s (%s) has AWS-managed %s, which allows %s on all resources", r.Ref.ID, uses, roleName(arn), a)
				failed = true
			}
			continue
		}
		grants, why := wildcardGrants(pol.Document)
		for _, g := range grants {
			name := firstWhy(pol.Name.Get(""), pol.Ref.ID)
			p.On("policy "+name+" allows "+g.Action).Failf(r.Ref, g.Statement.At.Or(pol.Ref.Loc), "role %s (%s) policy %s allows %s on all resources", r.Ref.ID, uses, name, g.Action)
			failed = true
		}
		if len(why) > 0 {
			unknown = append(unknown, why...)
			unknownAt = pol.Document.At.Or(pol.Ref.Loc)
		}
	}
	switch {
	case failed:
	case len(unknown) > 0:
		p.Unknownf(r.Ref, unknownAt, "role %s (%s): %s", r.Ref.ID, uses, unknown[0])
	case r.PoliciesComplete.IsUnknown():
		p.Unknownf(r.Ref, r.PoliciesComplete.At.Or(r.Ref.Loc), "not every policy of role %s (%s) is known: %s", r.Ref.ID, uses, r.PoliciesComplete.Why)
	default:
		p.Passf(r.Ref, r.Ref.Loc, "no policy of role %s (%s) allows a wildcard action on all resources", r.Ref.ID, uses)
	}
}

// EMR603 fails when principals outside EMR hold the v1 full-access policy.
var EMR603 = &control.Control{
	ID: "EMR603", Title: "A principal holds AmazonElasticMapReduceFullAccess (v1)", Severity: control.Medium,
	BestPractice: "BP 3.6", Sources: control.Live, URL: urlPolicies,
	Remediation: control.Remediation{
		Text:           "Attach AmazonEMRFullAccessPolicy_v2 instead; it limits iam:PassRole and acts only on tagged resources.",
		CLI:            "aws iam attach-user-policy --user-name USER --policy-arn arn:aws:iam::aws:policy/AmazonEMRFullAccessPolicy_v2",
		CloudFormation: "Use `arn:aws:iam::aws:policy/AmazonEMRFullAccessPolicy_v2` in `ManagedPolicyArns`.",
		Terraform:      "Attach `arn:aws:iam::aws:policy/AmazonEMRFullAccessPolicy_v2`.",
	},
	Doc: `A principal holds AmazonElasticMapReduceFullAccess (v1)

The v1 full-access policy allows iam:PassRole on any role and EMR actions on
any resource, so its holders can launch clusters with any role in the account.
Every user and group holding it fails, and every role that is not an EMR
role: a role no scanned cluster uses (service, instance profile or
auto-scaling role) and whose trust policy does not let EMR assume it.`,
	Run: func(p *control.Pass) {
		emr := clusterRoleNames(p.Evidence)
		for _, h := range p.Evidence.PolicyHolders {
			if roleName(h.PolicyARN.Get("")) != "AmazonElasticMapReduceFullAccess" || !strings.Contains(h.PolicyARN.Val, ":iam::aws:policy/") {
				continue
			}
			var outside, undecided []string
			for _, u := range h.Users {
				outside = append(outside, "user "+u)
			}
			for _, g := range h.Groups {
				outside = append(outside, "group "+g)
			}
			for _, name := range h.Roles {
				switch isEMRRole(p.Evidence, emr, name, h.Ref) {
				case yes:
				case no:
					outside = append(outside, "role "+name)
				default:
					undecided = append(undecided, name)
				}
			}
			at := h.PolicyARN.At.Or(h.Ref.Loc)
			switch {
			case len(outside) > 0:
				p.Failf(h.Ref, at, "%s is attached to %s", h.PolicyARN.Val, strings.Join(outside, ", "))
			case len(undecided) > 0:
				p.Unknownf(h.Ref, at, "%s is attached to role %s, which no scanned cluster uses and whose trust policy is not known", h.PolicyARN.Val, strings.Join(undecided, ", "))
			case h.Complete.IsUnknown():
				p.Unknownf(h.Ref, at, "not every holder of %s could be listed: %s", h.PolicyARN.Val, h.Complete.Why)
			case !h.Complete.Get(false):
				p.Unknownf(h.Ref, at, "whether every holder of %s was listed is not known", h.PolicyARN.Val)
			case len(h.Roles) > 0:
				p.Passf(h.Ref, at, "%s is attached only to EMR roles (%s)", h.PolicyARN.Val, strings.Join(h.Roles, ", "))
			default:
				p.Passf(h.Ref, at, "%s is attached to no principal", h.PolicyARN.Val)
			}
		}
	},
}

// tri is a three-valued answer.
type tri uint8

const (
	maybe tri = iota
	yes
	no
)

// clusterRoleNames returns the names of the roles the clusters of ev use:
// service, auto-scaling and instance profile roles (and the instance
// profiles' names, which are usually their role's).
func clusterRoleNames(ev *model.Evidence) map[string]bool {
	out := map[string]bool{}
	for _, c := range ev.Clusters {
		for _, f := range []model.Field[string]{c.ServiceRole, c.AutoScalingRole, c.InstanceProfile} {
			if f.IsSet() {
				out[c.Ref.Account+"/"+roleName(f.Val)] = true
			}
		}
		if f := c.InstanceProfile; f.IsSet() {
			if ip, ok := ev.InstanceProfile(f.Val, c.Ref.Loc); ok {
				for _, r := range ip.Roles {
					if r.IsSet() {
						out[c.Ref.Account+"/"+roleName(r.Val)] = true
					}
				}
			}
		}
	}
	return out
}

// emrServices are the service principals through which EMR assumes a role.
var emrServices = []string{"elasticmapreduce.amazonaws.com", "elasticmapreduce.amazonaws.com.cn"}

// isEMRRole says whether the role named name is an EMR role: one a
// cluster uses, or one whose trust policy lets EMR assume it.
func isEMRRole(ev *model.Evidence, clusterRoles map[string]bool, name string, from model.Ref) tri {
	if clusterRoles[from.Account+"/"+name] {
		return yes
	}
	// Role names repeat across accounts: the role is the one of the
	// holder's account.
	i := slices.IndexFunc(ev.Roles, func(r *model.Role) bool {
		return r.Name.Get(roleName(r.Ref.ID)) == name && (r.Ref.Account == "" || from.Account == "" || r.Ref.Account == from.Account)
	})
	if i < 0 || ev.Roles[i].Trust == nil || ev.Roles[i].Trust.Unknown != "" {
		return maybe
	}
	r := ev.Roles[i]
	answer := no
	for _, st := range r.Trust.Statements {
		svc := st.Principals["Service"]
		switch {
		case st.Effect.IsUnknown() || svc.IsUnknown():
			answer = maybe
		case !strings.EqualFold(st.Effect.Val, "Allow"):
		case slices.ContainsFunc(svc.Val, func(s string) bool { return slices.Contains(emrServices, s) }):
			return yes
		}
	}
	return answer
}

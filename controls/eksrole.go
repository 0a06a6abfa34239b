package controls

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// EKS501 fails when one virtual cluster runs jobs under roles of different privilege.
var EKS501 = &control.Control{
	Run: runEKS501,
	ID:  "EKS501", Title: "Virtual cluster mixes execution roles of different privilege", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Run untrusted or differently privileged jobs in their own virtual cluster and namespace.",
		CLI:            "aws emr-containers create-virtual-cluster --name untrusted --container-provider ...",
		CloudFormation: "Add an AWS::EMRContainers::VirtualCluster per trust level.",
		Terraform:      "Add an aws_emrcontainers_virtual_cluster per trust level.",
	},
	Doc: `Virtual cluster mixes execution roles of different privilege

Jobs of one namespace share nodes, service accounts and secrets; a job under a
weak role can reach the credentials of a privileged one.

The roles compared are the execution roles of the virtual cluster's job runs
and managed endpoints; their permissions are their managed policy ARNs
(compared across partitions) and their policy documents (compared statement
by statement, whatever the order or Sid). One role, or roles of equal
permissions, pass; a role not among the evidence, or whose policies are not
all known, makes the verdict unknown unless two known roles already differ.`,
}

// runEKS501 compares the permissions of the execution roles each virtual
// cluster's job runs and managed endpoints use: two roles whose policies
// differ fail the cluster, as a job under the weaker one can reach the
// stronger one's credentials on shared nodes.
func runEKS501(p *control.Pass) {
	type user struct {
		ref  model.Ref
		role model.Field[string]
	}
	byVC := map[string][]user{}
	for _, j := range p.Evidence.JobRuns {
		byVC[j.VirtualClusterID.Get("")] = append(byVC[j.VirtualClusterID.Get("")], user{j.Ref, j.ExecutionRole})
	}
	for _, me := range p.Evidence.ManagedEndpoints {
		byVC[me.VirtualClusterID.Get("")] = append(byVC[me.VirtualClusterID.Get("")], user{me.Ref, me.ExecutionRole})
	}
	for _, vc := range p.Evidence.VirtualClusters {
		users := byVC[vc.Ref.ID]
		if len(users) == 0 {
			p.NAf(vc.Ref, vc.Ref.Loc, "virtual cluster %s runs no job or endpoint among the evidence", vc.Ref.ID)
			continue
		}
		var roles []string // distinct ARNs, in order met
		unknown := ""
		for _, u := range users {
			switch {
			case u.role.IsUnknown():
				unknown = firstWhy(unknown, fmt.Sprintf("the execution role of %s is unknown: %s", u.ref.ID, u.role.Why))
			case !u.role.IsSet():
				unknown = firstWhy(unknown, fmt.Sprintf("the evidence does not show the execution role of %s", u.ref.ID))
			case !slices.Contains(roles, u.role.Val):
				roles = append(roles, u.role.Val)
			}
		}
		// Roles whose permissions are known, by permission set.
		sets := map[string][]string{}
		var order []string
		for _, arn := range roles {
			key, why := permissionSet(p.Evidence, arn, vc.Ref.Loc)
			if why != "" {
				unknown = firstWhy(unknown, why)
				continue
			}
			if _, ok := sets[key]; !ok {
				order = append(order, key)
			}
			sets[key] = append(sets[key], arn)
		}
		switch {
		case len(order) > 1:
			p.Failf(vc.Ref, vc.Ref.Loc, "virtual cluster %s runs jobs under execution roles of different permissions: %s and %s; isolate each trust level in its own virtual cluster", vc.Ref.ID, strings.Join(sets[order[0]], ", "), strings.Join(sets[order[1]], ", "))
		case unknown != "":
			p.Unknownf(vc.Ref, vc.Ref.Loc, "virtual cluster %s: %s", vc.Ref.ID, unknown)
		case len(roles) == 1:
			p.Passf(vc.Ref, vc.Ref.Loc, "virtual cluster %s runs every job under one execution role, %s", vc.Ref.ID, roles[0])
		default:
			p.Passf(vc.Ref, vc.Ref.Loc, "virtual cluster %s runs jobs under execution roles of equal permissions (%s)", vc.Ref.ID, strings.Join(roles, ", "))
		}
	}
}

// permissionSet returns a key equal for roles of equal permissions: the
// sorted ARNs of their managed policies without a document (AWS-managed,
// compared by name across partitions) and the documents of the others.
// why says why the role's permissions cannot be told.
func permissionSet(ev *model.Evidence, arn string, from model.Loc) (key, why string) {
	r, ok := ev.Role(arn, from)
	switch {
	case !ok:
		return "", fmt.Sprintf("execution role %s is not among the evidence", arn)
	case r.PoliciesComplete.IsUnknown():
		return "", fmt.Sprintf("the policies of execution role %s are not all known: %s", arn, r.PoliciesComplete.Why)
	case !r.PoliciesComplete.Get(false):
		return "", fmt.Sprintf("the evidence does not say it lists every policy of execution role %s", arn)
	}
	var parts []string
	for _, pol := range policiesOf(r) {
		switch d := pol.Document; {
		case d != nil && d.Unknown == "":
			parts = append(parts, "doc "+canonical(d))
		case d != nil:
			return "", fmt.Sprintf("a policy of execution role %s cannot be read: %s", arn, d.Unknown)
		case pol.ARN.IsSet():
			parts = append(parts, "arn "+partitionless(pol.ARN.Val))
		default:
			return "", fmt.Sprintf("policy %s of execution role %s is not among the evidence", pol.Ref.ID, arn)
		}
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), "\n"), ""
}

// canonical writes a policy document so that documents granting the same
// statements compare equal, whatever their order, Sid or layout.
func canonical(d *model.PolicyDocument) string {
	var stmts []string
	for _, s := range d.Statements {
		var b strings.Builder
		fmt.Fprintf(&b, "%s|a%s|na%s|r%s|nr%s", s.Effect.Val, sorted(s.Actions), sorted(s.NotActions), sorted(s.Resources), sorted(s.NotResources))
		var ps []string
		for typ, v := range s.Principals {
			ps = append(ps, typ+"="+sorted(v))
		}
		slices.Sort(ps)
		var cs []string
		for _, c := range s.Conditions {
			cs = append(cs, c.Operator+" "+c.Key+"="+sorted(c.Values))
		}
		slices.Sort(cs)
		fmt.Fprintf(&b, "|p%v|c%v", ps, cs)
		stmts = append(stmts, b.String())
	}
	slices.Sort(stmts)
	return strings.Join(stmts, ";")
}

func sorted(f model.Field[[]string]) string {
	v := slices.Clone(f.Val)
	slices.Sort(v)
	return fmt.Sprintf("%s%q", f.State, v)
}

// partitionless drops the partition of an ARN (arn:aws-cn: and arn:aws:
// name the same AWS-managed policy).
func partitionless(arn string) string {
	if p := strings.SplitN(arn, ":", 3); len(p) == 3 && p[0] == "arn" {
		return p[2]
	}
	return arn
}

// nodePolicies are the AWS-managed policies a node role needs (the EKS
// user guide's "Amazon EKS node IAM role" and "EKS Auto Mode node IAM
// role"): the worker policies, the VPC CNI's, and pulling images from
// ECR. AmazonSSMManagedInstanceCore is not among them: EKS does not need
// it, and it lets every pod that reaches IMDS read every SSM parameter
// (ssm:GetParameter(s) on all resources) and open Session Manager
// channels as the node.
var nodePolicies = map[string]bool{
	"AmazonEKSWorkerNodePolicy": true, "AmazonEKSWorkerNodeMinimalPolicy": true, "AmazonEKS_CNI_Policy": true,
	"AmazonEC2ContainerRegistryReadOnly": true, "AmazonEC2ContainerRegistryPullOnly": true,
}

// awsManagedName returns the name of an AWS-managed policy ARN in any
// partition (arn:aws-cn:iam::aws:policy/…, or a partition a template
// leaves to deploy time: arn:${AWS::Partition}:iam::aws:policy/…), or "".
func awsManagedName(arn string) string {
	partition, rest, ok := strings.Cut(strings.TrimPrefix(arn, "arn:"), ":iam::aws:policy/")
	if !ok || !strings.HasPrefix(arn, "arn:") || partition == "" || rest == "" {
		return ""
	}
	return rest[strings.LastIndexByte(rest, '/')+1:]
}

// EKS701 fails when a nodegroup role has policies beyond the worker ones.
var EKS701 = &control.Control{
	Run: runEKS701,
	ID:  "EKS701", Title: "Nodegroup role has policies beyond the worker, CNI and registry ones", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Keep only AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy and AmazonEC2ContainerRegistryPullOnly (or ReadOnly) on node roles; give jobs their access through IRSA.",
		CLI:            "aws iam detach-role-policy --role-name NODEROLE --policy-arn ARN",
		CloudFormation: "Trim `ManagedPolicyArns` and `Policies` of the node role.",
		Terraform:      "Remove extra aws_iam_role_policy_attachment resources of the node role.",
	},
	Doc: `Nodegroup role has policies beyond the worker, CNI and registry ones

Any pod that reaches IMDS gets the node role; extra policies there are granted
to every pod on the node.

The node policies are the AWS-managed ones the EKS user guide names for node
roles, matched by name in any partition: AmazonEKSWorkerNodePolicy (or
AmazonEKSWorkerNodeMinimalPolicy of Auto Mode), AmazonEKS_CNI_Policy,
AmazonEC2ContainerRegistryReadOnly and AmazonEC2ContainerRegistryPullOnly.
Every other policy fails, its wildcard grant named when it has one;
AmazonSSMManagedInstanceCore too: EKS does not need it, and it lets any pod
read every SSM parameter as the node.`,
}

// runEKS701 judges each nodegroup's role: every policy beyond the node
// policies fails it (naming a wildcard grant when the policy has one);
// a policy or a list of policies that cannot be read makes it unknown.
func runEKS701(p *control.Pass) {
	for _, ng := range p.Evidence.Nodegroups {
		nr := ng.NodeRole
		at := nr.At.Or(ng.Ref.Loc)
		switch {
		case nr.IsUnknown():
			p.Unknownf(ng.Ref, at, "nodegroup %s: its node role is unknown: %s", ng.Ref.ID, nr.Why)
			continue
		case !nr.IsSet():
			p.Unknownf(ng.Ref, at, "nodegroup %s: the evidence does not show its node role", ng.Ref.ID)
			continue
		}
		r, ok := p.Evidence.Role(nr.Val, ng.Ref.Loc)
		if !ok {
			p.Unknownf(ng.Ref, at, "nodegroup %s: node role %s is not in the scanned inputs", ng.Ref.ID, nr.Val)
			continue
		}
		var extra []string
		extraAt, unknown := model.Loc{}, "" // unknown: the first reason
		for _, pol := range policiesOf(r) {
			name := pol.Name.Get(pol.Ref.ID)
			switch d := pol.Document; {
			case pol.ARN.IsUnknown():
				unknown = firstWhy(unknown, "a managed policy's ARN is unknown: "+pol.ARN.Why)
				continue
			case !pol.ARN.IsSet() && !pol.Name.IsSet() && d != nil && d.Unknown != "":
				// An attachment of a policy that cannot be resolved: it
				// may be a node policy as well as any other.
				unknown = firstWhy(unknown, d.Unknown)
				continue
			}
			if pol.ARN.IsSet() {
				if n := awsManagedName(pol.ARN.Val); nodePolicies[n] {
					continue
				}
				name = pol.ARN.Val
			}
			polAt := pol.ARN.At.Or(pol.Ref.Loc)
			if pol.Document != nil && pol.Document.Unknown == "" {
				if grants, _ := wildcardGrants(pol.Document); len(grants) > 0 {
					name = fmt.Sprintf("%s (allows %s on all resources)", name, grants[0].Action)
					polAt = grants[0].Statement.At.Or(polAt)
				}
			}
			if len(extra) == 0 {
				extraAt = polAt
			}
			extra = append(extra, name)
		}
		if r.PoliciesComplete.IsUnknown() {
			unknown = firstWhy(unknown, r.PoliciesComplete.Why)
		} else if !r.PoliciesComplete.Get(false) {
			unknown = firstWhy(unknown, "the evidence does not say it lists every policy of the role")
		}
		switch {
		case len(extra) > 0:
			p.Failf(ng.Ref, extraAt.Or(at), "nodegroup %s: node role %s has policies beyond the worker, CNI and registry ones, granted to every pod that reaches IMDS: %s", ng.Ref.ID, r.Ref.ID, strings.Join(extra, "; "))
		case unknown != "":
			p.Unknownf(ng.Ref, at, "nodegroup %s: node role %s has only node policies among those known, but %s", ng.Ref.ID, r.Ref.ID, unknown)
		default:
			p.Passf(ng.Ref, at, "nodegroup %s: node role %s has only the worker, CNI and registry policies", ng.Ref.ID, r.Ref.ID)
		}
	}
}

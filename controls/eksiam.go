package controls

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// execRole is a job execution role and why it is one; assoc is the EMR
// Pod Identity association that gives it, if any (EKS102 then judges the
// trust of Pod Identity as the mechanism, not as an extra principal).
type execRole struct {
	role  *model.Role
	why   string
	assoc *emrAssoc
}

// executionRoles returns the roles EMR on EKS jobs run as: those whose
// trust policy names an EKS OIDC provider with EMR's service accounts
// (emr-containers-sa-…), those a job run, job template or managed
// endpoint among the inputs names as its execution role, and those a Pod
// Identity association gives to EMR's service accounts or to a service
// account of an EMR namespace.
func executionRoles(ev *model.Evidence) []execRole {
	assocs := emrAssociations(ev)
	var out []execRole
	for _, r := range ev.Roles {
		er := execRole{role: r, assoc: associationOf(assocs, r)}
		if why := trustsEMRServiceAccounts(r.Trust); why != "" {
			er.why = why
		}
		for _, j := range ev.JobRoles {
			if er.why != "" {
				break
			}
			if j.RoleARN.IsSet() && namesRole(j.RoleARN.Val, r) {
				er.why = fmt.Sprintf("%s names it as its execution role (%s)", j.Ref, j.RoleARN.At.Or(j.Ref.Loc))
			}
		}
		switch {
		case er.assoc == nil:
		case er.why == "":
			er.why = er.assoc.why
		default:
			er.why += "; " + er.assoc.why
		}
		if er.why != "" {
			out = append(out, er)
		}
	}
	return out
}

// namesRole reports whether arn is r's ARN, a role ARN ending in r's name,
// or r's own ID (infrastructure code links by address:
// aws_iam_role.job.arn is known only after apply).
func namesRole(arn string, r *model.Role) bool {
	if arn == r.Ref.ID {
		return true
	}
	if r.ARN.IsSet() {
		return arn == r.ARN.Val
	}
	name := r.Name.Get(r.Ref.ID)
	return name != "" && strings.Contains(arn, ":role/") && (strings.HasSuffix(arn, "/"+name))
}

// policiesOf returns the policies known to grant r permissions: its own,
// with those attached to it elsewhere, which model.Link put there.
func policiesOf(r *model.Role) []*model.Policy {
	return r.Policies
}

// wildcardManaged are AWS-managed policies whose documents allow wildcard
// actions on every resource, known by name when only the ARN is given.
var wildcardManaged = map[string]string{
	"AdministratorAccess": "*", "PowerUserAccess": "NotAction iam:*,organizations:*,account:*",
	"AmazonS3FullAccess": "s3:*", "AmazonDynamoDBFullAccess": "dynamodb:*", "AmazonEC2FullAccess": "ec2:*",
}

func runEKS101(p *control.Pass) {
roles:
	for _, er := range executionRoles(p.Evidence) {
		r := er.role
		var unknown []string
		for _, pol := range policiesOf(r) {
			if pol.Document == nil {
				arn := pol.ARN.Get(pol.Name.Get(pol.Ref.ID))
				if a, ok := wildcardManaged[arn[strings.LastIndex(arn, "/")+1:]]; ok && strings.Contains(arn, ":aws:policy/") {
					p.Failf(r.Ref, pol.ARN.At.Or(pol.Ref.Loc), "execution role %s (%s) has AWS-managed policy %s, which allows %s on all resources", r.Ref.ID, er.why, arn, a)
					continue roles
				}
				unknown = append(unknown, fmt.Sprintf("policy %s's document is not among the inputs", arn))
				continue
			}
			grants, unk := wildcardGrants(pol.Document)
			if len(grants) > 0 {
				g := grants[0]
				p.Failf(r.Ref, g.Statement.At.Or(pol.Ref.Loc), "execution role %s (%s) is allowed %s on all resources by policy %s", r.Ref.ID, er.why, g.Action, pol.Ref.ID)
				continue roles
			}
			unknown = append(unknown, unk...)
		}
		if r.PoliciesComplete.IsUnknown() {
			unknown = append(unknown, r.PoliciesComplete.Why)
		}
		if len(unknown) > 0 {
			p.Unknownf(r.Ref, r.Ref.Loc, "no wildcard grant found for execution role %s, but %s", r.Ref.ID, strings.Join(unknown, "; "))
			continue
		}
		p.Passf(r.Ref, r.Ref.Loc, "execution role %s allows no wildcard action on all resources", r.Ref.ID)
	}
}

// runEKS102 judges each execution role's trust statements: every
// statement that lets someone assume the role must be the IRSA form for
// one namespace's EMR service accounts, on the provider the statement
// federates with (aws-emr-facts.md §6.4 lists the failing forms).
func runEKS102(p *control.Pass) {
	for _, er := range executionRoles(p.Evidence) {
		r := er.role
		doc := r.Trust
		switch {
		case doc == nil:
			p.Unknownf(r.Ref, r.Ref.Loc, "execution role %s: its trust policy is not among the inputs", r.Ref.ID)
			continue
		case doc.Unknown != "":
			p.Unknownf(r.Ref, doc.At.Or(r.Ref.Loc), "execution role %s: its trust policy cannot be read: %s", r.Ref.ID, doc.Unknown)
			continue
		}
		fault, at, unknown := "", model.Loc{}, ""
		namespaces := map[string]bool{}
		for _, s := range doc.Statements {
			f, u := judgeTrust(s, namespaces, er.assoc)
			if f != "" {
				fault, at = f, s.At
				break
			}
			if u != "" && unknown == "" {
				unknown, at = u, s.At
			}
		}
		if len(namespaces) > 1 && fault == "" {
			fault, at = fmt.Sprintf("the trust lets EMR service accounts of several namespaces in (%s): a job of one can take the role meant for another", strings.Join(slices.Sorted(maps.Keys(namespaces)), ", ")), doc.At
		}
		switch {
		case fault != "":
			p.Failf(r.Ref, at.Or(r.Ref.Loc), "execution role %s (%s): %s", r.Ref.ID, er.why, fault)
		case unknown != "":
			p.Unknownf(r.Ref, at.Or(r.Ref.Loc), "execution role %s: %s", r.Ref.ID, unknown)
		default:
			p.Passf(r.Ref, doc.At.Or(r.Ref.Loc), "execution role %s trusts only EMR service accounts of single namespaces", r.Ref.ID)
		}
	}
}

func runEKS401(p *control.Pass) {
	x := p.Evidence.RBAC()
	judge := func(ref model.Ref, ns model.Field[string], ann map[string]model.Annotation, what string) {
		switch {
		case ns.IsUnknown() && len(x.EMRNamespaces()) == 0:
			p.NAf(ref, ref.Loc, "%s: no EMR namespace is known", ref.ID)
			return
		case ns.IsUnknown():
			p.Unknownf(ref, ref.Loc, "whether %s is in an EMR namespace is unknown: %s", ref.ID, ns.Why)
			return
		case !ns.IsSet():
			return
		}
		if _, ok := x.EMRNamespace(ns.Val); !ok {
			p.NAf(ref, ref.Loc, "%s is not in an EMR namespace", ref.ID)
			return
		}
		for _, key := range kube2iamAnnotations {
			if a, ok := ann[key]; ok {
				p.Failf(ref, a.At, "%s in EMR namespace %s %s %s=%s: kube2iam/kiam credentials, which EMR on EKS does not support beside IRSA", ref.ID, ns.Val, what, key, a.Val)
				return
			}
		}
		p.Passf(ref, ref.Loc, "%s in EMR namespace %s uses no kube2iam/kiam annotation", ref.ID, ns.Val)
	}
	for _, w := range p.Evidence.Workloads {
		judge(w.Ref, w.Namespace, w.Annotations, "has pod annotation")
	}
	for _, n := range p.Evidence.Namespaces {
		judge(n.Ref, model.Known(n.Name, n.Ref.Loc), n.Annotations, "has namespace annotation")
	}
}

// kube2iamAnnotations are the annotations kube2iam and kiam read: the
// pod's role and external ID, and the namespace's permitted-roles pattern.
var kube2iamAnnotations = []string{"iam.amazonaws.com/role", "iam.amazonaws.com/external-id", "iam.amazonaws.com/permitted", "iam.amazonaws.com/allowed-roles"}

func runEKS702(p *control.Pass) {
	for _, lt := range p.Evidence.LaunchTemplates {
		at := lt.Ref.Loc
		switch h := lt.HopLimit; {
		case strings.EqualFold(lt.HTTPEndpoint.Get(""), "disabled"):
			p.Passf(lt.Ref, lt.HTTPEndpoint.At, "launch template %s disables the instance metadata service", lt.Ref.ID)
		case h.IsUnknown():
			p.Unknownf(lt.Ref, h.At.Or(at), "launch template %s: hop limit unknown: %s", lt.Ref.ID, h.Why)
		case h.IsSet() && h.Val > 1:
			p.Failf(lt.Ref, h.At, "launch template %s sets HttpPutResponseHopLimit %d: pods reach the node's IMDS and its role's credentials", lt.Ref.ID, h.Val)
		case strings.EqualFold(lt.HTTPTokens.Get(""), "optional"):
			p.Failf(lt.Ref, lt.HTTPTokens.At, "launch template %s allows IMDSv1 (HttpTokens optional), which answers pods whatever the hop limit", lt.Ref.ID)
		case h.IsAbsent():
			p.Unknownf(lt.Ref, at, "launch template %s sets no HttpPutResponseHopLimit: the default depends on the AMI (2 for AMIs with ImdsSupport v2.0, as EKS AL2023 AMIs) and the account's metadata defaults", lt.Ref.ID)
		case !lt.HTTPTokens.IsSet():
			p.Unknownf(lt.Ref, h.At, "launch template %s sets hop limit %d but not HttpTokens; whether IMDSv1 (not hop-limited) answers depends on the AMI", lt.Ref.ID, h.Val)
		default:
			p.Passf(lt.Ref, h.At, "launch template %s keeps IMDS to the node (hop limit %d, tokens %s)", lt.Ref.ID, h.Val, lt.HTTPTokens.Val)
		}
	}
}

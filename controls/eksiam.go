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

// EKS101 fails when a job execution role's policies allow wildcard actions on all resources.
var EKS101 = &control.Control{
	Run: runEKS101,
	ID:  "EKS101", Title: "Job execution role allows wildcard actions on all resources", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKSRole,
	Remediation: control.Remediation{
		Text:           "Scope the execution role to the buckets, keys, tables and log groups its jobs use (`emrguard harden iam --for eks`).",
		CLI:            "aws iam put-role-policy --role-name JOBROLE --policy-name scoped --policy-document file://scoped.json",
		CloudFormation: "Narrow `Action` and `Resource` in the execution role's policies.",
		Terraform:      "Narrow `actions` and `resources` in the execution role's policy documents.",
	},
	Doc: `Job execution role allows wildcard actions on all resources

Every job submitted with the role, and every user who may submit with it, gets
full control of the service across the account.

Execution roles are those a job run, job template or managed endpoint names,
those whose trust lets EMR's job service accounts in (see EKS102), however
the trust is written, and those an EKS Pod Identity association gives to
EMR's service accounts (emr-containers-sa-..., as aws emr-containers
create-role-associations names them) or to a service account of an EMR
namespace (a virtual cluster's, or one given with --emr-namespace).`,
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

// EKS102 fails when an execution role's trust policy is not scoped to one namespace's EMR service accounts.
var EKS102 = &control.Control{
	Run: runEKS102,
	ID:  "EKS102", Title: "Job execution role trust is not scoped to EMR service accounts of one namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKSTrust,
	Remediation: control.Remediation{
		Text:           "Trust only the cluster's OIDC provider with a `StringLike` `sub` of `system:serviceaccount:<namespace>:emr-containers-sa-*-*-<account>-<base36 role name>`; `emrguard harden iam --eks-oidc-provider ARN --eks-namespace NAMESPACE` writes such a role. For a role given by EKS Pod Identity, add to the `pods.eks.amazonaws.com` statement `StringEquals` `aws:RequestTag/kubernetes-namespace` = the job namespace and `StringLike` `aws:RequestTag/kubernetes-service-account` = `emr-containers-sa-*`.",
		CLI:            "aws emr-containers update-role-trust-policy --cluster-name CLUSTER --namespace NAMESPACE --role-name JOBROLE",
		CloudFormation: "Write the `AssumeRolePolicyDocument` with the OIDC `sub` condition for one namespace.",
		Terraform:      "Write the role's `assume_role_policy` with the OIDC `sub` condition for one namespace.",
	},
	Doc: `Job execution role trust is not scoped to EMR service accounts of one namespace

A trust policy without a namespace-scoped sub condition lets any pod that can
use a service account of the cluster (or any principal, with a wildcard) take
the role.

A role is judged as an execution role by what its trust lets in: web
identities of an EKS OIDC provider (its ARN, one known only at deploy, one
given by a variable, data source or module output, one still holding a
${...} placeholder, or an empty one) whose :sub conditions can match an EMR
job service account, system:serviceaccount:<namespace>:emr-containers-sa-*
(a trust with no :sub condition matches every one). A role named by a job
run, job template or managed endpoint is one too, and so is one an EKS Pod
Identity association gives to EMR's service accounts (emr-containers-sa-...)
or to a service account of an EMR namespace. The EKS service principals
alone do not make one: the EKS cluster role and Pod Identity roles trust them.

For a role a Pod Identity association gives to EMR, the trust of
pods.eks.amazonaws.com is how the role reaches the job: it is scoped when its
conditions keep the session tags EKS Pod Identity sets to one namespace
(aws:RequestTag/kubernetes-namespace) and to EMR's service accounts, or the
association's own (aws:RequestTag/kubernetes-service-account). Without them
any Pod Identity association, in any namespace or cluster, can give the role:
it fails, as does a wildcard namespace, a service account not EMR's, or an
operator other than StringEquals or StringLike.

Fails: a :sub pattern wider than emr-containers-sa-* (emr-containers*), any
namespace, several namespaces across the trust, no :sub condition, a :sub for
another provider, an operator other than StringEquals or StringLike, an empty
provider, and principals beside EMR's service accounts: the wildcard, AWS
accounts or roles, eks.amazonaws.com, pods.eks.amazonaws.com on a role no
EMR association gives (Pod Identity gives the role to any pod an association
names), other identity providers.
A service principal such as elasticmapreduce.amazonaws.com is not judged. A
provider known only at deploy does not make the verdict unknown: only tokens
whose sub meets the condition get in, whichever provider issued them.`,
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

// EKS401 fails when pods in EMR namespaces use another credential provider than IRSA.
var EKS401 = &control.Control{
	Run: runEKS401,
	ID:  "EKS401", Title: "Pods in an EMR namespace use a credential provider other than IRSA", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Remove kube2iam/kiam annotations (`iam.amazonaws.com/role`) and grant access through IRSA service accounts only.",
		CLI:            "kubectl -n NAMESPACE annotate pod POD iam.amazonaws.com/role-",
		CloudFormation: "Not managed by CloudFormation: edit the pod template.",
		Terraform:      "Remove the annotation from the pod template.",
	},
	Doc: `Pods in an EMR namespace use a credential provider other than IRSA

kube2iam and kiam intercept IMDS for every pod on the node; EMR on EKS supports
only IRSA, which scopes credentials to a service account.`,
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

// EKS702 fails when the nodegroup launch template allows an IMDS hop limit above 1.
var EKS702 = &control.Control{
	Run: runEKS702,
	ID:  "EKS702", Title: "Pods can reach the node's instance profile credentials", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Set the nodegroup launch template's `HttpPutResponseHopLimit` to 1 and `HttpTokens` to required.",
		CLI:            "aws ec2 modify-instance-metadata-options --instance-id i-... --http-put-response-hop-limit 1 --http-tokens required",
		CloudFormation: "Set `MetadataOptions.HttpPutResponseHopLimit: 1` in the AWS::EC2::LaunchTemplate.",
		Terraform:      "Set `metadata_options { http_put_response_hop_limit = 1 }` in aws_launch_template.",
	},
	Doc: `Pods can reach the node's instance profile credentials

With a hop limit above 1, pods not on the host network reach IMDS and the node
role's credentials.`,
}

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

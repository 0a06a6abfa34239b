package cfn

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/iampolicy"
	"github.com/emrguard/emrguard/source/tree"
)

func (r *reader) document(p *tree.Node, key string) *model.PolicyDocument {
	v, at, ok := prop(p, key)
	if !ok {
		return nil
	}
	if v.Kind == tree.Unknown {
		v = tree.UnknownNode(v.Text, at)
	}
	doc, diags := iampolicy.Decode(v)
	r.diags = append(r.diags, diags...)
	return doc
}

func (r *reader) role(res *resource, p *tree.Node) {
	role := &model.Role{Ref: r.ref(res), Name: r.str(p, "RoleName"), PoliciesComplete: model.Known(true, res.at), Scope: r.scope}
	if role.Name.IsSet() {
		role.Ref.Name = role.Name.Val
	}
	role.Trust = r.document(p, "AssumeRolePolicyDocument")
	if role.Trust == nil {
		r.errorf(res.at, "role %s has no AssumeRolePolicyDocument (a required property)", res.id)
	}
	incomplete := func(why string, at model.Loc) { role.PoliciesComplete = model.Unresolved[bool](why, at) }
	if v, at, ok := prop(p, "Policies"); ok {
		switch v.Kind {
		case tree.Unknown:
			incomplete("Policies is unknown: "+v.Text, at)
		case tree.Array:
			for _, it := range v.Items {
				if it.Kind != tree.Object {
					incomplete("an inline policy is unknown", it.At)
					continue
				}
				pol := &model.Policy{Ref: model.Ref{Kind: res.typ + ".Policies", ID: res.id, Loc: it.At}, Name: r.str(it, "PolicyName"), Document: r.document(it, "PolicyDocument")}
				if pol.Name.IsSet() {
					pol.Ref.ID = res.id + "/" + pol.Name.Val
					pol.Ref.Name = pol.Name.Val
				}
				if pol.Document == nil {
					incomplete(fmt.Sprintf("inline policy %s has no PolicyDocument", pol.Ref.ID), it.At)
				}
				role.Policies = append(role.Policies, pol)
			}
		default:
			r.errorf(v.At, "Policies of %s is a %s, want a list", res.id, v.Kind)
			incomplete("Policies is not a list", at)
		}
	}
	if v, at, ok := prop(p, "ManagedPolicyArns"); ok {
		switch v.Kind {
		case tree.Unknown:
			incomplete("ManagedPolicyArns is unknown: "+v.Text, at)
		case tree.Array:
			for _, it := range v.Items {
				if id, _, isRef := refTarget(it); isRef {
					// A managed policy of the template: model.Link puts its
					// declaration in the stub's place.
					stub := &model.Policy{Ref: model.Ref{Kind: "AWS::IAM::ManagedPolicy", ID: id, Loc: it.At}}
					role.Policies = append(role.Policies, stub)
					r.ev.PolicyRefs = append(r.ev.PolicyRefs, model.PolicyRef{Scope: r.scope, Role: role, Stub: stub, In: "template"})
					continue
				}
				f := r.strOf(it, "ManagedPolicyArns", it.At)
				if f.IsUnknown() {
					f = r.awsManagedARN(res, it, f)
				}
				if !f.IsSet() {
					incomplete("a managed policy ARN is unknown: "+f.Why, it.At)
					continue
				}
				role.Policies = append(role.Policies, &model.Policy{Ref: model.Ref{Kind: "AWS::IAM::ManagedPolicy", ID: f.Val, Loc: it.At}, ARN: f})
			}
		default:
			r.errorf(v.At, "ManagedPolicyArns of %s is a %s, want a list", res.id, v.Kind)
			incomplete("ManagedPolicyArns is not a list", at)
		}
	}
	r.ev.Roles = append(r.ev.Roles, role)
}

// policy reads AWS::IAM::Policy and AWS::IAM::ManagedPolicy.
func (r *reader) policy(res *resource, p *tree.Node) {
	nameKey := "PolicyName"
	if res.typ == "AWS::IAM::ManagedPolicy" {
		nameKey = "ManagedPolicyName"
	}
	pol := &model.Policy{Ref: r.ref(res), Name: r.str(p, nameKey), Document: r.document(p, "PolicyDocument"), Scope: r.scope}
	if pol.Name.IsSet() {
		pol.Ref.Name = pol.Name.Val
	}
	if pol.Document == nil {
		pol.Document = &model.PolicyDocument{At: res.at, Unknown: "policy has no PolicyDocument"}
		r.errorf(res.at, "policy %s has no PolicyDocument (a required property)", res.id)
	}
	if v, at, ok := prop(p, "Roles"); ok {
		if v.Kind == tree.Array {
			for _, it := range v.Items {
				pol.Attached = append(pol.Attached, r.linkOf(it, "Roles", it.At, false))
			}
		} else {
			pol.Attached = append(pol.Attached, r.linkOf(v, "Roles", at, false))
		}
	}
	for _, a := range pol.Attached {
		f := model.PolicyAttachment{Scope: r.scope, Policy: pol, Role: a}
		if a.IsUnknown() {
			f.Says = fmt.Sprintf("policy %s is attached to a role", pol.Ref.ID)
		}
		r.ev.PolicyAttachments = append(r.ev.PolicyAttachments, f)
	}
	r.ev.Policies = append(r.ev.Policies, pol)
}

func (r *reader) instanceProfile(res *resource, p *tree.Node) {
	ip := &model.InstanceProfile{Ref: r.ref(res), Name: r.str(p, "InstanceProfileName")}
	if ip.Name.IsSet() {
		ip.Ref.Name = ip.Name.Val
	}
	if v, at, ok := prop(p, "Roles"); ok {
		if v.Kind == tree.Array {
			for _, it := range v.Items {
				ip.Roles = append(ip.Roles, r.linkOf(it, "Roles", it.At, true))
			}
		} else {
			ip.Roles = append(ip.Roles, r.linkOf(v, "Roles", at, true))
		}
	}
	r.ev.InstanceProfiles = append(r.ev.InstanceProfiles, ip)
}

// awsManagedARN returns, for a ManagedPolicyArns item that is unknown only
// by its partition (!Sub arn:${AWS::Partition}:iam::aws:policy/NAME, as
// EKS node role templates write it), the ARN with the partition kept as
// written: the policy it names is the same in every partition, which is
// all EKS701 and EKS101 ask of an AWS-managed policy. Otherwise f.
func (r *reader) awsManagedARN(res *resource, it *tree.Node, f model.Field[string]) model.Field[string] {
	raw := res.props.Get("ManagedPolicyArns")
	if raw == nil || raw.Kind != tree.Array {
		return f
	}
	for _, x := range raw.Items {
		if x.At != it.At {
			continue
		}
		if out, ok := r.subKeepingPseudo(x); ok && strings.HasPrefix(out, "arn:${AWS::Partition}:iam::aws:policy/") && !strings.Contains(out[len("arn:${AWS::Partition}:"):], "${") {
			return model.Known(out, f.At)
		}
	}
	return f
}

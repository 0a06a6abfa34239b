package terraform

import (
	"fmt"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/iampolicy"
	"github.com/emrguard/emrguard/source/tree"
)

func (r *rd) policyDoc(n *tree.Node) *model.PolicyDocument {
	doc, diags := iampolicy.Decode(n)
	*r.diags = append(*r.diags, diags...)
	return doc
}

func (r *rd) role(in *instance) {
	ref := r.ref(in)
	role := &model.Role{Ref: ref, Name: r.str(r.arg(in, "name")), PoliciesComplete: model.Known(true, ref.Loc)}
	r.named(&role.Ref, role.Name)
	if a := in.res.content().attr("assume_role_policy"); a != nil {
		role.Trust = r.policyDoc(r.document(in, a))
	} else {
		r.diags.Errorf(ref.Loc, fmt.Sprintf("%s has no assume_role_policy (a required argument)", in.addr))
	}
	for _, b := range r.blocks(in, in.res.content(), "inline_policy") {
		if b.why != "" {
			role.PoliciesComplete = model.Unresolved[bool](b.why, b.at)
			continue
		}
		c := b.c
		pol := &model.Policy{Ref: model.Ref{Kind: "aws_iam_role.inline_policy", ID: in.addr, Loc: b.at}, Name: r.str(r.sub(in, c, "name"))}
		if pol.Name.IsSet() {
			pol.Ref.ID, pol.Ref.Name = in.addr+"/"+pol.Name.Val, pol.Name.Val
		}
		if a := c.attr("policy"); a != nil {
			pol.Document = r.policyDoc(r.document(in, a))
		} else {
			continue // an empty inline_policy block removes inline policies
		}
		role.Policies = append(role.Policies, pol)
	}
	if x := r.arg(in, "managed_policy_arns"); !x.absent() {
		arns := r.links(x, false)
		if arns.IsUnknown() {
			role.PoliciesComplete = model.Unresolved[bool]("managed_policy_arns is unknown: "+arns.Why, arns.At)
		}
		for _, a := range arns.Val {
			role.Policies = append(role.Policies, &model.Policy{Ref: model.Ref{Kind: "aws_iam_policy", ID: a, Loc: arns.At}, ARN: model.Known(a, arns.At)})
		}
	}
	setIn(&r.roles, ref.ID, role)
	if role.Name.IsSet() {
		setIn(&r.roles, role.Name.Val, role)
	}
	r.ev.Roles = append(r.ev.Roles, role)
}

func (r *rd) policy(in *instance) {
	pol := &model.Policy{Ref: r.ref(in), Name: r.str(r.arg(in, "name"))}
	r.named(&pol.Ref, pol.Name)
	if a := in.res.content().attr("policy"); a != nil {
		pol.Document = r.policyDoc(r.document(in, a))
	} else {
		pol.Document = &model.PolicyDocument{At: pol.Ref.Loc, Unknown: "policy has no policy document"}
	}
	setIn(&r.policies, pol.Ref.ID, pol)
	r.ev.Policies = append(r.ev.Policies, pol)
}

// rolePolicy adds an aws_iam_role_policy to its role.
func (r *rd) rolePolicy(in *instance) {
	pol := &model.Policy{Ref: r.ref(in), Name: r.str(r.arg(in, "name"))}
	r.named(&pol.Ref, pol.Name)
	if a := in.res.content().attr("policy"); a != nil {
		pol.Document = r.policyDoc(r.document(in, a))
	}
	r.attach(in, pol)
}

// attachment attaches a managed policy (of the configuration, or an AWS
// or customer ARN) to its role.
func (r *rd) attachment(in *instance) {
	arn := r.link(r.arg(in, "policy_arn"))
	var pol *model.Policy
	switch {
	case arn.IsSet() && r.policies[arn.Val] != nil:
		pol = r.policies[arn.Val]
	case arn.IsSet():
		pol = &model.Policy{Ref: model.Ref{Kind: "aws_iam_policy", ID: arn.Val, Loc: arn.At}, ARN: arn}
	default:
		pol = &model.Policy{Ref: r.ref(in), Document: &model.PolicyDocument{At: arn.At, Unknown: "the attached policy is unknown: " + arn.Why}}
	}
	r.attach(in, pol)
}

func (r *rd) attach(in *instance, pol *model.Policy) {
	if in.res.typ == "aws_iam_policy_attachment" {
		x := r.arg(in, "roles")
		roles := r.links(x, false)
		if roles.IsUnknown() {
			r.incompleteAll(fmt.Sprintf("%s attaches a policy to roles that cannot be resolved: %s", in.addr, roles.Why), roles.At)
		}
		for _, n := range roles.Val {
			r.addTo(n, pol, in)
		}
		return
	}
	role := r.link(r.arg(in, "role"))
	switch {
	case role.IsUnknown():
		r.incompleteAll(fmt.Sprintf("%s attaches a policy to a role that cannot be resolved: %s", in.addr, role.Why), role.At)
	case role.IsSet():
		r.addTo(role.Val, pol, in)
	}
}

func (r *rd) addTo(name string, pol *model.Policy, in *instance) {
	if role := r.roles[name]; role != nil && !hasPolicy(role, pol) {
		role.Policies = append(role.Policies, pol)
	}
	pol.Attached = append(pol.Attached, model.Known(name, in.res.at))
}

func (r *rd) incompleteAll(why string, at model.Loc) {
	for _, role := range r.ev.Roles {
		role.PoliciesComplete = model.Unresolved[bool](why, at)
	}
}

// linkIAM replaces managed policies roles list by the configuration's
// policy of that address.
func (r *rd) linkIAM() {
	for _, role := range r.ev.Roles {
		for i, pol := range role.Policies {
			if pol.Document == nil {
				if def := r.policies[pol.Ref.ID]; def != nil {
					role.Policies[i] = def
				}
			}
		}
	}
}

func hasPolicy(role *model.Role, pol *model.Policy) bool {
	for _, p := range role.Policies {
		if p == pol {
			return true
		}
	}
	return false
}

func (r *rd) instanceProfile(in *instance) {
	ip := &model.InstanceProfile{Ref: r.ref(in), Name: r.str(r.arg(in, "name"))}
	r.named(&ip.Ref, ip.Name)
	if x := r.arg(in, "role"); !x.absent() {
		ip.Roles = append(ip.Roles, r.roleLink(x))
	}
	r.ev.InstanceProfiles = append(r.ev.InstanceProfiles, ip)
}

// roleLink reads a role given by name: aws_iam_role.r.name is the role's
// name when it is set, else the role's address.
func (r *rd) roleLink(x val) model.Field[string] {
	return r.link(x)
}

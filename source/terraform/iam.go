package terraform

import (
	"fmt"
	"strings"

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
	role := &model.Role{Ref: ref, Name: r.str(r.arg(in, "name")), PoliciesComplete: model.Known(true, ref.Loc), Scope: scopeOf(in)}
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
			pol := &model.Policy{Ref: model.Ref{Kind: "aws_iam_policy", ID: a, Loc: arns.At}, ARN: model.Known(a, arns.At)}
			role.Policies = append(role.Policies, pol)
			if !strings.HasPrefix(a, "arn:") {
				// Not an ARN, so a reference (ids evaluate to addresses):
				// model.Link puts the declaration in its place.
				r.ev.PolicyRefs = append(r.ev.PolicyRefs, model.PolicyRef{Scope: role.Scope, Role: role, Stub: pol, In: "configuration"})
			}
		}
	}
	r.ev.Roles = append(r.ev.Roles, role)
}

func (r *rd) policy(in *instance) {
	pol := &model.Policy{Ref: r.ref(in), Name: r.str(r.arg(in, "name")), Scope: scopeOf(in)}
	r.named(&pol.Ref, pol.Name)
	if a := in.res.content().attr("policy"); a != nil {
		pol.Document = r.policyDoc(r.document(in, a))
	} else {
		pol.Document = &model.PolicyDocument{At: pol.Ref.Loc, Unknown: "policy has no policy document"}
	}
	r.ev.Policies = append(r.ev.Policies, pol)
}

// rolePolicy adds an aws_iam_role_policy to its role.
func (r *rd) rolePolicy(in *instance) {
	pol := &model.Policy{Ref: r.ref(in), Name: r.str(r.arg(in, "name"))}
	r.named(&pol.Ref, pol.Name)
	if a := in.res.content().attr("policy"); a != nil {
		pol.Document = r.policyDoc(r.document(in, a))
	}
	r.attach(in, pol, "")
}

// attachment attaches a managed policy (of the configuration, or an AWS
// or customer ARN) to its role.
func (r *rd) attachment(in *instance) {
	arn := r.link(r.arg(in, "policy_arn"))
	var pol *model.Policy
	if arn.IsSet() {
		pol = &model.Policy{Ref: model.Ref{Kind: "aws_iam_policy", ID: arn.Val, Loc: arn.At}, ARN: arn}
	} else {
		pol = &model.Policy{Ref: r.ref(in), Document: &model.PolicyDocument{At: arn.At, Unknown: "the attached policy is unknown: " + arn.Why}}
	}
	r.attach(in, pol, arn.Get(""))
}

// attach emits the attachment of pol (or of the configuration's policy
// with address id) to the roles in's arguments name, for model.Link.
func (r *rd) attach(in *instance, pol *model.Policy, id string) {
	f := model.PolicyAttachment{Scope: scopeOf(in), Policy: pol, PolicyID: id}
	add := func(role model.Field[string], to string) {
		f.Role, f.Says = role, ""
		if role.IsUnknown() {
			f.Says = fmt.Sprintf("%s attaches a policy to %s", in.addr, to)
		}
		r.ev.PolicyAttachments = append(r.ev.PolicyAttachments, f)
	}
	if in.res.typ == "aws_iam_policy_attachment" {
		x := r.arg(in, "roles")
		roles := r.links(x, false)
		if roles.IsUnknown() {
			add(model.Field[string]{State: model.Unknown, Why: roles.Why, At: roles.At}, "roles")
		}
		for _, n := range roles.Val {
			add(model.Known(n, in.res.at), "roles")
		}
		return
	}
	if role := r.link(r.arg(in, "role")); !role.IsAbsent() {
		if role.IsSet() {
			role.At = in.res.at // where policy.Attached says it is attached
		}
		add(role, "a role")
	}
}

// scopeOf is the scope of in's IAM facts: its root module's evaluation.
func scopeOf(in *instance) string { return in.res.m.ld.rootDir }

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

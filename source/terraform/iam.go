package terraform

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/iampolicy"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
	"github.com/emrguard/emrguard/source/tree"
)

func (r *rd) policyDoc(n *tree.Node) *model.PolicyDocument {
	doc, diags := iampolicy.Decode(n)
	*r.Diags = append(*r.Diags, diags...)
	return doc
}

func (r *rd) role(in attrs) {
	ref := r.ref(in)
	role := &model.Role{Ref: ref, Name: r.str(in.arg(r, "name")), PoliciesComplete: model.Known(true, ref.Loc), Scope: in.scope()}
	r.named(&role.Ref, role.Name)
	if d, ok := in.document(r, nil, "assume_role_policy"); ok {
		role.Trust = r.policyDoc(d)
	} else {
		r.Diags.Errorf(ref.Loc, "%s has no assume_role_policy (a required argument)", in.address())
	}
	for _, b := range in.nestedIn(r, nil, "inline_policy") {
		if b.why != "" {
			role.PoliciesComplete = model.Unresolved[bool](b.why, b.at)
			continue
		}
		pol := &model.Policy{Ref: model.Ref{Kind: "aws_iam_role.inline_policy", ID: in.address(), Loc: b.at}, Name: r.str(in.sub(r, b, "name"))}
		if pol.Name.IsSet() {
			pol.Ref.ID, pol.Ref.Name = in.address()+"/"+pol.Name.Val, pol.Name.Val
		}
		if d, ok := in.document(r, &b, "policy"); ok {
			pol.Document = r.policyDoc(d)
		} else {
			continue // an empty inline_policy block removes inline policies
		}
		role.Policies = append(role.Policies, pol)
	}
	if x := in.arg(r, "managed_policy_arns"); !x.Absent() {
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

func (r *rd) policy(in attrs) {
	pol := &model.Policy{Ref: r.ref(in), Name: r.str(in.arg(r, "name")), Scope: in.scope()}
	r.named(&pol.Ref, pol.Name)
	if d, ok := in.document(r, nil, "policy"); ok {
		pol.Document = r.policyDoc(d)
	} else {
		pol.Document = &model.PolicyDocument{At: pol.Ref.Loc, Unknown: "policy has no policy document"}
	}
	r.ev.Policies = append(r.ev.Policies, pol)
}

// rolePolicy adds an aws_iam_role_policy to its role.
func (r *rd) rolePolicy(in attrs) {
	pol := &model.Policy{Ref: r.ref(in), Name: r.str(in.arg(r, "name"))}
	r.named(&pol.Ref, pol.Name)
	if d, ok := in.document(r, nil, "policy"); ok {
		pol.Document = r.policyDoc(d)
	}
	r.attach(in, pol, "")
}

// attachment attaches a managed policy (of the configuration, or an AWS
// or customer ARN) to its role.
func (r *rd) attachment(in attrs) {
	arn := r.link(in.arg(r, "policy_arn"))
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
func (r *rd) attach(in attrs, pol *model.Policy, id string) {
	f := model.PolicyAttachment{Scope: in.scope(), Policy: pol, PolicyID: id}
	add := func(role model.Field[string], to string) {
		f.Role, f.Says = role, ""
		if role.IsUnknown() {
			f.Says = fmt.Sprintf("%s attaches a policy to %s", in.address(), to)
		}
		r.ev.PolicyAttachments = append(r.ev.PolicyAttachments, f)
	}
	if in.kind() == "aws_iam_policy_attachment" {
		x := in.arg(r, "roles")
		roles := r.links(x, false)
		if roles.IsUnknown() {
			add(model.Field[string]{State: model.Unknown, Why: roles.Why, At: roles.At}, "roles")
		}
		for _, n := range roles.Val {
			add(model.Known(n, in.pos()), "roles")
		}
		return
	}
	if role := r.link(in.arg(r, "role")); !role.IsAbsent() {
		if role.IsSet() {
			role.At = in.pos() // where policy.Attached says it is attached
		}
		add(role, "a role")
	}
}

func (r *rd) instanceProfile(in attrs) {
	ip := &model.InstanceProfile{Ref: r.ref(in), Name: r.str(in.arg(r, "name"))}
	r.named(&ip.Ref, ip.Name)
	if x := in.arg(r, "role"); !x.Absent() {
		ip.Roles = append(ip.Roles, r.roleLink(x))
	}
	r.ev.InstanceProfiles = append(r.ev.InstanceProfiles, ip)
}

// roleLink reads a role given by name: aws_iam_role.r.name is the role's
// name when it is set, else the role's address.
func (r *rd) roleLink(x tfeval.Value) model.Field[string] {
	return r.link(x)
}

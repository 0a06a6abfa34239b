package iamcli

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// detectDetails reports whether root is `aws iam
// get-account-authorization-details` output.
func detectDetails(root *tree.Node) bool {
	n := root.Get("RoleDetailList")
	return n != nil && n.Kind == tree.Array
}

// loadDetails reads every role of get-account-authorization-details
// output with all its policies: inline ones, and attached managed ones
// whose default version the output holds (AWS-managed policies appear by
// ARN only unless the output was asked for them). The list is complete,
// so a role's PoliciesComplete is true. An attached policy is a stub
// with its ARN, which model.Link replaces by the document's policy of
// that ARN (the document is the scope: file) when there is one.
func loadDetails(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	ev := &model.Evidence{}
	var diags source.Diagnostics
	add := func(d source.Diagnostics) { diags = append(diags, d...) }
	for _, p := range items(root.Get("Policies")) {
		pol := &model.Policy{Ref: model.Ref{Kind: PolicyKind, Loc: p.At}, Name: str(p.Get("PolicyName")), ARN: str(p.Get("Arn")), Scope: file}
		pol.Ref.ID = pol.ARN.Get(pol.Name.Get(""))
		for _, v := range items(p.Get("PolicyVersionList")) {
			if d, ok := v.Get("IsDefaultVersion").Bool(); ok && d {
				doc, ds := decode(v.Get("Document"))
				pol.Document = doc
				add(ds)
			}
		}
		ev.Policies = append(ev.Policies, pol)
	}
	for _, r := range items(root.Get("RoleDetailList")) {
		if r.Kind != tree.Object {
			diags.Errorf(r.At, "%s", "a RoleDetailList item is a "+r.Kind.String()+", want an object")
			continue
		}
		role := &model.Role{Ref: model.Ref{Kind: RoleKind, Loc: r.At}, Name: str(r.Get("RoleName")), ARN: str(r.Get("Arn")),
			PoliciesComplete: model.Known(true, r.At)}
		role.Ref.ID, role.Ref.Name, role.Ref.Account = role.Name.Get(""), role.Name.Get(""), account(role.ARN.Get(""))
		if t := r.Get("AssumeRolePolicyDocument"); t != nil {
			doc, ds := decode(t)
			role.Trust = doc
			add(ds)
		}
		for _, p := range items(r.Get("RolePolicyList")) {
			doc, ds := decode(p.Get("PolicyDocument"))
			add(ds)
			pol := &model.Policy{Ref: model.Ref{Kind: PolicyKind, Loc: p.At}, Name: str(p.Get("PolicyName")), Document: doc}
			pol.Ref.ID = role.Ref.ID + "/" + pol.Name.Get("")
			role.Policies = append(role.Policies, pol)
		}
		for _, a := range items(r.Get("AttachedManagedPolicies")) {
			arn := str(a.Get("PolicyArn"))
			stub := &model.Policy{Ref: model.Ref{Kind: PolicyKind, ID: arn.Get(""), Loc: a.At}, Name: str(a.Get("PolicyName")), ARN: arn}
			role.Policies = append(role.Policies, stub)
			if arn.IsSet() {
				ev.PolicyRefs = append(ev.PolicyRefs, model.PolicyRef{Scope: file, Role: role, Stub: stub, In: "document", Keep: true})
			}
		}
		ev.Roles = append(ev.Roles, role)
	}
	return ev, diags
}

// items returns the items of a list, none when the key is missing (a
// Get of nil): output trimmed by hand may leave a list out.
func items(n *tree.Node) []*tree.Node {
	if n == nil {
		return nil
	}
	return n.Items
}

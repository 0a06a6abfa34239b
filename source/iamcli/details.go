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
// so a role's PoliciesComplete is true.
func loadDetails(root *tree.Node) (*model.Evidence, source.Diagnostics) {
	ev := &model.Evidence{}
	var diags source.Diagnostics
	add := func(d source.Diagnostics) { diags = append(diags, d...) }
	managed := map[string]*model.Policy{}
	for _, p := range root.Get("Policies").Items {
		pol := &model.Policy{Ref: model.Ref{Kind: PolicyKind, Loc: p.At}, Name: str(p.Get("PolicyName")), ARN: str(p.Get("Arn"))}
		pol.Ref.ID = pol.ARN.Get(pol.Name.Get(""))
		for _, v := range p.Get("PolicyVersionList").Items {
			if d, ok := v.Get("IsDefaultVersion").Bool(); ok && d {
				doc, ds := decode(v.Get("Document"))
				pol.Document = doc
				add(ds)
			}
		}
		if pol.ARN.IsSet() {
			managed[pol.ARN.Val] = pol
		}
	}
	for _, r := range root.Get("RoleDetailList").Items {
		if r.Kind != tree.Object {
			diags.Errorf(r.At, "a RoleDetailList item is a "+r.Kind.String()+", want an object")
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
		for _, p := range r.Get("RolePolicyList").Items {
			doc, ds := decode(p.Get("PolicyDocument"))
			add(ds)
			pol := &model.Policy{Ref: model.Ref{Kind: PolicyKind, Loc: p.At}, Name: str(p.Get("PolicyName")), Document: doc}
			pol.Ref.ID = role.Ref.ID + "/" + pol.Name.Get("")
			role.Policies = append(role.Policies, pol)
		}
		for _, a := range r.Get("AttachedManagedPolicies").Items {
			arn := str(a.Get("PolicyArn"))
			if pol := managed[arn.Get("")]; pol != nil {
				role.Policies = append(role.Policies, pol)
				continue
			}
			role.Policies = append(role.Policies, &model.Policy{Ref: model.Ref{Kind: PolicyKind, ID: arn.Get(""), Loc: a.At}, Name: str(a.Get("PolicyName")), ARN: arn})
		}
		ev.Roles = append(ev.Roles, role)
	}
	return ev, diags
}

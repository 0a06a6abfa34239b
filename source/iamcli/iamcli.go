// Package iamcli reads IAM documents as files hold them: `aws iam
// get-account-authorization-details` output (every role with all its
// policies), `aws iam get-role` output (the role and its trust policy),
// `aws iam get-role-policy` output (an inline policy with the role it
// belongs to, a model.PolicyAttachment that model.Link joins), and a bare
// policy document. Documents are decoded by source/iampolicy, once.
package iamcli

import (
	"path/filepath"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/iampolicy"
	"github.com/emrguard/emrguard/source/tree"
)

// Ref kinds of the objects read here.
const (
	RoleKind   = "iam:role"
	PolicyKind = "iam:policy"
)

// Detect reports whether a JSON document is get-role or get-role-policy
// output, or a policy document (Version and Statement).
func Detect(root *tree.Node) bool {
	if detectDetails(root) {
		return true
	}
	if r := root.Get("Role"); r != nil && r.Kind == tree.Object && (r.Get("RoleName") != nil || r.Get("AssumeRolePolicyDocument") != nil) {
		return true
	}
	if root.Get("RoleName") != nil && root.Get("PolicyDocument") != nil {
		return true
	}
	return root.Get("Statement") != nil && root.Get("Version") != nil
}

// Load reads the role or policy of one file. A bare document whose
// statements name a Principal is a trust policy: it becomes a role named
// after the file (trust.json is role "trust"), whose permission policies
// are not known. Any other bare document is a policy of that name,
// attached to nothing the file says.
func Load(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	if detectDetails(root) {
		return loadDetails(file, root)
	}
	ev := &model.Evidence{}
	stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	if r := root.Get("Role"); r != nil && r.Kind == tree.Object {
		role := &model.Role{Ref: model.Ref{Kind: RoleKind, Loc: r.At}, Name: str(r.Get("RoleName")), ARN: str(r.Get("Arn"))}
		role.Ref.ID, role.Ref.Name = role.Name.Get(stem), role.Name.Get("")
		role.Ref.Account = account(role.ARN.Get(""))
		var diags source.Diagnostics
		if t := r.Get("AssumeRolePolicyDocument"); t != nil {
			role.Trust, diags = decode(t)
		}
		role.PoliciesComplete = model.Unresolved[bool]("get-role output does not list the role's policies", r.At)
		ev.Roles = append(ev.Roles, role)
		return ev, diags
	}
	if rn := root.Get("RoleName"); rn != nil {
		doc, diags := decode(root.Get("PolicyDocument"))
		p := &model.Policy{Ref: model.Ref{Kind: PolicyKind, Loc: root.At}, Name: str(root.Get("PolicyName")), Document: doc}
		p.Ref.ID = p.Name.Get(stem)
		if s, ok := rn.Str(); ok {
			// The role is in another file: model.Link joins it, nearest
			// first (same folder, then anywhere).
			ev.PolicyAttachments = append(ev.PolicyAttachments, model.PolicyAttachment{Policy: p, Role: model.Known(s, rn.At)})
		}
		ev.Policies = append(ev.Policies, p)
		return ev, diags
	}
	doc, diags := iampolicy.Decode(root)
	for _, s := range doc.Statements {
		if len(s.Principals) > 0 {
			role := &model.Role{Ref: model.Ref{Kind: RoleKind, ID: stem, Loc: root.At}, Trust: doc,
				PoliciesComplete: model.Unresolved[bool]("a trust policy file does not show the role's permission policies", root.At)}
			ev.Roles = append(ev.Roles, role)
			return ev, diags
		}
	}
	ev.Policies = append(ev.Policies, &model.Policy{Ref: model.Ref{Kind: PolicyKind, ID: stem, Loc: root.At}, Document: doc})
	return ev, diags
}

// decode reads a document that the IAM API returns percent-encoded and the
// CLI prints decoded: an object, or a string of either form.
func decode(n *tree.Node) (*model.PolicyDocument, source.Diagnostics) {
	if s, ok := n.Str(); ok && (strings.HasPrefix(s, "%7B") || strings.HasPrefix(s, "%7b")) {
		return iampolicy.DecodeURLEncoded(s, n.At)
	}
	return iampolicy.Decode(n)
}

func str(n *tree.Node) model.Field[string] {
	if s, ok := n.Str(); ok {
		return model.Known(s, n.At)
	}
	return model.Field[string]{}
}

func account(arn string) string {
	if p := strings.Split(arn, ":"); len(p) >= 5 {
		return p[4]
	}
	return ""
}

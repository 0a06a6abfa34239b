package model

import (
	"fmt"
	"path/filepath"
)

// Sources emit what one resource says about another as unlinked facts;
// Link, run once on the whole evidence (control.Evaluate), joins them.
// Identifiers a template or a Terraform root declares mean something only
// there, so a fact with a Scope is resolved among the roles and policies
// of that scope (Role.Scope, Policy.Scope: a template, a root module's
// evaluation, which a module folder shared by two roots does not tell
// apart). A fact without one is resolved by the scoped rule of the
// lookups: same file, then same folder, then anywhere; two candidates at
// the nearest level are ambiguous.

// PolicyAttachment is a policy attached to a role the source names but
// does not hold: an AWS::IAM::Policy's Roles, an aws_iam_role_policy or
// aws_iam_(role_)policy_attachment. Link puts the policy on the role and
// the role's name on the policy's Attached.
type PolicyAttachment struct {
	Scope string
	// Policy is the attached policy as the source knows it. PolicyID, when
	// a policy of Scope has that ID, names the declaration to attach
	// instead (a policy_arn referring to an aws_iam_policy).
	Policy   *Policy
	PolicyID string
	// Role is the role as the source names it (name or resource ID). When
	// Unknown, the policy may be any role's: no role of Scope (of the
	// attachment's folder without one) has all its policies known.
	Role Field[string]
	// Says names the attachment in reasons: "policy P is attached to a role".
	Says string
}

// PolicyRef is a managed policy a role lists by the ID of its declaration
// (ManagedPolicyArns: !Ref P; managed_policy_arns = [aws_iam_policy.p.arn]).
// Stub stands in the role's Policies until Link replaces it by the policy
// of Scope with ID Stub.Ref.ID; when there is none, not every policy of
// the role is known.
type PolicyRef struct {
	Scope string
	Role  *Role
	Stub  *Policy
	// In names the scope in reasons: "template", "configuration".
	In string
}

// Link joins the facts sources emitted. It runs once; later calls return
// at once, and running it again on evidence holding the same facts (a
// merged copy) changes nothing. Merge every input before linking.
func (e *Evidence) Link() { e.linkOnce.Do(e.link) }

func (e *Evidence) link() {
	if len(e.PolicyRefs) == 0 && len(e.PolicyAttachments) == 0 {
		return
	}
	x := e.iamScopes()
	// The last reason found for a role wins, as facts are read in the
	// order the sources declared them; each role's completeness is set
	// once, at the end.
	gaps := map[*Role]Field[bool]{}
	var order []*Role
	gap := func(r *Role, why string, at Loc) {
		if _, ok := gaps[r]; !ok {
			order = append(order, r)
		}
		gaps[r] = Unresolved[bool](why, at)
	}
	for _, f := range e.PolicyRefs {
		def := x.policies[scopeKey{f.Scope, f.Stub.Ref.ID}]
		if def == nil {
			gap(f.Role, fmt.Sprintf("managed policy %s is not an %s of the %s", f.Stub.Ref.ID, f.Stub.Ref.Kind, f.In), f.Stub.Ref.Loc)
			continue
		}
		for i, p := range f.Role.Policies {
			if p == f.Stub {
				f.Role.Policies[i] = def
			}
		}
	}
	for _, f := range e.PolicyAttachments {
		pol := f.Policy
		if f.PolicyID != "" {
			if def := x.policies[scopeKey{f.Scope, f.PolicyID}]; def != nil {
				pol = def
			}
		}
		switch {
		case f.Role.IsUnknown():
			for _, r := range e.rolesAround(x, f) {
				gap(r, fmt.Sprintf("%s that cannot be resolved: %s", f.Says, f.Role.Why), f.Role.At)
			}
		case f.Role.IsSet():
			roles := e.rolesNamed(x, f)
			switch len(roles) {
			case 1:
				if !hasPolicy(roles[0], pol) {
					roles[0].Policies = append(roles[0].Policies, pol)
				}
			case 0:
			default:
				for _, r := range roles {
					gap(r, fmt.Sprintf("%s named %q, which %d roles are named (%s, %s); cannot tell which one", f.Says, f.Role.Val, len(roles), roles[0].Ref.Loc, roles[1].Ref.Loc), f.Role.At)
				}
			}
			if !hasAttached(pol, f.Role) {
				pol.Attached = append(pol.Attached, f.Role)
			}
		}
	}
	for _, r := range order {
		r.PoliciesComplete = gaps[r]
	}
}

// scopeKey is an ID or name inside one scope.
type scopeKey struct{ scope, key string }

// iamIndex holds the roles and policies of the scopes facts name.
type iamIndex struct {
	policies  map[scopeKey]*Policy
	roleIDs   map[scopeKey][]*Role
	roleNames map[scopeKey][]*Role
	roles     map[string][]*Role // by scope, in evidence order
}

func (e *Evidence) iamScopes() *iamIndex {
	want := map[string]bool{}
	for _, f := range e.PolicyRefs {
		want[f.Scope] = true
	}
	for _, f := range e.PolicyAttachments {
		want[f.Scope] = true
	}
	delete(want, "")
	x := &iamIndex{policies: map[scopeKey]*Policy{}, roleIDs: map[scopeKey][]*Role{}, roleNames: map[scopeKey][]*Role{}, roles: map[string][]*Role{}}
	if len(want) == 0 {
		return x
	}
	for _, p := range e.Policies {
		if want[p.Scope] {
			x.policies[scopeKey{p.Scope, p.Ref.ID}] = p
		}
	}
	for _, r := range e.Roles {
		if !want[r.Scope] {
			continue
		}
		x.roles[r.Scope] = append(x.roles[r.Scope], r)
		k := scopeKey{r.Scope, r.Ref.ID}
		x.roleIDs[k] = append(x.roleIDs[k], r)
		if r.Name.IsSet() {
			k := scopeKey{r.Scope, r.Name.Val}
			x.roleNames[k] = append(x.roleNames[k], r)
		}
	}
	return x
}

// rolesNamed returns the roles an attachment's role name may be: those of
// its scope with that resource ID, else with that name; without a scope,
// the nearest by the lookups' rule.
func (e *Evidence) rolesNamed(x *iamIndex, f PolicyAttachment) []*Role {
	if f.Scope == "" {
		n := e.net()
		loc := func(r *Role) Loc { return r.Ref.Loc }
		hits := near(n, n.roles, f.Role.Val, loc, f.Role.At)
		if len(hits) == 0 {
			if name := arnName(f.Role.Val, ":role/"); name != "" {
				hits = near(n, n.roles, name, loc, f.Role.At)
			}
		}
		return hits
	}
	if hits := x.roleIDs[scopeKey{f.Scope, f.Role.Val}]; len(hits) > 0 {
		return hits
	}
	return x.roleNames[scopeKey{f.Scope, f.Role.Val}]
}

// rolesAround returns the roles an attachment to an unknown role may
// concern: those of its scope, or without one those of its folder.
func (e *Evidence) rolesAround(x *iamIndex, f PolicyAttachment) []*Role {
	if f.Scope != "" {
		return x.roles[f.Scope]
	}
	var out []*Role
	dir := filepath.Dir(f.Role.At.File)
	for _, r := range e.Roles {
		if filepath.Dir(r.Ref.Loc.File) == dir {
			out = append(out, r)
		}
	}
	return out
}

func hasPolicy(r *Role, p *Policy) bool {
	for _, q := range r.Policies {
		if q == p {
			return true
		}
	}
	return false
}

func hasAttached(p *Policy, role Field[string]) bool {
	for _, a := range p.Attached {
		if a.State == role.State && a.Val == role.Val && a.At == role.At {
			return true
		}
	}
	return false
}

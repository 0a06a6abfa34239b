package model

import (
	"fmt"
	"path/filepath"
)

// Sources emit what one resource says about another as unlinked facts;
// Link, run once on the whole evidence (engine.Evaluate, package control/engine), joins them.
// Identifiers a template or a Terraform root declares mean something only
// there, so a fact with a Scope is resolved among the roles, policies,
// groups, tables or buckets of that scope (Role.Scope, Policy.Scope,
// SecurityGroup.Scope, ...: a template, a root module's
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
	// Says names the attachment in the reason an Unknown Role gives:
	// "policy P is attached to a role" (that cannot be resolved: why).
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
	// Keep leaves the stub, and the role's list complete, when the scope
	// has no such policy: the stub is the policy as far as the source
	// knows it (an AWS-managed policy get-account-authorization-details
	// lists by ARN only).
	Keep bool
}

// Link joins the facts sources emitted. It runs once; later calls return
// at once, and running it again on evidence holding the same facts (a
// merged copy) changes nothing. Merge every input before linking.
func (e *Evidence) Link() { e.linkOnce.Do(e.link) }

func (e *Evidence) link() {
	e.linkJoins() // first: the IAM joins may index the evidence
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
		def := x.policy(f.Scope, f.Stub.Ref.ID)
		if def == nil {
			if f.Keep {
				continue
			}
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
			if def := x.policy(f.Scope, f.PolicyID); def != nil {
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
					gap(r, fmt.Sprintf("policy %s is attached to role %q, a name %d roles have (%s, %s); cannot tell which one", pol.Ref.ID, f.Role.Val, len(roles), roles[0].Ref.Loc, roles[1].Ref.Loc), f.Role.At)
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

// iamIndex holds the roles and policies of the scopes facts name, in
// evidence order. A scope is most often a template with a few roles,
// looked through; a large one (a Terraform root of a thousand files) is
// indexed by key on first use.
type iamIndex struct {
	roles    map[string][]*Role
	policies map[string][]*Policy
	keys     map[string]*scopeKeys
}

// scopeKeys index a large scope's roles by resource ID and by name, and
// its policies by ID (the last of an ID wins, as written in that order).
type scopeKeys struct {
	ids, names map[string][]*Role
	policies   map[string]*Policy
}

// smallScope is the most roles or policies a scope may hold to be looked
// through rather than indexed.
const smallScope = 16

func (e *Evidence) iamScopes() *iamIndex {
	want := make(map[string]bool, len(e.PolicyRefs)+len(e.PolicyAttachments))
	for _, f := range e.PolicyRefs {
		want[f.Scope] = true
	}
	for _, f := range e.PolicyAttachments {
		want[f.Scope] = true
	}
	delete(want, "")
	x := &iamIndex{roles: make(map[string][]*Role, len(want)), policies: map[string][]*Policy{}, keys: map[string]*scopeKeys{}}
	if len(want) == 0 {
		return x
	}
	for _, p := range e.Policies {
		if want[p.Scope] {
			x.policies[p.Scope] = append(x.policies[p.Scope], p)
		}
	}
	for _, r := range e.Roles {
		if want[r.Scope] {
			x.roles[r.Scope] = append(x.roles[r.Scope], r)
		}
	}
	return x
}

func (x *iamIndex) keysOf(scope string) *scopeKeys {
	k := x.keys[scope]
	if k != nil {
		return k
	}
	k = &scopeKeys{ids: map[string][]*Role{}, names: map[string][]*Role{}, policies: map[string]*Policy{}}
	for _, r := range x.roles[scope] {
		k.ids[r.Ref.ID] = append(k.ids[r.Ref.ID], r)
		if r.Name.IsSet() {
			k.names[r.Name.Val] = append(k.names[r.Name.Val], r)
		}
	}
	for _, p := range x.policies[scope] {
		k.policies[p.Ref.ID] = p
	}
	x.keys[scope] = k
	return k
}

// policy returns the policy of scope with ID id, or nil.
func (x *iamIndex) policy(scope, id string) *Policy {
	ps := x.policies[scope]
	if len(ps) > smallScope {
		return x.keysOf(scope).policies[id]
	}
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Ref.ID == id {
			return ps[i]
		}
	}
	return nil
}

// rolesNamed returns the roles an attachment's role name may be: those of
// its scope with that resource ID, else with that name; without a scope,
// the nearest by the lookups' rule.
func (e *Evidence) rolesNamed(x *iamIndex, f PolicyAttachment) []*Role {
	key := f.Role.Val
	if f.Scope == "" {
		n := e.net()
		loc := func(r *Role) Loc { return r.Ref.Loc }
		hits := near(n, n.roles, key, loc, f.Role.At)
		if len(hits) == 0 {
			if name := arnName(key, ":role/"); name != "" {
				hits = near(n, n.roles, name, loc, f.Role.At)
			}
		}
		return hits
	}
	rs := x.roles[f.Scope]
	if len(rs) > smallScope {
		k := x.keysOf(f.Scope)
		if hits := k.ids[key]; len(hits) > 0 {
			return hits
		}
		return k.names[key]
	}
	var byName []*Role
	for _, r := range rs {
		if r.Ref.ID == key {
			return idsOf(rs, key)
		}
		if r.Name.IsSet() && r.Name.Val == key {
			byName = append(byName, r)
		}
	}
	return byName
}

// idsOf returns the roles of rs with resource ID id.
func idsOf(rs []*Role, id string) []*Role {
	var out []*Role
	for _, r := range rs {
		if r.Ref.ID == id {
			out = append(out, r)
		}
	}
	return out
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

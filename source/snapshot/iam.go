package snapshot

import (
	"fmt"
	"net/url"
	"strings"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/iamcli"
	"github.com/emrguard/emrguard/source/iampolicy"
)

// InstanceProfileKind is the Ref.Kind of live instance profiles.
const InstanceProfileKind = "iam:instance-profile"

// Live roles and instance profiles are keyed by ARN only: their Name
// field stays Absent (Ref.Name holds it), so that a file naming
// "EMR_DefaultRole" never reaches some account's role of that name, while
// a live reference, always an ARN, finds exactly its own.
//
// iamIndex resolves role and instance-profile names of one account to
// ARNs, and records the ARNs live objects refer to, so that each gets a
// role (or profile) in the evidence: one that says why it is unknown when
// the snapshot lacks it, never another account's of the same name.
type iamIndex struct {
	roleARN, profileARN map[string]string // name → ARN
	wantRoles           []string          // ARNs, in order of first reference
	wantProfiles        []string
	wanted              map[string]bool
}

func newIAMIndex(m *mapper, in *IAM) *iamIndex {
	x := &iamIndex{roleARN: map[string]string{}, profileARN: map[string]string{}, wanted: map[string]bool{}}
	if in == nil {
		return x
	}
	for _, r := range in.Roles {
		if n, a := deref(r.Role.RoleName), deref(r.Role.Arn); n != "" && a != "" {
			x.roleARN[n] = a
		}
	}
	for _, p := range in.InstanceProfiles {
		if n, a := deref(p.InstanceProfileName), deref(p.Arn); n != "" && a != "" {
			x.profileARN[n] = a
		}
	}
	return x
}

// roleRef is a reference to a role of the account, as its ARN.
func (m *mapper) roleRef(s *string) model.Field[string] {
	v := deref(s)
	if v == "" {
		return model.Field[string]{}
	}
	return known(m.wantRole(v))
}

// wantRole returns the ARN of a role named by name or ARN, and records it.
func (m *mapper) wantRole(v string) string {
	arn := v
	if !strings.HasPrefix(v, "arn:") {
		arn = m.iam.roleARN[v]
		if arn == "" {
			arn = "arn:" + m.part + ":iam::" + m.a.ID + ":role/" + v
		}
	}
	if !m.iam.wanted[arn] && sameAccount(arn, m.a.ID) {
		m.iam.wanted[arn] = true
		m.iam.wantRoles = append(m.iam.wantRoles, arn)
	}
	return arn
}

// profileRef is a reference to an instance profile of the account, as its ARN.
func (m *mapper) profileRef(s *string) model.Field[string] {
	v := deref(s)
	if v == "" {
		return model.Field[string]{}
	}
	arn := v
	if !strings.HasPrefix(v, "arn:") {
		arn = m.iam.profileARN[v]
		if arn == "" {
			arn = "arn:" + m.part + ":iam::" + m.a.ID + ":instance-profile/" + v
		}
	}
	if !m.iam.wanted[arn] && sameAccount(arn, m.a.ID) {
		m.iam.wanted[arn] = true
		m.iam.wantProfiles = append(m.iam.wantProfiles, arn)
	}
	return known(arn)
}

// sameAccount reports whether an ARN is of account id.
func sameAccount(arn, id string) bool {
	p := strings.SplitN(arn, ":", 6)
	return len(p) == 6 && p[4] == id
}

// lastSegment is the name at the end of an IAM ARN's path.
func lastSegment(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// mapIAM maps the roles, instance profiles and policy holders of the
// account; it runs after the regions, which name the roles they use.
func (m *mapper) mapIAM() {
	in := m.a.IAM
	if in == nil {
		in = &IAM{}
	}
	profiles := map[string]bool{}
	for i := range in.InstanceProfiles {
		p := &in.InstanceProfiles[i]
		arn := deref(p.Arn)
		profiles[arn] = true
		ip := &model.InstanceProfile{Ref: m.ref(InstanceProfileKind, arn, deref(p.InstanceProfileName), "")}
		for _, r := range p.Roles {
			ref := deref(r.Arn)
			if ref == "" {
				ref = deref(r.RoleName)
			}
			ip.Roles = append(ip.Roles, known(m.wantRole(ref)))
		}
		m.ev.InstanceProfiles = append(m.ev.InstanceProfiles, ip)
	}
	for _, arn := range m.iam.wantProfiles {
		if profiles[arn] {
			continue
		}
		name := lastSegment(arn)
		why := m.f.whyName("iam", "GetInstanceProfile", name, arn,
			fmt.Sprintf("the live scan did not read instance profile %s (GetInstanceProfile)", name))
		m.ev.InstanceProfiles = append(m.ev.InstanceProfiles, &model.InstanceProfile{Ref: m.ref(InstanceProfileKind, arn, name, ""),
			Roles: []model.Field[string]{unknown[string](why)}})
	}
	policies := map[string]*Policy{}
	for _, p := range in.Policies {
		policies[deref(p.Policy.Arn)] = p
	}
	roles := map[string]bool{}
	for _, r := range in.Roles {
		arn := deref(r.Role.Arn)
		if arn == "" {
			arn = m.wantRole(deref(r.Role.RoleName))
		}
		roles[arn] = true
		m.ev.Roles = append(m.ev.Roles, m.role(r, arn, policies))
	}
	for _, arn := range m.iam.wantRoles {
		if roles[arn] {
			continue
		}
		name := lastSegment(arn)
		why := m.f.whyName("iam", "GetRole", name, arn, fmt.Sprintf("the live scan did not read role %s (GetRole)", name))
		// The trust policy is unknown, not absent: a Trust that cannot be
		// read makes EKS102 quote why, where a nil one would only say
		// the policy is not among the inputs.
		m.ev.Roles = append(m.ev.Roles, &model.Role{Ref: m.ref(iamcli.RoleKind, arn, name, ""), ARN: known(arn),
			Trust: &model.PolicyDocument{Unknown: why}, PoliciesComplete: unknown[bool](why)})
	}
	for _, h := range in.Holders {
		ph := &model.PolicyHolders{Ref: m.ref(iamcli.PolicyKind, h.PolicyARN, lastSegment(h.PolicyARN), ""), PolicyARN: known(h.PolicyARN)}
		for _, u := range h.Users {
			ph.Users = append(ph.Users, deref(u.UserName))
		}
		for _, g := range h.Groups {
			ph.Groups = append(ph.Groups, deref(g.GroupName))
		}
		for _, r := range h.Roles {
			ph.Roles = append(ph.Roles, deref(r.RoleName))
		}
		if h.Read {
			ph.Complete = known(true)
		} else {
			ph.Complete = unknown[bool](m.f.whyName("iam", "ListEntitiesForPolicy", h.PolicyARN, lastSegment(h.PolicyARN),
				fmt.Sprintf("the live scan did not list every holder of %s (ListEntitiesForPolicy)", h.PolicyARN)))
		}
		m.ev.PolicyHolders = append(m.ev.PolicyHolders, ph)
	}
}

// whyName is why for a global call about an object the collector may have
// named by name or by ARN.
func (f *failed) whyName(service, op, a, b, notRead string) string {
	if w, ok := f.why(service, op, "", a); ok {
		return w
	}
	if w, ok := f.why(service, op, "", b); ok {
		return w
	}
	return notRead
}

func (m *mapper) role(r *Role, arn string, policies map[string]*Policy) *model.Role {
	name := deref(r.Role.RoleName)
	role := &model.Role{Ref: m.ref(iamcli.RoleKind, arn, name, ""), ARN: known(arn)}
	call := m.object("iam", "GetRole", "", name)
	if doc := deref(r.Role.AssumeRolePolicyDocument); doc != "" {
		role.Trust = m.policyDocument(doc, call+" trust policy")
	}
	for _, ap := range r.AttachedPolicies {
		role.Policies = append(role.Policies, m.attached(ap, policies))
	}
	for _, ip := range r.InlinePolicies {
		role.Policies = append(role.Policies, &model.Policy{Ref: m.ref(iamcli.PolicyKind, name+"/"+ip.Name, ip.Name, ""), Name: known(ip.Name),
			Document: m.policyDocument(ip.Document, m.object("iam", "GetRolePolicy", "", name+"/"+ip.Name))})
	}
	var missing []string
	if !r.AttachedRead {
		missing = append(missing, m.f.whyName("iam", "ListAttachedRolePolicies", name, arn,
			fmt.Sprintf("the live scan did not list the attached policies of role %s (ListAttachedRolePolicies)", name)))
	}
	if !r.InlineRead {
		why := m.f.whyName("iam", "ListRolePolicies", name, arn, "")
		if why == "" {
			why = m.f.whyName("iam", "GetRolePolicy", name, arn,
				fmt.Sprintf("the live scan did not read the inline policies of role %s (ListRolePolicies, GetRolePolicy)", name))
		}
		missing = append(missing, why)
	}
	if len(missing) > 0 {
		role.PoliciesComplete = unknown[bool](strings.Join(missing, "; "))
	} else {
		role.PoliciesComplete = known(true)
	}
	return role
}

// attached maps an attached managed policy. An AWS-managed policy has no
// document (controls know the wildcard ones by name); a customer one
// without its document has one that says why it is unknown.
func (m *mapper) attached(ap iamtypes.AttachedPolicy, policies map[string]*Policy) *model.Policy {
	arn := deref(ap.PolicyArn)
	name := deref(ap.PolicyName)
	if name == "" {
		name = lastSegment(arn)
	}
	pol := &model.Policy{Ref: m.ref(iamcli.PolicyKind, arn, name, ""), Name: known(name), ARN: str(ap.PolicyArn)}
	if strings.Contains(arn, ":iam::aws:policy/") {
		return pol
	}
	if p := policies[arn]; p != nil && p.Document != "" {
		pol.Document = m.policyDocument(p.Document, m.object("iam", "GetPolicyVersion", "", arn))
		return pol
	}
	why, ok := m.f.whyAny("iam", []string{"GetPolicyVersion", "GetPolicy"}, "", arn)
	if !ok {
		why = fmt.Sprintf("the live scan did not read the default version of policy %s (GetPolicyVersion)", arn)
	}
	pol.Document = &model.PolicyDocument{Unknown: why}
	return pol
}

// policyDocument decodes a policy document (URL-encoded as IAM returns
// it, or already decoded) with source/iampolicy.
func (m *mapper) policyDocument(doc, call string) *model.PolicyDocument {
	if !strings.HasPrefix(strings.TrimSpace(doc), "{") {
		if d, err := url.QueryUnescape(doc); err == nil {
			doc = d
		}
	}
	root, err := document(doc)
	if err != nil {
		m.errorf(call, "the policy document is not valid JSON: %v", err)
		return &model.PolicyDocument{Unknown: fmt.Sprintf("%s: the policy document is not valid JSON: %v", call, err)}
	}
	d, diags := iampolicy.Decode(root)
	m.diags = append(m.diags, withCall(diags, call)...)
	return d
}

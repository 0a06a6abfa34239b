package awstest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// iam serves IAM's awsQuery operations from the account's snapshot.IAM.
// Policy documents are stored URL-decoded and sent percent-encoded, as
// IAM sends them (aws-emr-facts.md §3.4).
func (s *Server) iam(c *call) {
	st := c.acct.snap.IAM
	if st == nil {
		st = &snapshot.IAM{}
	}
	f := c.form
	var b strings.Builder
	switch c.op {
	case "GetRole":
		role := findRole(st, f.Get("RoleName"))
		if role == nil {
			c.fail(404, "NoSuchEntity", "The role with name "+f.Get("RoleName")+" cannot be found.")
			return
		}
		xmlElem(&b, "Role", encodedRole(role.Role))
	case "ListAttachedRolePolicies":
		role := findRole(st, f.Get("RoleName"))
		if role == nil {
			c.fail(404, "NoSuchEntity", "The role with name "+f.Get("RoleName")+" cannot be found.")
			return
		}
		from, to, next, ok := s.iamPage(c, len(role.AttachedPolicies))
		if !ok {
			return
		}
		xmlList(&b, "AttachedPolicies", role.AttachedPolicies[from:to], queryXML)
		iamMarker(&b, next)
	case "ListRolePolicies":
		role := findRole(st, f.Get("RoleName"))
		if role == nil {
			c.fail(404, "NoSuchEntity", "The role with name "+f.Get("RoleName")+" cannot be found.")
			return
		}
		names := make([]string, len(role.InlinePolicies))
		for i, p := range role.InlinePolicies {
			names[i] = p.Name
		}
		from, to, next, ok := s.iamPage(c, len(names))
		if !ok {
			return
		}
		xmlList(&b, "PolicyNames", names[from:to], queryXML)
		iamMarker(&b, next)
	case "GetRolePolicy":
		role := findRole(st, f.Get("RoleName"))
		var doc *string
		if role != nil {
			for _, p := range role.InlinePolicies {
				if p.Name == f.Get("PolicyName") {
					doc = ptr(p.Document)
				}
			}
		}
		if doc == nil {
			c.fail(404, "NoSuchEntity", "The role policy with name "+f.Get("PolicyName")+" cannot be found.")
			return
		}
		xmlText(&b, "RoleName", f.Get("RoleName"))
		xmlText(&b, "PolicyName", f.Get("PolicyName"))
		xmlText(&b, "PolicyDocument", percentEncode(*doc))
	case "GetPolicy":
		p := findPolicy(st, f.Get("PolicyArn"))
		if p == nil {
			c.fail(404, "NoSuchEntity", "Policy "+f.Get("PolicyArn")+" does not exist or is not attachable.")
			return
		}
		xmlElem(&b, "Policy", p.Policy)
	case "GetPolicyVersion":
		p := findPolicy(st, f.Get("PolicyArn"))
		if p == nil || f.Get("VersionId") != defaultVersion(p) {
			c.fail(404, "NoSuchEntity", "Policy "+f.Get("PolicyArn")+" version "+f.Get("VersionId")+" does not exist or is not attachable.")
			return
		}
		created := p.Policy.UpdateDate
		if created == nil {
			created = p.Policy.CreateDate
		}
		xmlElem(&b, "PolicyVersion", iamtypes.PolicyVersion{Document: ptr(percentEncode(p.Document)), VersionId: ptr(defaultVersion(p)), IsDefaultVersion: true, CreateDate: created})
	case "GetInstanceProfile":
		name := f.Get("InstanceProfileName")
		for _, ip := range st.InstanceProfiles {
			if deref(ip.InstanceProfileName) == name {
				roles := make([]iamtypes.Role, len(ip.Roles))
				for i, r := range ip.Roles {
					roles[i] = encodedRole(r)
				}
				ip.Roles = roles
				xmlElem(&b, "InstanceProfile", ip)
				c.queryReply(b.String())
				return
			}
		}
		c.fail(404, "NoSuchEntity", "Instance Profile "+name+" cannot be found.")
		return
	case "ListEntitiesForPolicy":
		s.listEntitiesForPolicy(c, st, &b)
		if b.Len() == 0 {
			return
		}
	default:
		c.fail(400, "InvalidAction", "Could not find operation "+c.op+" for version 2010-05-08")
		return
	}
	c.queryReply(b.String())
}

// listEntitiesForPolicy pages through the policy's holders: groups, then
// users, then roles. It writes nothing when it failed the call.
func (s *Server) listEntitiesForPolicy(c *call, st *snapshot.IAM, b *strings.Builder) {
	arn := c.form.Get("PolicyArn")
	var h *snapshot.PolicyHolders
	for _, x := range st.Holders {
		if x.PolicyARN == arn {
			h = x
		}
	}
	if h == nil {
		if findPolicy(st, arn) == nil && !strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
			c.fail(404, "NoSuchEntity", "Policy "+arn+" does not exist or is not attachable.")
			return
		}
		h = &snapshot.PolicyHolders{PolicyARN: arn}
	}
	filter := c.form.Get("EntityFilter")
	type entity struct {
		kind string
		v    any
	}
	var all []entity
	if filter == "" || filter == "Group" {
		for _, g := range h.Groups {
			all = append(all, entity{"Group", g})
		}
	}
	if filter == "" || filter == "User" {
		for _, u := range h.Users {
			all = append(all, entity{"User", u})
		}
	}
	if filter == "" || filter == "Role" {
		for _, r := range h.Roles {
			all = append(all, entity{"Role", r})
		}
	}
	from, to, next, ok := s.iamPage(c, len(all))
	if !ok {
		return
	}
	var groups []iamtypes.PolicyGroup
	var users []iamtypes.PolicyUser
	var roles []iamtypes.PolicyRole
	for _, e := range all[from:to] {
		switch v := e.v.(type) {
		case iamtypes.PolicyGroup:
			groups = append(groups, v)
		case iamtypes.PolicyUser:
			users = append(users, v)
		case iamtypes.PolicyRole:
			roles = append(roles, v)
		}
	}
	xmlList(b, "PolicyGroups", groups, queryXML)
	xmlList(b, "PolicyUsers", users, queryXML)
	xmlList(b, "PolicyRoles", roles, queryXML)
	iamMarker(b, next)
}

// iamPage pages with Marker and MaxItems (default and maximum 100 items;
// IAM allows up to 1000 when asked).
func (s *Server) iamPage(c *call, n int) (from, to int, next string, ok bool) {
	max, _ := strconv.Atoi(c.form.Get("MaxItems"))
	apiMax := 100
	if max > 100 {
		apiMax = min(max, 1000)
	}
	return s.page(c, n, c.form.Get("Marker"), max, apiMax)
}

func iamMarker(b *strings.Builder, next string) {
	xmlText(b, "IsTruncated", strconv.FormatBool(next != ""))
	if next != "" {
		xmlText(b, "Marker", next)
	}
}

func xmlElem(b *strings.Builder, name string, v any) {
	xmlValue(b, name, queryXML.item, reflect.ValueOf(v), queryXML)
}

func findRole(st *snapshot.IAM, name string) *snapshot.Role {
	for _, r := range st.Roles {
		if deref(r.Role.RoleName) == name {
			return r
		}
	}
	return nil
}

func findPolicy(st *snapshot.IAM, arn string) *snapshot.Policy {
	for _, p := range st.Policies {
		if deref(p.Policy.Arn) == arn {
			return p
		}
	}
	return nil
}

func defaultVersion(p *snapshot.Policy) string {
	if p.Policy.DefaultVersionId != nil {
		return *p.Policy.DefaultVersionId
	}
	return "v1"
}

// encodedRole is r with its trust policy percent-encoded, as IAM sends it.
func encodedRole(r iamtypes.Role) iamtypes.Role {
	if r.AssumeRolePolicyDocument != nil {
		r.AssumeRolePolicyDocument = ptr(percentEncode(*r.AssumeRolePolicyDocument))
	}
	return r
}

// percentEncode escapes every byte but RFC 3986's unreserved characters,
// as IAM does for policy documents (url.PathUnescape reverses it).
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || strings.IndexByte("-_.~", ch) >= 0 {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

package model

import (
	"strings"
)

// netIndex indexes the network, IAM and storage resources; it is built once
// on first lookup, like index.
type netIndex struct {
	subnets   keyed[*Subnet]
	tables    keyed[*RouteTable] // by table ID
	bySubnet  keyed[*RouteTable] // by associated subnet
	mainByVPC keyed[*RouteTable]
	endpoints keyed[*VPCEndpoint] // by VPC
	buckets   keyed[*Bucket]
	roles     keyed[*Role]
	profiles  keyed[*InstanceProfile]
	vpcs      keyed[*VPC]
	// logical holds the ID and file of every CloudFormation resource: a
	// logical ID means something only inside its template.
	logical map[fileKey]bool
}

// isCFN reports whether a resource comes from a CloudFormation template,
// whose logical IDs are scoped to that template.
func isCFN(r Ref) bool { return strings.HasPrefix(r.Kind, "AWS::") }

func (x *netIndex) note(r Ref) {
	if isCFN(r) && r.Loc.File != "" {
		x.logical[fileKey{r.ID, r.Loc.File}] = true
	}
}

// near returns the candidates for key nearest to from; only those in
// from's file when key is a logical ID of that template, since a Ref never
// reaches into another template.
func near[T any](x *netIndex, m keyed[T], key string, loc func(T) Loc, from Loc) []T {
	if x.logical[fileKey{key, from.File}] {
		return m.inFile(key, from.File)
	}
	return m.near(key, loc, from)
}

// netView holds the network, IAM and bucket lookups' index.
var netView = NewView(buildNet)

func (e *Evidence) net() *netIndex { return netView.Of(e) }

func buildNet(e *Evidence) *netIndex {
	x := &netIndex{
		subnets: newKeyed[*Subnet](len(e.Subnets)), tables: newKeyed[*RouteTable](len(e.RouteTables)),
		bySubnet: newKeyed[*RouteTable](len(e.RouteTables)), mainByVPC: newKeyed[*RouteTable](len(e.RouteTables)),
		endpoints: newKeyed[*VPCEndpoint](len(e.VPCEndpoints)), buckets: newKeyed[*Bucket](len(e.Buckets)),
		roles: newKeyed[*Role](len(e.Roles)), profiles: newKeyed[*InstanceProfile](len(e.InstanceProfiles)),
		vpcs: newKeyed[*VPC](len(e.VPCs)),
		logical: make(map[fileKey]bool, len(e.Clusters)+len(e.SecurityGroups)+len(e.VPCs)+len(e.Subnets)+
			len(e.RouteTables)+len(e.VPCEndpoints)+len(e.Buckets)+len(e.Roles)+len(e.InstanceProfiles)),
	}
	for _, c := range e.Clusters {
		x.note(c.Ref)
	}
	for _, g := range e.SecurityGroups {
		x.note(g.Ref)
	}
	for _, v := range e.VPCs {
		x.note(v.Ref)
		addKeys(x.vpcs, v, v.Ref, v.VPCID)
	}
	for _, s := range e.Subnets {
		x.note(s.Ref)
		addKeys(x.subnets, s, s.Ref, s.SubnetID)
	}
	for _, t := range e.RouteTables {
		x.note(t.Ref)
		addKeys(x.tables, t, t.Ref, t.RouteTableID)
		for _, s := range t.Subnets {
			if s.IsSet() {
				x.bySubnet.add(s.Val, t, t.Ref.Loc.File)
			}
		}
		if t.Main.Get(false) && t.VPCID.IsSet() {
			x.mainByVPC.add(t.VPCID.Val, t, t.Ref.Loc.File)
		}
	}
	for _, ep := range e.VPCEndpoints {
		x.note(ep.Ref)
		if ep.VPCID.IsSet() {
			x.endpoints.add(ep.VPCID.Val, ep, ep.Ref.Loc.File)
		}
	}
	for _, b := range e.Buckets {
		x.note(b.Ref)
		addKeys(x.buckets, b, b.Ref, b.Name)
	}
	for _, r := range e.Roles {
		x.note(r.Ref)
		addKeys(x.roles, r, r.Ref, r.Name)
		if r.ARN.IsSet() && r.ARN.Val != r.Ref.ID {
			x.roles.add(r.ARN.Val, r, r.Ref.Loc.File)
		}
	}
	for _, p := range e.InstanceProfiles {
		x.note(p.Ref)
		addKeys(x.profiles, p, p.Ref, p.Name)
	}
	return x
}

func addKeys[T any](m keyed[T], v T, ref Ref, alt Field[string]) {
	if ref.ID != "" {
		m.add(ref.ID, v, ref.Loc.File)
	}
	if alt.IsSet() && alt.Val != ref.ID {
		m.add(alt.Val, v, ref.Loc.File)
	}
}

func first[T any](x *netIndex, key string, m keyed[T], loc func(T) Loc, from Loc) (T, bool) {
	hits := near(x, m, key, loc, from)
	if len(hits) == 0 {
		var zero T
		return zero, false
	}
	return hits[0], true
}

// Subnet finds a subnet by AWS ID or resource ID, looking near from first.
func (e *Evidence) Subnet(id string, from Loc) (*Subnet, bool) {
	x := e.net()
	return first(x, id, x.subnets, func(s *Subnet) Loc { return s.Ref.Loc }, from)
}

// RouteTableOf returns the route table a subnet uses: the one explicitly
// associated with it, else its VPC's main table. ok is false when neither
// is among the inputs.
func (e *Evidence) RouteTableOf(s *Subnet) (*RouteTable, bool) {
	x := e.net()
	for _, key := range []string{s.Ref.ID, s.SubnetID.Get("")} {
		if key == "" {
			continue
		}
		if t, ok := first(x, key, x.bySubnet, rtLoc, s.Ref.Loc); ok {
			return t, true
		}
	}
	if s.VPCID.IsSet() {
		return first(x, s.VPCID.Val, x.mainByVPC, rtLoc, s.Ref.Loc)
	}
	return nil, false
}

func rtLoc(t *RouteTable) Loc { return t.Ref.Loc }

// VPCEndpointsOf returns the endpoints declared for a VPC (AWS ID or
// resource ID), those near from first.
func (e *Evidence) VPCEndpointsOf(vpc string, from Loc) []*VPCEndpoint {
	x := e.net()
	loc := func(ep *VPCEndpoint) Loc { return ep.Ref.Loc }
	return near(x, x.endpoints, vpc, loc, from)
}

// VPC finds a VPC by AWS ID or resource ID, looking near from first.
func (e *Evidence) VPC(id string, from Loc) (*VPC, bool) {
	x := e.net()
	return first(x, id, x.vpcs, func(v *VPC) Loc { return v.Ref.Loc }, from)
}

// Bucket finds a bucket by name or resource ID, looking near from first.
// A name written "${ID}" is the resource ID of a bucket whose deployed
// name a template leaves to CloudFormation (s3://${LogBucket}/).
func (e *Evidence) Bucket(name string, from Loc) (*Bucket, bool) {
	if id, ok := strings.CutPrefix(name, "${"); ok && strings.HasSuffix(id, "}") {
		name = strings.TrimSuffix(id, "}")
	}
	x := e.net()
	return first(x, name, x.buckets, func(b *Bucket) Loc { return b.Ref.Loc }, from)
}

// Role finds a role by name, ARN or resource ID; a role ARN's name is
// tried too.
func (e *Evidence) Role(id string, from Loc) (*Role, bool) {
	x := e.net()
	loc := func(r *Role) Loc { return r.Ref.Loc }
	if r, ok := first(x, id, x.roles, loc, from); ok {
		return r, true
	}
	if n := arnName(id, ":role/"); n != "" {
		return first(x, n, x.roles, loc, from)
	}
	return nil, false
}

// InstanceProfile finds an instance profile by name, ARN or resource ID.
func (e *Evidence) InstanceProfile(id string, from Loc) (*InstanceProfile, bool) {
	x := e.net()
	loc := func(p *InstanceProfile) Loc { return p.Ref.Loc }
	if p, ok := first(x, id, x.profiles, loc, from); ok {
		return p, true
	}
	if n := arnName(id, ":instance-profile/"); n != "" {
		return first(x, n, x.profiles, loc, from)
	}
	return nil, false
}

// arnName returns the last path segment of an IAM ARN of the given
// resource type (":role/"), or "".
func arnName(s, typ string) string {
	if !strings.HasPrefix(s, "arn:") {
		return ""
	}
	i := strings.Index(s, typ)
	if i < 0 {
		return ""
	}
	rest := s[i+len(typ):]
	return rest[strings.LastIndexByte(rest, '/')+1:]
}

package model

import (
	"strings"
	"sync"
)

// netIndex indexes the network, IAM and storage resources; it is built once
// on first lookup, like index.
type netIndex struct {
	subnets   map[string][]*Subnet
	tables    map[string][]*RouteTable // by table ID
	bySubnet  map[string][]*RouteTable // by associated subnet
	mainByVPC map[string][]*RouteTable
	endpoints map[string][]*VPCEndpoint // by VPC
	buckets   map[string][]*Bucket
	roles     map[string][]*Role
	profiles  map[string][]*InstanceProfile
	vpcs      map[string][]*VPC
	// logical holds file + "\x00" + ID of every CloudFormation resource:
	// a logical ID means something only inside its template.
	logical map[string]bool
}

// isCFN reports whether a resource comes from a CloudFormation template,
// whose logical IDs are scoped to that template.
func isCFN(r Ref) bool { return strings.HasPrefix(r.Kind, "AWS::") }

func (x *netIndex) note(r Ref) {
	if isCFN(r) && r.Loc.File != "" {
		x.logical[r.Loc.File+"\x00"+r.ID] = true
	}
}

// scoped keeps the candidates in from's file when key is a logical ID of
// that template: a Ref never reaches into another template.
func scoped[T any](x *netIndex, hits []T, key string, loc func(T) Loc, from Loc) []T {
	if !x.logical[from.File+"\x00"+key] {
		return hits
	}
	var out []T
	for _, h := range hits {
		if loc(h).File == from.File {
			out = append(out, h)
		}
	}
	return out
}

type netOnce struct {
	once sync.Once
	idx  *netIndex
}

func (e *Evidence) net() *netIndex {
	e.netOnce.once.Do(func() {
		x := &netIndex{
			subnets: map[string][]*Subnet{}, tables: map[string][]*RouteTable{}, bySubnet: map[string][]*RouteTable{},
			mainByVPC: map[string][]*RouteTable{}, endpoints: map[string][]*VPCEndpoint{}, buckets: map[string][]*Bucket{},
			roles: map[string][]*Role{}, profiles: map[string][]*InstanceProfile{}, vpcs: map[string][]*VPC{},
			logical: map[string]bool{},
		}
		for _, c := range e.Clusters {
			x.note(c.Ref)
		}
		for _, g := range e.SecurityGroups {
			x.note(g.Ref)
		}
		for _, s := range e.Subnets {
			x.note(s.Ref)
		}
		for _, t := range e.RouteTables {
			x.note(t.Ref)
		}
		for _, v := range e.VPCs {
			x.note(v.Ref)
		}
		for _, ep := range e.VPCEndpoints {
			x.note(ep.Ref)
		}
		for _, b := range e.Buckets {
			x.note(b.Ref)
		}
		for _, r := range e.Roles {
			x.note(r.Ref)
		}
		for _, p := range e.InstanceProfiles {
			x.note(p.Ref)
		}
		for _, v := range e.VPCs {
			addKeys(x.vpcs, v, v.Ref.ID, v.VPCID)
		}
		for _, s := range e.Subnets {
			addKeys(x.subnets, s, s.Ref.ID, s.SubnetID)
		}
		for _, t := range e.RouteTables {
			addKeys(x.tables, t, t.Ref.ID, t.RouteTableID)
			for _, s := range t.Subnets {
				if s.IsSet() {
					x.bySubnet[s.Val] = append(x.bySubnet[s.Val], t)
				}
			}
			if t.Main.Get(false) && t.VPCID.IsSet() {
				x.mainByVPC[t.VPCID.Val] = append(x.mainByVPC[t.VPCID.Val], t)
			}
		}
		for _, ep := range e.VPCEndpoints {
			if ep.VPCID.IsSet() {
				x.endpoints[ep.VPCID.Val] = append(x.endpoints[ep.VPCID.Val], ep)
			}
		}
		for _, b := range e.Buckets {
			addKeys(x.buckets, b, b.Ref.ID, b.Name)
		}
		for _, r := range e.Roles {
			addKeys(x.roles, r, r.Ref.ID, r.Name)
			if r.ARN.IsSet() && r.ARN.Val != r.Ref.ID {
				x.roles[r.ARN.Val] = append(x.roles[r.ARN.Val], r)
			}
		}
		for _, p := range e.InstanceProfiles {
			addKeys(x.profiles, p, p.Ref.ID, p.Name)
		}
		e.netOnce.idx = x
	})
	return e.netOnce.idx
}

func addKeys[T any](m map[string][]T, v T, id string, alt Field[string]) {
	if id != "" {
		m[id] = append(m[id], v)
	}
	if alt.IsSet() && alt.Val != id {
		m[alt.Val] = append(m[alt.Val], v)
	}
}

func first[T any](x *netIndex, key string, m map[string][]T, loc func(T) Loc, from Loc) (T, bool) {
	hits := nearest(scoped(x, m[key], key, loc, from), loc, from)
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
	return nearest(scoped(x, x.endpoints[vpc], vpc, loc, from), loc, from)
}

// VPC finds a VPC by AWS ID or resource ID, looking near from first.
func (e *Evidence) VPC(id string, from Loc) (*VPC, bool) {
	x := e.net()
	return first(x, id, x.vpcs, func(v *VPC) Loc { return v.Ref.Loc }, from)
}

// Bucket finds a bucket by name or resource ID, looking near from first.
func (e *Evidence) Bucket(name string, from Loc) (*Bucket, bool) {
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

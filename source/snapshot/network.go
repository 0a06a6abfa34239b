package snapshot

import (
	"fmt"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/request"
)

// Ref kinds of the live EC2 network objects (security groups use
// request.GroupKind).
const (
	SubnetKind      = "ec2:subnet"
	RouteTableKind  = "ec2:route-table"
	VPCEndpointKind = "ec2:vpc-endpoint"
	VPCKind         = "ec2:vpc"
)

// network maps the region's security groups, subnets, route tables, VPC
// endpoints and VPCs. Objects that clusters or endpoints refer to but the
// snapshot lacks are given with their content Unknown, quoting the call
// that failed (or saying it was not made), so no control passes on them
// and no reference falls through to another account's object.
func (m *mapper) network(r *Region) {
	vpcs := map[string]bool{}
	var vpcOrder []string
	vpc := func(id string) model.Field[string] {
		if id == "" {
			return model.Field[string]{}
		}
		if !vpcs[id] {
			vpcs[id] = true
			vpcOrder = append(vpcOrder, id)
		}
		return known(m.ec2(r.Name, "vpc", id))
	}
	groups := map[string]bool{}
	for i := range r.SecurityGroups {
		g := &r.SecurityGroups[i]
		groups[deref(g.GroupId)] = true
		m.ev.SecurityGroups = append(m.ev.SecurityGroups, m.securityGroup(r, g, vpc(deref(g.VpcId))))
	}
	for _, id := range m.referencedGroups(r) {
		if groups[id] {
			continue
		}
		groups[id] = true
		why := m.whyIn(r, "ec2", "DescribeSecurityGroups", id, fmt.Sprintf("the live scan did not describe security group %s (DescribeSecurityGroups)", id))
		m.ev.SecurityGroups = append(m.ev.SecurityGroups, &model.SecurityGroup{Ref: m.ref(request.GroupKind, id, "", r.Name),
			GroupID: known(m.ec2(r.Name, "security-group", id)), VPCID: unknown[string](why), IngressComplete: unknown[bool](why)})
	}
	subnets := map[string]ec2types.Subnet{}
	for _, s := range r.Subnets {
		id := deref(s.SubnetId)
		subnets[id] = s
		m.ev.Subnets = append(m.ev.Subnets, &model.Subnet{Ref: m.ref(SubnetKind, id, tagName(s.Tags), r.Name),
			SubnetID: known(m.ec2(r.Name, "subnet", id)), VPCID: vpc(deref(s.VpcId)), MapPublicIP: boolean(s.MapPublicIpOnLaunch)})
	}
	explicit, mainOf := map[string]bool{}, map[string]bool{}
	for _, t := range r.RouteTables {
		rt := m.routeTable(r, t, vpc(deref(t.VpcId)))
		for _, a := range t.Associations {
			if deref(a.SubnetId) != "" {
				explicit[deref(a.SubnetId)] = true
			}
			if a.Main != nil && *a.Main {
				mainOf[deref(t.VpcId)] = true
			}
		}
		m.ev.RouteTables = append(m.ev.RouteTables, rt)
	}
	for _, id := range m.referencedSubnets(r) {
		s, ok := subnets[id]
		if !ok {
			why := m.whyIn(r, "ec2", "DescribeSubnets", id, fmt.Sprintf("the live scan did not describe subnet %s (DescribeSubnets)", id))
			m.ev.Subnets = append(m.ev.Subnets, &model.Subnet{Ref: m.ref(SubnetKind, id, "", r.Name),
				SubnetID: known(m.ec2(r.Name, "subnet", id)), VPCID: unknown[string](why), MapPublicIP: unknown[bool](why)})
		}
		if explicit[id] || (ok && mainOf[deref(s.VpcId)]) {
			continue
		}
		// Its route table is not in the snapshot: one whose routes are
		// Unknown stands for it, so EMR301 says why.
		why := m.whyIn(r, "ec2", "DescribeRouteTables", id, fmt.Sprintf("the live scan did not read the route table of subnet %s (DescribeRouteTables)", id))
		m.ev.RouteTables = append(m.ev.RouteTables, &model.RouteTable{Ref: m.ref(RouteTableKind, "route table of "+id, "", r.Name),
			Subnets: []model.Field[string]{known(m.ec2(r.Name, "subnet", id))}, RoutesComplete: unknown[bool](why)})
	}
	for _, e := range r.VPCEndpoints {
		ep := &model.VPCEndpoint{Ref: m.ref(VPCEndpointKind, deref(e.VpcEndpointId), tagName(e.Tags), r.Name), VPCID: vpc(deref(e.VpcId)),
			ServiceName: str(e.ServiceName), Type: str(ptr(string(e.VpcEndpointType)))}
		if len(e.RouteTableIds) > 0 {
			ep.RouteTables = known(e.RouteTableIds)
		}
		if len(e.SubnetIds) > 0 {
			ep.Subnets = known(m.ec2List(r.Name, "subnet", e.SubnetIds))
		}
		m.ev.VPCEndpoints = append(m.ev.VPCEndpoints, ep)
	}
	for _, id := range vpcOrder {
		v := &model.VPC{Ref: m.ref(VPCKind, id, "", r.Name), VPCID: known(m.ec2(r.Name, "vpc", id)), EndpointsComplete: known(true)}
		if why, ok := m.whyInOK(r, "ec2", "DescribeVpcEndpoints", id); ok {
			v.EndpointsComplete = unknown[bool](why)
		}
		m.ev.VPCs = append(m.ev.VPCs, v)
	}
}

func (m *mapper) securityGroup(r *Region, g *ec2types.SecurityGroup, vpc model.Field[string]) *model.SecurityGroup {
	id := deref(g.GroupId)
	sg := &model.SecurityGroup{Ref: m.ref(request.GroupKind, id, deref(g.GroupName), r.Name), GroupID: known(m.ec2(r.Name, "security-group", id)),
		VPCID: vpc, IngressComplete: known(true)}
	for _, p := range g.IpPermissions {
		base := model.Rule{Protocol: str(p.IpProtocol), FromPort: i32(p.FromPort), ToPort: i32(p.ToPort)}
		for _, x := range p.IpRanges {
			rule := base
			rule.CIDR = str(x.CidrIp)
			sg.Ingress = append(sg.Ingress, rule)
		}
		for _, x := range p.Ipv6Ranges {
			rule := base
			rule.CIDR = str(x.CidrIpv6)
			sg.Ingress = append(sg.Ingress, rule)
		}
		for _, x := range p.PrefixListIds {
			rule := base
			rule.PrefixList = str(x.PrefixListId)
			sg.Ingress = append(sg.Ingress, rule)
		}
		for _, x := range p.UserIdGroupPairs {
			rule := base
			src := deref(x.GroupId)
			rule.Self = src == id && (deref(x.UserId) == "" || deref(x.UserId) == m.a.ID)
			if owner := deref(x.UserId); owner != "" && owner != m.a.ID && src != "" {
				// Another account's group: its ARN names that account.
				rule.SourceGroup = known("arn:" + m.part + ":ec2:" + r.Name + ":" + owner + ":security-group/" + src)
			} else {
				rule.SourceGroup = str(ptr(m.ec2(r.Name, "security-group", src)))
			}
			sg.Ingress = append(sg.Ingress, rule)
		}
	}
	return sg
}

func (m *mapper) routeTable(r *Region, t ec2types.RouteTable, vpc model.Field[string]) *model.RouteTable {
	rt := &model.RouteTable{Ref: m.ref(RouteTableKind, deref(t.RouteTableId), tagName(t.Tags), r.Name), RouteTableID: str(t.RouteTableId),
		VPCID: vpc, RoutesComplete: known(true)}
	for _, a := range t.Associations {
		if a.Main != nil && *a.Main {
			rt.Main = known(true)
		}
		if s := deref(a.SubnetId); s != "" {
			rt.Subnets = append(rt.Subnets, known(m.ec2(r.Name, "subnet", s)))
		}
	}
	for _, x := range t.Routes {
		if x.State == ec2types.RouteStateBlackhole {
			continue // its target is gone: it sends nothing anywhere
		}
		route := model.Route{Destination: str(x.DestinationCidrBlock)}
		if route.Destination.IsAbsent() {
			route.Destination = str(x.DestinationIpv6CidrBlock)
		}
		if route.Destination.IsAbsent() {
			route.Destination = str(x.DestinationPrefixListId)
		}
		route.Target, route.TargetKind = routeTarget(x)
		rt.Routes = append(rt.Routes, route)
	}
	return rt
}

// routeTarget tells a route's target and its kind from the member that
// holds it (GatewayId holds internet, VPN and endpoint gateways, and
// "local").
func routeTarget(x ec2types.Route) (model.Field[string], string) {
	for _, t := range []struct {
		id   *string
		kind string
	}{
		{x.NatGatewayId, model.TargetNATGateway}, {x.TransitGatewayId, model.TargetTransitGateway},
		{x.VpcPeeringConnectionId, model.TargetVPCPeering}, {x.EgressOnlyInternetGatewayId, model.TargetEgressOnlyGateway},
		{x.CarrierGatewayId, model.TargetCarrierGateway}, {x.LocalGatewayId, model.TargetLocalGateway},
		{x.CoreNetworkArn, model.TargetCoreNetwork}, {x.InstanceId, model.TargetInstance},
		{x.NetworkInterfaceId, model.TargetNetworkInterface},
	} {
		if deref(t.id) != "" {
			return known(*t.id), t.kind
		}
	}
	g := deref(x.GatewayId)
	switch {
	case g == "local":
		return known(g), model.TargetLocal
	case strings.HasPrefix(g, "igw-"):
		return known(g), model.TargetInternetGateway
	case strings.HasPrefix(g, "vgw-"):
		return known(g), model.TargetVPNGateway
	case strings.HasPrefix(g, "vpce-"):
		return known(g), model.TargetVPCEndpoint
	case g != "":
		return known(g), model.TargetUnknownKindOfRoute
	}
	return unknown[string]("the route names no target the API documents"), model.TargetUnknownKindOfRoute
}

// referencedGroups are the security group IDs the region's clusters and
// managed endpoints name, in order.
func (m *mapper) referencedGroups(r *Region) []string {
	var ids ordered
	add := ids.add
	for _, c := range r.Clusters {
		if a := c.Cluster.Ec2InstanceAttributes; a != nil {
			add(deref(a.EmrManagedMasterSecurityGroup), deref(a.EmrManagedSlaveSecurityGroup), deref(a.ServiceAccessSecurityGroup))
			add(a.AdditionalMasterSecurityGroups...)
			add(a.AdditionalSlaveSecurityGroups...)
		}
	}
	for _, e := range r.ManagedEndpoints {
		add(deref(e.SecurityGroup))
	}
	return ids.list
}

// referencedSubnets are the subnet IDs the region's clusters and managed
// endpoints name, in order.
func (m *mapper) referencedSubnets(r *Region) []string {
	var ids ordered
	add := ids.add
	for _, c := range r.Clusters {
		if a := c.Cluster.Ec2InstanceAttributes; a != nil {
			if deref(a.Ec2SubnetId) != "" {
				add(*a.Ec2SubnetId)
			} else {
				add(a.RequestedEc2SubnetIds...)
			}
		}
	}
	for _, e := range r.ManagedEndpoints {
		add(e.SubnetIds...)
	}
	return ids.list
}

// ordered is a list of distinct non-empty strings in the order first added.
type ordered struct {
	list []string
	seen map[string]bool
}

func (o *ordered) add(vs ...string) {
	for _, v := range vs {
		if v != "" && !o.seen[v] {
			if o.seen == nil {
				o.seen = map[string]bool{}
			}
			o.seen[v] = true
			o.list = append(o.list, v)
		}
	}
}

// whyIn is why for a regional call about id: a failure naming it alone,
// in a list (the collector may describe several objects in one call), or
// none (the whole region's call failed); notRead when none failed.
func (m *mapper) whyIn(r *Region, service, op, id, notRead string) string {
	if w, ok := m.whyInOK(r, service, op, id); ok {
		return w
	}
	return notRead
}

func (m *mapper) whyInOK(r *Region, service, op, id string) (string, bool) {
	if w, ok := m.f.why(service, op, r.Name, id); ok {
		return w, true
	}
	for i := range r.Failures {
		x := r.Failures[i]
		if x.Service != service || x.Operation != op {
			continue
		}
		for _, s := range strings.FieldsFunc(x.Resource, func(c rune) bool { return c == ',' || c == ' ' }) {
			if s == id {
				if x.Region == "" {
					x.Region = r.Name
				}
				return reason(m.a.ID, &x), true
			}
		}
	}
	return "", false
}

// tagName is the Name tag, as consoles show it.
func tagName(tags []ec2types.Tag) string {
	for _, t := range tags {
		if deref(t.Key) == "Name" {
			return deref(t.Value)
		}
	}
	return ""
}

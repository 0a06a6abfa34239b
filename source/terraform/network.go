package terraform

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

func (r *rd) securityGroup(in attrs) {
	ref := r.ref(in)
	g := &model.SecurityGroup{Ref: ref, VPCID: r.link(in.arg(r, "vpc_id")), IngressComplete: model.Known(true, ref.Loc), Scope: in.scope()}
	r.named(&g.Ref, r.str(in.arg(r, "name")))
	blocks := in.nestedIn(r, nil, "ingress")
	if len(blocks) > 0 {
		g.Ingress = make([]model.Rule, 0, len(blocks)) // a rule a block, mostly
	}
	for _, b := range blocks {
		if b.why != "" {
			g.IngressComplete = model.Unresolved[bool](b.why, b.at)
			continue
		}
		g.Ingress = r.rules(g.Ingress, g, in, func(k string) tfeval.Value { return in.sub(r, b, k) }, b.at, inlineKeys)
	}
	if x := in.arg(r, "ingress"); x.OK {
		// ingress = [{...}]: the attributes-as-blocks form.
		switch {
		case x.Absent():
		case !x.V.IsKnown():
			g.IngressComplete = model.Unresolved[bool]("ingress is unknown: "+tfeval.ReasonOf(x.V), x.At)
		case x.V.CanIterateElements():
			v, _ := x.V.Unmark()
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				g.Ingress = r.rules(g.Ingress, g, in, objectGetter(e, x.At), x.At, inlineKeys)
			}
		}
	}
	r.ev.SecurityGroups = append(r.ev.SecurityGroups, g)
}

// objectGetter reads keys of an evaluated object (an ingress entry given
// as a value).
func objectGetter(obj cty.Value, at model.Loc) func(string) tfeval.Value {
	return func(k string) tfeval.Value {
		if !obj.IsKnown() {
			return tfeval.Value{V: obj, At: at, OK: true, Key: k}
		}
		o, _ := obj.Unmark()
		if o.IsNull() || !o.Type().IsObjectType() || !o.Type().HasAttribute(k) {
			return tfeval.Value{Key: k}
		}
		return tfeval.Value{V: o.GetAttr(k), At: at, OK: true, Key: k}
	}
}

// ruleKeys names the arguments of one kind of rule.
type ruleKeys struct {
	protocol, from, to    string
	v4, v6, groups, lists string
	self                  string
	single                bool // one CIDR per rule (aws_vpc_security_group_ingress_rule)
}

var inlineKeys = ruleKeys{protocol: "protocol", from: "from_port", to: "to_port", v4: "cidr_blocks", v6: "ipv6_cidr_blocks",
	groups: "security_groups", lists: "prefix_list_ids", self: "self"}
var ruleResourceKeys = ruleKeys{protocol: "protocol", from: "from_port", to: "to_port", v4: "cidr_blocks", v6: "ipv6_cidr_blocks",
	groups: "source_security_group_id", lists: "prefix_list_ids", self: "self"}
var vpcRuleKeys = ruleKeys{protocol: "ip_protocol", from: "from_port", to: "to_port", v4: "cidr_ipv4", v6: "cidr_ipv6",
	groups: "referenced_security_group_id", lists: "prefix_list_id", single: true}

// rules reads one ingress entry into one model rule per source (a CIDR,
// a group, a prefix list), each pointing at the line that names it, and
// appends them to out (the group's rules: no slice of its own per entry).
// Without its group g (a rule resource's, resolved by model.Link), Self
// is left to Link, and self = true gives a rule with Self set and an
// empty SourceGroup, which Link names.
func (r *rd) rules(out []model.Rule, g *model.SecurityGroup, in attrs, get func(string) tfeval.Value, at model.Loc, k ruleKeys) []model.Rule {
	base := model.Rule{At: at, Protocol: r.str(get(k.protocol)), FromPort: r.integer(get(k.from)), ToPort: r.integer(get(k.to))}
	if base.Protocol.IsSet() {
		base.Protocol.Val = strings.ToLower(base.Protocol.Val)
	}
	start := len(out)
	add := func(key string, set func(*model.Rule, model.Field[string])) {
		x := get(key)
		if x.Absent() {
			return
		}
		f := r.links(x, false)
		if f.IsUnknown() {
			rl := base
			rl.At = f.At
			set(&rl, model.Unresolved[string](f.Why, f.At))
			out = append(out, rl)
			return
		}
		for _, s := range f.Val {
			rl := base
			rl.At = f.At
			set(&rl, model.Known(s, f.At))
			out = append(out, rl)
		}
	}
	add(k.v4, func(rl *model.Rule, f model.Field[string]) { rl.CIDR = f })
	add(k.v6, func(rl *model.Rule, f model.Field[string]) { rl.CIDR = f })
	add(k.groups, func(rl *model.Rule, f model.Field[string]) {
		rl.SourceGroup = f
		rl.Self = g != nil && f.IsSet() && (f.Val == g.Ref.ID || (g.GroupID.IsSet() && f.Val == g.GroupID.Val))
	})
	add(k.lists, func(rl *model.Rule, f model.Field[string]) { rl.PrefixList = f })
	if k.self != "" {
		if s := r.boolean(get(k.self)); s.IsSet() && s.Val {
			rl := base
			rl.At, rl.Self = s.At, true
			rl.SourceGroup = model.Known("", s.At)
			if g != nil {
				rl.SourceGroup.Val = g.Ref.ID
			}
			out = append(out, rl)
		} else if s.IsUnknown() {
			rl := base
			rl.At = s.At
			rl.SourceGroup = model.Unresolved[string](s.Why, s.At)
			out = append(out, rl)
		}
	}
	if len(out) == start {
		out = append(out, base)
	}
	return out
}

// group returns the join of the security group a rule resource adds
// to: one of the configuration, or one defined elsewhere (known by ID
// only, its other rules unknown). A rule whose group is unknown may be
// any group's, so no group is complete any more. ok is false when the
// resource names no group.
func (r *rd) group(in attrs, key string) (j model.Join, ok bool) {
	gid := r.link(in.arg(r, key))
	if gid.IsAbsent() {
		r.Diags.Errorf(in.pos(), "%s names no %s", in.address(), key)
		return j, false
	}
	j = model.Join{To: model.JoinGroup, Scope: in.scope(), Kind: "aws_security_group", Target: gid, At: in.pos()}
	if gid.IsUnknown() {
		j.Unknown = fmt.Sprintf("rule %s is added to a group that cannot be resolved: %s", in.address(), gid.Why)
	} else {
		j.Outside = "group %s is defined outside this configuration; only the rules it adds are known"
	}
	return j, true
}

func (r *rd) sgRule(in attrs) {
	typ := r.str(in.arg(r, "type"))
	if typ.IsSet() && typ.Val != "ingress" {
		return
	}
	j, ok := r.group(in, "security_group_id")
	if !ok {
		return
	}
	switch {
	case j.Target.IsUnknown():
	case typ.IsUnknown():
		j.Gap, j.At = fmt.Sprintf("rule %s may be ingress or egress: %s", in.address(), typ.Why), typ.At
	default:
		j.Rules = r.rules(nil, nil, in, func(k string) tfeval.Value { return in.arg(r, k) }, in.pos(), ruleResourceKeys)
	}
	r.ev.Joins = append(r.ev.Joins, j)
}

func (r *rd) vpcIngressRule(in attrs) {
	j, ok := r.group(in, "security_group_id")
	if !ok {
		return
	}
	if !j.Target.IsUnknown() {
		j.Rules = r.rules(nil, nil, in, func(k string) tfeval.Value { return in.arg(r, k) }, in.pos(), vpcRuleKeys)
	}
	r.ev.Joins = append(r.ev.Joins, j)
}

func (r *rd) routeTable(in attrs) {
	ref := r.ref(in)
	t := &model.RouteTable{Ref: ref, VPCID: r.link(in.arg(r, "vpc_id")), Main: model.Known(false, ref.Loc), RoutesComplete: model.Known(true, ref.Loc), Scope: in.scope()}
	for _, b := range in.nestedIn(r, nil, "route") {
		if b.why != "" {
			t.RoutesComplete = model.Unresolved[bool](b.why, b.at)
			continue
		}
		t.Routes = append(t.Routes, r.routeOf(in, func(k string) tfeval.Value { return in.sub(r, b, k) }, b.at, inlineRoute))
	}
	r.ev.RouteTables = append(r.ev.RouteTables, t)
}

type routeKeys struct{ dests []string }

var inlineRoute = routeKeys{dests: []string{"cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"}}
var routeResource = routeKeys{dests: []string{"destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"}}

// routeTargets are the target arguments of a route, with their kind.
var routeTargets = []struct{ key, kind string }{
	{"gateway_id", ""}, {"nat_gateway_id", model.TargetNATGateway}, {"egress_only_gateway_id", model.TargetEgressOnlyGateway},
	{"transit_gateway_id", model.TargetTransitGateway}, {"vpc_endpoint_id", model.TargetVPCEndpoint},
	{"vpc_peering_connection_id", model.TargetVPCPeering}, {"network_interface_id", model.TargetNetworkInterface},
	{"instance_id", model.TargetInstance}, {"carrier_gateway_id", model.TargetCarrierGateway},
	{"local_gateway_id", model.TargetLocalGateway}, {"core_network_arn", model.TargetCoreNetwork},
}

func (r *rd) routeOf(in attrs, get func(string) tfeval.Value, at model.Loc, k routeKeys) model.Route {
	rt := model.Route{At: at}
	for _, d := range k.dests {
		if f := r.str(get(d)); !f.IsAbsent() {
			rt.Destination = f
		}
	}
	for _, tg := range routeTargets {
		f := r.link(get(tg.key))
		if f.IsAbsent() {
			continue
		}
		rt.Target, rt.TargetKind, rt.At = f, tg.kind, f.At
		if tg.key == "gateway_id" && f.IsSet() {
			rt.TargetKind = gatewayKind(f.Val)
		}
	}
	return rt
}

// gatewayKind tells an internet gateway from a virtual private gateway by
// the resource type of the address, or by the ID's prefix.
func gatewayKind(id string) string {
	switch t := localType(id); {
	case t == "aws_internet_gateway" || strings.HasPrefix(id, "igw-"):
		return model.TargetInternetGateway
	case t == "aws_vpn_gateway" || strings.HasPrefix(id, "vgw-"):
		return model.TargetVPNGateway
	case id == "local":
		return model.TargetLocal
	}
	return ""
}

// table returns the join of the route table a route or association
// names: one of the configuration, or one defined outside it (its other
// routes unknown). A route whose table is unknown may be any table's, so
// no table is complete any more. ok is false when it names none.
func (r *rd) table(in attrs) (j model.Join, ok bool) {
	id := r.link(in.arg(r, "route_table_id"))
	if id.IsAbsent() {
		return j, false
	}
	j = model.Join{To: model.JoinTable, Scope: in.scope(), Kind: "aws_route_table", Target: id, At: in.pos()}
	if id.IsUnknown() {
		j.Unknown = fmt.Sprintf("%s adds to a route table that cannot be resolved: %s", in.address(), id.Why)
	} else {
		j.Outside = "route table %s is defined outside this configuration; only the routes it adds are known"
	}
	return j, true
}

func (r *rd) route(in attrs) {
	if j, ok := r.table(in); ok {
		if !j.Target.IsUnknown() {
			j.Routes = []model.Route{r.routeOf(in, func(k string) tfeval.Value { return in.arg(r, k) }, in.pos(), routeResource)}
		}
		r.ev.Joins = append(r.ev.Joins, j)
	}
}

func (r *rd) association(in attrs) {
	if j, ok := r.table(in); ok {
		if !j.Target.IsUnknown() {
			if s := r.link(in.arg(r, "subnet_id")); !s.IsAbsent() {
				j.Subnets = []model.Field[string]{s}
			}
		}
		r.ev.Joins = append(r.ev.Joins, j)
	}
}

// mainAssociation makes a table the main one of its VPC, in place of the
// VPC's own (the aws_vpc's main table).
func (r *rd) mainAssociation(in attrs) {
	j, ok := r.table(in)
	if !ok {
		return
	}
	if !j.Target.IsUnknown() {
		j.Main = &model.MainOf{VPC: r.link(in.arg(r, "vpc_id")), Kind: "aws_vpc"}
	}
	r.ev.Joins = append(r.ev.Joins, j)
}

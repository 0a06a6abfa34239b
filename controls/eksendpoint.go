package controls

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// runEKS201 judges each managed endpoint by the subnets it sits in: a
// subnet that routes to an internet gateway fails it, whatever the other
// subnets are; a subnet that cannot be followed makes it unknown.
func runEKS201(p *control.Pass) {
	for _, me := range p.Evidence.ManagedEndpoints {
		ids := me.SubnetIDs
		at := ids.At.Or(me.Ref.Loc)
		switch {
		case ids.IsUnknown():
			p.Unknownf(me.Ref, at, "managed endpoint %s: its subnets are unknown: %s", me.Ref.ID, ids.Why)
			continue
		case !ids.IsSet() || len(ids.Val) == 0:
			p.Unknownf(me.Ref, at, "managed endpoint %s: the evidence does not show its subnets", me.Ref.ID)
			continue
		}
		failed := false
		unknownAt, unknown := model.Loc{}, ""
		for _, id := range ids.Val {
			switch v, where, why := publicSubnet(p.Evidence, id, me.Ref.Loc); v {
			case control.Failed:
				p.Failf(me.Ref, where.Or(at), "managed endpoint %s (and its load balancer) is in a public subnet: %s", me.Ref.ID, why)
				failed = true
			case control.Unknown:
				if unknown == "" {
					unknownAt, unknown = where.Or(at), why
				}
			}
			if failed {
				break
			}
		}
		switch {
		case failed:
		case unknown != "":
			p.Unknownf(me.Ref, unknownAt, "managed endpoint %s: %s", me.Ref.ID, unknown)
		default:
			p.Passf(me.Ref, at, "managed endpoint %s is only in private subnets (%s): no route to an internet gateway", me.Ref.ID, strings.Join(ids.Val, ", "))
		}
	}
}

// runEKS202 judges each managed endpoint by the ingress rules of its
// security group, as EMR203 judges a cluster's groups.
func runEKS202(p *control.Pass) {
	for _, me := range p.Evidence.ManagedEndpoints {
		g := me.SecurityGroup
		at := g.At.Or(me.Ref.Loc)
		switch {
		case g.IsUnknown():
			p.Unknownf(me.Ref, at, "managed endpoint %s: its security group is unknown: %s", me.Ref.ID, g.Why)
			continue
		case !g.IsSet():
			p.Unknownf(me.Ref, at, "managed endpoint %s: the evidence does not show its security group", me.Ref.ID)
			continue
		}
		sg := p.Evidence.SecurityGroup(g.Val, me.Ref.Loc)
		if sg == nil {
			p.Unknownf(me.Ref, at, "managed endpoint %s: security group %q is not in the scanned inputs", me.Ref.ID, g.Val)
			continue
		}
		open, unknown := internetRules(sg)
		switch {
		case len(open) > 0:
			r := open[0]
			more := ""
			if len(open) > 1 {
				more = fmt.Sprintf(" (and %d more rules)", len(open)-1)
			}
			p.Failf(me.Ref, r.At.Or(sg.Ref.Loc), "managed endpoint %s: security group %s allows %s from %s%s", me.Ref.ID, g.Val, ports(r), r.CIDR.Val, more)
		case unknown != nil:
			p.Unknownf(me.Ref, unknown.At.Or(sg.Ref.Loc), "managed endpoint %s: a rule's source of security group %s is unknown: %s", me.Ref.ID, g.Val, unknown.CIDR.Why)
		case sg.IngressComplete.IsUnknown():
			p.Unknownf(me.Ref, sg.IngressComplete.At.Or(sg.Ref.Loc), "managed endpoint %s: some rules of security group %s are unknown: %s", me.Ref.ID, g.Val, sg.IngressComplete.Why)
		default:
			p.Passf(me.Ref, at, "managed endpoint %s: no rule of security group %s allows ingress from 0.0.0.0/0 or ::/0", me.Ref.ID, g.Val)
		}
	}
}

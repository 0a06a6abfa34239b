package controls

import (
	"fmt"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// What makes a subnet or a security group reachable from the internet,
// shared by the EMR controls (EMR203, EMR301) and the EMR on EKS ones
// (EKS201, EKS202), so both judge alike.

// publicSubnet says whether subnet id, named by a resource at from, is
// public: Failed when its route table (or its VPC's main table) sends
// 0.0.0.0/0 or ::/0 to an internet gateway, Unknown when the subnet, its
// table or a route cannot be read, Passed otherwise. at is the route or
// table the verdict rests on; zero when it rests on the reference itself.
func publicSubnet(ev *model.Evidence, id string, from model.Loc) (v control.Verdict, at model.Loc, why string) {
	s, ok := ev.Subnet(id, from)
	if !ok {
		return control.Unknown, model.Loc{}, fmt.Sprintf("subnet %q is not in the scanned inputs, so its route table is unknown", id)
	}
	t, ok := ev.RouteTableOf(s)
	if !ok {
		return control.Unknown, model.Loc{}, fmt.Sprintf("the route table of subnet %s is not in the scanned inputs", id)
	}
	for _, r := range t.Routes {
		dest := r.Destination
		if dest.IsSet() && dest.Val != "0.0.0.0/0" && dest.Val != "::/0" {
			continue
		}
		switch {
		case r.TargetKind == model.TargetInternetGateway && dest.IsSet():
			return control.Failed, r.At, fmt.Sprintf("subnet %s is public: route table %s sends %s to internet gateway %s", id, t.Ref.ID, dest.Val, r.Target.Val)
		case r.TargetKind == model.TargetInternetGateway:
			return control.Unknown, r.At, fmt.Sprintf("route table %s of subnet %s routes to internet gateway %s, to a destination that is unknown: %s", t.Ref.ID, id, r.Target.Val, dest.Why)
		case r.TargetKind == "" && dest.IsSet():
			return control.Unknown, r.At, fmt.Sprintf("route table %s of subnet %s sends %s to a target that cannot be told apart from an internet gateway: %s", t.Ref.ID, id, dest.Val, firstWhy(r.Target.Why, r.Target.Val))
		}
	}
	if t.RoutesComplete.IsUnknown() {
		return control.Unknown, t.RoutesComplete.At, fmt.Sprintf("some routes of %s (subnet %s) are unknown: %s", t.Ref.ID, id, t.RoutesComplete.Why)
	}
	return control.Passed, model.Loc{}, ""
}

// internetRules returns the ingress rules of sg whose source is 0.0.0.0/0
// or ::/0, and the first rule whose source is unknown (nil when none).
// Whether the group lists every rule is the caller's to check
// (IngressComplete): an open rule fails the group whatever else is unknown.
func internetRules(sg *model.SecurityGroup) (open []model.Rule, unknown *model.Rule) {
	for i, r := range sg.Ingress {
		switch {
		case r.CIDR.IsUnknown():
			if unknown == nil {
				unknown = &sg.Ingress[i]
			}
		case r.CIDR.IsSet() && (r.CIDR.Val == "0.0.0.0/0" || r.CIDR.Val == "::/0"):
			open = append(open, r)
		}
	}
	return open, unknown
}

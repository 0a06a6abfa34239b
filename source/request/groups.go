package request

import (
	"fmt"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// GroupKind is the Ref.Kind of security groups read here.
const GroupKind = "ec2:security-group"

// DetectGroups reports whether a JSON document is `aws ec2
// describe-security-groups` output.
func DetectGroups(root *tree.Node) bool {
	g := root.Get("SecurityGroups")
	return g != nil && g.Kind == tree.Array
}

// LoadGroups reads describe-security-groups output into evidence: one
// group per item, one model.Rule per (permission, source).
func LoadGroups(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	r := &reader{}
	ev := &model.Evidence{}
	for _, it := range root.Get("SecurityGroups").Items {
		if it.Kind != tree.Object {
			r.diags.Errorf(it.At, "a security group is a %s, want an object", it.Kind)
			continue
		}
		id := r.str(it, "GroupId")
		g := &model.SecurityGroup{
			Ref:             model.Ref{Kind: GroupKind, ID: id.Val, Name: r.str(it, "GroupName").Val, Account: r.str(it, "OwnerId").Val, Loc: it.At},
			GroupID:         id,
			VPCID:           r.str(it, "VpcId"),
			IngressComplete: model.Known(true, it.At),
		}
		perms := it.Get("IpPermissions")
		if perms != nil && perms.Kind != tree.Array {
			why := fmt.Sprintf("IpPermissions is a %s, want a list", perms.Kind)
			r.diags.Errorf(perms.At, "%s", why)
			g.IngressComplete = model.Unresolved[bool](why, perms.At)
			perms = nil
		}
		if perms != nil {
			for _, p := range perms.Items {
				g.Ingress = append(g.Ingress, r.rules(p)...)
			}
		}
		ev.SecurityGroups = append(ev.SecurityGroups, g)
	}
	return ev, r.diags
}

// rules expands one IpPermission into a rule per source.
func (r *reader) rules(p *tree.Node) []model.Rule {
	base := model.Rule{At: p.At, Protocol: r.str(p, "IpProtocol"), FromPort: r.port(p, "FromPort"), ToPort: r.port(p, "ToPort")}
	var out []model.Rule
	each := func(list, key string, set func(*model.Rule, model.Field[string])) {
		l := p.Get(list)
		if l == nil || l.Kind != tree.Array {
			return
		}
		for _, it := range l.Items {
			rule := base
			rule.At = it.At
			set(&rule, r.str(it, key))
			out = append(out, rule)
		}
	}
	each("IpRanges", "CidrIp", func(x *model.Rule, f model.Field[string]) { x.CIDR = f })
	each("Ipv6Ranges", "CidrIpv6", func(x *model.Rule, f model.Field[string]) { x.CIDR = f })
	each("PrefixListIds", "PrefixListId", func(x *model.Rule, f model.Field[string]) { x.PrefixList = f })
	each("UserIdGroupPairs", "GroupId", func(x *model.Rule, f model.Field[string]) { x.SourceGroup = f })
	return out
}

func (r *reader) port(n *tree.Node, key string) model.Field[int] {
	return source.Int(n.Get(key), key, &r.diags)
}

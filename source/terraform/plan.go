package terraform

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/secconf"
	"github.com/emrguard/emrguard/source/tree"
)

// PlanLoaderName names the plan source in messages.
const PlanLoaderName = "terraform plan"

// DetectPlan reports whether a JSON document is `terraform show -json`
// output: format_version with planned_values or terraform_version.
func DetectPlan(root *tree.Node) bool {
	if root == nil || root.Kind != tree.Object || root.Get("format_version") == nil {
		return false
	}
	return root.Get("planned_values") != nil || root.Get("terraform_version") != nil
}

// plan reads one plan document.
type plan struct {
	file    string
	ev      *model.Evidence
	diags   source.Diagnostics
	unknown map[string]*tree.Node // address → after_unknown
	secret  map[string]*tree.Node // address → after_sensitive
	refs    map[string]*tree.Node // address → configuration expressions
}

// LoadPlan reads the resources of a plan's planned values. Values known
// only after apply (after_unknown) are Unknown fields with the reason; a
// cluster whose security configuration or groups are unknown is linked to
// the resources its configuration expressions reference.
func LoadPlan(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	p := &plan{file: file, ev: &model.Evidence{}, unknown: map[string]*tree.Node{}, secret: map[string]*tree.Node{}, refs: map[string]*tree.Node{}}
	defer func() {
		if r := recover(); r != nil {
			p.diags.Errorf(model.Loc{File: file}, fmt.Sprintf("plan could not be read: internal error: %v", r))
		}
	}()
	if fv, ok := root.Get("format_version").Str(); !ok || !strings.HasPrefix(fv, "1.") {
		p.diags.Errorf(root.Get("format_version").At, fmt.Sprintf("plan format_version %q is not 1.x; not read", root.Get("format_version").Text))
		return p.ev, p.diags
	}
	for _, rc := range items(root.Get("resource_changes")) {
		if a, ok := rc.Get("address").Str(); ok {
			p.unknown[a] = rc.Get("change").Get("after_unknown")
			p.secret[a] = rc.Get("change").Get("after_sensitive")
		}
	}
	p.config(root.Get("configuration").Get("root_module"), "", 0)
	p.module(root.Get("planned_values").Get("root_module"), 0)
	return p.ev, p.diags
}

// config indexes the expressions of configured resources by address
// (without instance keys), through module calls.
func (p *plan) config(m *tree.Node, prefix string, depth int) {
	if m == nil || depth > maxModuleDepth {
		return
	}
	for _, r := range items(m.Get("resources")) {
		if a, ok := r.Get("address").Str(); ok {
			p.refs[prefix+a] = r.Get("expressions")
		}
	}
	if calls := m.Get("module_calls"); calls != nil {
		for _, f := range calls.Fields {
			p.config(f.Val.Get("module"), prefix+"module."+f.Key+".", depth+1)
		}
	}
}

func (p *plan) module(m *tree.Node, depth int) {
	if m == nil || depth > maxModuleDepth {
		return
	}
	for _, r := range items(m.Get("resources")) {
		if mode, _ := r.Get("mode").Str(); mode != "managed" {
			continue
		}
		typ, _ := r.Get("type").Str()
		addr, _ := r.Get("address").Str()
		// Sensitive values are in the plan in clear; after_sensitive,
		// shaped as after_unknown, marks them, and they are read as
		// unknown so that no report quotes them.
		vals := p.withUnknown(r.Get("values"), p.unknown[addr], addr, "is known only after apply")
		vals = p.withUnknown(vals, p.secret[addr], addr, "is "+source.Sensitive)
		ref := model.Ref{Kind: typ, ID: addr, Loc: r.At}
		switch typ {
		case "aws_emr_cluster":
			p.cluster(ref, vals, p.refs[configAddr(addr)])
		case "aws_emr_security_configuration":
			p.secConf(ref, vals)
		case "aws_security_group":
			p.group(ref, vals)
		case "aws_emr_block_public_access_configuration":
			p.bpa(ref, vals)
		}
	}
	for _, c := range items(m.Get("child_modules")) {
		p.module(c, depth+1)
	}
}

// configAddr drops instance keys: module.m["a"].aws_x.y[0] → module.m.aws_x.y.
func configAddr(addr string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// withUnknown replaces, in planned values, what after_unknown (or
// after_sensitive) marks true by unknown nodes naming the attribute and
// saying why.
func (p *plan) withUnknown(vals, unk *tree.Node, path, why string) *tree.Node {
	if unk == nil || !anyTrue(unk) {
		return vals // nothing marked: the values as they are
	}
	if b, ok := unk.Bool(); ok && b && unk.Kind == tree.Bool {
		at := unk.At
		if vals != nil {
			at = vals.At
		}
		return tree.UnknownNode(path+" "+why, at)
	}
	switch {
	case unk.Kind == tree.Object && (vals == nil || vals.Kind == tree.Object || vals.Kind == tree.Null):
		out := &tree.Node{Kind: tree.Object, At: unk.At}
		if vals != nil && vals.Kind == tree.Object {
			out.At = vals.At
			out.Fields = append(out.Fields, vals.Fields...)
		}
		for _, f := range unk.Fields {
			v := out.Get(f.Key)
			nv := p.withUnknown(v, f.Val, path+"."+f.Key, why)
			if nv == v {
				continue
			}
			replaced := false
			for i := range out.Fields {
				if out.Fields[i].Key == f.Key {
					out.Fields[i].Val, replaced = nv, true
				}
			}
			if !replaced {
				out.Fields = append(out.Fields, tree.Member{Key: f.Key, KeyAt: f.KeyAt, Val: nv})
			}
		}
		return out
	case unk.Kind == tree.Array && vals != nil && vals.Kind == tree.Array:
		out := &tree.Node{Kind: tree.Array, At: vals.At, Items: append([]*tree.Node{}, vals.Items...)}
		for i, u := range unk.Items {
			if i < len(out.Items) {
				out.Items[i] = p.withUnknown(out.Items[i], u, fmt.Sprintf("%s[%d]", path, i), why)
			}
		}
		return out
	}
	return vals
}

// anyTrue reports whether a mark tree (after_unknown, after_sensitive)
// marks anything.
func anyTrue(n *tree.Node) bool {
	switch n.Kind {
	case tree.Bool:
		b, _ := n.Bool()
		return b
	case tree.Object:
		for _, f := range n.Fields {
			if anyTrue(f.Val) {
				return true
			}
		}
	case tree.Array:
		for _, it := range n.Items {
			if anyTrue(it) {
				return true
			}
		}
	}
	return false
}

// str reads a planned value: null and missing are Absent.
func pstr(o *tree.Node, key string) model.Field[string] {
	v := o.Get(key)
	if o != nil && o.Kind == tree.Unknown {
		return model.Unresolved[string](o.Text, o.At)
	}
	switch {
	case v == nil || v.Kind == tree.Null:
		return model.Field[string]{}
	case v.Kind == tree.Unknown:
		return model.Unresolved[string](v.Text, v.At)
	case v.Kind == tree.String || v.Kind == tree.Number || v.Kind == tree.Bool:
		return model.Known(v.Text, v.At)
	}
	return model.Unresolved[string](key+" is a "+v.Kind.String(), v.At)
}

// first returns the first element of a nested block (a JSON array).
func firstBlock(o *tree.Node, key string) *tree.Node {
	v := o.Get(key)
	if v != nil && v.Kind == tree.Array && len(v.Items) > 0 {
		return v.Items[0]
	}
	if v != nil && v.Kind == tree.Unknown {
		return v
	}
	return nil
}

// refTo returns the address an attribute's configuration expression
// references, of the type given (the second reference is the resource
// itself: ["aws_x.y.name", "aws_x.y"]).
func refTo(exprs *tree.Node, attr, typ string, prefix string) string {
	for _, r := range items(exprs.Get(attr).Get("references")) {
		s, _ := r.Str()
		if strings.HasPrefix(s, typ+".") && strings.Count(s, ".") == 1 {
			return prefix + s
		}
	}
	return ""
}

// link reads a planned id; unknown ones are linked through the
// configuration's references.
func link(o *tree.Node, key string, exprs *tree.Node, typ, prefix string) model.Field[string] {
	f := pstr(o, key)
	if f.IsUnknown() {
		if a := refTo(exprs, key, typ, prefix); a != "" {
			return model.Known(a, f.At)
		}
	}
	return f
}

func modulePrefix(addr string) string {
	i := strings.LastIndex(configAddr(addr), "module.")
	if i < 0 {
		return ""
	}
	rest := configAddr(addr)[i:]
	parts := strings.SplitN(rest, ".", 3)
	return configAddr(addr)[:i] + parts[0] + "." + parts[1] + "."
}

func (p *plan) cluster(ref model.Ref, v, exprs *tree.Node) {
	c := &model.Cluster{Ref: ref}
	if n := pstr(v, "name"); n.IsSet() {
		c.Ref.Name = n.Val
	}
	prefix := modulePrefix(ref.ID)
	c.SecurityConfiguration = pstr(v, "security_configuration")
	c.SecurityConfigurationID = refTo(exprs, "security_configuration", "aws_emr_security_configuration", prefix)
	c.ReleaseLabel = pstr(v, "release_label")
	c.CustomAMI = pstr(v, "custom_ami_id")
	c.LogURI = pstr(v, "log_uri")
	c.LogKMSKey = pstr(v, "log_encryption_kms_key_id")
	c.ServiceRole = pstr(v, "service_role")
	c.AutoScalingRole = pstr(v, "autoscaling_role")
	if ea := firstBlock(v, "ec2_attributes"); ea != nil {
		eaExprs := firstBlock(exprs, "ec2_attributes")
		c.InstanceProfile = pstr(ea, "instance_profile")
		c.KeyName = pstr(ea, "key_name")
		if f := link(ea, "subnet_id", eaExprs, "aws_subnet", prefix); !f.IsAbsent() {
			c.SubnetIDs = model.Field[[]string]{Val: []string{f.Val}, State: f.State, At: f.At, Why: f.Why}
		}
		c.MasterSecurityGroup = link(ea, "emr_managed_master_security_group", eaExprs, "aws_security_group", prefix)
		c.SlaveSecurityGroup = link(ea, "emr_managed_slave_security_group", eaExprs, "aws_security_group", prefix)
		c.ServiceAccessSecurityGroup = link(ea, "service_access_security_group", eaExprs, "aws_security_group", prefix)
		for _, x := range []struct {
			key string
			f   *model.Field[[]string]
		}{{"additional_master_security_groups", &c.AdditionalMasterGroups}, {"additional_slave_security_groups", &c.AdditionalSlaveGroups}} {
			s := pstr(ea, x.key)
			switch {
			case s.IsSet():
				var ids []string
				for _, id := range strings.Split(s.Val, ",") {
					if id = strings.TrimSpace(id); id != "" {
						ids = append(ids, id)
					}
				}
				*x.f = model.Known(ids, s.At)
			case s.IsUnknown():
				*x.f = model.Unresolved[[]string](s.Why, s.At)
			}
		}
	}
	p.ev.Clusters = append(p.ev.Clusters, c)
}

func (p *plan) secConf(ref model.Ref, v *tree.Node) {
	doc := v.Get("configuration")
	if doc == nil || doc.Kind == tree.Null {
		doc = nil
	}
	sc, diags := secconf.Decode(doc, ref)
	p.diags = append(p.diags, diags...)
	sc.Name = pstr(v, "name")
	if sc.Name.IsSet() {
		sc.Ref.Name = sc.Name.Val
	}
	p.ev.SecurityConfigurations = append(p.ev.SecurityConfigurations, sc)
}

func (p *plan) group(ref model.Ref, v *tree.Node) {
	g := &model.SecurityGroup{Ref: ref, GroupID: pstr(v, "id"), IngressComplete: model.Known(true, ref.Loc)}
	if n := pstr(v, "name"); n.IsSet() {
		g.Ref.Name = n.Val
	}
	in := v.Get("ingress")
	switch {
	case in == nil || in.Kind == tree.Null:
	case in.Kind == tree.Unknown:
		g.IngressComplete = model.Unresolved[bool](in.Text, in.At)
	case in.Kind == tree.Array:
		for _, e := range items(in) {
			base := model.Rule{At: e.At, Protocol: pstr(e, "protocol"), FromPort: pint(e, "from_port"), ToPort: pint(e, "to_port")}
			n := 0
			for _, k := range []string{"cidr_blocks", "ipv6_cidr_blocks"} {
				for _, c := range items(e.Get(k)) {
					r := base
					if s, ok := c.Str(); ok {
						r.CIDR, r.At = model.Known(s, c.At), c.At
					} else {
						r.CIDR = model.Unresolved[string](c.Text, c.At)
					}
					g.Ingress = append(g.Ingress, r)
					n++
				}
			}
			if self, ok := e.Get("self").Bool(); ok && self {
				r := base
				r.Self, r.SourceGroup = true, model.Known(ref.ID, e.At)
				g.Ingress = append(g.Ingress, r)
				n++
			}
			for _, s := range items(e.Get("security_groups")) {
				r := base
				r.SourceGroup = model.Known(s.Text, s.At)
				g.Ingress = append(g.Ingress, r)
				n++
			}
			if n == 0 {
				g.Ingress = append(g.Ingress, base)
			}
		}
	}
	p.ev.SecurityGroups = append(p.ev.SecurityGroups, g)
}

func pint(o *tree.Node, key string) model.Field[int] {
	v := o.Get(key)
	switch {
	case v == nil || v.Kind == tree.Null:
		return model.Field[int]{}
	case v.Kind == tree.Unknown:
		return model.Unresolved[int](v.Text, v.At)
	}
	n, ok := v.Int()
	if !ok {
		return model.Unresolved[int](key+" is not a whole number", v.At)
	}
	return model.Known(n, v.At)
}

func (p *plan) bpa(ref model.Ref, v *tree.Node) {
	b := &model.BlockPublicAccess{Ref: ref}
	switch x := v.Get("block_public_security_group_rules"); {
	case x == nil || x.Kind == tree.Null:
	case x.Kind == tree.Unknown:
		b.Block = model.Unresolved[bool](x.Text, x.At)
	default:
		if bv, ok := x.Bool(); ok {
			b.Block = model.Known(bv, x.At)
		}
	}
	for _, r := range items(v.Get("permitted_public_security_group_rule_range")) {
		b.Permitted = append(b.Permitted, model.PortRange{At: r.At, Min: pint(r, "min_range"), Max: pint(r, "max_range")})
	}
	p.ev.BlockPublicAccess = append(p.ev.BlockPublicAccess, b)
}

// items returns an array's items; nil for anything else.
func items(n *tree.Node) []*tree.Node {
	if n == nil || n.Kind != tree.Array {
		return nil
	}
	return n.Items
}

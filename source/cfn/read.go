package cfn

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/secconf"
	"github.com/emrguard/emrguard/source/tree"
)

// reader holds what read collects.
type reader struct {
	*template
	ev *model.Evidence
}

// readers maps a resource type to what reads it. Types missing here are
// ignored: they hold no evidence a control reads.
var readers = map[string]func(r *reader, res *resource, p *tree.Node){
	"AWS::EMR::Cluster":                  (*reader).cluster,
	"AWS::EMR::SecurityConfiguration":    (*reader).secConf,
	"AWS::EC2::SecurityGroup":            (*reader).securityGroup,
	"AWS::EC2::Subnet":                   (*reader).subnet,
	"AWS::EC2::RouteTable":               (*reader).routeTable,
	"AWS::EC2::VPC":                      (*reader).vpc,
	"AWS::EC2::VPCEndpoint":              (*reader).vpcEndpoint,
	"AWS::IAM::Role":                     (*reader).role,
	"AWS::IAM::Policy":                   (*reader).policy,
	"AWS::IAM::ManagedPolicy":            (*reader).policy,
	"AWS::IAM::InstanceProfile":          (*reader).instanceProfile,
	"AWS::S3::Bucket":                    (*reader).bucket,
	"AWS::EKS::Nodegroup":                (*reader).nodegroup,
	"AWS::EKS::PodIdentityAssociation":   (*reader).podIdentity,
	"AWS::EC2::LaunchTemplate":           (*reader).launchTemplate,
	"AWS::EMRContainers::VirtualCluster": (*reader).virtualCluster,
}

// linkers run after every resource is read: they emit what one resource
// says about another (an ingress rule of its group, a route of its table)
// as model.Joins, which model.Link resolves within the template.
var linkers = map[string]func(r *reader, res *resource, p *tree.Node){
	"AWS::EC2::SecurityGroupIngress":        (*reader).ingress,
	"AWS::EC2::Route":                       (*reader).route,
	"AWS::EC2::SubnetRouteTableAssociation": (*reader).association,
}

// read resolves and reads the template's resources into evidence.
func (t *template) read() *model.Evidence {
	r := &reader{template: t, ev: &model.Evidence{}}
	for _, pass := range []map[string]func(*reader, *resource, *tree.Node){readers, linkers} {
		for _, res := range t.order {
			fn := pass[res.typ]
			if fn == nil || !t.active(res) {
				continue
			}
			p := t.resolve(res.props)
			if p == noValue {
				p = nil
			}
			fn(r, res, p)
		}
	}
	return r.ev
}

func (r *reader) ref(res *resource) model.Ref {
	return model.Ref{Kind: res.typ, ID: res.id, Loc: res.at}
}

// kindOf returns the type of the template resource a field names, or "".
func (r *reader) kindOf(f model.Field[string]) string {
	if !f.IsSet() {
		return ""
	}
	if res, ok := r.resources[f.Val]; ok {
		return res.typ
	}
	return ""
}

func (r *reader) cluster(res *resource, p *tree.Node) {
	c := &model.Cluster{Ref: r.ref(res)}
	r.checkTypos(p, res.typ)
	if n := r.str(p, "Name"); n.IsSet() {
		c.Ref.Name = n.Val
	}
	if v, at, ok := prop(p, "SecurityConfiguration"); ok {
		if id, _, isRef := refTarget(v); isRef && r.resources[id].typ == "AWS::EMR::SecurityConfiguration" {
			c.SecurityConfigurationID = id
		}
		c.SecurityConfiguration = r.strOf(v, "SecurityConfiguration", at)
	}
	c.ReleaseLabel = r.str(p, "ReleaseLabel")
	c.CustomAMI = r.str(p, "CustomAmiId")
	c.LogURI = r.str(p, "LogUri")
	if c.LogURI.IsUnknown() && res.props != nil {
		// s3://${LogBucket}/: the bucket of the template is known even
		// when CloudFormation generates its name.
		if raw := member(res.props, "LogUri"); raw != nil {
			if v := r.resolvePlaceholders(raw.Val, "AWS::S3::Bucket"); v != nil && v.Kind == tree.String {
				c.LogURI = model.Known(v.Text, c.LogURI.At)
			}
		}
	}
	c.LogKMSKey = r.str(p, "LogEncryptionKmsKeyId")
	if v, at, ok := prop(p, "LogEncryptionKmsKeyId"); ok && c.LogKMSKey.IsUnknown() {
		// A key of the template (Ref, or Fn::GetAtt of its Arn) is a KMS
		// key even though its ID is known only after deployment.
		if id, attr, isRef := refTarget(v); isRef && r.resources[id] != nil && r.resources[id].typ == "AWS::KMS::Key" && (attr == "" || attr == "Arn") {
			c.LogKMSKey = model.Known("${"+strings.TrimSuffix(id+"."+attr, ".")+"}", at)
		}
	}
	c.ServiceRole = r.link(p, "ServiceRole", true)
	c.InstanceProfile = r.link(p, "JobFlowRole", true)
	c.AutoScalingRole = r.link(p, "AutoScalingRole", true)
	inst, at, ok := prop(p, "Instances")
	if !ok {
		inst = tree.UnknownNode("the cluster has no Instances", res.at)
		r.errorf(res.at, "cluster %s has no Instances (a required property)", res.id)
	} else if inst.Kind != tree.Object && inst.Kind != tree.Unknown {
		r.errorf(at, "Instances of %s is a %s, want an object", res.id, inst.Kind)
		inst = tree.UnknownNode("Instances is not an object", at)
	}
	r.checkTypos(inst, res.typ+".Instances")
	c.KeyName = r.str(inst, "Ec2KeyName")
	if f := r.link(inst, "Ec2SubnetId", false); !f.IsAbsent() {
		c.SubnetIDs = model.Field[[]string]{Val: []string{f.Val}, State: f.State, At: f.At, Why: f.Why}
	} else {
		c.SubnetIDs = r.links(inst, "Ec2SubnetIds", false)
	}
	c.MasterSecurityGroup = r.link(inst, "EmrManagedMasterSecurityGroup", false)
	c.SlaveSecurityGroup = r.link(inst, "EmrManagedSlaveSecurityGroup", false)
	c.ServiceAccessSecurityGroup = r.link(inst, "ServiceAccessSecurityGroup", false)
	c.AdditionalMasterGroups = r.links(inst, "AdditionalMasterSecurityGroups", false)
	c.AdditionalSlaveGroups = r.links(inst, "AdditionalSlaveSecurityGroups", false)
	c.Tags = r.tags(p)
	r.ev.Clusters = append(r.ev.Clusters, c)
}

func (r *reader) tags(p *tree.Node) map[string]string {
	v, _, ok := prop(p, "Tags")
	if !ok || v.Kind != tree.Array {
		return nil
	}
	out := map[string]string{}
	for _, it := range v.Items {
		k, ok1 := it.Get("Key").Str()
		val, ok2 := it.Get("Value").Str()
		if ok1 && ok2 {
			out[k] = val
		}
	}
	return out
}

func (r *reader) secConf(res *resource, p *tree.Node) {
	doc, at, ok := prop(p, "SecurityConfiguration")
	ref := r.ref(res)
	if !ok {
		r.errorf(res.at, "security configuration %s has no SecurityConfiguration (a required property)", res.id)
		doc = nil
	} else if doc.Kind == tree.Unknown {
		doc = &tree.Node{Kind: tree.Unknown, Text: doc.Text, At: at, Part: doc.Part}
		// A document built as text around resource tokens (what cdk synth
		// writes: Fn::Join of JSON and {"Ref": "Key"}) is still readable
		// when those tokens, always strings, stay as ${Name} placeholders.
		if raw := member(res.props, "SecurityConfiguration"); raw != nil {
			if v := r.resolvePlaceholders(raw.Val, anyRef); v != nil && v.Kind == tree.String {
				if _, err := tree.ParseEmbedded(v.Text, v.At); err == nil {
					doc = v
				}
			}
		}
	}
	sc, diags := secconf.Decode(doc, ref)
	r.diags = append(r.diags, diags...)
	sc.Name = r.str(p, "Name")
	if sc.Name.IsSet() {
		sc.Ref.Name = sc.Name.Val
	}
	r.ev.SecurityConfigurations = append(r.ev.SecurityConfigurations, sc)
}

func (r *reader) securityGroup(res *resource, p *tree.Node) {
	g := &model.SecurityGroup{Ref: r.ref(res), VPCID: r.link(p, "VpcId", false), IngressComplete: model.Known(true, res.at), Scope: r.scope}
	if n := r.str(p, "GroupName"); n.IsSet() {
		g.Ref.Name = n.Val
	}
	if v, at, ok := prop(p, "SecurityGroupIngress"); ok {
		switch v.Kind {
		case tree.Unknown:
			g.IngressComplete = model.Unresolved[bool]("SecurityGroupIngress is unknown: "+v.Text, at)
		case tree.Array:
			for _, it := range v.Items {
				if it.Kind == tree.Unknown {
					g.IngressComplete = model.Unresolved[bool]("an ingress rule is unknown: "+it.Text, it.At)
					continue
				}
				rl, _ := r.rule(g, it, it.At)
				g.Ingress = append(g.Ingress, rl)
			}
		default:
			r.errorf(v.At, "SecurityGroupIngress of %s is a %s, want a list", res.id, v.Kind)
			g.IngressComplete = model.Unresolved[bool]("SecurityGroupIngress is not a list", at)
		}
	}
	r.ev.SecurityGroups = append(r.ev.SecurityGroups, g)
}

// rule reads one ingress entry (inline, or an AWS::EC2::SecurityGroupIngress
// resource's properties). It points at the source's line. Without its
// group g (a rule resource's, resolved by model.Link), Self is left to
// Link; named says the rule's source is a group name, not an ID.
func (r *reader) rule(g *model.SecurityGroup, e *tree.Node, at model.Loc) (x model.Rule, named bool) {
	x = model.Rule{At: at, Protocol: r.str(e, "IpProtocol"), FromPort: r.integer(e, "FromPort"), ToPort: r.integer(e, "ToPort")}
	if x.Protocol.IsSet() {
		x.Protocol.Val = strings.ToLower(x.Protocol.Val)
	}
	for _, k := range []string{"CidrIp", "CidrIpv6"} {
		if f := r.str(e, k); !f.IsAbsent() {
			x.CIDR, x.At = f, f.At
		}
	}
	if f := r.link(e, "SourceSecurityGroupId", false); !f.IsAbsent() {
		x.SourceGroup, x.At = f, f.At
		x.Self = g != nil && f.IsSet() && (f.Val == g.Ref.ID || (g.GroupID.IsSet() && f.Val == g.GroupID.Val))
	} else if f := r.str(e, "SourceSecurityGroupName"); !f.IsAbsent() {
		x.SourceGroup, x.At, named = f, f.At, true
	}
	if f := r.link(e, "SourcePrefixListId", false); !f.IsAbsent() {
		x.PrefixList, x.At = f, f.At
	}
	return x, named
}

// ingress emits an AWS::EC2::SecurityGroupIngress as a join of its group
// (by logical ID, AWS ID or GroupName): a group of the template, or one
// defined elsewhere (known only by ID, its other rules unknown). A rule
// whose group cannot be resolved may belong to any group of the
// template, so none of them is complete any more.
func (r *reader) ingress(res *resource, p *tree.Node) {
	gid := r.link(p, "GroupId", false)
	if gid.IsAbsent() {
		gid = r.str(p, "GroupName")
	}
	if gid.IsAbsent() {
		r.errorf(res.at, "ingress rule %s names neither GroupId nor GroupName", res.id)
		return
	}
	j := model.Join{To: model.JoinGroup, Scope: r.scope, Kind: "AWS::EC2::SecurityGroup", Target: gid, ByName: true, At: res.at}
	if gid.IsUnknown() {
		j.Unknown = fmt.Sprintf("ingress rule %s is added to a group that cannot be resolved: %s", res.id, gid.Why)
	} else {
		j.Outside = "group %s is defined outside this template; only the rules the template adds are known"
		rl, named := r.rule(nil, p, res.at)
		j.Rules, j.NamedSource = []model.Rule{rl}, named
	}
	r.ev.Joins = append(r.ev.Joins, j)
}

func (r *reader) subnet(res *resource, p *tree.Node) {
	r.ev.Subnets = append(r.ev.Subnets, &model.Subnet{Ref: r.ref(res), VPCID: r.link(p, "VpcId", false), MapPublicIP: r.boolean(p, "MapPublicIpOnLaunch")})
}

func (r *reader) routeTable(res *resource, p *tree.Node) {
	t := &model.RouteTable{Ref: r.ref(res), VPCID: r.link(p, "VpcId", false), Main: model.Known(false, res.at), RoutesComplete: model.Known(true, res.at), Scope: r.scope}
	r.ev.RouteTables = append(r.ev.RouteTables, t)
}

// vpc adds the main route table of a VPC the template creates: it holds
// only the local route, as CloudFormation cannot add routes to it.
func (r *reader) vpc(res *resource, _ *tree.Node) {
	r.ev.VPCs = append(r.ev.VPCs, &model.VPC{Ref: r.ref(res), EndpointsComplete: model.Known(true, res.at)})
	r.ev.RouteTables = append(r.ev.RouteTables, &model.RouteTable{
		Ref:   model.Ref{Kind: res.typ, ID: res.id, Name: "main route table", Loc: res.at},
		VPCID: model.Known(res.id, res.at), Main: model.Known(true, res.at), RoutesComplete: model.Known(true, res.at), Scope: r.scope,
	})
}

// table returns the join of the route table a route or association
// names: one of the template, or one defined outside it (its other
// routes unknown); ok is false when it names none.
func (r *reader) table(res *resource, p *tree.Node) (j model.Join, ok bool) {
	id := r.link(p, "RouteTableId", false)
	if id.IsAbsent() {
		r.errorf(res.at, "%s names no RouteTableId", res.id)
		return j, false
	}
	j = model.Join{To: model.JoinTable, Scope: r.scope, Kind: "AWS::EC2::RouteTable", Target: id, At: res.at}
	if id.IsUnknown() {
		j.Unknown = fmt.Sprintf("%s adds to a route table that cannot be resolved: %s", res.id, id.Why)
	} else {
		j.Outside = "route table %s is defined outside this template; only the routes the template adds are known"
	}
	return j, true
}

// targets are the route properties, with the kind of target each names.
var targets = []struct{ key, kind string }{
	{"GatewayId", ""}, {"NatGatewayId", model.TargetNATGateway}, {"EgressOnlyInternetGatewayId", model.TargetEgressOnlyGateway},
	{"TransitGatewayId", model.TargetTransitGateway}, {"VpcEndpointId", model.TargetVPCEndpoint},
	{"VpcPeeringConnectionId", model.TargetVPCPeering}, {"NetworkInterfaceId", model.TargetNetworkInterface},
	{"InstanceId", model.TargetInstance}, {"CarrierGatewayId", model.TargetCarrierGateway},
	{"LocalGatewayId", model.TargetLocalGateway}, {"CoreNetworkArn", model.TargetCoreNetwork},
}

func (r *reader) route(res *resource, p *tree.Node) {
	j, ok := r.table(res, p)
	if !ok {
		return
	}
	if j.Target.IsUnknown() {
		r.ev.Joins = append(r.ev.Joins, j)
		return
	}
	rt := model.Route{At: res.at}
	for _, k := range []string{"DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"} {
		if f := r.str(p, k); !f.IsAbsent() {
			rt.Destination = f
		}
	}
	for _, tg := range targets {
		f := r.link(p, tg.key, false)
		if f.IsAbsent() {
			continue
		}
		rt.Target, rt.TargetKind, rt.At = f, tg.kind, f.At
		if tg.key == "GatewayId" && f.IsSet() {
			rt.TargetKind = gatewayKind(f.Val, r.kindOf(f))
		}
	}
	j.Routes = []model.Route{rt}
	r.ev.Joins = append(r.ev.Joins, j)
}

// gatewayKind tells an internet gateway from a virtual private gateway
// by the resource type, or by the ID's prefix.
func gatewayKind(id, typ string) string {
	switch {
	case typ == "AWS::EC2::InternetGateway" || strings.HasPrefix(id, "igw-"):
		return model.TargetInternetGateway
	case typ == "AWS::EC2::VPNGateway" || strings.HasPrefix(id, "vgw-"):
		return model.TargetVPNGateway
	case id == "local":
		return model.TargetLocal
	}
	return ""
}

func (r *reader) association(res *resource, p *tree.Node) {
	j, ok := r.table(res, p)
	if !ok {
		return
	}
	if !j.Target.IsUnknown() {
		j.Subnets = []model.Field[string]{r.link(p, "SubnetId", false)}
	}
	r.ev.Joins = append(r.ev.Joins, j)
}

func (r *reader) vpcEndpoint(res *resource, p *tree.Node) {
	ep := &model.VPCEndpoint{Ref: r.ref(res), VPCID: r.link(p, "VpcId", false), ServiceName: r.str(p, "ServiceName"),
		Type: r.str(p, "VpcEndpointType"), RouteTables: r.links(p, "RouteTableIds", false), Subnets: r.links(p, "SubnetIds", false)}
	if ep.ServiceName.IsUnknown() {
		// com.amazonaws.${AWS::Region}.s3 names S3 in whatever region the
		// stack lands: keep the pseudo parameters as written rather than
		// lose the service.
		if out, ok := r.subKeepingPseudo(res.props.Get("ServiceName")); ok {
			ep.ServiceName = model.Known(out, ep.ServiceName.At)
		}
	}
	r.ev.VPCEndpoints = append(r.ev.VPCEndpoints, ep)
}

func (r *reader) bucket(res *resource, p *tree.Node) {
	b := &model.Bucket{Ref: r.ref(res), Name: r.str(p, "BucketName")}
	if b.Name.IsSet() {
		b.Ref.Name = b.Name.Val
	}
	if v, at, ok := prop(p, "LoggingConfiguration"); ok {
		if v.Kind == tree.Unknown {
			b.AccessLogging = model.Unresolved[bool](v.Text, at)
		} else {
			b.AccessLogging = model.Known(true, at)
			b.LogTarget = r.link(v, "DestinationBucketName", true)
			if b.LogTarget.IsAbsent() {
				b.LogTarget = b.Name
			}
		}
	}
	r.ev.Buckets = append(r.ev.Buckets, b)
}

// subKeepingPseudo expands a !Sub whose only unknowns are pseudo
// parameters, keeping those as written ("com.amazonaws.${AWS::Region}.s3",
// "arn:${AWS::Partition}:iam::aws:policy/…"); ok is false for anything
// else.
func (r *reader) subKeepingPseudo(raw *tree.Node) (string, bool) {
	fn, arg, ok := r.intrinsic(raw)
	if !ok || fn != "Fn::Sub" {
		return "", false
	}
	s, ok := arg.Str()
	if !ok {
		return "", false
	}
	out, why := r.expand(s, nil, arg.At, func(name string) bool { return pseudo[name] })
	return out, why == ""
}

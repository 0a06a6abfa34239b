package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/secconf"
)

// rd reads the resources of a root module and its children into evidence.
type rd struct {
	ev     *model.Evidence
	diags  *source.Diagnostics
	record bool     // linkers read ahead: keep the arguments read (flat.go)
	missed []string // arguments a replayed linker asked for and did not read ahead
}

// step reads one resource with its reader or linker.
type step struct {
	res *resource
	fn  readFn
}

// nestedBlocks are the nested block types read per resource type (for the
// JSON syntax, where blocks and attributes look alike).
var nestedBlocks = map[string][]string{
	"aws_emr_cluster": {"ec2_attributes", "master_instance_group", "core_instance_group", "master_instance_fleet", "core_instance_fleet", "kerberos_attributes", "bootstrap_action", "step", "auto_termination_policy"},
	"aws_emr_block_public_access_configuration": {"permitted_public_security_group_rule_range"},
	"aws_security_group":                        {"ingress", "egress"},
	"aws_route_table":                           {"route"},
	"aws_iam_role":                              {"inline_policy"},
	"aws_s3_bucket":                             {"logging"},
	"aws_emrcontainers_virtual_cluster":         {"container_provider"},
	"aws_emrcontainers_job_template":            {"job_template_data"},
	"aws_launch_template":                       {"metadata_options"},
	"aws_eks_node_group":                        {"launch_template"},
}

type readFn func(r *rd, in *instance)

// readers fill evidence from one resource instance; linkers then emit
// what a resource says about another (a rule of its group, a route of its
// table, a policy of its role) as facts (model.Join,
// model.PolicyAttachment) that model.Link resolves within the root.
var readers = map[string]readFn{
	"aws_emr_cluster":                           (*rd).cluster,
	"aws_emr_security_configuration":            (*rd).secConf,
	"aws_emr_block_public_access_configuration": (*rd).bpa,
	"aws_security_group":                        (*rd).securityGroup,
	"aws_subnet":                                (*rd).subnet,
	"aws_route_table":                           (*rd).routeTable,
	"aws_vpc":                                   (*rd).vpc,
	"aws_vpc_endpoint":                          (*rd).vpcEndpoint,
	"aws_iam_role":                              (*rd).role,
	"aws_iam_policy":                            (*rd).policy,
	"aws_iam_instance_profile":                  (*rd).instanceProfile,
	"aws_s3_bucket":                             (*rd).bucket,
	"aws_emrcontainers_virtual_cluster":         (*rd).virtualCluster,
	"aws_emrcontainers_job_template":            (*rd).jobTemplate,
	"aws_launch_template":                       (*rd).launchTemplate,
	"aws_eks_node_group":                        (*rd).nodegroup,
	"aws_eks_pod_identity_association":          (*rd).podIdentity,
}

var linkers = map[string]readFn{
	"aws_security_group_rule":             (*rd).sgRule,
	"aws_vpc_security_group_ingress_rule": (*rd).vpcIngressRule,
	"aws_route":                           (*rd).route,
	"aws_route_table_association":         (*rd).association,
	"aws_main_route_table_association":    (*rd).mainAssociation,
	"aws_iam_role_policy":                 (*rd).rolePolicy,
	"aws_iam_role_policy_attachment":      (*rd).attachment,
	"aws_iam_policy_attachment":           (*rd).attachment,
	"aws_s3_bucket_logging":               (*rd).bucketLogging,
}

// readModules reads the modules of one root.
func readModules(mods []*module, diags *source.Diagnostics) *model.Evidence {
	r := &rd{ev: &model.Evidence{}, diags: diags}
	var steps []step
	for _, pass := range []map[string]readFn{readers, linkers} {
		for _, m := range mods {
			for _, res := range m.order {
				if fn := pass[res.typ]; fn != nil && res.mode == "resource" {
					steps = append(steps, step{res, fn})
				}
			}
		}
	}
	r.run(steps)
	return r.ev
}

// run reads steps in order on this goroutine, while a prefetcher parses
// the next ones on the other cores.
func (r *rd) run(steps []step) {
	var toParse []*resource
	if len(steps) >= 2*prefetchWindow {
		toParse = make([]*resource, len(steps))
		for i, s := range steps {
			toParse[i] = s.res
		}
	}
	pf := prefetch(toParse)
	defer pf.stop()
	for i, s := range steps {
		for _, in := range s.res.instances() {
			r.safely(in, s.fn)
		}
		pf.done(i)
	}
}

// safely reads one instance; a panic (a bug, or a value shape cty refuses)
// becomes a diagnostic on the resource, and the rest is still read.
func (r *rd) safely(in *instance, fn readFn) {
	defer func() {
		if p := recover(); p != nil {
			r.diags.Errorf(in.res.at, fmt.Sprintf("%s could not be read: internal error: %v", in.addr, p))
		}
	}()
	fn(r, in)
}

func (r *rd) ref(in *instance) model.Ref {
	return model.Ref{Kind: in.res.typ, ID: in.addr, Loc: in.res.at}
}

func (r *rd) named(ref *model.Ref, f model.Field[string]) {
	if f.IsSet() {
		ref.Name = f.Val
	}
}

func (r *rd) cluster(in *instance) {
	c := &model.Cluster{Ref: r.ref(in)}
	r.named(&c.Ref, r.str(r.arg(in, "name")))
	c.SecurityConfiguration = r.str(r.arg(in, "security_configuration"))
	if f := c.SecurityConfiguration; f.IsSet() && f.Val == "" {
		// The provider sends no configuration for "" (GetOk): a
		// join("", aws_emr_security_configuration.sc[*].name) whose count
		// is 0 names none, though it refers to the resource.
		c.SecurityConfiguration = model.Field[string]{State: model.Absent, At: f.At}
	} else if x, _, ok := in.res.content().expr("security_configuration"); ok {
		c.SecurityConfigurationID = in.res.m.refersTo(x, "aws_emr_security_configuration", 0)
		if c.SecurityConfigurationID == "" {
			c.SecurityConfigurationID = r.linkTo(r.arg(in, "security_configuration"), "aws_emr_security_configuration")
		}
	}
	c.ReleaseLabel = r.str(r.arg(in, "release_label"))
	c.CustomAMI = r.str(r.arg(in, "custom_ami_id"))
	c.LogURI = r.str(r.arg(in, "log_uri"))
	c.LogKMSKey = r.kmsKey(r.arg(in, "log_encryption_kms_key_id"))
	c.ServiceRole = r.link(r.arg(in, "service_role"))
	c.AutoScalingRole = r.link(r.arg(in, "autoscaling_role"))
	if b, ok := r.block(in, in.res.content(), "ec2_attributes"); ok && b.why == "" {
		ea := b.c
		c.InstanceProfile = r.link(r.sub(in, ea, "instance_profile"))
		c.KeyName = r.str(r.sub(in, ea, "key_name"))
		if f := r.link(r.sub(in, ea, "subnet_id")); !f.IsAbsent() {
			c.SubnetIDs = model.Field[[]string]{Val: []string{f.Val}, State: f.State, At: f.At, Why: f.Why}
		} else {
			c.SubnetIDs = r.links(r.sub(in, ea, "subnet_ids"), false)
		}
		c.MasterSecurityGroup = r.link(r.sub(in, ea, "emr_managed_master_security_group"))
		c.SlaveSecurityGroup = r.link(r.sub(in, ea, "emr_managed_slave_security_group"))
		c.ServiceAccessSecurityGroup = r.link(r.sub(in, ea, "service_access_security_group"))
		c.AdditionalMasterGroups = r.links(r.sub(in, ea, "additional_master_security_groups"), true)
		c.AdditionalSlaveGroups = r.links(r.sub(in, ea, "additional_slave_security_groups"), true)
	} else if ok {
		c.InstanceProfile, c.KeyName = model.Unresolved[string](b.why, b.at), model.Unresolved[string](b.why, b.at)
		c.SubnetIDs = model.Unresolved[[]string](b.why, b.at)
		c.MasterSecurityGroup, c.SlaveSecurityGroup = model.Unresolved[string](b.why, b.at), model.Unresolved[string](b.why, b.at)
		c.ServiceAccessSecurityGroup = model.Unresolved[string](b.why, b.at)
		c.AdditionalMasterGroups, c.AdditionalSlaveGroups = model.Unresolved[[]string](b.why, b.at), model.Unresolved[[]string](b.why, b.at)
	}
	if t := r.arg(in, "tags"); !t.absent() && t.v.IsWhollyKnown() {
		v, _ := t.v.UnmarkDeep()
		if v.CanIterateElements() {
			c.Tags = map[string]string{}
			for it := v.ElementIterator(); it.Next(); {
				k, e := it.Element()
				ks, _ := scalar(k)
				if es, ok := scalar(e); ok {
					c.Tags[ks] = es
				}
			}
		}
	}
	r.ev.Clusters = append(r.ev.Clusters, c)
}

// refersTo returns the address of the resource of type typ that expr
// names (directly or through locals), or "" when it names none or that
// resource has several instances.
func (m *module) refersTo(expr hcl.Expression, typ string, depth int) string {
	if depth > 8 {
		return ""
	}
	found := ""
	for _, tr := range expr.Variables() {
		switch tr.RootName() {
		case typ:
			name, ok := attrStep(tr, 1)
			res := m.resources[typ+"."+name]
			if !ok || res == nil || res.countAttr() != nil || res.forEachAttr() != nil {
				continue
			}
			found = m.prefix + typ + "." + name
		case "local":
			if n, ok := attrStep(tr, 1); ok && m.locals[n] != nil {
				if f := m.refersTo(m.locals[n].Expr, typ, depth+1); f != "" {
					found = f
				}
			}
		}
	}
	return found
}

func (r *rd) secConf(in *instance) {
	ref := r.ref(in)
	doc := r.document(in, in.res.content().attr("configuration"))
	if doc == nil {
		r.diags.Errorf(ref.Loc, fmt.Sprintf("%s has no configuration (a required argument)", in.addr))
	}
	sc, diags := secconf.Decode(doc, ref)
	*r.diags = append(*r.diags, diags...)
	sc.Name = r.str(r.arg(in, "name"))
	if sc.Name.IsAbsent() {
		if p := r.str(r.arg(in, "name_prefix")); !p.IsAbsent() {
			sc.Name = model.Unresolved[string](fmt.Sprintf("%s has a generated name (name_prefix)", in.addr), p.At)
		} else {
			sc.Name = model.Unresolved[string](fmt.Sprintf("%s has a generated name (no name given)", in.addr), ref.Loc)
		}
	}
	r.named(&sc.Ref, sc.Name)
	r.ev.SecurityConfigurations = append(r.ev.SecurityConfigurations, sc)
}

func (r *rd) bpa(in *instance) {
	b := &model.BlockPublicAccess{Ref: r.ref(in), Block: r.boolean(r.arg(in, "block_public_security_group_rules"))}
	for _, blk := range r.blocks(in, in.res.content(), "permitted_public_security_group_rule_range") {
		if blk.why != "" {
			b.Permitted = append(b.Permitted, model.PortRange{At: blk.at, Min: model.Unresolved[int](blk.why, blk.at), Max: model.Unresolved[int](blk.why, blk.at)})
			continue
		}
		b.Permitted = append(b.Permitted, model.PortRange{At: blk.at, Min: r.integer(r.sub(in, blk.c, "min_range")), Max: r.integer(r.sub(in, blk.c, "max_range"))})
	}
	r.ev.BlockPublicAccess = append(r.ev.BlockPublicAccess, b)
}

func (r *rd) subnet(in *instance) {
	r.ev.Subnets = append(r.ev.Subnets, &model.Subnet{Ref: r.ref(in), VPCID: r.link(r.arg(in, "vpc_id")), MapPublicIP: r.boolean(r.arg(in, "map_public_ip_on_launch"))})
}

func (r *rd) vpc(in *instance) {
	ref := r.ref(in)
	r.ev.VPCs = append(r.ev.VPCs, &model.VPC{Ref: ref, EndpointsComplete: model.Known(true, ref.Loc)})
	main := &model.RouteTable{Ref: model.Ref{Kind: ref.Kind, ID: ref.ID, Name: "main route table", Loc: ref.Loc},
		VPCID: model.Known(ref.ID, ref.Loc), Main: model.Known(true, ref.Loc), RoutesComplete: model.Known(true, ref.Loc), Scope: scopeOf(in)}
	r.ev.RouteTables = append(r.ev.RouteTables, main)
}

func (r *rd) vpcEndpoint(in *instance) {
	r.ev.VPCEndpoints = append(r.ev.VPCEndpoints, &model.VPCEndpoint{Ref: r.ref(in), VPCID: r.link(r.arg(in, "vpc_id")),
		ServiceName: r.str(r.arg(in, "service_name")), Type: r.str(r.arg(in, "vpc_endpoint_type")),
		RouteTables: r.links(r.arg(in, "route_table_ids"), false), Subnets: r.links(r.arg(in, "subnet_ids"), false)})
}

func (r *rd) bucket(in *instance) {
	b := &model.Bucket{Ref: r.ref(in), Name: r.str(r.arg(in, "bucket")), Scope: scopeOf(in)}
	r.named(&b.Ref, b.Name)
	if l, ok := r.block(in, in.res.content(), "logging"); ok && l.why == "" {
		b.AccessLogging = model.Known(true, l.at)
		b.LogTarget = r.link(r.sub(in, l.c, "target_bucket"))
	} else if ok {
		b.AccessLogging, b.LogTarget = model.Unresolved[bool](l.why, l.at), model.Unresolved[string](l.why, l.at)
	}
	r.ev.Buckets = append(r.ev.Buckets, b)
}

// bucketLogging turns on access logging of the bucket it names (by
// address or bucket name; a bucket outside the configuration is added):
// a join model.Link resolves. Which bucket an unknown name is, is
// unknown: every bucket is left as it is.
func (r *rd) bucketLogging(in *instance) {
	name := r.link(r.arg(in, "bucket"))
	at := in.res.at
	switch {
	case name.IsUnknown():
		return
	case name.IsAbsent():
		r.diags.Errorf(at, fmt.Sprintf("%s names no bucket", in.addr))
		return
	}
	r.ev.Joins = append(r.ev.Joins, model.Join{To: model.JoinBucket, Scope: scopeOf(in), Kind: "aws_s3_bucket", Target: name, At: at,
		LogTarget: ptr(r.link(r.arg(in, "target_bucket")))})
}

func (r *rd) virtualCluster(in *instance) {
	vc := &model.VirtualCluster{Ref: r.ref(in), Name: r.str(r.arg(in, "name"))}
	r.named(&vc.Ref, vc.Name)
	if cp, ok := r.block(in, in.res.content(), "container_provider", "info"); ok {
		if cp.why != "" {
			vc.EKSCluster = model.Unresolved[string](cp.why, cp.at)
		} else {
			vc.EKSCluster = r.link(r.sub(in, cp.c, "id"))
		}
		// container_provider { info { eks_info { namespace } } }
		b := cp
		for _, path := range [][]string{{"info", "eks_info"}, {"eks_info"}} {
			if b.why != "" {
				break
			}
			if b, ok = r.block(in, b.c, path[0], path[1:]...); !ok {
				break
			}
		}
		switch {
		case ok && b.why != "":
			vc.Namespace = model.Unresolved[string](b.why, b.at)
		case ok:
			vc.Namespace = r.str(r.sub(in, b.c, "namespace"))
		}
	}
	r.ev.VirtualClusters = append(r.ev.VirtualClusters, vc)
}

// jobTemplate names the execution role EMR on EKS jobs started from it
// run as.
func (r *rd) jobTemplate(in *instance) {
	j := &model.JobRole{Ref: r.ref(in)}
	r.named(&j.Ref, r.str(r.arg(in, "name")))
	switch d, ok := r.block(in, in.res.content(), "job_template_data"); {
	case ok && d.why != "":
		j.RoleARN = model.Unresolved[string](d.why, d.at)
	case ok:
		j.RoleARN = r.link(r.sub(in, d.c, "execution_role_arn"))
	}
	r.ev.JobRoles = append(r.ev.JobRoles, j)
}

func (r *rd) launchTemplate(in *instance) {
	lt := &model.LaunchTemplate{Ref: r.ref(in), Name: r.str(r.arg(in, "name"))}
	r.named(&lt.Ref, lt.Name)
	if md, ok := r.block(in, in.res.content(), "metadata_options"); ok && md.why == "" {
		lt.HTTPTokens = r.str(r.sub(in, md.c, "http_tokens"))
		lt.HopLimit = r.integer(r.sub(in, md.c, "http_put_response_hop_limit"))
		lt.HTTPEndpoint = r.str(r.sub(in, md.c, "http_endpoint"))
	} else if ok {
		lt.HTTPTokens, lt.HTTPEndpoint = model.Unresolved[string](md.why, md.at), model.Unresolved[string](md.why, md.at)
		lt.HopLimit = model.Unresolved[int](md.why, md.at)
	}
	r.ev.LaunchTemplates = append(r.ev.LaunchTemplates, lt)
}

// localType strips the module path of an address: the resource type of
// module.m["a.b"].aws_internet_gateway.g[0] is aws_internet_gateway, and
// of a data source, data.aws_kms_key.k, data.aws_kms_key.
func localType(addr string) string {
	for {
		rest, ok := strings.CutPrefix(addr, "module.")
		if !ok {
			break
		}
		i := 0
		for i < len(rest) && rest[i] != '.' && rest[i] != '[' {
			i++
		}
		if i < len(rest) && rest[i] == '[' { // an instance key: ["a.b"] or [0]
			quoted := false
			for i++; i < len(rest) && (quoted || rest[i] != ']'); i++ {
				switch {
				case rest[i] == '\\' && quoted:
					i++
				case rest[i] == '"':
					quoted = !quoted
				}
			}
			i++
		}
		if i >= len(rest) || rest[i] != '.' {
			return ""
		}
		addr = rest[i+1:]
	}
	if d, ok := strings.CutPrefix(addr, "data."); ok {
		t, _, _ := strings.Cut(d, ".")
		return "data." + t
	}
	t, _, _ := strings.Cut(addr, ".")
	return t
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

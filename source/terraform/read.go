package terraform

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/secconf"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// rd reads resource instances into evidence, reporting through the
// evaluator's Reader (a plan's has only diagnostics).
type rd struct {
	*tfeval.Reader
	ev *model.Evidence
}

type readFn func(r *rd, in attrs)

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
	"kubernetes_role":                           (*rd).kubeRole,
	"kubernetes_role_v1":                        (*rd).kubeRole,
	"kubernetes_cluster_role":                   (*rd).kubeClusterRole,
	"kubernetes_cluster_role_v1":                (*rd).kubeClusterRole,
	"kubernetes_role_binding":                   (*rd).kubeRoleBinding,
	"kubernetes_role_binding_v1":                (*rd).kubeRoleBinding,
	"kubernetes_cluster_role_binding":           (*rd).kubeClusterRoleBinding,
	"kubernetes_cluster_role_binding_v1":        (*rd).kubeClusterRoleBinding,
	"aws_eks_pod_identity_association":          (*rd).podIdentity,
}

// A linker emits what a resource says about another. own is set when it
// reads nothing but its own arguments (attrs.arg) to emit its facts: a
// flat reading's group reads it ahead, recording the arguments, and the
// group's declarations can be dropped before the sequential link pass,
// which replays them (tfeval.OwnLinkStep).
type linker struct {
	fn  readFn
	own bool
}

var linkers = map[string]linker{
	"aws_security_group_rule":             {(*rd).sgRule, true},
	"aws_vpc_security_group_ingress_rule": {(*rd).vpcIngressRule, true},
	"aws_route":                           {(*rd).route, true},
	"aws_route_table_association":         {(*rd).association, true},
	"aws_main_route_table_association":    {(*rd).mainAssociation, true},
	"aws_iam_role_policy":                 {(*rd).rolePolicy, false},
	"aws_iam_role_policy_attachment":      {(*rd).attachment, true},
	"aws_iam_policy_attachment":           {(*rd).attachment, true},
	"aws_s3_bucket_logging":               {(*rd).bucketLogging, true},
}

// stepOf returns how a resource type is read, and its function.
func stepOf(typ string) (tfeval.StepKind, readFn) {
	if fn := readers[typ]; fn != nil {
		return tfeval.ReadStep, fn
	}
	if l, ok := linkers[typ]; ok {
		if l.own {
			return tfeval.OwnLinkStep, l.fn
		}
		return tfeval.LinkStep, l.fn
	}
	return tfeval.SkipStep, nil
}

// hclReading is how the adapter reads an HCL root: readers first, then
// linkers.
var hclReading = tfeval.Reading[*rd]{
	Kind: func(typ string) tfeval.StepKind {
		k, _ := stepOf(typ)
		return k
	},
	Fresh: func() *rd {
		// One allocation, as the evidence alone was before the reader
		// was apart from it.
		x := &struct {
			r  rd
			ev model.Evidence
		}{}
		x.r.ev = &x.ev
		return &x.r
	},
	Merge: func(dst, src *rd) { dst.ev.Merge(src.ev) },
	Read: func(r *tfeval.Reader, out *rd, in *tfeval.Instance) {
		out.Reader = r
		h := hclRes{in}
		_, fn := stepOf(h.kind())
		out.safely(h, fn)
	},
}

// safely reads one instance; a panic (a bug, or a value shape cty refuses)
// becomes a diagnostic on the resource, and the rest is still read.
func (r *rd) safely(in attrs, fn readFn) {
	defer func() {
		if p := recover(); p != nil {
			r.Diags.Errorf(in.pos(), "%s could not be read: internal error: %v", in.address(), p)
		}
	}()
	fn(r, in)
}

func (r *rd) ref(in attrs) model.Ref {
	return model.Ref{Kind: in.kind(), ID: in.address(), Loc: in.pos()}
}

func (r *rd) named(ref *model.Ref, f model.Field[string]) {
	if f.IsSet() {
		ref.Name = f.Val
	}
}

func (r *rd) cluster(in attrs) {
	c := &model.Cluster{Ref: r.ref(in)}
	r.named(&c.Ref, r.str(in.arg(r, "name")))
	c.SecurityConfiguration = r.str(in.arg(r, "security_configuration"))
	if f := c.SecurityConfiguration; f.IsSet() && f.Val == "" {
		// The provider sends no configuration for "" (GetOk): a
		// join("", aws_emr_security_configuration.sc[*].name) whose count
		// is 0 names none, though it refers to the resource.
		c.SecurityConfiguration = model.Field[string]{State: model.Absent, At: f.At}
	} else {
		c.SecurityConfigurationID = in.refersTo("security_configuration", "aws_emr_security_configuration")
		if c.SecurityConfigurationID == "" {
			c.SecurityConfigurationID = r.linkTo(in.arg(r, "security_configuration"), "aws_emr_security_configuration")
		}
	}
	c.ReleaseLabel = r.str(in.arg(r, "release_label"))
	c.CustomAMI = r.str(in.arg(r, "custom_ami_id"))
	c.LogURI = r.str(in.arg(r, "log_uri"))
	c.LogKMSKey = r.kmsKey(in.arg(r, "log_encryption_kms_key_id"))
	c.ServiceRole = r.link(in.arg(r, "service_role"))
	c.AutoScalingRole = r.link(in.arg(r, "autoscaling_role"))
	if b, ok := r.block(in, nil, "ec2_attributes"); ok && b.why == "" {
		ea := b
		c.InstanceProfile = r.link(in.sub(r, ea, "instance_profile"))
		c.KeyName = r.str(in.sub(r, ea, "key_name"))
		if f := r.link(in.sub(r, ea, "subnet_id")); !f.IsAbsent() {
			c.SubnetIDs = model.Field[[]string]{Val: []string{f.Val}, State: f.State, At: f.At, Why: f.Why}
		} else {
			c.SubnetIDs = r.links(in.sub(r, ea, "subnet_ids"), false)
		}
		c.MasterSecurityGroup = r.link(in.sub(r, ea, "emr_managed_master_security_group"))
		c.SlaveSecurityGroup = r.link(in.sub(r, ea, "emr_managed_slave_security_group"))
		c.ServiceAccessSecurityGroup = r.link(in.sub(r, ea, "service_access_security_group"))
		c.AdditionalMasterGroups = r.links(in.sub(r, ea, "additional_master_security_groups"), true)
		c.AdditionalSlaveGroups = r.links(in.sub(r, ea, "additional_slave_security_groups"), true)
	} else if ok {
		c.InstanceProfile, c.KeyName = model.Unresolved[string](b.why, b.at), model.Unresolved[string](b.why, b.at)
		c.SubnetIDs = model.Unresolved[[]string](b.why, b.at)
		c.MasterSecurityGroup, c.SlaveSecurityGroup = model.Unresolved[string](b.why, b.at), model.Unresolved[string](b.why, b.at)
		c.ServiceAccessSecurityGroup = model.Unresolved[string](b.why, b.at)
		c.AdditionalMasterGroups, c.AdditionalSlaveGroups = model.Unresolved[[]string](b.why, b.at), model.Unresolved[[]string](b.why, b.at)
	}
	if t := in.arg(r, "tags"); !t.Absent() && t.V.IsWhollyKnown() {
		v, _ := t.V.UnmarkDeep()
		if v.CanIterateElements() {
			c.Tags = map[string]string{}
			for it := v.ElementIterator(); it.Next(); {
				k, e := it.Element()
				ks, _ := tfeval.Scalar(k)
				if es, ok := tfeval.Scalar(e); ok {
					c.Tags[ks] = es
				}
			}
		}
	}
	r.ev.Clusters = append(r.ev.Clusters, c)
}

func (r *rd) secConf(in attrs) {
	ref := r.ref(in)
	doc, _ := in.document(r, nil, "configuration")
	if doc == nil {
		r.Diags.Errorf(ref.Loc, "%s has no configuration (a required argument)", in.address())
	}
	sc, diags := secconf.Decode(doc, ref)
	*r.Diags = append(*r.Diags, diags...)
	sc.Name = r.str(in.arg(r, "name"))
	if sc.Name.IsAbsent() {
		if p := r.str(in.arg(r, "name_prefix")); !p.IsAbsent() {
			sc.Name = model.Unresolved[string](fmt.Sprintf("%s has a generated name (name_prefix)", in.address()), p.At)
		} else {
			sc.Name = model.Unresolved[string](fmt.Sprintf("%s has a generated name (no name given)", in.address()), ref.Loc)
		}
	}
	r.named(&sc.Ref, sc.Name)
	r.ev.SecurityConfigurations = append(r.ev.SecurityConfigurations, sc)
}

func (r *rd) bpa(in attrs) {
	b := &model.BlockPublicAccess{Ref: r.ref(in), Block: r.boolean(in.arg(r, "block_public_security_group_rules"))}
	for _, blk := range in.nestedIn(r, nil, "permitted_public_security_group_rule_range") {
		if blk.why != "" {
			b.Permitted = append(b.Permitted, model.PortRange{At: blk.at, Min: model.Unresolved[int](blk.why, blk.at), Max: model.Unresolved[int](blk.why, blk.at)})
			continue
		}
		b.Permitted = append(b.Permitted, model.PortRange{At: blk.at, Min: r.integer(in.sub(r, blk, "min_range")), Max: r.integer(in.sub(r, blk, "max_range"))})
	}
	r.ev.BlockPublicAccess = append(r.ev.BlockPublicAccess, b)
}

func (r *rd) subnet(in attrs) {
	r.ev.Subnets = append(r.ev.Subnets, &model.Subnet{Ref: r.ref(in), VPCID: r.link(in.arg(r, "vpc_id")), MapPublicIP: r.boolean(in.arg(r, "map_public_ip_on_launch"))})
}

func (r *rd) vpc(in attrs) {
	ref := r.ref(in)
	r.ev.VPCs = append(r.ev.VPCs, &model.VPC{Ref: ref, EndpointsComplete: model.Known(true, ref.Loc)})
	main := &model.RouteTable{Ref: model.Ref{Kind: ref.Kind, ID: ref.ID, Name: "main route table", Loc: ref.Loc},
		VPCID: model.Known(ref.ID, ref.Loc), Main: model.Known(true, ref.Loc), RoutesComplete: model.Known(true, ref.Loc), Scope: in.scope()}
	r.ev.RouteTables = append(r.ev.RouteTables, main)
}

func (r *rd) vpcEndpoint(in attrs) {
	r.ev.VPCEndpoints = append(r.ev.VPCEndpoints, &model.VPCEndpoint{Ref: r.ref(in), VPCID: r.link(in.arg(r, "vpc_id")),
		ServiceName: r.str(in.arg(r, "service_name")), Type: r.str(in.arg(r, "vpc_endpoint_type")),
		RouteTables: r.links(in.arg(r, "route_table_ids"), false), Subnets: r.links(in.arg(r, "subnet_ids"), false)})
}

func (r *rd) bucket(in attrs) {
	b := &model.Bucket{Ref: r.ref(in), Name: r.str(in.arg(r, "bucket")), Scope: in.scope()}
	r.named(&b.Ref, b.Name)
	if l, ok := r.block(in, nil, "logging"); ok && l.why == "" {
		b.AccessLogging = model.Known(true, l.at)
		b.LogTarget = r.link(in.sub(r, l, "target_bucket"))
	} else if ok {
		b.AccessLogging, b.LogTarget = model.Unresolved[bool](l.why, l.at), model.Unresolved[string](l.why, l.at)
	}
	r.ev.Buckets = append(r.ev.Buckets, b)
}

// bucketLogging turns on access logging of the bucket it names (by
// address or bucket name; a bucket outside the configuration is added):
// a join model.Link resolves. Which bucket an unknown name is, is
// unknown: every bucket is left as it is.
func (r *rd) bucketLogging(in attrs) {
	name := r.link(in.arg(r, "bucket"))
	at := in.pos()
	switch {
	case name.IsUnknown():
		return
	case name.IsAbsent():
		r.Diags.Errorf(at, "%s names no bucket", in.address())
		return
	}
	r.ev.Joins = append(r.ev.Joins, model.Join{To: model.JoinBucket, Scope: in.scope(), Kind: "aws_s3_bucket", Target: name, At: at,
		LogTarget: ptr(r.link(in.arg(r, "target_bucket")))})
}

func (r *rd) virtualCluster(in attrs) {
	vc := &model.VirtualCluster{Ref: r.ref(in), Name: r.str(in.arg(r, "name"))}
	r.named(&vc.Ref, vc.Name)
	if cp, ok := r.block(in, nil, "container_provider", "info"); ok {
		if cp.why != "" {
			vc.EKSCluster = model.Unresolved[string](cp.why, cp.at)
		} else {
			vc.EKSCluster = r.link(in.sub(r, cp, "id"))
		}
		// container_provider { info { eks_info { namespace } } }
		b := cp
		for _, path := range [][]string{{"info", "eks_info"}, {"eks_info"}} {
			if b.why != "" {
				break
			}
			if b, ok = r.block(in, &b, path[0], path[1:]...); !ok {
				break
			}
		}
		switch {
		case ok && b.why != "":
			vc.Namespace = model.Unresolved[string](b.why, b.at)
		case ok:
			vc.Namespace = r.str(in.sub(r, b, "namespace"))
		}
	}
	r.ev.VirtualClusters = append(r.ev.VirtualClusters, vc)
}

// jobTemplate names the execution role EMR on EKS jobs started from it
// run as.
func (r *rd) jobTemplate(in attrs) {
	j := &model.JobRole{Ref: r.ref(in)}
	r.named(&j.Ref, r.str(in.arg(r, "name")))
	switch d, ok := r.block(in, nil, "job_template_data"); {
	case ok && d.why != "":
		j.RoleARN = model.Unresolved[string](d.why, d.at)
	case ok:
		j.RoleARN = r.link(in.sub(r, d, "execution_role_arn"))
	}
	r.ev.JobRoles = append(r.ev.JobRoles, j)
}

func (r *rd) launchTemplate(in attrs) {
	lt := &model.LaunchTemplate{Ref: r.ref(in), Name: r.str(in.arg(r, "name"))}
	r.named(&lt.Ref, lt.Name)
	if md, ok := r.block(in, nil, "metadata_options"); ok && md.why == "" {
		lt.HTTPTokens = r.str(in.sub(r, md, "http_tokens"))
		lt.HopLimit = r.integer(in.sub(r, md, "http_put_response_hop_limit"))
		lt.HTTPEndpoint = r.str(in.sub(r, md, "http_endpoint"))
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

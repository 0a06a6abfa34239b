// Package emrcontainers reads EMR on EKS API output as the AWS CLI prints
// it: `aws emr-containers describe-virtual-cluster` and
// `list-virtual-clusters` (which namespaces are EMR's), and
// `describe-job-run`, `list-job-runs`, `describe-managed-endpoint` and
// `list-managed-endpoints` (which IAM roles are job execution roles, the
// endpoints' subnets and security group, and the custom images jobs and
// endpoints run).
package emrcontainers

import (
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// Ref kinds of the objects read here.
const (
	VirtualClusterKind = "emr-containers:virtual-cluster"
	JobRunKind         = "emr-containers:job-run"
	EndpointKind       = "emr-containers:endpoint"
)

// Detect reports whether a JSON document is one of the outputs read here.
func Detect(root *tree.Node) bool {
	one := func(k string) bool { n := root.Get(k); return n != nil && n.Kind == tree.Object }
	list := func(k string) bool { n := root.Get(k); return n != nil && n.Kind == tree.Array }
	return one("virtualCluster") || list("virtualClusters") || one("jobRun") || list("jobRuns") ||
		(one("endpoint") && root.Get("endpoint").Get("virtualClusterId") != nil) || list("endpoints")
}

// Load reads the virtual clusters, job runs and endpoints of one output.
func Load(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	ev := &model.Evidence{}
	var diags source.Diagnostics
	str := func(parent *tree.Node, key string) model.Field[string] {
		return source.String(parent.Get(key), key, &diags)
	}
	each := func(key string, fn func(*tree.Node)) {
		n := root.Get(key)
		switch {
		case n == nil:
		case n.Kind == tree.Object:
			fn(n)
		case n.Kind == tree.Array:
			for _, it := range n.Items {
				if it.Kind != tree.Object {
					diags.Errorf(it.At, "%s", "an item of "+key+" is a "+it.Kind.String()+", want an object")
					continue
				}
				fn(it)
			}
		}
	}
	vc := func(n *tree.Node) {
		v := &model.VirtualCluster{Ref: ref(n, VirtualClusterKind), Name: str(n, "name"), State: str(n, "state")}
		cp := n.Get("containerProvider")
		v.EKSCluster = str(cp, "id")
		v.Namespace = str(cp.Get("info").Get("eksInfo"), "namespace")
		if t, ok := cp.Get("type").Str(); ok && t != "EKS" {
			diags.Warnf(cp.At, "%s", "container provider type "+t+" is not EKS; its namespace is not read")
			v.Namespace = model.Field[string]{}
		}
		ev.VirtualClusters = append(ev.VirtualClusters, v)
	}
	job := func(n *tree.Node) {
		j := jobRun(n, &diags)
		ev.JobRuns = append(ev.JobRuns, j)
		ev.JobRoles = append(ev.JobRoles, &model.JobRole{Ref: j.Ref, RoleARN: j.ExecutionRole})
	}
	ep := func(n *tree.Node) {
		me := endpoint(n, &diags)
		ev.ManagedEndpoints = append(ev.ManagedEndpoints, me)
		ev.JobRoles = append(ev.JobRoles, &model.JobRole{Ref: me.Ref, RoleARN: me.ExecutionRole})
	}
	each("virtualCluster", vc)
	each("virtualClusters", vc)
	each("jobRun", job)
	each("jobRuns", job)
	each("endpoint", ep)
	each("endpoints", ep)
	return ev, diags
}

func ref(n *tree.Node, kind string) model.Ref {
	r := model.Ref{Kind: kind, Loc: n.At}
	r.ID, _ = n.Get("id").Str()
	r.Name, _ = n.Get("name").Str()
	if arn, ok := n.Get("arn").Str(); ok {
		if p := strings.Split(arn, ":"); len(p) >= 5 {
			r.Region, r.Account = p[3], p[4]
		}
	}
	return r
}

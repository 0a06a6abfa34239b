package emrcontainers

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// endpoint reads a managed endpoint: where it sits (subnetIds,
// securityGroup, which EMR sets once the endpoint is created) and the
// custom image it runs, for EKS201, EKS202 and EKS301.
func endpoint(n *tree.Node, diags *source.Diagnostics) *model.ManagedEndpoint {
	me := &model.ManagedEndpoint{Ref: ref(n, EndpointKind)}
	me.VirtualClusterID = source.String(n.Get("virtualClusterId"), "virtualClusterId", diags)
	me.ReleaseLabel = source.String(n.Get("releaseLabel"), "releaseLabel", diags)
	me.ExecutionRole = source.String(n.Get("executionRoleArn"), "executionRoleArn", diags)
	me.SecurityGroup = source.String(n.Get("securityGroup"), "securityGroup", diags)
	me.SubnetIDs = stringList(n.Get("subnetIds"), "subnetIds", diags)
	me.Image = image(n.Get("configurationOverrides"), diags)
	return me
}

// jobRun reads a job run: its virtual cluster, role, release and image.
func jobRun(n *tree.Node, diags *source.Diagnostics) *model.JobRun {
	j := &model.JobRun{Ref: ref(n, JobRunKind)}
	j.VirtualClusterID = source.String(n.Get("virtualClusterId"), "virtualClusterId", diags)
	j.ReleaseLabel = source.String(n.Get("releaseLabel"), "releaseLabel", diags)
	j.ExecutionRole = source.String(n.Get("executionRoleArn"), "executionRoleArn", diags)
	j.Image = image(n.Get("configurationOverrides"), diags)
	return j
}

// imageProperty is the Spark property that names a custom image; EMR on
// EKS reads it from the spark-defaults classification.
const imageProperty = "spark.kubernetes.container.image"

// image returns the custom image the configuration overrides set, Absent
// when they set none (EMR's own image runs).
func image(overrides *tree.Node, diags *source.Diagnostics) model.Field[string] {
	apps := overrides.Get("applicationConfiguration")
	if apps == nil || apps.Kind != tree.Array {
		return model.Field[string]{}
	}
	for _, c := range apps.Items {
		if cl, _ := c.Get("classification").Str(); cl != "spark-defaults" {
			continue
		}
		if v := c.Get("properties").Get(imageProperty); v != nil {
			return source.String(v, imageProperty, diags)
		}
	}
	return model.Field[string]{}
}

// stringList reads a list of strings; an item of another type is an
// error and makes the list Unknown.
func stringList(v *tree.Node, key string, diags *source.Diagnostics) model.Field[[]string] {
	switch {
	case v == nil || v.Kind == tree.Null:
		return model.Field[[]string]{}
	case v.Kind != tree.Array:
		why := key + " is a " + v.Kind.String() + ", want a list of strings"
		diags.Errorf(v.At, "%s", why)
		return model.Unresolved[[]string](why, v.At)
	}
	out := make([]string, 0, len(v.Items))
	for _, it := range v.Items {
		s, ok := it.Str()
		if !ok {
			why := "an item of " + key + " is a " + it.Kind.String() + ", want a string"
			diags.Errorf(it.At, "%s", why)
			return model.Unresolved[[]string](why, v.At)
		}
		out = append(out, s)
	}
	return model.Known(out, v.At)
}

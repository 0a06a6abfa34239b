package request

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// ClusterKind is the Ref.Kind of clusters read here.
const ClusterKind = "emr:cluster"

// Default role names set by `create-cluster --use-default-roles`.
const (
	DefaultServiceRole     = "EMR_DefaultRole"
	DefaultInstanceProfile = "EMR_EC2_DefaultRole"
)

// DetectCluster reports whether a JSON document describes one cluster: a
// describe-cluster reply ({"Cluster": …}), or a request naming a release
// or AMI version, instances, EC2 attributes or roles.
func DetectCluster(root *tree.Node) bool {
	if root == nil || root.Kind != tree.Object {
		return false
	}
	if c := root.Get("Cluster"); c != nil && c.Kind == tree.Object {
		return true
	}
	for _, k := range []string{"Instances", "Ec2Attributes", "JobFlowRole", "UseDefaultRoles", "InstanceGroups", "InstanceFleets"} {
		if root.Fold(k) != nil {
			return true
		}
	}
	return root.Fold("Name") != nil && (root.Fold("ReleaseLabel") != nil || root.Fold("AmiVersion") != nil)
}

// LoadCluster reads a cluster file into evidence.
func LoadCluster(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	n := root
	if c := root.Get("Cluster"); c != nil && c.Kind == tree.Object {
		n = c
	}
	stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	c, diags := Cluster(n, model.Ref{Kind: ClusterKind, ID: stem, Loc: n.At})
	return &model.Evidence{Clusters: []*model.Cluster{c}}, diags
}

// Cluster reads one cluster from a request, a create-cluster input, a
// describe-cluster Cluster object or CloudTrail requestParameters. ref
// gives the kind, location and, when the input has neither an Id nor a
// Name, the ID; ARNs in the input fill in account and region.
func Cluster(n *tree.Node, ref model.Ref) (*model.Cluster, source.Diagnostics) {
	r := &reader{}
	c := &model.Cluster{Ref: ref}
	name := r.str(n, "Name")
	if name.IsSet() {
		c.Ref.Name = name.Val
		c.Ref.ID = name.Val
	}
	if id := r.str(n, "Id"); id.IsSet() {
		c.Ref.ID = id.Val
	}
	if arn := r.str(n, "ClusterArn"); arn.IsSet() {
		if acct, region, ok := arnAccountRegion(arn.Val); ok {
			c.Ref.Account, c.Ref.Region = acct, region
		}
	}
	c.SecurityConfiguration = r.str(n, "SecurityConfiguration")
	c.ReleaseLabel = r.str(n, "ReleaseLabel")
	c.AMIVersion = r.str(n, "AmiVersion", "RunningAmiVersion", "RequestedAmiVersion")
	c.CustomAMI = r.str(n, "CustomAmiId")
	c.LogURI = r.str(n, "LogUri")
	c.LogKMSKey = r.str(n, "LogEncryptionKmsKeyId")
	c.ServiceRole = r.str(n, "ServiceRole")
	c.AutoScalingRole = r.str(n, "AutoScalingRole")
	c.Tags = r.tags(n.Fold("Tags"))

	attrs := r.object(n, "Instances", "Ec2InstanceAttributes", "Ec2Attributes")
	c.InstanceProfile = r.str(n, "JobFlowRole")
	if c.InstanceProfile.IsAbsent() {
		c.InstanceProfile = r.str(attrs, "IamInstanceProfile", "InstanceProfile")
	}
	if u := n.Fold("UseDefaultRoles"); u != nil {
		if v, ok := u.Bool(); ok && v {
			if c.ServiceRole.IsAbsent() {
				c.ServiceRole = model.Known(DefaultServiceRole, u.At)
			}
			if c.InstanceProfile.IsAbsent() {
				c.InstanceProfile = model.Known(DefaultInstanceProfile, u.At)
			}
		}
	}
	c.KeyName = r.str(attrs, "Ec2KeyName", "KeyName")
	c.SubnetIDs = r.list(attrs, "Ec2SubnetIds", "SubnetIds", "RequestedEc2SubnetIds")
	if one := r.str(attrs, "Ec2SubnetId", "SubnetId"); one.State != model.Absent && (c.SubnetIDs.IsAbsent() || len(c.SubnetIDs.Val) == 0) {
		c.SubnetIDs = model.Field[[]string]{Val: []string{one.Val}, State: one.State, At: one.At, Why: one.Why}
	}
	c.MasterSecurityGroup = r.str(attrs, "EmrManagedMasterSecurityGroup")
	c.SlaveSecurityGroup = r.str(attrs, "EmrManagedSlaveSecurityGroup")
	c.ServiceAccessSecurityGroup = r.str(attrs, "ServiceAccessSecurityGroup")
	c.AdditionalMasterGroups = r.list(attrs, "AdditionalMasterSecurityGroups")
	c.AdditionalSlaveGroups = r.list(attrs, "AdditionalSlaveSecurityGroups")
	return c, r.diags
}

// arnAccountRegion returns the account and region fields of an ARN.
func arnAccountRegion(arn string) (account, region string, ok bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 || p[0] != "arn" {
		return "", "", false
	}
	return p[4], p[3], true
}

type reader struct{ diags source.Diagnostics }

// find returns the first present value among keys (matched with Fold).
func find(n *tree.Node, keys []string) (*tree.Node, string) {
	if n == nil || n.Kind != tree.Object {
		return nil, ""
	}
	for _, k := range keys {
		if v := n.Fold(k); v != nil && v.Kind != tree.Null {
			return v, k
		}
	}
	return nil, ""
}

// str reads a string; "" counts as absent (CLI skeletons leave every
// field as ""). Wrong types are errors and make the field Unknown.
func (r *reader) str(n *tree.Node, keys ...string) model.Field[string] {
	if n != nil && n.Kind == tree.Unknown {
		return model.Unresolved[string](n.Text, n.At)
	}
	v, key := find(n, keys)
	return source.String(v, key, &r.diags)
}

// list reads a list of strings; a comma-separated string is split (the
// CLI's shorthand).
func (r *reader) list(n *tree.Node, keys ...string) model.Field[[]string] {
	if n != nil && n.Kind == tree.Unknown {
		return model.Unresolved[[]string](n.Text, n.At)
	}
	v, key := find(n, keys)
	if v == nil {
		return model.Field[[]string]{}
	}
	if v.Kind == tree.Unknown {
		return model.Unresolved[[]string](v.Text, v.At)
	}
	switch v.Kind {
	case tree.String:
		return known(strings.Split(v.Text, ","), v.At)
	case tree.Array:
		items := make([]string, 0, len(v.Items))
		for _, it := range v.Items {
			switch it.Kind {
			case tree.Unknown:
				return model.Unresolved[[]string](it.Text, it.At)
			case tree.String:
				items = append(items, it.Text)
			default:
				why := fmt.Sprintf("%s holds a %s, want strings", key, it.Kind)
				r.diags.Errorf(it.At, "%s", why)
				return model.Unresolved[[]string](why, it.At)
			}
		}
		return known(items, v.At)
	}
	why := fmt.Sprintf("%s is a %s, want a list of strings", key, v.Kind)
	r.diags.Errorf(v.At, "%s", why)
	return model.Unresolved[[]string](why, v.At)
}

// known trims the items, drops empty ones, and is Absent when none is left.
func known(items []string, at model.Loc) model.Field[[]string] {
	var out []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return model.Field[[]string]{}
	}
	return model.Known(out, at)
}

// object returns the first present object among keys; a wrong type is an
// error and yields an Unknown node.
func (r *reader) object(n *tree.Node, keys ...string) *tree.Node {
	v, key := find(n, keys)
	if v == nil || v.Kind == tree.Object || v.Kind == tree.Unknown {
		return v
	}
	why := fmt.Sprintf("%s is a %s, want an object", key, v.Kind)
	r.diags.Errorf(v.At, "%s", why)
	return tree.UnknownNode(why, v.At)
}

// tags reads [{Key,Value}] (API) or ["k=v"] (CLI).
func (r *reader) tags(n *tree.Node) map[string]string {
	if n == nil || n.Kind != tree.Array {
		return nil
	}
	out := map[string]string{}
	for _, it := range n.Items {
		if s, ok := it.Str(); ok {
			k, v, _ := strings.Cut(s, "=")
			out[k] = v
			continue
		}
		k, _ := it.Fold("Key").Str()
		v, _ := it.Fold("Value").Str()
		if k != "" {
			out[k] = v
		}
	}
	return out
}

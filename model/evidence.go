package model

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
)

// Evidence is everything one run learned, from every input. Lookups build
// an index on first use; add resources (Merge) before looking up.
type Evidence struct {
	Clusters               []*Cluster
	SecurityConfigurations []*SecurityConfiguration
	SecurityGroups         []*SecurityGroup
	Roles                  []*Role
	Policies               []*Policy // managed policies declared on their own
	InstanceProfiles       []*InstanceProfile
	Subnets                []*Subnet
	RouteTables            []*RouteTable
	VPCEndpoints           []*VPCEndpoint
	Buckets                []*Bucket
	VPCs                   []*VPC
	BlockPublicAccess      []*BlockPublicAccess
	ManagedEndpoints       []*ManagedEndpoint
	JobRuns                []*JobRun
	ContainerImages        []*ContainerImage // base images of build files (model/image.go)

	// Live accounts only (model/live.go).
	AccountRegions []*AccountRegion
	Trails         []*Trail
	KMSKeys        []*KMSKey
	AMIs           []*AMI
	PolicyHolders  []*PolicyHolders
	Nodegroups     []*Nodegroup

	// EMR on EKS: Kubernetes objects (model/rbac.go) and the EMR and EC2
	// objects around them (model/eks.go).
	RBACRoles               []*RBACRole
	RBACBindings            []*RBACBinding
	ServiceAccounts         []*ServiceAccount
	Workloads               []*Workload
	Namespaces              []*Namespace
	AuthMappings            []*AuthMapping
	EMRNamespaces           []*EMRNamespace
	VirtualClusters         []*VirtualCluster
	JobRoles                []*JobRole
	PodIdentityAssociations []*PodIdentityAssociation
	LaunchTemplates         []*LaunchTemplate

	// Alternatives are Terraform roots read once per way their unknown
	// counts can go (model/alternatives.go).
	Alternatives []*Alternatives

	// Unlinked facts, joined by Link (model/link.go).
	PolicyRefs        []PolicyRef
	PolicyAttachments []PolicyAttachment
	Joins             []Join

	// linkOnce runs Link once: a change to the evidence, not a view of it.
	linkOnce sync.Once
	views    atomic.Pointer[viewTable] // View.Of
}

type index struct {
	scByName map[string][]*SecurityConfiguration
	scByID   keyed[*SecurityConfiguration]
	sgByID   keyed[*SecurityGroup]
}

// Merge appends the resources of o to e.
func (e *Evidence) Merge(o *Evidence) {
	if o == nil {
		return
	}
	e.Clusters = append(e.Clusters, o.Clusters...)
	e.Alternatives = append(e.Alternatives, o.Alternatives...)
	e.SecurityConfigurations = append(e.SecurityConfigurations, o.SecurityConfigurations...)
	e.SecurityGroups = append(e.SecurityGroups, o.SecurityGroups...)
	e.Roles = append(e.Roles, o.Roles...)
	e.Policies = append(e.Policies, o.Policies...)
	e.InstanceProfiles = append(e.InstanceProfiles, o.InstanceProfiles...)
	e.Subnets = append(e.Subnets, o.Subnets...)
	e.RouteTables = append(e.RouteTables, o.RouteTables...)
	e.VPCEndpoints = append(e.VPCEndpoints, o.VPCEndpoints...)
	e.Buckets = append(e.Buckets, o.Buckets...)
	e.VPCs = append(e.VPCs, o.VPCs...)
	e.RBACRoles = append(e.RBACRoles, o.RBACRoles...)
	e.RBACBindings = append(e.RBACBindings, o.RBACBindings...)
	e.ServiceAccounts = append(e.ServiceAccounts, o.ServiceAccounts...)
	e.Workloads = append(e.Workloads, o.Workloads...)
	e.Namespaces = append(e.Namespaces, o.Namespaces...)
	e.AuthMappings = append(e.AuthMappings, o.AuthMappings...)
	e.EMRNamespaces = append(e.EMRNamespaces, o.EMRNamespaces...)
	e.JobRoles = append(e.JobRoles, o.JobRoles...)
	e.PodIdentityAssociations = append(e.PodIdentityAssociations, o.PodIdentityAssociations...)
	e.LaunchTemplates = append(e.LaunchTemplates, o.LaunchTemplates...)
	e.BlockPublicAccess = append(e.BlockPublicAccess, o.BlockPublicAccess...)
	e.VirtualClusters = append(e.VirtualClusters, o.VirtualClusters...)
	e.ManagedEndpoints = append(e.ManagedEndpoints, o.ManagedEndpoints...)
	e.JobRuns = append(e.JobRuns, o.JobRuns...)
	e.ContainerImages = append(e.ContainerImages, o.ContainerImages...)
	e.AccountRegions = append(e.AccountRegions, o.AccountRegions...)
	e.Trails = append(e.Trails, o.Trails...)
	e.KMSKeys = append(e.KMSKeys, o.KMSKeys...)
	e.AMIs = append(e.AMIs, o.AMIs...)
	e.PolicyHolders = append(e.PolicyHolders, o.PolicyHolders...)
	e.Nodegroups = append(e.Nodegroups, o.Nodegroups...)
	e.PolicyRefs = append(e.PolicyRefs, o.PolicyRefs...)
	e.PolicyAttachments = append(e.PolicyAttachments, o.PolicyAttachments...)
	e.Joins = append(e.Joins, o.Joins...)
}

// Grow makes room in e for the resources of parts, so that merging them
// one by one appends without growing e's slices again and again: a
// corpus merges the evidence of ten thousand files, and the facts that
// wait for Link (Joins) are large values. Merge and Grow name the same
// fields (TestMergeAndGrowCoverEveryField).
func (e *Evidence) Grow(parts []*Evidence) {
	e.Clusters = slices.Grow(e.Clusters, sum(parts, func(x *Evidence) int { return len(x.Clusters) }))
	e.Alternatives = slices.Grow(e.Alternatives, sum(parts, func(x *Evidence) int { return len(x.Alternatives) }))
	e.SecurityConfigurations = slices.Grow(e.SecurityConfigurations, sum(parts, func(x *Evidence) int { return len(x.SecurityConfigurations) }))
	e.SecurityGroups = slices.Grow(e.SecurityGroups, sum(parts, func(x *Evidence) int { return len(x.SecurityGroups) }))
	e.Roles = slices.Grow(e.Roles, sum(parts, func(x *Evidence) int { return len(x.Roles) }))
	e.Policies = slices.Grow(e.Policies, sum(parts, func(x *Evidence) int { return len(x.Policies) }))
	e.InstanceProfiles = slices.Grow(e.InstanceProfiles, sum(parts, func(x *Evidence) int { return len(x.InstanceProfiles) }))
	e.Subnets = slices.Grow(e.Subnets, sum(parts, func(x *Evidence) int { return len(x.Subnets) }))
	e.RouteTables = slices.Grow(e.RouteTables, sum(parts, func(x *Evidence) int { return len(x.RouteTables) }))
	e.VPCEndpoints = slices.Grow(e.VPCEndpoints, sum(parts, func(x *Evidence) int { return len(x.VPCEndpoints) }))
	e.Buckets = slices.Grow(e.Buckets, sum(parts, func(x *Evidence) int { return len(x.Buckets) }))
	e.VPCs = slices.Grow(e.VPCs, sum(parts, func(x *Evidence) int { return len(x.VPCs) }))
	e.RBACRoles = slices.Grow(e.RBACRoles, sum(parts, func(x *Evidence) int { return len(x.RBACRoles) }))
	e.RBACBindings = slices.Grow(e.RBACBindings, sum(parts, func(x *Evidence) int { return len(x.RBACBindings) }))
	e.ServiceAccounts = slices.Grow(e.ServiceAccounts, sum(parts, func(x *Evidence) int { return len(x.ServiceAccounts) }))
	e.Workloads = slices.Grow(e.Workloads, sum(parts, func(x *Evidence) int { return len(x.Workloads) }))
	e.Namespaces = slices.Grow(e.Namespaces, sum(parts, func(x *Evidence) int { return len(x.Namespaces) }))
	e.AuthMappings = slices.Grow(e.AuthMappings, sum(parts, func(x *Evidence) int { return len(x.AuthMappings) }))
	e.EMRNamespaces = slices.Grow(e.EMRNamespaces, sum(parts, func(x *Evidence) int { return len(x.EMRNamespaces) }))
	e.JobRoles = slices.Grow(e.JobRoles, sum(parts, func(x *Evidence) int { return len(x.JobRoles) }))
	e.PodIdentityAssociations = slices.Grow(e.PodIdentityAssociations, sum(parts, func(x *Evidence) int { return len(x.PodIdentityAssociations) }))
	e.LaunchTemplates = slices.Grow(e.LaunchTemplates, sum(parts, func(x *Evidence) int { return len(x.LaunchTemplates) }))
	e.BlockPublicAccess = slices.Grow(e.BlockPublicAccess, sum(parts, func(x *Evidence) int { return len(x.BlockPublicAccess) }))
	e.VirtualClusters = slices.Grow(e.VirtualClusters, sum(parts, func(x *Evidence) int { return len(x.VirtualClusters) }))
	e.ManagedEndpoints = slices.Grow(e.ManagedEndpoints, sum(parts, func(x *Evidence) int { return len(x.ManagedEndpoints) }))
	e.JobRuns = slices.Grow(e.JobRuns, sum(parts, func(x *Evidence) int { return len(x.JobRuns) }))
	e.ContainerImages = slices.Grow(e.ContainerImages, sum(parts, func(x *Evidence) int { return len(x.ContainerImages) }))
	e.AccountRegions = slices.Grow(e.AccountRegions, sum(parts, func(x *Evidence) int { return len(x.AccountRegions) }))
	e.Trails = slices.Grow(e.Trails, sum(parts, func(x *Evidence) int { return len(x.Trails) }))
	e.KMSKeys = slices.Grow(e.KMSKeys, sum(parts, func(x *Evidence) int { return len(x.KMSKeys) }))
	e.AMIs = slices.Grow(e.AMIs, sum(parts, func(x *Evidence) int { return len(x.AMIs) }))
	e.PolicyHolders = slices.Grow(e.PolicyHolders, sum(parts, func(x *Evidence) int { return len(x.PolicyHolders) }))
	e.Nodegroups = slices.Grow(e.Nodegroups, sum(parts, func(x *Evidence) int { return len(x.Nodegroups) }))
	e.PolicyRefs = slices.Grow(e.PolicyRefs, sum(parts, func(x *Evidence) int { return len(x.PolicyRefs) }))
	e.PolicyAttachments = slices.Grow(e.PolicyAttachments, sum(parts, func(x *Evidence) int { return len(x.PolicyAttachments) }))
	e.Joins = slices.Grow(e.Joins, sum(parts, func(x *Evidence) int { return len(x.Joins) }))
}

// sum adds up n over the parts that are not nil.
func sum(parts []*Evidence, n func(*Evidence) int) int {
	t := 0
	for _, p := range parts {
		if p != nil {
			t += n(p)
		}
	}
	return t
}

// indexView holds the lookups by name and ID of configurations and groups.
var indexView = NewView(buildIndex)

func (e *Evidence) index() *index { return indexView.Of(e) }

func buildIndex(e *Evidence) *index {
	x := &index{scByName: map[string][]*SecurityConfiguration{}, scByID: newKeyed[*SecurityConfiguration](len(e.SecurityConfigurations)),
		sgByID: newKeyed[*SecurityGroup](len(e.SecurityGroups))}
	for _, sc := range e.SecurityConfigurations {
		if sc.Name.IsSet() {
			x.scByName[sc.Name.Val] = append(x.scByName[sc.Name.Val], sc)
		}
		x.scByID.add(sc.Ref.ID, sc, sc.Ref.Loc.File)
	}
	for _, g := range e.SecurityGroups {
		x.sgByID.add(g.Ref.ID, g, g.Ref.Loc.File)
		if g.GroupID.IsSet() && g.GroupID.Val != g.Ref.ID {
			x.sgByID.add(g.GroupID.Val, g, g.Ref.Loc.File)
		}
	}
	return x
}

// nearest keeps the candidates closest to from: those in the same file,
// else in the same folder (a Terraform module), else all of them. Names
// and logical IDs are scoped to a template or module, so a reference is
// looked for there first.
func nearest[T any](cands []T, loc func(T) Loc, from Loc) []T {
	if len(cands) <= 1 || from.File == "" {
		return cands
	}
	var file, dir []T
	for _, c := range cands {
		l := loc(c)
		if l.File == from.File {
			file = append(file, c)
		}
		if filepath.Dir(l.File) == filepath.Dir(from.File) {
			dir = append(dir, c)
		}
	}
	switch {
	case len(file) > 0:
		return file
	case len(dir) > 0:
		return dir
	}
	return cands
}

// Link is the outcome of following a cluster to its security configuration.
type Link struct {
	State Linkage
	SC    *SecurityConfiguration // when Found
	Why   string                 // when LinkUnknown
	At    Loc                    // where the cluster names it
}

// Linkage says what a cluster's security configuration reference led to.
type Linkage uint8

const (
	// LinkNone: the cluster names no security configuration.
	LinkNone Linkage = iota
	// LinkFound: the named configuration is among the evidence.
	LinkFound
	// LinkUnknown: the name is unknown, or not among the inputs, or ambiguous.
	LinkUnknown
)

// SecurityConfigurationOf follows c to the security configuration it uses.
// A name that matches no configuration of the inputs is Unresolved with the
// reason, never treated as "no configuration".
func (e *Evidence) SecurityConfigurationOf(c *Cluster) Link {
	f := c.SecurityConfiguration
	at := f.At.Or(c.Ref.Loc)
	if id := c.SecurityConfigurationID; id != "" {
		hits := e.index().scByID.near(id, scLoc, c.Ref.Loc)
		if len(hits) == 1 || (len(hits) > 1 && hits[0].Ref.Loc.File == c.Ref.Loc.File) {
			return Link{State: LinkFound, SC: hits[0], At: at}
		}
	}
	switch f.State {
	case Absent:
		if c.SecurityConfigurationID != "" {
			return Link{State: LinkUnknown, Why: fmt.Sprintf("security configuration resource %s not found in the scanned inputs", c.SecurityConfigurationID), At: at}
		}
		return Link{State: LinkNone, At: at}
	case Unknown:
		return Link{State: LinkUnknown, Why: "security configuration name is unknown: " + f.Why, At: at}
	}
	hits := e.index().scByName[f.Val]
	if c.Ref.Account != "" || c.Ref.Region != "" {
		hits = sameAccountRegion(hits, c.Ref)
	}
	hits = sameOrigin(hits, c.Ref)
	hits = nearest(hits, scLoc, c.Ref.Loc)
	switch len(hits) {
	case 0:
		return Link{State: LinkUnknown, Why: fmt.Sprintf("security configuration %q not found in the scanned inputs", f.Val), At: at}
	case 1:
		return Link{State: LinkFound, SC: hits[0], At: at}
	}
	return Link{State: LinkUnknown, Why: fmt.Sprintf("%d security configurations named %q in the scanned inputs (%s, %s); cannot tell which one the cluster uses", len(hits), f.Val, hits[0].Ref.Loc, hits[1].Ref.Loc), At: at}
}

func scLoc(sc *SecurityConfiguration) Loc { return sc.Ref.Loc }

// sameAccountRegion keeps configurations of the cluster's account and region,
// where both sides say; a configuration that does not say stays a candidate.
func sameAccountRegion(scs []*SecurityConfiguration, r Ref) []*SecurityConfiguration {
	var out []*SecurityConfiguration
	for _, sc := range scs {
		if (sc.Ref.Account == "" || r.Account == "" || sc.Ref.Account == r.Account) &&
			(sc.Ref.Region == "" || r.Region == "" || sc.Ref.Region == r.Region) {
			out = append(out, sc)
		}
	}
	return out
}

// sameOrigin keeps, for a live cluster, only the live configurations of
// its own account and region: a live scan lists every configuration it
// uses, and a name means nothing across accounts. Any other cluster keeps
// the configurations that are not live when there are such (a template
// naming "hardened" means the file beside it, not an account's), and the
// live ones otherwise.
func sameOrigin(scs []*SecurityConfiguration, r Ref) []*SecurityConfiguration {
	var live, other []*SecurityConfiguration
	for _, sc := range scs {
		if sc.Ref.Origin == FromLive {
			if r.Origin != FromLive || (sc.Ref.Account == r.Account && sc.Ref.Region == r.Region) {
				live = append(live, sc)
			}
		} else {
			other = append(other, sc)
		}
	}
	if r.Origin == FromLive || len(other) == 0 {
		return live
	}
	return other
}

// UsedSecurityConfigurations returns the configurations some cluster of e uses.
func (e *Evidence) UsedSecurityConfigurations() map[*SecurityConfiguration]bool {
	used := map[*SecurityConfiguration]bool{}
	for _, c := range e.Clusters {
		if l := e.SecurityConfigurationOf(c); l.State == LinkFound {
			used[l.SC] = true
		}
	}
	return used
}

// SecurityGroup finds a group by AWS ID or by resource ID, looking near from
// first. It returns nil when the inputs do not hold it.
func (e *Evidence) SecurityGroup(id string, from Loc) *SecurityGroup {
	hits := e.index().sgByID.near(id, func(g *SecurityGroup) Loc { return g.Ref.Loc }, from)
	if len(hits) == 0 {
		return nil
	}
	return hits[0]
}

package model

// Restrict returns the evidence whose judged resources — clusters,
// block-public-access settings and the EMR on EKS objects — are only
// those of an origin keep accepts. Resources that controls look up
// (security configurations, groups, subnets, roles, …) are shared: a
// launch event's cluster still finds the configuration it names, whatever
// told of it. It returns e itself when nothing is left out, so its index
// is reused.
func (e *Evidence) Restrict(keep func(Origin) bool) *Evidence {
	drop := false
	check := func(r Ref) { drop = drop || !keep(r.Origin) }
	for _, x := range e.Clusters {
		check(x.Ref)
	}
	for _, x := range e.BlockPublicAccess {
		check(x.Ref)
	}
	for _, x := range e.VirtualClusters {
		check(x.Ref)
	}
	for _, x := range e.ManagedEndpoints {
		check(x.Ref)
	}
	for _, x := range e.JobRuns {
		check(x.Ref)
	}
	if !drop {
		return e
	}
	v := &Evidence{}
	v.Merge(e)
	v.Clusters = only(e.Clusters, func(x *Cluster) Ref { return x.Ref }, keep)
	v.BlockPublicAccess = only(e.BlockPublicAccess, func(x *BlockPublicAccess) Ref { return x.Ref }, keep)
	v.VirtualClusters = only(e.VirtualClusters, func(x *VirtualCluster) Ref { return x.Ref }, keep)
	v.ManagedEndpoints = only(e.ManagedEndpoints, func(x *ManagedEndpoint) Ref { return x.Ref }, keep)
	v.JobRuns = only(e.JobRuns, func(x *JobRun) Ref { return x.Ref }, keep)
	return v
}

func only[T any](xs []*T, ref func(*T) Ref, keep func(Origin) bool) []*T {
	var out []*T
	for _, x := range xs {
		if keep(ref(x).Origin) {
			out = append(out, x)
		}
	}
	return out
}

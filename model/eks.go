package model

// VirtualCluster is an EMR on EKS virtual cluster: an EKS namespace that
// EMR runs jobs in.
type VirtualCluster struct {
	Ref        Ref
	EKSCluster Field[string] // containerProvider.id
	Namespace  Field[string] // containerProvider.info.eksInfo.namespace
	// SecurityConfigurationID is the EMR on EKS security configuration
	// (an ID, not an EMR-on-EC2 name); Absent when none.
	SecurityConfigurationID Field[string]
}

// ManagedEndpoint is an EMR on EKS managed (interactive) endpoint.
type ManagedEndpoint struct {
	Ref              Ref
	VirtualClusterID Field[string]
	ReleaseLabel     Field[string]
	ExecutionRole    Field[string] // executionRoleArn
}

// JobRun is one EMR on EKS job run (StartJobRun).
type JobRun struct {
	Ref              Ref
	VirtualClusterID Field[string]
	ReleaseLabel     Field[string]
	ExecutionRole    Field[string] // executionRoleArn
}

package model

// VirtualCluster is an EMR on EKS virtual cluster: the EKS namespace EMR
// runs jobs in.
type VirtualCluster struct {
	Ref        Ref
	Name       Field[string]
	State      Field[string] // RUNNING, TERMINATING, TERMINATED, ARRESTED
	EKSCluster Field[string] // containerProvider.id
	Namespace  Field[string] // containerProvider.info.eksInfo.namespace
	// SecurityConfigurationID is the EMR on EKS security configuration
	// (an ID, not an EMR-on-EC2 name); Absent when none.
	SecurityConfigurationID Field[string]
}

// JobRole is an EMR on EKS job run, job template or managed endpoint that
// names an execution role: the roles EKS101 and EKS102 judge.
type JobRole struct {
	Ref     Ref // the job run or endpoint
	RoleARN Field[string]
}

// LaunchTemplate is one EC2 launch template version, as a nodegroup uses it.
type LaunchTemplate struct {
	Ref     Ref
	Name    Field[string]
	Version Field[string]
	// HopLimit is MetadataOptions.HttpPutResponseHopLimit; Absent means
	// EC2's default for the AMI (1 for most, 2 for AL2023 and Bottlerocket
	// EKS AMIs, and the account's instance-metadata defaults may change it).
	HopLimit     Field[int]
	HTTPTokens   Field[string] // optional | required
	HTTPEndpoint Field[string] // enabled | disabled
}

// ManagedEndpoint is an EMR on EKS managed (interactive) endpoint.
type ManagedEndpoint struct {
	Ref              Ref
	VirtualClusterID Field[string]
	ReleaseLabel     Field[string]
	ExecutionRole    Field[string] // executionRoleArn
	SecurityGroup    Field[string]
	SubnetIDs        Field[[]string]
	// Image is the custom image (spark.kubernetes.container.image of
	// the configuration overrides); Absent when EMR's own is used.
	Image Field[string]
}

// JobRun is one EMR on EKS job run (StartJobRun).
type JobRun struct {
	Ref              Ref
	VirtualClusterID Field[string]
	ReleaseLabel     Field[string]
	ExecutionRole    Field[string] // executionRoleArn
	// Image is the custom image (spark.kubernetes.container.image of
	// the configuration overrides); Absent when EMR's own is used.
	Image Field[string]
}

// PodIdentityAssociation is an EKS Pod Identity association: EKS gives
// the credentials of RoleARN to the pods of one service account of one
// namespace of a cluster. An association for one of EMR's service
// accounts, or in a namespace EMR runs jobs in, makes the role a job
// execution role (EKS101, EKS102).
type PodIdentityAssociation struct {
	Ref            Ref
	ClusterName    Field[string]
	Namespace      Field[string]
	ServiceAccount Field[string]
	// RoleARN is the role's ARN, or the address or logical ID of a role
	// among the inputs (aws_iam_role.job.arn is known only after apply).
	RoleARN Field[string]
}

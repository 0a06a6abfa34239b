package snapshot

import (
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Short names of the SDK types the canonical order sorts.
type (
	instanceProfile       = iamtypes.InstanceProfile
	securityGroup         = ec2types.SecurityGroup
	subnet                = ec2types.Subnet
	routeTable            = ec2types.RouteTable
	vpcEndpoint           = ec2types.VpcEndpoint
	image                 = ec2types.Image
	launchTemplateVersion = ec2types.LaunchTemplateVersion
	managedEndpoint       = ectypes.Endpoint
	jobRun                = ectypes.JobRun
	nodegroup             = ekstypes.Nodegroup
	podIdentity           = ekstypes.PodIdentityAssociation
)

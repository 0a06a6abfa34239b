package snapshot

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Ensure every SDK type a snapshot holds survives encoding/json: a replay
// must see what the live scan saw.
func TestSDKTypesRoundTrip(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	s := &Snapshot{Format: Format, Version: Version, Taken: now, Accounts: []*Account{{
		ID: "210987654321",
		IAM: &IAM{Roles: []*Role{{Role: iamtypes.Role{RoleName: aws.String("r"), Arn: aws.String("arn:aws:iam::210987654321:role/r"), CreateDate: &now,
			RoleLastUsed: &iamtypes.RoleLastUsed{LastUsedDate: &now}}, AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:p")}}, AttachedRead: true}},
			InstanceProfiles: []iamtypes.InstanceProfile{{InstanceProfileName: aws.String("ip"), Roles: []iamtypes.Role{{RoleName: aws.String("r")}}}},
			Policies:         []*Policy{{Policy: iamtypes.Policy{Arn: aws.String("arn:p"), DefaultVersionId: aws.String("v2")}, Document: `{"Statement":[]}`}},
			Holders:          []*PolicyHolders{{PolicyARN: "arn:h", Users: []iamtypes.PolicyUser{{UserName: aws.String("u")}}, Read: true}}},
		Buckets: []*Bucket{{Name: "b", Logging: &s3types.LoggingEnabled{TargetBucket: aws.String("t"), TargetPrefix: aws.String("p/")}, LoggingRead: true}},
		Regions: []*Region{{
			Name:              "eu-west-1",
			BlockPublicAccess: &emrtypes.BlockPublicAccessConfiguration{BlockPublicSecurityGroupRules: aws.Bool(true), PermittedPublicSecurityGroupRuleRanges: []emrtypes.PortRange{{MinRange: aws.Int32(22)}}},
			Clusters: []*Cluster{{Cluster: emrtypes.Cluster{Id: aws.String("j-1"), Status: &emrtypes.ClusterStatus{State: emrtypes.ClusterStateWaiting, Timeline: &emrtypes.ClusterTimeline{CreationDateTime: &now}},
				Ec2InstanceAttributes: &emrtypes.Ec2InstanceAttributes{AdditionalMasterSecurityGroups: []string{"sg-1"}}, Tags: []emrtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
				Configurations: []emrtypes.Configuration{{Classification: aws.String("c"), Properties: map[string]string{"a": "b"}}}},
				Primary: []emrtypes.Instance{{PublicIpAddress: aws.String("1.2.3.4")}}, PrimaryRead: true}},
			SecurityConfigurations: []*SecurityConfiguration{{Name: "sc", Document: `{}`, CreationDateTime: &now}},
			SecurityGroups: []ec2types.SecurityGroup{{GroupId: aws.String("sg-1"), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
				IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}, UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-2")}}}}}},
			Subnets:                []ec2types.Subnet{{SubnetId: aws.String("subnet-1"), MapPublicIpOnLaunch: aws.Bool(true)}},
			RouteTables:            []ec2types.RouteTable{{RouteTableId: aws.String("rtb-1"), Associations: []ec2types.RouteTableAssociation{{Main: aws.Bool(true)}}, Routes: []ec2types.Route{{GatewayId: aws.String("igw-1"), DestinationCidrBlock: aws.String("0.0.0.0/0")}}}},
			VPCEndpoints:           []ec2types.VpcEndpoint{{VpcEndpointType: ec2types.VpcEndpointTypeGateway, ServiceName: aws.String("com.amazonaws.eu-west-1.s3"), RouteTableIds: []string{"rtb-1"}}},
			Images:                 []ec2types.Image{{ImageId: aws.String("ami-1"), CreationDate: aws.String("2026-01-01T00:00:00.000Z")}},
			LaunchTemplateVersions: []ec2types.LaunchTemplateVersion{{LaunchTemplateId: aws.String("lt-1"), VersionNumber: aws.Int64(3), LaunchTemplateData: &ec2types.ResponseLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpPutResponseHopLimit: aws.Int32(2)}}}},
			Trails: []*Trail{{Trail: cttypes.Trail{Name: aws.String("t"), IsMultiRegionTrail: aws.Bool(true)}, Status: &TrailStatus{IsLogging: aws.Bool(true)}, SelectorsRead: true,
				EventSelectors:         []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}},
				AdvancedEventSelectors: []cttypes.AdvancedEventSelector{{FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}}}}},
			KMSKeys:          []*KMSKey{{Ref: "alias/k", Metadata: &kmstypes.KeyMetadata{KeyId: aws.String("k"), KeyState: kmstypes.KeyStateEnabled, Enabled: true, KeyManager: kmstypes.KeyManagerTypeCustomer}, RotationEnabled: aws.Bool(false)}},
			VirtualClusters:  []*VirtualCluster{{ID: "vc", Namespace: "ns", CreatedAt: &now, Tags: map[string]string{"a": "b"}}},
			ManagedEndpoints: []ectypes.Endpoint{{Id: aws.String("e"), SubnetIds: []string{"subnet-1"}, ConfigurationOverrides: &ectypes.ConfigurationOverrides{ApplicationConfiguration: []ectypes.Configuration{{Classification: aws.String("spark-defaults"), Properties: map[string]string{"spark.kubernetes.container.image": "img"}}}}}},
			JobRuns:          []ectypes.JobRun{{Id: aws.String("jr"), ExecutionRoleArn: aws.String("arn:r"), JobDriver: &ectypes.JobDriver{SparkSubmitJobDriver: &ectypes.SparkSubmitJobDriver{EntryPoint: aws.String("s3://x")}}, CreatedAt: &now}},
			Nodegroups:       []ekstypes.Nodegroup{{NodegroupName: aws.String("ng"), NodeRole: aws.String("arn:r"), LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String("lt-1")}, Labels: map[string]string{"a": "b"}}},
			Certificates:     []*CertificateZip{{Location: "s3://b/k.zip", Read: true, Files: map[string]string{"certificateChain.pem": "x"}}},
			Failures:         []Failure{{Service: "emr", Operation: "DescribeCluster", Code: "AccessDeniedException", Message: "no"}},
		}},
	}}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, &back) {
		b2, _ := json.Marshal(&back)
		t.Fatalf("round trip differs:\n%s\n%s", b, b2)
	}
}

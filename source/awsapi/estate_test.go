package awsapi

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
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
	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// created is the creation time of every fixture object.
var created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// estateCert is the PEM the fixture's in-transit zip holds.
const estateCert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

// estate is an account holding one of every object a scan reads, in
// every region named: what a scan of it must give back (wantEstate) and
// what the test AWS serves (served adds what a scan must not read).
func estate(id string, regions ...string) *snapshot.Account {
	a := &snapshot.Account{ID: id, Partition: "aws"}
	arn := func(kind, rest string) string { return fmt.Sprintf("arn:aws:%s::%s:%s", kind, id, rest) }
	for _, name := range regions {
		a.Regions = append(a.Regions, estateRegion(id, name))
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"elasticmapreduce.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role := func(name string, attached ...string) *snapshot.Role {
		r := &snapshot.Role{Role: iamtypes.Role{RoleName: aws.String(name), Arn: aws.String(arn("iam", "role/"+name)), Path: aws.String("/"),
			RoleId: aws.String("AROA" + name), CreateDate: aws.Time(created), AssumeRolePolicyDocument: aws.String(trust)},
			AttachedRead: true, InlineRead: true}
		for _, p := range attached {
			r.AttachedPolicies = append(r.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(p), PolicyName: aws.String(p[len(p)-9:])})
		}
		return r
	}
	custom := arn("iam", "policy/emr-extra")
	svc := role("EMR_DefaultRole", "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2", custom)
	svc.InlinePolicies = []snapshot.InlinePolicy{{Name: "inline", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}}
	ec2Role := role("EMR_EC2_DefaultRole")
	a.IAM = &snapshot.IAM{
		Roles: []*snapshot.Role{role("EMR_AutoScaling_DefaultRole"), svc, ec2Role, role("eks-node"), role("emr-eks-job")},
		InstanceProfiles: []iamtypes.InstanceProfile{{InstanceProfileName: aws.String("EMR_EC2_DefaultRole"), Arn: aws.String(arn("iam", "instance-profile/EMR_EC2_DefaultRole")),
			InstanceProfileId: aws.String("AIPA1"), Path: aws.String("/"), CreateDate: aws.Time(created), Roles: []iamtypes.Role{ec2Role.Role}}},
		Policies: []*snapshot.Policy{{Policy: iamtypes.Policy{Arn: aws.String(custom), PolicyName: aws.String("emr-extra"), DefaultVersionId: aws.String("v2"),
			AttachmentCount: aws.Int32(1), IsAttachable: true, CreateDate: aws.Time(created)}, Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`}},
		Holders: []*snapshot.PolicyHolders{{PolicyARN: "arn:aws:iam::aws:policy/AmazonElasticMapReduceFullAccess",
			Users: []iamtypes.PolicyUser{{UserName: aws.String("legacy"), UserId: aws.String("AIDA1")}}, Read: true}},
	}
	a.Buckets = []*snapshot.Bucket{{Name: "logs-" + id, LoggingRead: true, Logging: &s3types.LoggingEnabled{TargetBucket: aws.String("access-" + id), TargetPrefix: aws.String("logs/")}}}
	return a
}

func estateRegion(id, name string) *snapshot.Region {
	arn := func(svc, rest string) string { return fmt.Sprintf("arn:aws:%s:%s:%s:%s", svc, name, id, rest) }
	key := arn("kms", "key/1111-"+name)
	certs := "s3://certs-" + id + "/" + name + "/certs.zip"
	doc := `{"EncryptionConfiguration":{"EnableInTransitEncryption":true,"EnableAtRestEncryption":true,` +
		`"InTransitEncryptionConfiguration":{"TLSCertificateConfiguration":{"CertificateProviderType":"PEM","S3Object":"` + certs + `"}},` +
		`"AtRestEncryptionConfiguration":{"S3EncryptionConfiguration":{"EncryptionMode":"SSE-KMS","AwsKmsKey":"` + key + `"},` +
		`"LocalDiskEncryptionConfiguration":{"EncryptionKeyProviderType":"AwsKms","AwsKmsKey":"alias/emr-disk"}}}}`
	status := func(s emrtypes.ClusterState) *emrtypes.ClusterStatus {
		return &emrtypes.ClusterStatus{State: s, Timeline: &emrtypes.ClusterTimeline{CreationDateTime: aws.Time(created)}}
	}
	group := &snapshot.Cluster{Cluster: emrtypes.Cluster{
		Id: aws.String("j-GROUP" + name), Name: aws.String("group"), ClusterArn: aws.String(arn("elasticmapreduce", "cluster/j-GROUP"+name)),
		Status: status(emrtypes.ClusterStateWaiting), ReleaseLabel: aws.String("emr-7.14.0"), InstanceCollectionType: emrtypes.InstanceCollectionTypeInstanceGroup,
		SecurityConfiguration: aws.String("hardened"), ServiceRole: aws.String("EMR_DefaultRole"), AutoScalingRole: aws.String("EMR_AutoScaling_DefaultRole"),
		LogUri: aws.String("s3n://logs-" + id + "/emr/"), LogEncryptionKmsKeyId: aws.String("alias/emr-logs"), CustomAmiId: aws.String("ami-0abc"),
		Ec2InstanceAttributes: &emrtypes.Ec2InstanceAttributes{IamInstanceProfile: aws.String("EMR_EC2_DefaultRole"), Ec2SubnetId: aws.String("subnet-0a"),
			EmrManagedMasterSecurityGroup: aws.String("sg-0master"), EmrManagedSlaveSecurityGroup: aws.String("sg-0slave"),
			ServiceAccessSecurityGroup: aws.String("sg-0svc"), AdditionalMasterSecurityGroups: []string{"sg-0extra"}},
		Tags: []emrtypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}}, VisibleToAllUsers: aws.Bool(true),
	}, Primary: []emrtypes.Instance{{Id: aws.String("ci-1"), Ec2InstanceId: aws.String("i-01"), PrivateIpAddress: aws.String("10.0.1.5"),
		Status: &emrtypes.InstanceStatus{State: emrtypes.InstanceStateRunning}}}, PrimaryRead: true}
	fleet := &snapshot.Cluster{Cluster: emrtypes.Cluster{
		Id: aws.String("j-FLEET" + name), Name: aws.String("fleet"), Status: status(emrtypes.ClusterStateRunning),
		InstanceCollectionType: emrtypes.InstanceCollectionTypeInstanceFleet, ServiceRole: aws.String("arn:aws:iam::" + id + ":role/EMR_DefaultRole"),
		Ec2InstanceAttributes: &emrtypes.Ec2InstanceAttributes{RequestedEc2SubnetIds: []string{"subnet-0a", "subnet-0b"}, Ec2SubnetId: aws.String("subnet-0b"),
			EmrManagedMasterSecurityGroup: aws.String("sg-0master"), EmrManagedSlaveSecurityGroup: aws.String("sg-0slave")},
	}, Primary: []emrtypes.Instance{{Id: aws.String("ci-2"), PublicIpAddress: aws.String("203.0.113.9"), Status: &emrtypes.InstanceStatus{State: emrtypes.InstanceStateRunning}}}, PrimaryRead: true}
	open22 := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}
	sg := func(gid string, perms ...ec2types.IpPermission) ec2types.SecurityGroup {
		return ec2types.SecurityGroup{GroupId: aws.String(gid), GroupName: aws.String(gid), VpcId: aws.String("vpc-01"), OwnerId: aws.String(id), Description: aws.String(gid), IpPermissions: perms}
	}
	return &snapshot.Region{
		Name:                   name,
		BlockPublicAccess:      &emrtypes.BlockPublicAccessConfiguration{BlockPublicSecurityGroupRules: aws.Bool(true), PermittedPublicSecurityGroupRuleRanges: []emrtypes.PortRange{{MinRange: aws.Int32(22), MaxRange: aws.Int32(22)}}},
		Clusters:               []*snapshot.Cluster{fleet, group},
		SecurityConfigurations: []*snapshot.SecurityConfiguration{{Name: "hardened", Document: doc, CreationDateTime: aws.Time(created)}},
		SecurityGroups:         []ec2types.SecurityGroup{sg("sg-0extra"), sg("sg-0master", open22), sg("sg-0slave"), sg("sg-0svc")},
		Subnets: []ec2types.Subnet{{SubnetId: aws.String("subnet-0a"), VpcId: aws.String("vpc-01"), MapPublicIpOnLaunch: aws.Bool(false), CidrBlock: aws.String("10.0.1.0/24")},
			{SubnetId: aws.String("subnet-0b"), VpcId: aws.String("vpc-01"), MapPublicIpOnLaunch: aws.Bool(true), CidrBlock: aws.String("10.0.2.0/24")}},
		RouteTables: []ec2types.RouteTable{
			{RouteTableId: aws.String("rtb-0a"), VpcId: aws.String("vpc-01"), Associations: []ec2types.RouteTableAssociation{{SubnetId: aws.String("subnet-0a"), Main: aws.Bool(false), RouteTableId: aws.String("rtb-0a")}},
				Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String("nat-01")}}},
			{RouteTableId: aws.String("rtb-0main"), VpcId: aws.String("vpc-01"), Associations: []ec2types.RouteTableAssociation{{Main: aws.Bool(true), RouteTableId: aws.String("rtb-0main")}},
				Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-01")}}}},
		VPCEndpoints: []ec2types.VpcEndpoint{{VpcEndpointId: aws.String("vpce-01"), VpcId: aws.String("vpc-01"), VpcEndpointType: ec2types.VpcEndpointTypeGateway,
			ServiceName: aws.String("com.amazonaws." + name + ".s3"), RouteTableIds: []string{"rtb-0a"}}},
		Images: []ec2types.Image{{ImageId: aws.String("ami-0abc"), Name: aws.String("emr-custom"), CreationDate: aws.String("2026-01-01T00:00:00.000Z"), OwnerId: aws.String(id)}},
		LaunchTemplateVersions: []ec2types.LaunchTemplateVersion{{LaunchTemplateId: aws.String("lt-01"), LaunchTemplateName: aws.String("nodes"), VersionNumber: aws.Int64(3),
			LaunchTemplateData: &ec2types.ResponseLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(1)}}}},
		Trails: []*snapshot.Trail{{Trail: cttypes.Trail{Name: aws.String("org"), TrailARN: aws.String("arn:aws:cloudtrail:us-east-1:" + id + ":trail/org"), HomeRegion: aws.String("us-east-1"),
			IsMultiRegionTrail: aws.Bool(true), S3BucketName: aws.String("trail-" + id), LogFileValidationEnabled: aws.Bool(true)},
			Status: &snapshot.TrailStatus{IsLogging: aws.Bool(true)}, SelectorsRead: true,
			EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}}},
		KMSKeys: []*snapshot.KMSKey{
			{Ref: "alias/emr-disk", Metadata: &kmstypes.KeyMetadata{KeyId: aws.String("2222"), Arn: aws.String(arn("kms", "key/2222")), KeyManager: kmstypes.KeyManagerTypeAws, KeyState: kmstypes.KeyStateEnabled, Enabled: true}},
			{Ref: "alias/emr-logs", Metadata: &kmstypes.KeyMetadata{KeyId: aws.String("3333"), Arn: aws.String(arn("kms", "key/3333")), KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled, Enabled: true}, RotationEnabled: aws.Bool(false)},
			{Ref: key, Metadata: &kmstypes.KeyMetadata{KeyId: aws.String("1111-" + name), Arn: aws.String(key), KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled, Enabled: true}, RotationEnabled: aws.Bool(true)},
		},
		VirtualClusters: []*snapshot.VirtualCluster{{ID: "vc-01", Name: "analytics", Arn: arn("emr-containers", "/virtualclusters/vc-01"), State: "RUNNING", EKSCluster: "eks-1", ProviderType: "EKS", Namespace: "spark", CreatedAt: aws.Time(created)}},
		ManagedEndpoints: []ectypes.Endpoint{{Id: aws.String("ep-01"), Name: aws.String("studio"), VirtualClusterId: aws.String("vc-01"), State: ectypes.EndpointStateActive, Type: aws.String("JUPYTER_ENTERPRISE_GATEWAY"),
			ExecutionRoleArn: aws.String("arn:aws:iam::" + id + ":role/emr-eks-job"), SecurityGroup: aws.String("sg-0extra"), SubnetIds: []string{"subnet-0a"}, CreatedAt: aws.Time(created)}},
		JobRuns: []ectypes.JobRun{{Id: aws.String("jr-01"), Name: aws.String("etl"), VirtualClusterId: aws.String("vc-01"), State: ectypes.JobRunStateCompleted,
			ExecutionRoleArn: aws.String("arn:aws:iam::" + id + ":role/emr-eks-job"), ReleaseLabel: aws.String("emr-7.14.0-latest"), CreatedAt: aws.Time(created.AddDate(0, 11, 0))}},
		Nodegroups: []ekstypes.Nodegroup{{NodegroupName: aws.String("ng-1"), ClusterName: aws.String("eks-1"), NodeRole: aws.String("arn:aws:iam::" + id + ":role/eks-node"),
			LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String("lt-01"), Name: aws.String("nodes"), Version: aws.String("3")}, Status: ekstypes.NodegroupStatusActive}},
		PodIdentityAssociations: []ekstypes.PodIdentityAssociation{{ClusterName: aws.String("eks-1"), Namespace: aws.String("spark"),
			ServiceAccount: aws.String("emr-containers-sa-spark-driver-" + id + "-1a"), AssociationId: aws.String("a-01"),
			AssociationArn: aws.String(arn("eks", "podidentityassociation/eks-1/a-01")), RoleArn: aws.String("arn:aws:iam::" + id + ":role/emr-eks-job")}},
		Certificates: []*snapshot.CertificateZip{{Location: certs, Read: true, Files: map[string]string{"certificateChain.pem": estateCert, "trustedCertificates.pem": estateCert}}},
	}
}

// served is what the test AWS holds for want: a copy of it with the
// objects a scan must skip (a terminated cluster, a security
// configuration, group, subnet and route table nobody names, a VPC
// endpoint of another VPC).
func served(t testing.TB, want *snapshot.Account) *snapshot.Account {
	t.Helper()
	a := clone(t, want)
	for _, r := range a.Regions {
		r.Clusters = append(r.Clusters, &snapshot.Cluster{Cluster: emrtypes.Cluster{Id: aws.String("j-GONE"), Name: aws.String("gone"),
			Status:                &emrtypes.ClusterStatus{State: emrtypes.ClusterStateTerminated, Timeline: &emrtypes.ClusterTimeline{CreationDateTime: aws.Time(created)}},
			SecurityConfiguration: aws.String("old")}})
		r.SecurityConfigurations = append(r.SecurityConfigurations, &snapshot.SecurityConfiguration{Name: "old", Document: `{}`, CreationDateTime: aws.Time(created)})
		r.SecurityGroups = append(r.SecurityGroups, ec2types.SecurityGroup{GroupId: aws.String("sg-0other"), VpcId: aws.String("vpc-02")})
		r.Subnets = append(r.Subnets, ec2types.Subnet{SubnetId: aws.String("subnet-0other"), VpcId: aws.String("vpc-02")})
		r.RouteTables = append(r.RouteTables, ec2types.RouteTable{RouteTableId: aws.String("rtb-0other"), VpcId: aws.String("vpc-02")})
		r.VPCEndpoints = append(r.VPCEndpoints, ec2types.VpcEndpoint{VpcEndpointId: aws.String("vpce-02"), VpcId: aws.String("vpc-02")})
	}
	return a
}

// clone deep-copies an account through its JSON form, as a snapshot
// file would.
func clone(t testing.TB, a *snapshot.Account) *snapshot.Account {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var out snapshot.Account
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// certZipOf is the PEM zip the fixture's security configuration names,
// with a private key the scan must not keep.
func certZipOf(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{"certificateChain.pem": estateCert, "trustedCertificates.pem": estateCert, "privateKey.pem": "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newEstateServer serves want's accounts (each with served's extras) and
// their certificate zips.
func newEstateServer(t testing.TB, want ...*snapshot.Account) *awstest.Server {
	t.Helper()
	srv := awstest.New()
	t.Cleanup(srv.Close)
	for _, a := range want {
		srv.LoadAccounts(served(t, a))
		for _, r := range a.Regions {
			for _, c := range r.Certificates {
				b, k := c.Location[len("s3://"):], ""
				for i := range b {
					if b[i] == '/' {
						b, k = b[:i], b[i+1:]
						break
					}
				}
				srv.PutObject(b, k, certZipOf(t))
			}
		}
	}
	return srv
}

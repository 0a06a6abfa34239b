package awstest

import (
	"fmt"
	"hash/fnv"
	"time"

	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// Counts of what GenerateAccount makes, for callers that assert the number
// of calls a scan needs.
const (
	GenVPCs             = 3 // per region; each with a private and a public subnet
	GenSubnets          = 2 * GenVPCs
	GenRouteTables      = 2 * GenVPCs // a main one (private subnets) and a public one (igw route) per VPC
	GenVPCEndpoints     = 3           // S3 gateway endpoints in VPCs 0 and 1, a KMS interface endpoint in VPC 0
	GenSecConfigs       = 4           // strong, weak, kms-disk, transit-only
	GenKMSKeys          = 2           // alias/emr-<region> (rotated), a key by ARN (not rotated)
	GenImages           = 2           // custom AMIs
	GenTerminated       = 2           // TERMINATED clusters per region, on top of clustersPerRegion
	GenClustersPerGroup = 10          // clusters sharing one trio of EMR-managed security groups
	GenRoles            = 6           // EMR_DefaultRole, EMR_DefaultRole_V2, EMR_EC2_DefaultRole, emr-ec2-scoped, emr-eks-job, eks-node
	GenInstanceProfiles = 2           // EMR_EC2_DefaultRole, emr-ec2-scoped
	GenPolicies         = 1           // customer policy emr-ec2-logs
	GenHolders          = 4           // the v1 EMR managed policies
)

// GenerateAccount makes a deterministic estate for benchmarks: the same
// arguments give the same account, object for object.
//
// In each region (n = clustersPerRegion, g = ceil(n/GenClustersPerGroup)):
//   - n active clusters (RUNNING and WAITING in turn) and GenTerminated
//     TERMINATED ones, which ListClusters with the active states must not
//     return; each has one primary instance (a public IP when in a public
//     subnet: every 6th cluster). Cluster i uses security configuration
//     i%5 (none for 4), instance profile and service role i%2, and a
//     CustomAmiId for every 7th (alternating between the GenImages images).
//   - GenSecConfigs security configurations shared by all clusters: strong
//     (at rest with alias/emr-<region>, in transit with a PEM zip at
//     s3://<id>-emr-certs/<region>/certs.zip — not put: PutObject it to serve
//     it), weak (nothing on), kms-disk (local disk with the second key's ARN),
//     transit-only.
//   - GenVPCs VPCs with GenSubnets subnets, GenRouteTables route tables,
//     GenVPCEndpoints endpoints, and 3g EMR-managed security groups (primary,
//     core, service access) shared by groups of GenClustersPerGroup clusters;
//     the primary group of every 4th trio (0, 4, …) is open to 0.0.0.0/0 on
//     port 22.
//   - Block public access: on with port 22, except in the second region
//     (off).
//   - One multi-region trail homed in the first region (a shadow in the
//     others), logging, with a management-events selector.
//   - GenKMSKeys keys, GenImages images.
//   - One virtual cluster on EKS cluster data-eks with two job runs and one
//     managed endpoint; one nodegroup of data-eks.
//   - A log bucket <id>-emr-logs-<region>, with server access logging in
//     even-numbered regions.
//
// IAM (global): GenRoles roles with attached and inline policies,
// GenInstanceProfiles instance profiles, GenPolicies customer-managed
// policy, and ListEntitiesForPolicy holders of the GenHolders v1 EMR
// managed policies.
func GenerateAccount(id string, regions []string, clustersPerRegion int) *snapshot.Account {
	g := &gen{acct: id, created: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)}
	a := &snapshot.Account{ID: id, Partition: "aws", IAM: g.iam()}
	for i, r := range regions {
		a.Regions = append(a.Regions, g.region(i, r, regions[0], clustersPerRegion))
		b := &snapshot.Bucket{Name: id + "-emr-logs-" + r, LoggingRead: true}
		if i%2 == 0 {
			b.Logging = &s3types.LoggingEnabled{TargetBucket: ptr(id + "-access-logs"), TargetPrefix: ptr("emr-logs-" + r + "/")}
		}
		a.Buckets = append(a.Buckets, b)
	}
	return a
}

type gen struct {
	acct    string
	created time.Time
}

// hexID is a resource ID with 17 hex digits, derived from its parts.
func (g *gen) hexID(prefix string, parts ...any) string {
	h := fnv.New64a()
	fmt.Fprint(h, append([]any{g.acct, prefix}, parts...)...)
	return fmt.Sprintf("%s-%017x", prefix, h.Sum64())
}

func (g *gen) clusterID(region string, i int) string {
	h := fnv.New64a()
	fmt.Fprint(h, g.acct, region, i)
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	v, b := h.Sum64(), make([]byte, 13)
	for k := range b {
		b[k] = digits[v%36]
		v /= 36
	}
	return "j-" + string(b)
}

func (g *gen) region(ri int, r, home string, n int) *snapshot.Region {
	reg := &snapshot.Region{Name: r}
	bpa := ri != 1
	reg.BlockPublicAccess = &emrtypes.BlockPublicAccessConfiguration{BlockPublicSecurityGroupRules: &bpa,
		PermittedPublicSecurityGroupRuleRanges: []emrtypes.PortRange{{MinRange: ptr(int32(22)), MaxRange: ptr(int32(22))}}}
	g.network(reg, r)
	groups := max(1, (n+GenClustersPerGroup-1)/GenClustersPerGroup)
	g.securityGroups(reg, r, groups)
	g.kms(reg, r)
	g.secConfigs(reg, r)
	for k := 0; k < GenImages; k++ {
		reg.Images = append(reg.Images, ec2types.Image{ImageId: ptr(g.hexID("ami", r, k)), Name: ptr(fmt.Sprintf("emr-custom-al2023-%d", k)),
			OwnerId: ptr(g.acct), CreationDate: ptr(g.created.AddDate(0, -k*6, 0).Format("2006-01-02T15:04:05.000Z")), State: "available"})
	}
	for i := 0; i < n+GenTerminated; i++ {
		reg.Clusters = append(reg.Clusters, g.cluster(reg, r, i, n, groups))
	}
	g.trail(reg, r, home)
	g.containers(reg, r)
	return reg
}

func (g *gen) network(reg *snapshot.Region, r string) {
	for v := 0; v < GenVPCs; v++ {
		vpc := g.hexID("vpc", r, v)
		main := g.hexID("rtb", r, v, "main")
		public := g.hexID("rtb", r, v, "public")
		local := ec2types.Route{DestinationCidrBlock: ptr(fmt.Sprintf("10.%d.0.0/16", v)), GatewayId: ptr("local"), State: "active", Origin: "CreateRouteTable"}
		for s, name := range []string{"private", "public"} {
			reg.Subnets = append(reg.Subnets, ec2types.Subnet{SubnetId: ptr(g.hexID("subnet", r, v, s)), VpcId: &vpc, OwnerId: ptr(g.acct),
				CidrBlock: ptr(fmt.Sprintf("10.%d.%d.0/24", v, s)), AvailabilityZone: ptr(r + "a"), MapPublicIpOnLaunch: ptr(s == 1), State: "available",
				Tags: []ec2types.Tag{{Key: ptr("Name"), Value: ptr(name)}}})
		}
		reg.RouteTables = append(reg.RouteTables,
			ec2types.RouteTable{RouteTableId: &main, VpcId: &vpc, OwnerId: ptr(g.acct), Routes: []ec2types.Route{local},
				Associations: []ec2types.RouteTableAssociation{{Main: ptr(true), RouteTableId: &main, RouteTableAssociationId: ptr(g.hexID("rtbassoc", r, v, "main"))}}},
			ec2types.RouteTable{RouteTableId: &public, VpcId: &vpc, OwnerId: ptr(g.acct),
				Routes: []ec2types.Route{local, {DestinationCidrBlock: ptr("0.0.0.0/0"), GatewayId: ptr(g.hexID("igw", r, v)), State: "active", Origin: "CreateRoute"}},
				Associations: []ec2types.RouteTableAssociation{{Main: ptr(false), RouteTableId: &public, SubnetId: ptr(g.hexID("subnet", r, v, 1)),
					RouteTableAssociationId: ptr(g.hexID("rtbassoc", r, v, "public"))}}})
		if v < 2 {
			reg.VPCEndpoints = append(reg.VPCEndpoints, ec2types.VpcEndpoint{VpcEndpointId: ptr(g.hexID("vpce", r, v, "s3")), VpcId: &vpc,
				VpcEndpointType: ec2types.VpcEndpointTypeGateway, ServiceName: ptr("com.amazonaws." + r + ".s3"), State: "available", RouteTableIds: []string{main}})
		}
		if v == 0 {
			reg.VPCEndpoints = append(reg.VPCEndpoints, ec2types.VpcEndpoint{VpcEndpointId: ptr(g.hexID("vpce", r, v, "kms")), VpcId: &vpc,
				VpcEndpointType: ec2types.VpcEndpointTypeInterface, ServiceName: ptr("com.amazonaws." + r + ".kms"), State: "available",
				SubnetIds: []string{g.hexID("subnet", r, v, 0)}, PrivateDnsEnabled: ptr(true)})
		}
	}
}

// securityGroups makes one trio (primary, core, service access) per group
// of clusters, in VPC k%GenVPCs.
func (g *gen) securityGroups(reg *snapshot.Region, r string, groups int) {
	for k := 0; k < groups; k++ {
		vpc := g.hexID("vpc", r, k%GenVPCs)
		primary, core, svc := g.hexID("sg", r, k, "primary"), g.hexID("sg", r, k, "core"), g.hexID("sg", r, k, "service")
		pair := func(id string) ec2types.IpPermission {
			return ec2types.IpPermission{IpProtocol: ptr("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &id, UserId: ptr(g.acct)}}}
		}
		egress := []ec2types.IpPermission{{IpProtocol: ptr("-1"), IpRanges: []ec2types.IpRange{{CidrIp: ptr("0.0.0.0/0")}}}}
		primaryIn := []ec2types.IpPermission{pair(primary), pair(core),
			{IpProtocol: ptr("tcp"), FromPort: ptr(int32(8443)), ToPort: ptr(int32(8443)), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &svc, UserId: ptr(g.acct)}}}}
		if k%4 == 0 {
			primaryIn = append(primaryIn, ec2types.IpPermission{IpProtocol: ptr("tcp"), FromPort: ptr(int32(22)), ToPort: ptr(int32(22)),
				IpRanges: []ec2types.IpRange{{CidrIp: ptr("0.0.0.0/0"), Description: ptr("ssh")}}})
		}
		sg := func(id, name string, in []ec2types.IpPermission) ec2types.SecurityGroup {
			return ec2types.SecurityGroup{GroupId: &id, GroupName: ptr(fmt.Sprintf("%s-%d", name, k)), Description: ptr(name), VpcId: &vpc,
				OwnerId: ptr(g.acct), IpPermissions: in, IpPermissionsEgress: egress,
				Tags: []ec2types.Tag{{Key: ptr("for-use-with-amazon-emr-managed-policies"), Value: ptr("true")}}}
		}
		reg.SecurityGroups = append(reg.SecurityGroups,
			sg(primary, "ElasticMapReduce-master", primaryIn),
			sg(core, "ElasticMapReduce-slave", []ec2types.IpPermission{pair(primary), pair(core)}),
			sg(svc, "ElasticMapReduce-ServiceAccess", []ec2types.IpPermission{{IpProtocol: ptr("tcp"), FromPort: ptr(int32(9443)), ToPort: ptr(int32(9443)),
				UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &primary, UserId: ptr(g.acct)}}}}))
	}
}

func (g *gen) keyARN(r string, k int) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", r, g.acct, g.keyID(r, k))
}

// keyID is a KMS key ID (a UUID) derived from the region and index.
func (g *gen) keyID(r string, k int) string {
	h := g.hexID("k", r, k)[2:] + g.hexID("k", r, k, "low")[2:] // 34 hex digits
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *gen) kms(reg *snapshot.Region, r string) {
	for k, ref := range []string{"alias/emr-" + r, g.keyARN(r, 1)} {
		reg.KMSKeys = append(reg.KMSKeys, &snapshot.KMSKey{Ref: ref, RotationEnabled: ptr(k == 0), Metadata: &kmstypes.KeyMetadata{
			KeyId: ptr(g.keyID(r, k)), Arn: ptr(g.keyARN(r, k)), Enabled: k == 0 || k == 1, KeyState: kmstypes.KeyStateEnabled,
			KeyManager: kmstypes.KeyManagerTypeCustomer, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, KeySpec: kmstypes.KeySpecSymmetricDefault,
			Origin: kmstypes.OriginTypeAwsKms, AWSAccountId: ptr(g.acct), CreationDate: &g.created, Description: ptr("emr key " + fmt.Sprint(k))}})
	}
}

func (g *gen) secConfigs(reg *snapshot.Region, r string) {
	docs := []struct{ name, doc string }{
		{"strong", `{"EncryptionConfiguration":{"EnableInTransitEncryption":true,"EnableAtRestEncryption":true,` +
			`"InTransitEncryptionConfiguration":{"TLSCertificateConfiguration":{"CertificateProviderType":"PEM","S3Object":"s3://` + g.acct + `-emr-certs/` + r + `/certs.zip"}},` +
			`"AtRestEncryptionConfiguration":{"S3EncryptionConfiguration":{"EncryptionMode":"SSE-KMS","AwsKmsKey":"alias/emr-` + r + `"},` +
			`"LocalDiskEncryptionConfiguration":{"EncryptionKeyProviderType":"AwsKms","AwsKmsKey":"alias/emr-` + r + `","EnableEbsEncryption":true}}},` +
			`"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":2,"HttpPutResponseHopLimit":1}}`},
		{"weak", `{"EncryptionConfiguration":{"EnableInTransitEncryption":false,"EnableAtRestEncryption":false}}`},
		{"kms-disk", `{"EncryptionConfiguration":{"EnableInTransitEncryption":false,"EnableAtRestEncryption":true,` +
			`"AtRestEncryptionConfiguration":{"LocalDiskEncryptionConfiguration":{"EncryptionKeyProviderType":"AwsKms","AwsKmsKey":"` + g.keyARN(r, 1) + `"}}}}`},
		{"transit-only", `{"EncryptionConfiguration":{"EnableInTransitEncryption":true,"EnableAtRestEncryption":false,` +
			`"InTransitEncryptionConfiguration":{"TLSCertificateConfiguration":{"CertificateProviderType":"PEM","S3Object":"s3://` + g.acct + `-emr-certs/` + r + `/certs.zip"}}}}`},
	}
	for _, d := range docs {
		reg.SecurityConfigurations = append(reg.SecurityConfigurations, &snapshot.SecurityConfiguration{Name: d.name, Document: d.doc, CreationDateTime: &g.created})
	}
}

func (g *gen) cluster(reg *snapshot.Region, r string, i, n, groups int) *snapshot.Cluster {
	id := g.clusterID(r, i)
	state := []emrtypes.ClusterState{"RUNNING", "WAITING"}[i%2]
	if i >= n {
		state = "TERMINATED"
	}
	k := i % groups
	public := i%6 == 0
	subnet := g.hexID("subnet", r, k%GenVPCs, map[bool]int{false: 0, true: 1}[public])
	created := g.created.Add(time.Duration(i) * time.Minute)
	attrs := &emrtypes.Ec2InstanceAttributes{Ec2SubnetId: &subnet, Ec2AvailabilityZone: ptr(r + "a"), Ec2KeyName: ptr("ops-key"),
		IamInstanceProfile:            ptr([]string{"EMR_EC2_DefaultRole", "emr-ec2-scoped"}[i%2]),
		EmrManagedMasterSecurityGroup: ptr(g.hexID("sg", r, k, "primary")), EmrManagedSlaveSecurityGroup: ptr(g.hexID("sg", r, k, "core")),
		AdditionalMasterSecurityGroups: []string{}, AdditionalSlaveSecurityGroups: []string{}}
	if !public {
		attrs.ServiceAccessSecurityGroup = ptr(g.hexID("sg", r, k, "service"))
	}
	c := emrtypes.Cluster{Id: &id, Name: ptr(fmt.Sprintf("etl-%s-%03d", r, i)), ClusterArn: ptr(fmt.Sprintf("arn:aws:elasticmapreduce:%s:%s:cluster/%s", r, g.acct, id)),
		Status:       &emrtypes.ClusterStatus{State: state, Timeline: &emrtypes.ClusterTimeline{CreationDateTime: &created}},
		ReleaseLabel: ptr([]string{"emr-7.1.0", "emr-6.15.0", "emr-5.36.0"}[i%3]), Ec2InstanceAttributes: attrs,
		ServiceRole: ptr([]string{"EMR_DefaultRole", "EMR_DefaultRole_V2"}[i%2]), LogUri: ptr(fmt.Sprintf("s3://%s-emr-logs-%s/", g.acct, r)),
		VisibleToAllUsers: ptr(true), InstanceCollectionType: emrtypes.InstanceCollectionTypeInstanceGroup, NormalizedInstanceHours: ptr(int32(8 * (i + 1))),
		Tags: []emrtypes.Tag{{Key: ptr("team"), Value: ptr(fmt.Sprintf("t%d", i%3))}}, Applications: []emrtypes.Application{{Name: ptr("Spark")}}}
	if sc := i % 5; sc < GenSecConfigs {
		c.SecurityConfiguration = &reg.SecurityConfigurations[sc].Name
	}
	if i%7 == 0 {
		c.CustomAmiId = reg.Images[(i/7)%GenImages].ImageId
	}
	primary := emrtypes.Instance{Id: ptr(g.hexID("ci", r, i)[3:16]), Ec2InstanceId: ptr(g.hexID("i", r, i)), InstanceGroupId: ptr("ig-" + id[2:]),
		InstanceType: ptr("m5.xlarge"), PrivateIpAddress: ptr(fmt.Sprintf("10.%d.0.%d", k%GenVPCs, 10+i%200)),
		PrivateDnsName: ptr(fmt.Sprintf("ip-10-%d-0-%d.%s.compute.internal", k%GenVPCs, 10+i%200, r)),
		Status:         &emrtypes.InstanceStatus{State: "RUNNING"}}
	if public {
		primary.PublicIpAddress = ptr(fmt.Sprintf("203.0.113.%d", i%250))
		primary.PublicDnsName = ptr(fmt.Sprintf("ec2-203-0-113-%d.%s.compute.amazonaws.com", i%250, r))
	}
	return &snapshot.Cluster{Cluster: c, Primary: []emrtypes.Instance{primary}, PrimaryRead: true}
}

func (g *gen) trail(reg *snapshot.Region, r, home string) {
	t := cttypes.Trail{Name: ptr("org-audit"), TrailARN: ptr(fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/org-audit", home, g.acct)), HomeRegion: &home,
		IsMultiRegionTrail: ptr(true), IncludeGlobalServiceEvents: ptr(true), LogFileValidationEnabled: ptr(true), S3BucketName: ptr(g.acct + "-trail"),
		HasCustomEventSelectors: ptr(true), KmsKeyId: ptr(g.keyARN(home, 0))}
	reg.Trails = append(reg.Trails, &snapshot.Trail{Trail: t, SelectorsRead: true,
		Status:         &snapshot.TrailStatus{IsLogging: ptr(true), LatestDeliveryTime: ptr(g.created.Add(time.Hour))},
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: ptr(true)}}})
}

func (g *gen) containers(reg *snapshot.Region, r string) {
	vc := g.hexID("vc", r)[3:]
	reg.VirtualClusters = append(reg.VirtualClusters, &snapshot.VirtualCluster{ID: vc, Name: "analytics-" + r, State: "RUNNING",
		Arn: fmt.Sprintf("arn:aws:emr-containers:%s:%s:/virtualclusters/%s", r, g.acct, vc), EKSCluster: "data-eks", ProviderType: "EKS",
		Namespace: "spark-jobs", CreatedAt: &g.created, Tags: map[string]string{"team": "analytics"}})
	role := "arn:aws:iam::" + g.acct + ":role/emr-eks-job"
	for j, st := range []ectypes.JobRunState{"RUNNING", "COMPLETED"} {
		reg.JobRuns = append(reg.JobRuns, ectypes.JobRun{Id: ptr(g.hexID("jr", r, j)[3:]), Name: ptr(fmt.Sprintf("job-%d", j)), VirtualClusterId: &vc,
			Arn: ptr(fmt.Sprintf("arn:aws:emr-containers:%s:%s:/virtualclusters/%s/jobruns/%d", r, g.acct, vc, j)), State: st, ExecutionRoleArn: &role,
			ReleaseLabel: ptr("emr-7.1.0-latest"), CreatedAt: ptr(g.created.Add(time.Duration(j) * time.Hour)),
			JobDriver: &ectypes.JobDriver{SparkSubmitJobDriver: &ectypes.SparkSubmitJobDriver{EntryPoint: ptr("s3://code/job.py")}}})
	}
	reg.ManagedEndpoints = append(reg.ManagedEndpoints, ectypes.Endpoint{Id: ptr(g.hexID("ep", r)[3:]), Name: ptr("studio"), VirtualClusterId: &vc,
		Type: ptr("JUPYTER_ENTERPRISE_GATEWAY"), State: ectypes.EndpointStateActive, ReleaseLabel: ptr("emr-7.1.0-latest"), ExecutionRoleArn: &role,
		SecurityGroup: ptr(g.hexID("sg", r, 0, "core")), SubnetIds: []string{g.hexID("subnet", r, 0, 0)}, CreatedAt: &g.created})
	reg.Nodegroups = append(reg.Nodegroups, ekstypes.Nodegroup{NodegroupName: ptr("spark-nodes"), ClusterName: ptr("data-eks"),
		NodegroupArn: ptr(fmt.Sprintf("arn:aws:eks:%s:%s:nodegroup/data-eks/spark-nodes/0", r, g.acct)), NodeRole: ptr("arn:aws:iam::" + g.acct + ":role/eks-node"),
		Status: ekstypes.NodegroupStatusActive, Version: ptr("1.30"), AmiType: ekstypes.AMITypesAl2023X8664Standard, Subnets: []string{g.hexID("subnet", r, 0, 0)},
		CreatedAt: &g.created})
}

func (g *gen) iam() *snapshot.IAM {
	trust := func(service string) *string {
		return ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`)
	}
	arn := func(kind, name string) *string { return ptr("arn:aws:iam::" + g.acct + ":" + kind + "/" + name) }
	managed := func(path, name string) iamtypes.AttachedPolicy {
		return iamtypes.AttachedPolicy{PolicyName: ptr(name), PolicyArn: ptr("arn:aws:iam::aws:policy/" + path + name)}
	}
	customer := iamtypes.AttachedPolicy{PolicyName: ptr("emr-ec2-logs"), PolicyArn: arn("policy", "emr-ec2-logs")}
	role := func(name, service string, attached []iamtypes.AttachedPolicy, inline ...snapshot.InlinePolicy) *snapshot.Role {
		return &snapshot.Role{Role: iamtypes.Role{RoleName: ptr(name), Arn: arn("role", name), Path: ptr("/"), RoleId: ptr(g.hexID("AROA", name)[5:]),
			CreateDate: &g.created, AssumeRolePolicyDocument: trust(service), MaxSessionDuration: ptr(int32(3600))},
			AttachedPolicies: attached, AttachedRead: true, InlinePolicies: inline, InlineRead: true}
	}
	wide := snapshot.InlinePolicy{Name: "s3-wide", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}
	logs := snapshot.InlinePolicy{Name: "logs", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":"*"}]}`}
	st := &snapshot.IAM{Roles: []*snapshot.Role{
		role("EMR_DefaultRole", "elasticmapreduce.amazonaws.com", []iamtypes.AttachedPolicy{managed("service-role/", "AmazonElasticMapReduceRole")}),
		role("EMR_DefaultRole_V2", "elasticmapreduce.amazonaws.com", []iamtypes.AttachedPolicy{managed("service-role/", "AmazonEMRServicePolicy_v2")}),
		role("EMR_EC2_DefaultRole", "ec2.amazonaws.com", []iamtypes.AttachedPolicy{managed("service-role/", "AmazonElasticMapReduceforEC2Role")}, wide),
		role("emr-ec2-scoped", "ec2.amazonaws.com", []iamtypes.AttachedPolicy{customer}, logs),
		role("emr-eks-job", "elasticmapreduce.amazonaws.com", []iamtypes.AttachedPolicy{customer}),
		role("eks-node", "ec2.amazonaws.com", []iamtypes.AttachedPolicy{managed("", "AmazonEKSWorkerNodePolicy")}),
	}}
	for _, r := range st.Roles[2:4] {
		name := *r.Role.RoleName
		st.InstanceProfiles = append(st.InstanceProfiles, iamtypes.InstanceProfile{InstanceProfileName: &name, Arn: arn("instance-profile", name),
			InstanceProfileId: ptr(g.hexID("AIPA", name)[5:]), Path: ptr("/"), CreateDate: &g.created, Roles: []iamtypes.Role{r.Role}})
	}
	st.Policies = []*snapshot.Policy{{Policy: iamtypes.Policy{PolicyName: customer.PolicyName, Arn: customer.PolicyArn, DefaultVersionId: ptr("v2"),
		AttachmentCount: ptr(int32(2)), IsAttachable: true, Path: ptr("/"), CreateDate: &g.created, UpdateDate: &g.created},
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::` + g.acct + `-emr-logs-*/*"}]}`}}
	holder := func(path, name string, roles ...string) *snapshot.PolicyHolders {
		h := &snapshot.PolicyHolders{PolicyARN: "arn:aws:iam::aws:policy/" + path + name, Read: true}
		for _, r := range roles {
			h.Roles = append(h.Roles, iamtypes.PolicyRole{RoleName: ptr(r), RoleId: ptr(g.hexID("AROA", r)[5:])})
		}
		return h
	}
	st.Holders = []*snapshot.PolicyHolders{
		holder("service-role/", "AmazonElasticMapReduceRole", "EMR_DefaultRole"),
		holder("service-role/", "AmazonElasticMapReduceforEC2Role", "EMR_EC2_DefaultRole"),
		holder("", "AmazonElasticMapReduceFullAccess"),
		holder("", "AmazonElasticMapReduceReadOnlyAccess"),
	}
	st.Holders[2].Users = []iamtypes.PolicyUser{{UserName: ptr("analyst"), UserId: ptr(g.hexID("AIDA", "analyst")[5:])}}
	return st
}

package awsapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/emrguard/emrguard/internal/testtool"
	"github.com/emrguard/emrguard/source/snapshot"
)

// motoConfig is an SDK configuration pointed at moto_server.
func motoConfig(url, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDMOTO", "secret", ""),
		BaseEndpoint: aws.String(url),
	}
}

const motoTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"elasticmapreduce.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const motoSecconf = `{"EncryptionConfiguration":{"EnableInTransitEncryption":false,"EnableAtRestEncryption":true,` +
	`"AtRestEncryptionConfiguration":{"S3EncryptionConfiguration":{"EncryptionMode":"SSE-S3"}}}}`

// motoEstate is what motoState created.
type motoEstate struct {
	withSC, withoutSC, terminated string
	group, subnet, vpc            string
}

// motoState creates, through the SDK, an estate in moto: a VPC and
// subnet, a security group open on 22, roles, a log bucket, a security
// configuration, a cluster with it and one without, and a terminated
// cluster.
func motoState(t *testing.T, ctx context.Context, cfg aws.Config) motoEstate {
	t.Helper()
	var e motoEstate
	ec := ec2.NewFromConfig(cfg)
	vpc, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	e.vpc = aws.ToString(vpc.Vpc.VpcId)
	sn, err := ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.1.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	e.subnet = aws.ToString(sn.Subnet.SubnetId)
	sg, err := ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("emr-primary"), Description: aws.String("primary"), VpcId: vpc.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	e.group = aws.ToString(sg.GroupId)
	if _, err := ec.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
		t.Fatal(err)
	}
	im := iam.NewFromConfig(cfg)
	for _, r := range []string{"EMR_DefaultRole", "EMR_EC2_DefaultRole"} {
		if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(motoTrust)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("EMR_EC2_DefaultRole")}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("EMR_EC2_DefaultRole"), RoleName: aws.String("EMR_EC2_DefaultRole")}); err != nil {
		t.Fatal(err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("emr-logs-test"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(cfg.Region)}}); err != nil {
		t.Fatal(err)
	}
	em := emr.NewFromConfig(cfg)
	if _, err := em.CreateSecurityConfiguration(ctx, &emr.CreateSecurityConfigurationInput{Name: aws.String("sc-at-rest"), SecurityConfiguration: aws.String(motoSecconf)}); err != nil {
		t.Fatal(err)
	}
	run := func(name, sc string) string {
		in := &emr.RunJobFlowInput{
			Name: aws.String(name), ReleaseLabel: aws.String("emr-7.14.0"), ServiceRole: aws.String("EMR_DefaultRole"),
			JobFlowRole: aws.String("EMR_EC2_DefaultRole"), LogUri: aws.String("s3://emr-logs-test/" + name + "/"),
			Instances: &emrtypes.JobFlowInstancesConfig{
				MasterInstanceType: aws.String("m5.xlarge"), SlaveInstanceType: aws.String("m5.xlarge"), InstanceCount: aws.Int32(3),
				Ec2SubnetId: aws.String(e.subnet), EmrManagedMasterSecurityGroup: sg.GroupId, EmrManagedSlaveSecurityGroup: sg.GroupId,
				KeepJobFlowAliveWhenNoSteps: aws.Bool(true),
			},
		}
		if sc != "" {
			in.SecurityConfiguration = aws.String(sc)
		}
		out, err := em.RunJobFlow(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.JobFlowId)
	}
	e.withSC, e.withoutSC, e.terminated = run("with-sc", "sc-at-rest"), run("without-sc", ""), run("gone", "")
	if _, err := em.TerminateJobFlows(ctx, &emr.TerminateJobFlowsInput{JobFlowIds: []string{e.terminated}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// Ensure a scan of an estate created in moto_server (an AWS independent
// of awstest) holds its active clusters with their security configuration,
// primary nodes, security group, subnet, route tables, roles and log
// bucket, and leaves out the terminated cluster.
func TestScanMoto(t *testing.T) {
	url := testtool.Moto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := motoConfig(url, "eu-west-1")
	e := motoState(t, ctx, cfg)
	taken := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var last Progress
	snap, err := Scan(ctx, cfg, Options{Now: func() time.Time { return taken }, Progress: func(p Progress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Taken.Equal(taken) || snap.Format != snapshot.Format || len(snap.Accounts) != 1 {
		t.Fatalf("snapshot header: taken %v format %q, %d accounts", snap.Taken, snap.Format, len(snap.Accounts))
	}
	if last.Accounts != 1 || last.AccountsDone != 1 || last.Regions != 1 || last.RegionsDone != 1 || last.Clusters != 2 || last.Calls < 10 {
		t.Errorf("last progress %+v, want 1/1 accounts, 1/1 regions, 2 clusters and the calls made", last)
	}
	a := snap.Accounts[0]
	if a.ID == "" || a.Partition != "aws" || a.Via != "" || len(a.Regions) != 1 {
		t.Fatalf("account: %+v", a)
	}
	r := a.Regions[0]
	for _, f := range append(a.Failures, r.Failures...) {
		t.Errorf("failure: %+v", f)
	}
	var ids []string
	for _, c := range r.Clusters {
		ids = append(ids, aws.ToString(c.Cluster.Id))
		// moto creates instance groups but lists no instances in them;
		// AWS lists the running primary node. Only the read is checked.
		if !c.PrimaryRead {
			t.Errorf("cluster %s: primary nodes not read", aws.ToString(c.Cluster.Id))
		}
	}
	want := []string{e.withSC, e.withoutSC}
	if want[0] > want[1] {
		want[0], want[1] = want[1], want[0]
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("clusters %v, want the two active ones %v (not the terminated %s)", ids, want, e.terminated)
	}
	if len(r.SecurityConfigurations) != 1 || r.SecurityConfigurations[0].Name != "sc-at-rest" || r.SecurityConfigurations[0].Document != motoSecconf {
		t.Errorf("security configurations: %+v", r.SecurityConfigurations)
	}
	if len(r.SecurityGroups) != 1 || aws.ToString(r.SecurityGroups[0].GroupId) != e.group || !open22(r.SecurityGroups[0]) {
		t.Errorf("security groups: %+v, want %s open on 22", r.SecurityGroups, e.group)
	}
	if len(r.Subnets) != 1 || aws.ToString(r.Subnets[0].SubnetId) != e.subnet {
		t.Errorf("subnets: %+v, want %s", r.Subnets, e.subnet)
	}
	main := false
	for _, rt := range r.RouteTables {
		if aws.ToString(rt.VpcId) != e.vpc {
			t.Errorf("route table %s of VPC %s, want only %s's", aws.ToString(rt.RouteTableId), aws.ToString(rt.VpcId), e.vpc)
		}
		for _, as := range rt.Associations {
			main = main || aws.ToBool(as.Main)
		}
	}
	if !main {
		t.Errorf("route tables %+v: no main table of %s", r.RouteTables, e.vpc)
	}
	// moto ignores a PUT of BlockPublicSecurityGroupRules false and gives
	// the default; documented AWS gives a configuration in every region.
	if r.BlockPublicAccess == nil {
		t.Errorf("block public access not read")
	}
	var roles []string
	if a.IAM != nil {
		for _, r := range a.IAM.Roles {
			roles = append(roles, aws.ToString(r.Role.RoleName))
		}
	}
	// The service role, and the instance profile's role (read with it).
	if a.IAM == nil || strings.Join(roles, ",") != "EMR_DefaultRole,EMR_EC2_DefaultRole" ||
		len(a.IAM.InstanceProfiles) != 1 || aws.ToString(a.IAM.InstanceProfiles[0].InstanceProfileName) != "EMR_EC2_DefaultRole" {
		t.Errorf("IAM: %+v", a.IAM)
	}
	if len(a.Buckets) != 1 || a.Buckets[0].Name != "emr-logs-test" || !a.Buckets[0].LoggingRead {
		t.Errorf("buckets: %+v", a.Buckets)
	}
}

func open22(g ec2types.SecurityGroup) bool {
	for _, p := range g.IpPermissions {
		if aws.ToInt32(p.FromPort) <= 22 && 22 <= aws.ToInt32(p.ToPort) {
			for _, r := range p.IpRanges {
				if aws.ToString(r.CidrIp) == "0.0.0.0/0" {
					return true
				}
			}
		}
	}
	return false
}

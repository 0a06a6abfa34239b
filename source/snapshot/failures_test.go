package snapshot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/model"
)

const acct = "111111111111"

var taken = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

const hardenedDoc = `{"EncryptionConfiguration":{"EnableInTransitEncryption":true,"EnableAtRestEncryption":true,
"InTransitEncryptionConfiguration":{"TLSCertificateConfiguration":{"CertificateProviderType":"PEM","S3Object":"s3://certs/c.zip"}},
"AtRestEncryptionConfiguration":{"S3EncryptionConfiguration":{"EncryptionMode":"SSE-KMS","AwsKmsKey":"alias/k"},
"LocalDiskEncryptionConfiguration":{"EncryptionKeyProviderType":"AwsKms","AwsKmsKey":"alias/k","EnableEbsEncryption":true}}},
"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":2,"HttpPutResponseHopLimit":1}}`

func trustOf(service string) *string {
	return aws.String(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`)
}

func iamRole(name string, trust *string) *Role {
	return &Role{Role: iamtypes.Role{RoleName: aws.String(name), Arn: aws.String("arn:aws:iam::" + acct + ":role/" + name), AssumeRolePolicyDocument: trust},
		AttachedRead: true, InlineRead: true}
}

// base is one account whose region eu-west-1 has one well-configured
// cluster j-1 and everything it refers to, read in full.
func base() *Snapshot {
	open := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(8443), ToPort: aws.Int32(8443), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}}}
	return &Snapshot{Format: Format, Version: Version, Taken: taken, Accounts: []*Account{{
		ID: acct,
		IAM: &IAM{Roles: []*Role{iamRole("svc", trustOf("elasticmapreduce.amazonaws.com")), iamRole("ec2role", trustOf("ec2.amazonaws.com")),
			iamRole("jobrole", aws.String(`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::`+acct+`:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"oidc.eks.eu-west-1.amazonaws.com/id/X:sub":"system:serviceaccount:ns:emr-containers-sa-*"}}}]}`))},
			InstanceProfiles: []iamtypes.InstanceProfile{{InstanceProfileName: aws.String("prof"), Arn: aws.String("arn:aws:iam::" + acct + ":instance-profile/prof"),
				Roles: []iamtypes.Role{{RoleName: aws.String("ec2role"), Arn: aws.String("arn:aws:iam::" + acct + ":role/ec2role")}}}}},
		Buckets: []*Bucket{{Name: "logs", Logging: nil, LoggingRead: true}},
		Regions: []*Region{{
			Name:              "eu-west-1",
			BlockPublicAccess: &emrtypes.BlockPublicAccessConfiguration{BlockPublicSecurityGroupRules: aws.Bool(true)},
			Clusters: []*Cluster{{Cluster: emrtypes.Cluster{Id: aws.String("j-1"), Name: aws.String("one"), Status: &emrtypes.ClusterStatus{State: emrtypes.ClusterStateWaiting},
				ReleaseLabel: aws.String("emr-7.14.0"), SecurityConfiguration: aws.String("hardened"), LogUri: aws.String("s3://logs/j-1/"),
				LogEncryptionKmsKeyId: aws.String("alias/k"), ServiceRole: aws.String("svc"), CustomAmiId: aws.String("ami-1"),
				Ec2InstanceAttributes: &emrtypes.Ec2InstanceAttributes{Ec2SubnetId: aws.String("subnet-1"), IamInstanceProfile: aws.String("prof"),
					Ec2KeyName: aws.String("k"), EmrManagedMasterSecurityGroup: aws.String("sg-1")}},
				Primary: []emrtypes.Instance{{Ec2InstanceId: aws.String("i-1")}}, PrimaryRead: true}},
			SecurityConfigurations: []*SecurityConfiguration{{Name: "hardened", Document: hardenedDoc}},
			SecurityGroups:         []ec2types.SecurityGroup{{GroupId: aws.String("sg-1"), VpcId: aws.String("vpc-1"), IpPermissions: []ec2types.IpPermission{open}}},
			Subnets:                []ec2types.Subnet{{SubnetId: aws.String("subnet-1"), VpcId: aws.String("vpc-1")}},
			RouteTables: []ec2types.RouteTable{{RouteTableId: aws.String("rtb-1"), VpcId: aws.String("vpc-1"), Associations: []ec2types.RouteTableAssociation{{Main: aws.Bool(true)}},
				Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local")}}}},
			VPCEndpoints: []ec2types.VpcEndpoint{{VpcEndpointId: aws.String("vpce-1"), VpcId: aws.String("vpc-1"), ServiceName: aws.String("com.amazonaws.eu-west-1.s3")}},
			Images:       []ec2types.Image{{ImageId: aws.String("ami-1"), CreationDate: aws.String("2026-11-01T00:00:00.000Z")}},
			Trails: []*Trail{{Trail: cttypes.Trail{Name: aws.String("t"), TrailARN: aws.String("arn:aws:cloudtrail:eu-west-1:" + acct + ":trail/t"), IsMultiRegionTrail: aws.Bool(true)},
				Status: &TrailStatus{IsLogging: aws.Bool(true)}, SelectorsRead: true, EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}}},
			KMSKeys: []*KMSKey{{Ref: "alias/k", Metadata: &kmstypes.KeyMetadata{KeyId: aws.String("k1"), Arn: aws.String("arn:aws:kms:eu-west-1:" + acct + ":key/k1"),
				Enabled: true, KeyState: kmstypes.KeyStateEnabled, KeyManager: kmstypes.KeyManagerTypeCustomer}, RotationEnabled: aws.Bool(true)}},
			VirtualClusters: []*VirtualCluster{{ID: "vc-1", Namespace: "ns", ProviderType: "EKS", State: "RUNNING"}},
			JobRuns:         []ectypes.JobRun{{Id: aws.String("jr-1"), VirtualClusterId: aws.String("vc-1"), ExecutionRoleArn: aws.String("arn:aws:iam::" + acct + ":role/jobrole")}},
			Certificates:    []*CertificateZip{{Location: "s3://certs/c.zip", Read: true, Problem: "placeholder: no certificate needed by these tests"}},
		}},
	}}}
}

func region(s *Snapshot) *Region { return s.Accounts[0].Regions[0] }

func fail(service, op, resource, code string) Failure {
	return Failure{Service: service, Operation: op, Region: "eu-west-1", Resource: resource, Code: code, Message: "denied by the test"}
}

// verdicts evaluates every control able to judge live evidence.
func verdicts(ev *model.Evidence) []control.Result {
	return engine.Evaluate(controls.All(), ev, control.Live, control.Config{})
}

// Ensure each kind of failed call becomes one error naming the call and,
// on exactly the objects that needed it, Unknown fields quoting the call,
// so that the controls reading them say unknown with the reason, never
// pass. Controls not implemented yet are checked on the model field.
func TestFailuresBecomeUnknown(t *testing.T) {
	type check struct {
		control, resource string
		field             func(ev *model.Evidence) (model.State, string) // for controls without Run
	}
	for _, tc := range []struct {
		name    string
		mutate  func(s *Snapshot)
		failure Failure
		call    string
		checks  []check
	}{
		{"security configuration", func(s *Snapshot) { region(s).SecurityConfigurations = nil },
			fail("emr", "DescribeSecurityConfiguration", "hardened", "AccessDeniedException"),
			`emr DescribeSecurityConfiguration "hardened" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR102", "j-1", nil}, {"EMR103", "j-1", nil}, {"EMR105", "j-1", nil}, {"EMR401", "j-1", nil}, {"EMR109", "j-1", func(ev *model.Evidence) (model.State, string) {
				sc := ev.SecurityConfigurations[0]
				return sc.Certificates.State, sc.Certificates.Why
			}}}},
		{"security groups", func(s *Snapshot) { region(s).SecurityGroups = nil },
			fail("ec2", "DescribeSecurityGroups", "sg-1", "UnauthorizedOperation"),
			`ec2 DescribeSecurityGroups "sg-1" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR203", "sg-1", nil}, {"EMR205", "sg-1", nil}, {"EMR204", "j-1", nil}}},
		{"security groups listed in one call", func(s *Snapshot) { region(s).SecurityGroups = nil },
			fail("ec2", "DescribeSecurityGroups", "sg-0,sg-1", "RequestLimitExceeded"),
			`ec2 DescribeSecurityGroups "sg-0,sg-1" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR203", "sg-1", nil}}},
		{"service role", func(s *Snapshot) { s.Accounts[0].IAM.Roles = s.Accounts[0].IAM.Roles[1:] },
			Failure{Service: "iam", Operation: "GetRole", Resource: "svc", Code: "AccessDenied", Message: "denied by the test"},
			`iam GetRole "svc" (account 111111111111)`,
			[]check{{"EMR602", "arn:aws:iam::111111111111:role/svc", nil}}},
		{"execution role", func(s *Snapshot) { s.Accounts[0].IAM.Roles = s.Accounts[0].IAM.Roles[:2] },
			Failure{Service: "iam", Operation: "GetRole", Resource: "jobrole", Code: "AccessDenied", Message: "denied by the test"},
			`iam GetRole "jobrole" (account 111111111111)`,
			[]check{{"EKS101", "arn:aws:iam::111111111111:role/jobrole", nil}, {"EKS102", "arn:aws:iam::111111111111:role/jobrole", nil}}},
		{"attached policies", func(s *Snapshot) { s.Accounts[0].IAM.Roles[0].AttachedRead = false },
			Failure{Service: "iam", Operation: "ListAttachedRolePolicies", Resource: "svc", Code: "Throttling", Message: "denied by the test"},
			`iam ListAttachedRolePolicies "svc" (account 111111111111)`,
			[]check{{"EMR602", "arn:aws:iam::111111111111:role/svc", nil}}},
		{"block public access", func(s *Snapshot) { region(s).BlockPublicAccess = nil },
			fail("emr", "GetBlockPublicAccessConfiguration", "", "AccessDeniedException"),
			`emr GetBlockPublicAccessConfiguration in eu-west-1 (account 111111111111)`,
			[]check{{"EMR201", acct + "/eu-west-1", nil}}},
		{"cluster", func(s *Snapshot) {},
			fail("emr", "DescribeCluster", "j-9", "InternalServerError"),
			`emr DescribeCluster "j-9" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR101", "j-9", nil}, {"EMR102", "j-9", nil}, {"EMR301", "j-9", nil}, {"EMR704", "j-9", nil}, {"EMR802", "j-9", nil}}},
		{"primary node", func(s *Snapshot) { region(s).Clusters[0].Primary, region(s).Clusters[0].PrimaryRead = nil, false },
			fail("emr", "ListInstances", "j-1", "ThrottlingException"),
			`emr ListInstances "j-1" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR302", "j-1", func(ev *model.Evidence) (model.State, string) {
				return ev.Clusters[0].PrimaryNodes.State, ev.Clusters[0].PrimaryNodes.Why
			}}}},
		{"trails", func(s *Snapshot) { region(s).Trails = nil },
			fail("cloudtrail", "DescribeTrails", "", "AccessDeniedException"),
			`cloudtrail DescribeTrails in eu-west-1 (account 111111111111)`,
			[]check{{"EMR701", acct + "/eu-west-1", func(ev *model.Evidence) (model.State, string) {
				return ev.AccountRegions[0].TrailsComplete.State, ev.AccountRegions[0].TrailsComplete.Why
			}}}},
		{"trail status", func(s *Snapshot) { region(s).Trails[0].Status = nil },
			fail("cloudtrail", "GetTrailStatus", "arn:aws:cloudtrail:eu-west-1:"+acct+":trail/t", "AccessDeniedException"),
			`cloudtrail GetTrailStatus "arn:aws:cloudtrail:eu-west-1:111111111111:trail/t" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR702", "arn:aws:cloudtrail:eu-west-1:111111111111:trail/t", func(ev *model.Evidence) (model.State, string) {
				return ev.Trails[0].Logging.State, ev.Trails[0].Logging.Why
			}}}},
		{"bucket logging", func(s *Snapshot) { s.Accounts[0].Buckets = nil },
			Failure{Service: "s3", Operation: "GetBucketLogging", Resource: "logs", Code: "AccessDenied", Message: "denied by the test"},
			`s3 GetBucketLogging "logs" (account 111111111111)`,
			[]check{{"EMR703", "j-1", nil}}},
		{"kms key", func(s *Snapshot) { region(s).KMSKeys[0].Metadata, region(s).KMSKeys[0].RotationEnabled = nil, nil },
			fail("kms", "DescribeKey", "alias/k", "AccessDeniedException"),
			`kms DescribeKey "alias/k" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR110", "j-1", func(ev *model.Evidence) (model.State, string) {
				return ev.KMSKeys[0].RotationEnabled.State, ev.KMSKeys[0].RotationEnabled.Why + ev.KMSKeys[0].State.Why
			}}}},
		{"certificates", func(s *Snapshot) { region(s).Certificates = []*CertificateZip{{Location: "s3://certs/c.zip"}} },
			fail("s3", "GetObject", "s3://certs/c.zip", "AccessDenied"),
			`s3 GetObject "s3://certs/c.zip" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR109", "j-1", func(ev *model.Evidence) (model.State, string) {
				sc := ev.SecurityConfigurations[0]
				return sc.Certificates.State, sc.Certificates.Why
			}}}},
		{"route tables", func(s *Snapshot) { region(s).RouteTables = nil },
			fail("ec2", "DescribeRouteTables", "", "UnauthorizedOperation"),
			`ec2 DescribeRouteTables in eu-west-1 (account 111111111111)`,
			[]check{{"EMR301", "j-1", nil}}},
		{"custom AMI", func(s *Snapshot) { region(s).Images = nil },
			fail("ec2", "DescribeImages", "ami-1", "UnauthorizedOperation"),
			`ec2 DescribeImages "ami-1" in eu-west-1 (account 111111111111)`,
			[]check{{"EMR803", "j-1", func(ev *model.Evidence) (model.State, string) {
				return ev.AMIs[0].Created.State, ev.AMIs[0].Created.Why
			}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mutate(s)
			if tc.failure.Region != "" {
				region(s).Failures = append(region(s).Failures, tc.failure)
			} else {
				s.Accounts[0].Failures = append(s.Accounts[0].Failures, tc.failure)
			}
			ev, diags := Evidence(s)
			if len(diags) != 1 || diags[0].Call != tc.call || diags[0].Level != 0 || !strings.HasPrefix(diags[0].Msg, tc.failure.Code+": ") {
				t.Fatalf("diagnostics %+v, want one error for %s", diags, tc.call)
			}
			results := verdicts(ev)
			for _, c := range tc.checks {
				ctl, _ := controls.Lookup(c.control)
				if !ctl.Implemented() {
					state, why := c.field(ev)
					if state != model.Unknown || !strings.Contains(why, tc.call+" failed: "+tc.failure.Code) {
						t.Errorf("%s (no Run yet): field %s %q, want unknown quoting the call", c.control, state, why)
					}
					continue
				}
				found := false
				for _, r := range results {
					if r.Control.ID != c.control || r.Resource.ID != c.resource {
						continue
					}
					found = true
					if r.Verdict != control.Unknown || !strings.Contains(r.Message, tc.call+" failed: "+tc.failure.Code) {
						t.Errorf("%s on %s: %s %q, want unknown quoting %s", c.control, c.resource, r.Verdict, r.Message, tc.call)
					}
				}
				if !found {
					t.Errorf("%s on %s: no result among %s", c.control, c.resource, table(results))
				}
			}
		})
	}
}

// Ensure an account that could not be reached gives only its error.
func TestAccountNotReached(t *testing.T) {
	s := base()
	s.Accounts = append(s.Accounts, &Account{Via: "arn:aws:iam::999999999999:role/audit",
		Failures: []Failure{{Service: "sts", Operation: "AssumeRole", Resource: "arn:aws:iam::999999999999:role/audit", Code: "AccessDenied", Message: "not allowed"}}})
	ev, diags := Evidence(s)
	if len(diags) != 1 || diags[0].Call != `sts AssumeRole "arn:aws:iam::999999999999:role/audit" (account not reached through arn:aws:iam::999999999999:role/audit)` ||
		diags[0].Msg != "AccessDenied: not allowed" {
		t.Fatalf("diags %+v", diags)
	}
	for _, c := range ev.Clusters {
		if c.Ref.Account != acct {
			t.Errorf("evidence from the unreached account: %+v", c.Ref)
		}
	}
}

// Ensure the base snapshot itself passes what it can show: the failure
// table's unknowns come from the failures, not from a weak base.
func TestBaseIsClean(t *testing.T) {
	ev, diags := Evidence(base())
	if len(diags) != 0 {
		t.Fatalf("diags %v", diags)
	}
	for _, r := range verdicts(ev) {
		switch {
		case r.Control.ID == "EMR204" || r.Control.ID == "EMR703" || r.Control.ID == "EMR109":
			// key pair set with SSH closed passes; logging off fails; certificates are a placeholder.
		case r.Verdict == control.Unknown || r.Verdict == control.Failed && r.Control.Severity >= control.Medium:
			t.Errorf("base: %s %s %s: %s", r.Control.ID, r.Resource.ID, r.Verdict, r.Message)
		}
	}
}

func table(rs []control.Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "\n  %s %s %s %s", r.Control.ID, r.Resource.ID, r.Verdict, r.Message)
	}
	return b.String()
}

package snapshot

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/emrguard/emrguard/control"
)

// Ensure accounts and regions never mix: two accounts, each with two
// regions, use the same role names, configuration names and group IDs,
// and each cluster is judged on its own account's and region's objects.
func TestAccountsAndRegionsNeverMix(t *testing.T) {
	weakDoc := `{"EncryptionConfiguration":{"EnableInTransitEncryption":false,"EnableAtRestEncryption":false}}`
	var s *Snapshot
	s = &Snapshot{Format: Format, Version: Version, Taken: taken}
	for _, id := range []string{"111111111111", "222222222222"} {
		b := base()
		a := b.Accounts[0]
		a.ID = id
		for _, r := range a.IAM.Roles {
			r.Role.Arn = aws.String("arn:aws:iam::" + id + ":role/" + *r.Role.RoleName)
		}
		a.IAM.InstanceProfiles[0].Arn = aws.String("arn:aws:iam::" + id + ":instance-profile/prof")
		a.IAM.InstanceProfiles[0].Roles[0].Arn = aws.String("arn:aws:iam::" + id + ":role/ec2role")
		us := *a.Regions[0]
		us.Name = "us-east-1"
		us.Clusters = []*Cluster{{Cluster: a.Regions[0].Clusters[0].Cluster, PrimaryRead: true}}
		a.Regions = append(a.Regions, &us)
		s.Accounts = append(s.Accounts, a)
	}
	// Account 2, us-east-1: the configuration "hardened" is weak, the
	// group sg-1 is open to the internet, and the service role svc has
	// a wildcard policy. Nothing else changes.
	bad := s.Accounts[1].Regions[1]
	bad.SecurityConfigurations = []*SecurityConfiguration{{Name: "hardened", Document: weakDoc}}
	bad.SecurityGroups = []ec2types.SecurityGroup{{GroupId: aws.String("sg-1"), VpcId: aws.String("vpc-1"), IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}}
	s.Accounts[1].IAM.Roles[0].InlinePolicies = []InlinePolicy{{Name: "all", Document: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}}

	ev, diags := Evidence(s)
	if len(diags) != 0 {
		t.Fatalf("diags %v", diags)
	}
	got := map[string]control.Verdict{}
	for _, r := range verdicts(ev) {
		switch r.Control.ID {
		case "EMR102", "EMR203", "EMR204", "EMR602":
			k := r.Control.ID + " " + r.Resource.Account + " " + r.Resource.Region + " " + r.Resource.ID
			if v, dup := got[k]; dup && v != r.Verdict {
				t.Errorf("%s judged twice: %s and %s", k, v, r.Verdict)
			}
			got[k] = r.Verdict
		}
	}
	want := map[string]control.Verdict{}
	for _, a := range []string{"111111111111", "222222222222"} {
		for _, reg := range []string{"eu-west-1", "us-east-1"} {
			v := control.Passed
			if a == "222222222222" && reg == "us-east-1" {
				v = control.Failed
			}
			want["EMR102 "+a+" "+reg+" j-1"] = v
			want["EMR203 "+a+" "+reg+" sg-1"] = v
			want["EMR204 "+a+" "+reg+" j-1"] = v
		}
		v := control.Passed
		if a == "222222222222" {
			v = control.Failed
		}
		want["EMR602 "+a+"  arn:aws:iam::"+a+":role/svc"] = v
		want["EMR602 "+a+"  arn:aws:iam::"+a+":role/ec2role"] = control.Passed
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %s, want %s", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d results, want %d: %v", len(got), len(want), got)
	}
}

package awsapi

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/emrguard/emrguard/internal/awstest"
)

// Ensure a security group or subnet that no longer exists does not hide
// the rest of its batch: EC2 refuses the whole batch naming the missing
// ID, which becomes a failure of its own, and the others are read.
func TestScanMissingEC2Objects(t *testing.T) {
	want := estate(callerID, "eu-west-1")
	srv := awstest.New()
	t.Cleanup(srv.Close)
	served := served(t, want)
	r := served.Regions[0]
	r.SecurityGroups = deleteBy(r.SecurityGroups, func(g ec2types.SecurityGroup) bool { return aws.ToString(g.GroupId) == "sg-0svc" })
	r.Subnets = deleteBy(r.Subnets, func(s ec2types.Subnet) bool { return aws.ToString(s.SubnetId) == "subnet-0b" })
	srv.LoadAccounts(served)
	snap, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	got := snap.Accounts[0].Regions[0]
	var groups, subnets []string
	for _, g := range got.SecurityGroups {
		groups = append(groups, aws.ToString(g.GroupId))
	}
	for _, s := range got.Subnets {
		subnets = append(subnets, aws.ToString(s.SubnetId))
	}
	if g := join(groups); g != "sg-0extra,sg-0master,sg-0slave" {
		t.Errorf("groups read %s, want the three that exist", g)
	}
	if s := join(subnets); s != "subnet-0a" {
		t.Errorf("subnets read %s, want subnet-0a", s)
	}
	missing := map[string]string{}
	for _, f := range got.Failures {
		if f.Service == "ec2" {
			missing[f.Operation+" "+f.Resource] = f.Code
		}
	}
	if missing["DescribeSecurityGroups sg-0svc"] != "InvalidGroup.NotFound" || missing["DescribeSubnets subnet-0b"] != "InvalidSubnetID.NotFound" || len(missing) != 2 {
		t.Errorf("EC2 failures %v, want the missing group and subnet, each by ID", missing)
	}
}

func deleteBy[T any](s []T, drop func(T) bool) []T {
	var out []T
	for _, v := range s {
		if !drop(v) {
			out = append(out, v)
		}
	}
	return out
}

func join(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

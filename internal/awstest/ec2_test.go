package awstest_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

func ec2Fixture() *snapshot.Region {
	r := &snapshot.Region{Name: "eu-west-1"}
	for i, vpc := range []string{"vpc-1", "vpc-1", "vpc-2"} {
		id := string(rune('a' + i))
		sg := fill(&ec2types.SecurityGroup{})
		sg.GroupId, sg.VpcId = aws.String("sg-"+id), aws.String(vpc)
		r.SecurityGroups = append(r.SecurityGroups, *sg)
		sn := fill(&ec2types.Subnet{})
		sn.SubnetId, sn.VpcId = aws.String("subnet-"+id), aws.String(vpc)
		r.Subnets = append(r.Subnets, *sn)
		rt := fill(&ec2types.RouteTable{})
		rt.RouteTableId, rt.VpcId = aws.String("rtb-"+id), aws.String(vpc)
		rt.Associations[0].SubnetId, rt.Associations[0].Main = aws.String("subnet-"+id), aws.Bool(i == 0)
		rt.Associations[1].Main = aws.Bool(false)
		r.RouteTables = append(r.RouteTables, *rt)
		ep := fill(&ec2types.VpcEndpoint{})
		ep.VpcEndpointId, ep.VpcId, ep.VpcEndpointType = aws.String("vpce-"+id), aws.String(vpc), "Gateway"
		ep.ServiceName = aws.String("com.amazonaws.eu-west-1.s3")
		if i == 1 {
			ep.VpcEndpointType, ep.ServiceName = "Interface", aws.String("com.amazonaws.eu-west-1.kms")
		}
		r.VPCEndpoints = append(r.VPCEndpoints, *ep)
		img := fill(&ec2types.Image{})
		img.ImageId = aws.String("ami-" + id)
		r.Images = append(r.Images, *img)
		lt := fill(&ec2types.LaunchTemplateVersion{})
		lt.LaunchTemplateId, lt.LaunchTemplateName, lt.VersionNumber, lt.DefaultVersion = aws.String("lt-1"), aws.String("tmpl"), aws.Int64(int64(i+1)), aws.Bool(i == 1)
		r.LaunchTemplateVersions = append(r.LaunchTemplateVersions, *lt)
	}
	return r
}

// Ensure the EC2 client reads back every loaded object whole (all
// members, EC2's element names), by ID, by filter and page by page, and
// sees EC2's not-found codes.
func TestEC2RoundTrip(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	r := ec2Fixture()
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{r, {Name: "eu-north-1"}, {Name: "ap-east-1"}}})
	s.DisableRegion("111122223333", "ap-east-1")
	s.SetPageSize(2)
	c := ec2.NewFromConfig(s.Config("eu-west-1"))
	ctx := context.Background()
	vpc := func(v string) []ec2types.Filter {
		return []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{v}}}
	}

	var sgs []ec2types.SecurityGroup
	for p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sgs = append(sgs, out.SecurityGroups...)
	}
	sameJSON(t, "security groups", sgs, r.SecurityGroups)
	if n := s.Calls("ec2.DescribeSecurityGroups"); n != 2 {
		t.Errorf("DescribeSecurityGroups: %d calls, want 2 pages", n)
	}
	sg, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-c", "sg-a"}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "by group ID", sg.SecurityGroups, []ec2types.SecurityGroup{r.SecurityGroups[2], r.SecurityGroups[0]})
	sg, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: vpc("vpc-2")})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "by vpc-id", sg.SecurityGroups, r.SecurityGroups[2:])
	if _, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-nope"}}); apiCode(err) != "InvalidGroup.NotFound" {
		t.Errorf("unknown group: %v", err)
	}

	sn, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: vpc("vpc-1")})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "subnets of vpc-1", sn.Subnets, r.Subnets[:2])
	if _, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-nope"}}); apiCode(err) != "InvalidSubnetID.NotFound" {
		t.Errorf("unknown subnet: %v", err)
	}

	rt, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{"subnet-b"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "route table of subnet-b", rt.RouteTables, r.RouteTables[1:2])
	rt, err = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: append(vpc("vpc-1"), ec2types.Filter{Name: aws.String("association.main"), Values: []string{"true"}})})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "main route table of vpc-1", rt.RouteTables, r.RouteTables[:1])

	ep, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{
		{Name: aws.String("service-name"), Values: []string{"com.amazonaws.eu-west-1.s3"}}, {Name: aws.String("vpc-endpoint-type"), Values: []string{"Gateway"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "S3 gateway endpoints", ep.VpcEndpoints, []ec2types.VpcEndpoint{r.VPCEndpoints[0], r.VPCEndpoints[2]})

	im, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-b"}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "image", im.Images, r.Images[1:2])
	if _, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-nope"}}); apiCode(err) != "InvalidAMIID.NotFound" {
		t.Errorf("unknown image: %v", err)
	}

	lt, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-1"), Versions: []string{"$Latest", "$Default"}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "launch template versions", lt.LaunchTemplateVersions, []ec2types.LaunchTemplateVersion{r.LaunchTemplateVersions[2], r.LaunchTemplateVersions[1]})
	lt, err = c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("tmpl"), Versions: []string{"1"}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "launch template version 1 by name", lt.LaunchTemplateVersions, r.LaunchTemplateVersions[:1])
	if _, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-nope")}); apiCode(err) != "InvalidLaunchTemplateId.NotFound" {
		t.Errorf("unknown template: %v", err)
	}

	regions := func(all bool) (names []string) {
		out, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(all)})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Regions {
			names = append(names, aws.ToString(r.RegionName)+"/"+aws.ToString(r.OptInStatus))
		}
		return names
	}
	sameJSON(t, "enabled regions", regions(false), []string{"eu-north-1/opt-in-not-required", "eu-west-1/opt-in-not-required"})
	sameJSON(t, "all regions", regions(true), []string{"ap-east-1/not-opted-in", "eu-north-1/opt-in-not-required", "eu-west-1/opt-in-not-required"})
	_, err = ec2.NewFromConfig(s.Config("ap-east-1")).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if apiCode(err) != "AuthFailure" {
		t.Errorf("disabled region: %v", err)
	}
}

package awsapi

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/emrguard/emrguard/source/snapshot"
)

// ec2API is what the EC2 collector calls.
type ec2API interface {
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
	DescribeVpcEndpoints(context.Context, *ec2.DescribeVpcEndpointsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error)
	DescribeImages(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
	DescribeLaunchTemplateVersions(context.Context, *ec2.DescribeLaunchTemplateVersionsInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error)
}

// ec2Batch is how many IDs or filter values one EC2 call carries: EC2
// takes at most 200 values in a filter, and ID lists are kept to the
// same size.
const ec2Batch = 200

// launchTemplate names one launch template, by ID or by name.
type launchTemplate struct{ id, name string }

// ec2Needs are the EC2 objects a region's clusters, endpoints and
// nodegroups name, each once.
type ec2Needs struct {
	groups, subnets, images set
	templates               map[launchTemplate]set // versions asked for; "$Default" when a nodegroup names none
}

// ec2NeedsOf lists what region r's clusters, managed endpoints and
// nodegroups name.
func ec2NeedsOf(r *snapshot.Region) ec2Needs {
	n := ec2Needs{groups: set{}, subnets: set{}, images: set{}, templates: map[launchTemplate]set{}}
	for _, c := range r.Clusters {
		n.images.addp(c.Cluster.CustomAmiId)
		a := c.Cluster.Ec2InstanceAttributes
		if a == nil {
			continue
		}
		n.groups.addp(a.EmrManagedMasterSecurityGroup)
		n.groups.addp(a.EmrManagedSlaveSecurityGroup)
		n.groups.addp(a.ServiceAccessSecurityGroup)
		n.groups.add(a.AdditionalMasterSecurityGroups...)
		n.groups.add(a.AdditionalSlaveSecurityGroups...)
		n.subnets.addp(a.Ec2SubnetId)
		n.subnets.add(a.RequestedEc2SubnetIds...)
	}
	for _, e := range r.ManagedEndpoints {
		n.groups.addp(e.SecurityGroup)
		n.subnets.add(e.SubnetIds...)
	}
	for _, g := range r.Nodegroups {
		lt := g.LaunchTemplate
		if lt == nil || (aws.ToString(lt.Id) == "" && aws.ToString(lt.Name) == "") {
			continue
		}
		k := launchTemplate{id: aws.ToString(lt.Id)}
		if k.id == "" {
			k.name = aws.ToString(lt.Name)
		}
		if n.templates[k] == nil {
			n.templates[k] = set{}
		}
		v := aws.ToString(lt.Version)
		if v == "" {
			v = "$Default"
		}
		n.templates[k].add(v)
	}
	return n
}

// ec2Result is what collectEC2 read, each list sorted by ID.
type ec2Result struct {
	groups      []ec2types.SecurityGroup
	subnets     []ec2types.Subnet
	routeTables []ec2types.RouteTable
	endpoints   []ec2types.VpcEndpoint
	images      []ec2types.Image
	templates   []ec2types.LaunchTemplateVersion
}

// collectEC2 reads the objects need names, batched: security groups,
// subnets and images by ID; the route tables (the explicit associations
// and the main table) and VPC endpoints of the subnets' VPCs; each
// launch template's versions in one call.
func collectEC2(ctx context.Context, api ec2API, region string, need ec2Needs, limit int, fs *failures) *ec2Result {
	e := &ec2Result{}
	var mu sync.Mutex
	p := newPool(limit)
	run := func(f func()) { p.Go(f) }
	add := func(f func()) { mu.Lock(); f(); mu.Unlock() }

	for _, b := range batches(need.groups.sorted(), ec2Batch) {
		run(func() {
			got := byIDs(ctx, b, "DescribeSecurityGroups", region, fs, func(ids []string) ([]ec2types.SecurityGroup, error) {
				var out []ec2types.SecurityGroup
				pg := ec2.NewDescribeSecurityGroupsPaginator(api, &ec2.DescribeSecurityGroupsInput{GroupIds: ids})
				for pg.HasMorePages() {
					page, err := pg.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					out = append(out, page.SecurityGroups...)
				}
				return out, nil
			})
			add(func() { e.groups = append(e.groups, got...) })
		})
	}
	for _, b := range batches(need.images.sorted(), ec2Batch) {
		run(func() {
			got := byIDs(ctx, b, "DescribeImages", region, fs, func(ids []string) ([]ec2types.Image, error) {
				var out []ec2types.Image
				pg := ec2.NewDescribeImagesPaginator(api, &ec2.DescribeImagesInput{ImageIds: ids})
				for pg.HasMorePages() {
					page, err := pg.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					out = append(out, page.Images...)
				}
				return out, nil
			})
			add(func() { e.images = append(e.images, got...) })
		})
	}
	keys := make([]launchTemplate, 0, len(need.templates))
	for k := range need.templates {
		keys = append(keys, k)
	}
	for _, k := range keys {
		versions := need.templates[k].sorted()
		run(func() {
			got := launchTemplateVersions(ctx, api, region, k, versions, fs)
			add(func() { e.templates = append(e.templates, got...) })
		})
	}
	// Subnets first: their VPCs name the route tables and endpoints.
	var subnetWait sync.WaitGroup
	for _, b := range batches(need.subnets.sorted(), ec2Batch) {
		subnetWait.Add(1)
		run(func() {
			defer subnetWait.Done()
			got := byIDs(ctx, b, "DescribeSubnets", region, fs, func(ids []string) ([]ec2types.Subnet, error) {
				var out []ec2types.Subnet
				pg := ec2.NewDescribeSubnetsPaginator(api, &ec2.DescribeSubnetsInput{SubnetIds: ids})
				for pg.HasMorePages() {
					page, err := pg.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					out = append(out, page.Subnets...)
				}
				return out, nil
			})
			add(func() { e.subnets = append(e.subnets, got...) })
		})
	}
	subnetWait.Wait()
	vpcs := set{}
	for _, s := range e.subnets {
		vpcs.addp(s.VpcId)
	}
	for _, b := range batches(vpcs.sorted(), ec2Batch) {
		run(func() {
			var out []ec2types.RouteTable
			pg := ec2.NewDescribeRouteTablesPaginator(api, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: b}}})
			for pg.HasMorePages() {
				page, err := pg.NextPage(ctx)
				if err != nil {
					fs.add("ec2", "DescribeRouteTables", region, strings.Join(b, ","), err)
					break
				}
				out = append(out, page.RouteTables...)
			}
			add(func() { e.routeTables = append(e.routeTables, out...) })
		})
		run(func() {
			var out []ec2types.VpcEndpoint
			pg := ec2.NewDescribeVpcEndpointsPaginator(api, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: b}}})
			for pg.HasMorePages() {
				page, err := pg.NextPage(ctx)
				if err != nil {
					fs.add("ec2", "DescribeVpcEndpoints", region, strings.Join(b, ","), err)
					break
				}
				out = append(out, page.VpcEndpoints...)
			}
			add(func() { e.endpoints = append(e.endpoints, out...) })
		})
	}
	p.Wait()

	sortBy(e.groups, func(g ec2types.SecurityGroup) string { return aws.ToString(g.GroupId) })
	sortBy(e.subnets, func(s ec2types.Subnet) string { return aws.ToString(s.SubnetId) })
	sortBy(e.routeTables, func(t ec2types.RouteTable) string { return aws.ToString(t.RouteTableId) })
	sortBy(e.endpoints, func(v ec2types.VpcEndpoint) string { return aws.ToString(v.VpcEndpointId) })
	sortBy(e.images, func(i ec2types.Image) string { return aws.ToString(i.ImageId) })
	sort.SliceStable(e.templates, func(i, j int) bool {
		a, b := e.templates[i], e.templates[j]
		if x, y := aws.ToString(a.LaunchTemplateId), aws.ToString(b.LaunchTemplateId); x != y {
			return x < y
		}
		return aws.ToInt64(a.VersionNumber) < aws.ToInt64(b.VersionNumber)
	})
	return e
}

// launchTemplateVersions reads the versions of one launch template.
func launchTemplateVersions(ctx context.Context, api ec2API, region string, lt launchTemplate, versions []string, fs *failures) []ec2types.LaunchTemplateVersion {
	in := &ec2.DescribeLaunchTemplateVersionsInput{Versions: versions}
	ref := lt.id
	if lt.id != "" {
		in.LaunchTemplateId = aws.String(lt.id)
	} else {
		in.LaunchTemplateName = aws.String(lt.name)
		ref = lt.name
	}
	var out []ec2types.LaunchTemplateVersion
	pg := ec2.NewDescribeLaunchTemplateVersionsPaginator(api, in)
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			fs.add("ec2", "DescribeLaunchTemplateVersions", region, ref, err)
			return out
		}
		out = append(out, page.LaunchTemplateVersions...)
	}
	return out
}

// byIDs describes the objects of one batch of IDs. EC2 refuses a whole
// batch when one of its IDs does not exist (InvalidGroup.NotFound,
// InvalidSubnetID.NotFound, InvalidAMIID.NotFound): the IDs the error
// names are recorded as failures of their own and the rest asked again,
// so one deleted group does not hide the others.
func byIDs[T any](ctx context.Context, batch []string, op, region string, fs *failures, call func([]string) ([]T, error)) []T {
	for len(batch) > 0 {
		got, err := call(batch)
		if err == nil {
			return got
		}
		missing := missingIDs(err, batch)
		if len(missing) == 0 || ctx.Err() != nil {
			fs.add("ec2", op, region, strings.Join(batch, ","), err)
			return nil
		}
		for _, id := range missing {
			fs.add("ec2", op, region, id, err)
		}
		batch = slices.DeleteFunc(slices.Clone(batch), func(id string) bool { return slices.Contains(missing, id) })
	}
	return nil
}

var ec2IDRe = regexp.MustCompile(`\b[a-z]+-[0-9A-Za-z]+\b`)

// missingIDs are the IDs of batch that a NotFound error names.
func missingIDs(err error, batch []string) []string {
	var ae smithy.APIError
	if !errors.As(err, &ae) || !strings.HasSuffix(ae.ErrorCode(), ".NotFound") {
		return nil
	}
	var out []string
	for _, id := range ec2IDRe.FindAllString(ae.ErrorMessage(), -1) {
		if slices.Contains(batch, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func sortBy[T any](s []T, key func(T) string) {
	sort.SliceStable(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}

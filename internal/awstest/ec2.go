package awstest

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/emrguard/emrguard/source/snapshot"
)

// ec2 serves EC2's ec2Query operations from the region's snapshot.
func (s *Server) ec2(c *call) {
	r := s.region(c)
	switch c.op {
	case "DescribeRegions":
		s.describeRegions(c)
	case "DescribeSecurityGroups":
		ec2Describe(s, c, ec2List[ec2types.SecurityGroup]{
			items: r.SecurityGroups, idParam: "GroupId", wrapper: "securityGroupInfo", apiMax: 1000,
			id: func(v ec2types.SecurityGroup) string { return deref(v.GroupId) },
			notFound: func(id string) (string, string) {
				return "InvalidGroup.NotFound", "The security group '" + id + "' does not exist"
			},
			filters: map[string]func(ec2types.SecurityGroup) []string{
				"group-id":   func(v ec2types.SecurityGroup) []string { return []string{deref(v.GroupId)} },
				"group-name": func(v ec2types.SecurityGroup) []string { return []string{deref(v.GroupName)} },
				"vpc-id":     func(v ec2types.SecurityGroup) []string { return []string{deref(v.VpcId)} },
				"owner-id":   func(v ec2types.SecurityGroup) []string { return []string{deref(v.OwnerId)} },
			},
		})
	case "DescribeSubnets":
		ec2Describe(s, c, ec2List[ec2types.Subnet]{
			items: r.Subnets, idParam: "SubnetId", wrapper: "subnetSet", apiMax: 1000,
			id: func(v ec2types.Subnet) string { return deref(v.SubnetId) },
			notFound: func(id string) (string, string) {
				return "InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist"
			},
			filters: map[string]func(ec2types.Subnet) []string{
				"subnet-id":         func(v ec2types.Subnet) []string { return []string{deref(v.SubnetId)} },
				"vpc-id":            func(v ec2types.Subnet) []string { return []string{deref(v.VpcId)} },
				"availability-zone": func(v ec2types.Subnet) []string { return []string{deref(v.AvailabilityZone)} },
			},
		})
	case "DescribeRouteTables":
		ec2Describe(s, c, ec2List[ec2types.RouteTable]{
			items: r.RouteTables, idParam: "RouteTableId", wrapper: "routeTableSet", apiMax: 100,
			id: func(v ec2types.RouteTable) string { return deref(v.RouteTableId) },
			notFound: func(id string) (string, string) {
				return "InvalidRouteTableID.NotFound", "The routeTable ID '" + id + "' does not exist"
			},
			filters: map[string]func(ec2types.RouteTable) []string{
				"route-table-id": func(v ec2types.RouteTable) []string { return []string{deref(v.RouteTableId)} },
				"vpc-id":         func(v ec2types.RouteTable) []string { return []string{deref(v.VpcId)} },
				"association.subnet-id": func(v ec2types.RouteTable) (out []string) {
					for _, a := range v.Associations {
						out = append(out, deref(a.SubnetId))
					}
					return out
				},
				"association.main": func(v ec2types.RouteTable) []string {
					for _, a := range v.Associations {
						if a.Main != nil && *a.Main {
							return []string{"true"}
						}
					}
					return []string{"false"}
				},
			},
		})
	case "DescribeVpcEndpoints":
		ec2Describe(s, c, ec2List[ec2types.VpcEndpoint]{
			items: r.VPCEndpoints, idParam: "VpcEndpointId", wrapper: "vpcEndpointSet", apiMax: 1000,
			id: func(v ec2types.VpcEndpoint) string { return deref(v.VpcEndpointId) },
			notFound: func(id string) (string, string) {
				return "InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '" + id + "' does not exist"
			},
			filters: map[string]func(ec2types.VpcEndpoint) []string{
				"vpc-endpoint-id":    func(v ec2types.VpcEndpoint) []string { return []string{deref(v.VpcEndpointId)} },
				"vpc-id":             func(v ec2types.VpcEndpoint) []string { return []string{deref(v.VpcId)} },
				"service-name":       func(v ec2types.VpcEndpoint) []string { return []string{deref(v.ServiceName)} },
				"vpc-endpoint-type":  func(v ec2types.VpcEndpoint) []string { return []string{string(v.VpcEndpointType)} },
				"vpc-endpoint-state": func(v ec2types.VpcEndpoint) []string { return []string{string(v.State)} },
			},
		})
	case "DescribeImages":
		ec2Describe(s, c, ec2List[ec2types.Image]{
			items: r.Images, idParam: "ImageId", wrapper: "imagesSet", apiMax: 1000,
			id: func(v ec2types.Image) string { return deref(v.ImageId) },
			notFound: func(id string) (string, string) {
				return "InvalidAMIID.NotFound", "The image id '[" + id + "]' does not exist"
			},
			filters: map[string]func(ec2types.Image) []string{
				"image-id": func(v ec2types.Image) []string { return []string{deref(v.ImageId)} },
				"owner-id": func(v ec2types.Image) []string { return []string{deref(v.OwnerId)} },
			},
		})
	case "DescribeLaunchTemplateVersions":
		s.describeLaunchTemplateVersions(c, r)
	default:
		c.fail(400, "InvalidAction", "The action "+c.op+" is not valid for this web service.")
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ec2List is one Describe operation: its items, how they are asked for by
// ID (GroupId.N) and by filter, and the list element of its reply.
type ec2List[T any] struct {
	items    []T
	idParam  string
	id       func(T) string
	notFound func(id string) (code, msg string)
	filters  map[string]func(T) []string
	wrapper  string
	apiMax   int
}

func ec2Describe[T any](s *Server, c *call, l ec2List[T]) {
	ids := listParam(c.form, l.idParam)
	out := l.items
	if len(ids) > 0 {
		out = nil
		for _, id := range ids {
			i := slices.IndexFunc(l.items, func(v T) bool { return l.id(v) == id })
			if i < 0 {
				code, msg := l.notFound(id)
				c.fail(400, code, msg)
				return
			}
			out = append(out, l.items[i])
		}
	}
	for _, f := range filterParams(c.form) {
		get := l.filters[f.name]
		if get == nil {
			c.fail(400, "InvalidParameterValue", "The filter '"+f.name+"' is invalid")
			return
		}
		out = slices.DeleteFunc(slices.Clone(out), func(v T) bool {
			return !slices.ContainsFunc(get(v), func(x string) bool { return slices.Contains(f.values, x) })
		})
	}
	max, _ := strconv.Atoi(c.form.Get("MaxResults"))
	from, to, next, ok := s.page(c, len(out), c.form.Get("NextToken"), max, l.apiMax)
	if !ok {
		return
	}
	var b strings.Builder
	xmlList(&b, l.wrapper, out[from:to], ec2XML)
	if next != "" {
		xmlText(&b, "nextToken", next)
	}
	c.ec2Reply(b.String())
}

// listParam reads an ec2Query list: Name.1, Name.2, …
func listParam(form url.Values, name string) []string {
	var out []string
	for i := 1; form.Has(fmt.Sprintf("%s.%d", name, i)); i++ {
		out = append(out, form.Get(fmt.Sprintf("%s.%d", name, i)))
	}
	return out
}

type filter struct {
	name   string
	values []string
}

// filterParams reads Filter.N.Name and Filter.N.Value.M.
func filterParams(form url.Values) []filter {
	var out []filter
	for i := 1; form.Has(fmt.Sprintf("Filter.%d.Name", i)); i++ {
		out = append(out, filter{form.Get(fmt.Sprintf("Filter.%d.Name", i)), listParam(form, fmt.Sprintf("Filter.%d.Value", i))})
	}
	return out
}

// describeRegions lists the account's regions: those it has enabled, and
// with AllRegions the disabled ones too, marked not-opted-in.
func (s *Server) describeRegions(c *call) {
	s.mu.Lock()
	var names []string
	for _, r := range c.acct.snap.Regions {
		names = append(names, r.Name)
	}
	disabled := s.disabled[c.acct.snap.ID]
	for name := range disabled {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	s.mu.Unlock()
	slices.Sort(names)
	all := c.form.Get("AllRegions") == "true"
	want := listParam(c.form, "RegionName")
	var out []ec2types.Region
	for _, name := range names {
		if (disabled[name] && !all) || (len(want) > 0 && !slices.Contains(want, name)) {
			continue
		}
		status := "opt-in-not-required"
		if disabled[name] {
			status = "not-opted-in"
		}
		out = append(out, ec2types.Region{RegionName: ptr(name), Endpoint: ptr("ec2." + name + ".amazonaws.com"), OptInStatus: ptr(status)})
	}
	var b strings.Builder
	xmlList(&b, "regionInfo", out, ec2XML)
	c.ec2Reply(b.String())
}

// describeLaunchTemplateVersions serves one template's versions, by ID or
// name, with Versions ($Latest, $Default or numbers).
func (s *Server) describeLaunchTemplateVersions(c *call, r *snapshot.Region) {
	id, name := c.form.Get("LaunchTemplateId"), c.form.Get("LaunchTemplateName")
	var tmpl []ec2types.LaunchTemplateVersion
	for _, v := range r.LaunchTemplateVersions {
		if (id != "" && deref(v.LaunchTemplateId) == id) || (name != "" && deref(v.LaunchTemplateName) == name) {
			tmpl = append(tmpl, v)
		}
	}
	if len(tmpl) == 0 && (id != "" || name != "") {
		if id != "" {
			c.fail(400, "InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID "+id+", does not exist.")
		} else {
			c.fail(400, "InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with template name "+name+", does not exist.")
		}
		return
	}
	if id == "" && name == "" {
		tmpl = r.LaunchTemplateVersions
	}
	out := tmpl
	if want := listParam(c.form, "LaunchTemplateVersion"); len(want) > 0 {
		out = nil
		for _, w := range want {
			i := -1
			switch w {
			case "$Latest":
				for j, v := range tmpl {
					if i < 0 || deref64(v.VersionNumber) > deref64(tmpl[i].VersionNumber) {
						i = j
					}
				}
			case "$Default":
				i = slices.IndexFunc(tmpl, func(v ec2types.LaunchTemplateVersion) bool { return v.DefaultVersion != nil && *v.DefaultVersion })
			default:
				n, _ := strconv.ParseInt(w, 10, 64)
				i = slices.IndexFunc(tmpl, func(v ec2types.LaunchTemplateVersion) bool { return deref64(v.VersionNumber) == n })
			}
			if i < 0 {
				c.fail(400, "InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version "+w+".")
				return
			}
			out = append(out, tmpl[i])
		}
	}
	max, _ := strconv.Atoi(c.form.Get("MaxResults"))
	from, to, next, ok := s.page(c, len(out), c.form.Get("NextToken"), max, 200)
	if !ok {
		return
	}
	var b strings.Builder
	xmlList(&b, "launchTemplateVersionSet", out[from:to], ec2XML)
	if next != "" {
		xmlText(&b, "nextToken", next)
	}
	c.ec2Reply(b.String())
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

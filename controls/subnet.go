package controls

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// Subnets and VPCs of clusters: EMR301 (public subnet), EMR302 (public
// address of the primary node), EMR303 (no S3 gateway endpoint).

const urlVPC = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-clusters-in-a-vpc.html"

// EMR301 fails when the cluster's subnet is public.
var EMR301 = &control.Control{
	ID: "EMR301", Title: "Cluster runs in a public subnet", Severity: control.High,
	BestPractice: "BP 3.3", Sources: iacLiveEvent, URL: urlVPC,
	Remediation: control.Remediation{
		Text:           "Launch into a private subnet (no route to an internet gateway) with a service-access security group, a NAT gateway or VPC endpoints; `emrguard harden environment` builds one.",
		CLI:            "aws emr create-cluster ... --ec2-attributes SubnetId=subnet-PRIVATE,ServiceAccessSecurityGroup=sg-...",
		CloudFormation: "Set `Instances.Ec2SubnetId` to a subnet whose route table has no 0.0.0.0/0 route to an AWS::EC2::InternetGateway.",
		Terraform:      "Set `ec2_attributes.subnet_id` to a private subnet.",
	},
	Doc: `Cluster runs in a public subnet

In a subnet whose route table sends 0.0.0.0/0 or ::/0 to an internet gateway,
nodes with public IPs are reachable from the internet wherever a security
group allows it. A cluster that names no subnet launches into the default
VPC, whose subnets are public.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) { judgeSubnets(p, c) })
	},
}

func judgeSubnets(p *control.Pass, c *model.Cluster) {
	ids := subnetIDs(c)
	switch {
	case ids.IsUnknown():
		p.Unknownf(c.Ref, ids.At, "the cluster's subnet is unknown: %s", ids.Why)
		return
	case ids.IsAbsent() || len(ids.Val) == 0:
		p.Failf(c.Ref, c.Ref.Loc, "cluster names no subnet, so EMR launches it into the default VPC, whose subnets route to an internet gateway")
		return
	}
	for _, id := range ids.Val {
		switch v, at, why := publicSubnet(p.Evidence, id, c.Ref.Loc); v {
		case control.Failed:
			p.Failf(c.Ref, at.Or(ids.At), "%s", why)
			return
		case control.Unknown:
			p.Unknownf(c.Ref, at.Or(ids.At), "%s", why)
			return
		}
	}
	p.Passf(c.Ref, ids.At, "no route table of the cluster's subnets sends 0.0.0.0/0 or ::/0 to an internet gateway")
}

// EMR302 fails when the primary node has a public address.
var EMR302 = &control.Control{
	ID: "EMR302", Title: "Primary node has a public IP address", Severity: control.High,
	BestPractice: "BP 3.3", Sources: control.Live, URL: urlVPC,
	Remediation: control.Remediation{
		Text:           "Relaunch the cluster in a private subnet; reach it through SSM, a bastion or a VPN.",
		CLI:            "aws emr list-instances --cluster-id j-... --instance-group-types MASTER",
		CloudFormation: "Use a private subnet for `Instances.Ec2SubnetId`.",
		Terraform:      "Use a private subnet for `ec2_attributes.subnet_id`.",
	},
	Doc: `Primary node has a public IP address

A public IP on the primary node makes its web UIs and SSH reachable from the
internet as soon as a security group rule allows it. The evidence is the
primary group's or fleet's instances (ListInstances: PublicIpAddress,
PublicDnsName), not the cluster's MasterPublicDnsName, which names a private
host in a private subnet.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) {
			if ended(p, c) {
				return
			}
			nodes := c.PrimaryNodes
			switch {
			case nodes.IsUnknown():
				p.Unknownf(c.Ref, nodes.At, "the primary node's instances are unknown: %s", nodes.Why)
				return
			case nodes.IsAbsent():
				p.Unknownf(c.Ref, c.Ref.Loc, "the primary node's instances were not listed")
				return
			case len(nodes.Val) == 0:
				p.Unknownf(c.Ref, nodes.At, "no primary node is listed (state %s)", c.State.Get("unknown"))
				return
			}
			var public []string
			for _, n := range nodes.Val {
				switch {
				case n.PublicIP != "" && n.PublicDNS != "":
					public = append(public, fmt.Sprintf("%s has public IP %s (%s)", n.InstanceID, n.PublicIP, n.PublicDNS))
				case n.PublicIP != "":
					public = append(public, fmt.Sprintf("%s has public IP %s", n.InstanceID, n.PublicIP))
				case n.PublicDNS != "":
					public = append(public, fmt.Sprintf("%s has public DNS name %s", n.InstanceID, n.PublicDNS))
				}
			}
			if len(public) > 0 {
				p.Failf(c.Ref, nodes.At, "primary node %s", strings.Join(public, "; "))
				return
			}
			p.Passf(c.Ref, nodes.At, "no primary node has a public IP address or DNS name (%d listed)", len(nodes.Val))
		})
	},
}

// EMR303 fails when the cluster's VPC has no S3 endpoint.
var EMR303 = &control.Control{
	ID: "EMR303", Title: "Cluster VPC has no S3 endpoint", Severity: control.Low,
	BestPractice: "BP 3.3", Sources: control.IaC | control.Live, URL: urlVPC,
	Remediation: control.Remediation{
		Text:           "Add an S3 gateway endpoint to the route tables of the cluster subnets (`emrguard harden environment` includes one).",
		CLI:            "aws ec2 create-vpc-endpoint --vpc-id vpc-... --service-name com.amazonaws.REGION.s3 --route-table-ids rtb-...",
		CloudFormation: "Add an AWS::EC2::VPCEndpoint for `com.amazonaws.${AWS::Region}.s3` with the subnets' route tables.",
		Terraform:      "Add aws_vpc_endpoint with `service_name = \"com.amazonaws.<region>.s3\"` and the route table IDs.",
	},
	Doc: `Cluster VPC has no S3 endpoint

Without an S3 endpoint, EMRFS traffic leaves the VPC through a NAT gateway or
the internet, outside endpoint policies and at NAT cost. The VPC is the one
of the cluster's subnets, else of its security groups; a VPC the inputs do
not define may have endpoints they do not show (unknown).`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) { judgeS3Endpoint(p, c) })
	},
}

// s3Service matches the S3 endpoint service names: com.amazonaws.REGION.s3
// (REGION may be a placeholder such as ${AWS::Region}).
var s3Service = regexp.MustCompile(`^(com|cn\.com)\.amazonaws\.[^.]+\.s3$`)

func judgeS3Endpoint(p *control.Pass, c *model.Cluster) {
	vpc, at, why := clusterVPC(p, c)
	if why != "" {
		p.Unknownf(c.Ref, at, "the cluster's VPC is unknown: %s", why)
		return
	}
	for _, ep := range p.Evidence.VPCEndpointsOf(vpc, c.Ref.Loc) {
		switch n := ep.ServiceName; {
		case n.IsUnknown():
			p.Unknownf(c.Ref, n.At.Or(ep.Ref.Loc), "the service of VPC endpoint %s is unknown: %s", ep.Ref.ID, n.Why)
			return
		case n.IsSet() && s3Service.MatchString(n.Val):
			p.Passf(c.Ref, n.At.Or(ep.Ref.Loc), "VPC %s has S3 endpoint %s", vpc, ep.Ref.ID)
			return
		}
	}
	v, ok := p.Evidence.VPC(vpc, c.Ref.Loc)
	if !ok || !v.EndpointsComplete.Get(false) {
		p.Unknownf(c.Ref, at, "VPC %s is not defined in the scanned inputs, so its endpoints are unknown", vpc)
		return
	}
	p.Failf(c.Ref, at, "VPC %s has no S3 gateway or interface endpoint, so S3 traffic leaves through a NAT gateway or the internet", vpc)
}

// subnetIDs are the subnets a cluster names. An empty ID names none: the
// Terraform provider sends Ec2SubnetId "" for ec2_attributes without a
// subnet_id (a RunJobFlow event records it), and EMR launches such a
// cluster as one that names no subnet; modules pass "" for "none".
func subnetIDs(c *model.Cluster) model.Field[[]string] {
	ids := c.SubnetIDs
	if !ids.IsSet() || !slices.Contains(ids.Val, "") {
		return ids
	}
	ids.Val = slices.DeleteFunc(slices.Clone(ids.Val), func(id string) bool { return id == "" })
	return ids
}

// clusterVPC returns the VPC of the cluster's first subnet, else of its
// first security group that says.
func clusterVPC(p *control.Pass, c *model.Cluster) (vpc string, at model.Loc, why string) {
	if ids := subnetIDs(c); ids.IsSet() && len(ids.Val) > 0 {
		if s, ok := p.Evidence.Subnet(ids.Val[0], c.Ref.Loc); ok {
			if s.VPCID.IsSet() {
				return s.VPCID.Val, ids.At, ""
			}
			if s.VPCID.IsUnknown() {
				return "", ids.At, s.VPCID.Why
			}
		}
	}
	for _, g := range c.AllGroups() {
		if !g.IsSet() {
			continue
		}
		if sg := p.Evidence.SecurityGroup(g.Val, c.Ref.Loc); sg != nil && sg.VPCID.IsSet() {
			return sg.VPCID.Val, c.SubnetIDs.At.Or(g.At), ""
		}
	}
	switch ids := subnetIDs(c); {
	case ids.IsUnknown():
		return "", ids.At, ids.Why
	case ids.IsSet() && len(ids.Val) > 0:
		return "", ids.At, fmt.Sprintf("subnet %q is not in the scanned inputs", ids.Val[0])
	}
	return "", c.Ref.Loc, "the cluster names no subnet and no security group whose VPC is known"
}

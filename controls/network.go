package controls

import (
	"fmt"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

const (
	urlBPA = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-block-public-access.html"
	urlSG  = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-security-groups.html"
	urlVPC = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-clusters-in-a-vpc.html"
)

// EMR201 fails when EMR block public access is disabled.
var EMR201 = &control.Control{
	ID: "EMR201", Title: "EMR block public access is disabled", Severity: control.High,
	BestPractice: "BP 3.2", Sources: control.IaC | control.Live, URL: urlBPA,
	Remediation: control.Remediation{
		Text:           "Turn block public access on in every region, allowing at most port 22 as an exception.",
		CLI:            `aws emr put-block-public-access-configuration --block-public-access-configuration '{"BlockPublicSecurityGroupRules":true,"PermittedPublicSecurityGroupRuleRanges":[{"MinRange":22,"MaxRange":22}]}'`,
		CloudFormation: "CloudFormation has no resource for EMR block public access; set it with the CLI or Terraform in each region.",
		Terraform:      "aws_emr_block_public_access_configuration with `block_public_security_group_rules = true`.",
	},
	Doc: `EMR block public access is disabled

Block public access refuses to launch clusters whose security groups allow
public ingress on ports that are not permitted exceptions. Accounts that used
EMR before July 2019 have it off by default.`,
}

// EMR202 fails when block public access permits more than port 22.
var EMR202 = &control.Control{
	ID: "EMR202", Title: "Block public access permits public ports other than 22", Severity: control.Medium,
	BestPractice: "BP 3.2", Sources: control.IaC | control.Live, URL: urlBPA,
	Remediation: control.Remediation{
		Text:           "Keep `PermittedPublicSecurityGroupRuleRanges` to single ports you need, ideally none or only 22.",
		CLI:            `aws emr put-block-public-access-configuration --block-public-access-configuration '{"BlockPublicSecurityGroupRules":true,"PermittedPublicSecurityGroupRuleRanges":[]}'`,
		CloudFormation: "Set it with the CLI or Terraform: CloudFormation has no resource for it.",
		Terraform:      "Remove extra `permitted_public_security_group_rule_range` blocks.",
	},
	Doc: `Block public access permits public ports other than 22

Every permitted range is a port that may be opened to the internet on any
cluster of the region.`,
}

// EMR203 fails when a cluster security group allows ingress from anywhere.
var EMR203 = &control.Control{
	ID: "EMR203", Title: "A cluster security group allows ingress from the internet", Severity: control.High,
	BestPractice: "BP 3.2", Sources: control.IaC | control.Live, URL: urlSG,
	Remediation: control.Remediation{
		Text:           "Replace 0.0.0.0/0 and ::/0 sources with the CIDRs or security groups that need access; reach web UIs through SSM port forwarding or a proxy.",
		CLI:            "aws ec2 revoke-security-group-ingress --group-id sg-... --protocol tcp --port 8443 --cidr 0.0.0.0/0",
		CloudFormation: "Narrow `CidrIp`/`CidrIpv6` of the SecurityGroupIngress entries of groups attached to the cluster.",
		Terraform:      "Narrow `cidr_blocks`/`ipv6_cidr_blocks` of the group's ingress rules.",
	},
	Doc: `A cluster security group allows ingress from the internet

A rule open to 0.0.0.0/0 or ::/0 on a master, core/task or service-access group
exposes cluster services (YARN, Spark UI, Livy, SSH) to the internet.`,
}

// EMR204 fails when SSH from anywhere is possible on the primary node.
var EMR204 = &control.Control{
	ID: "EMR204", Title: "SSH to the primary node is open to any source", Severity: control.Medium,
	BestPractice: "BP 3.2", Sources: iacLiveEvent, URL: urlSG,
	Remediation: control.Remediation{
		Text:           "Launch without an EC2 key pair and use SSM Session Manager, or restrict port 22 on the master groups to known CIDRs.",
		CLI:            "aws emr create-cluster ... --ec2-attributes SubnetId=subnet-...,InstanceProfile=...  # no KeyName",
		CloudFormation: "Remove `Instances.Ec2KeyName`, or narrow the port 22 rules of the master security groups.",
		Terraform:      "Remove `ec2_attributes.key_name`, or narrow the port 22 rules of the master security groups.",
	},
	Doc: `SSH to the primary node is open to any source

With a key pair set and port 22 open to 0.0.0.0/0 or ::/0 on a master group,
anyone holding the key can log in as hadoop from anywhere, and the port is
brute-forced continuously.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) { judgeSSH(p, c) })
	},
}

func judgeSSH(p *control.Pass, c *model.Cluster) {
	key := c.KeyName
	switch {
	case key.IsUnknown():
		p.Unknownf(c.Ref, key.At, "EC2 key pair is unknown: %s", key.Why)
		return
	case key.IsAbsent():
		p.Passf(c.Ref, c.Ref.Loc, "no EC2 key pair is set, so nobody can log in over SSH")
		return
	}
	groups := c.MasterGroups()
	if len(groups) == 0 {
		p.Unknownf(c.Ref, key.At, "key pair %q is set and EMR creates the master security group (ElasticMapReduce-master); its rules are not in the inputs", key.Val)
		return
	}
	var missing []string
	for _, g := range groups {
		if g.IsUnknown() {
			p.Unknownf(c.Ref, g.At, "key pair %q is set and a master security group is unknown: %s", key.Val, g.Why)
			return
		}
		sg := p.Evidence.SecurityGroup(g.Val, c.Ref.Loc)
		if sg == nil {
			missing = append(missing, g.Val)
			continue
		}
		for _, r := range sg.Ingress {
			open, ok := openTo(r, 22)
			if !ok {
				p.Unknownf(c.Ref, r.At, "key pair %q is set and a rule of %s cannot be read", key.Val, g.Val)
				return
			}
			if open {
				p.Failf(c.Ref, r.At, "key pair %q is set and %s allows SSH (port 22) from %s", key.Val, g.Val, r.CIDR.Val)
				return
			}
		}
		if sg.IngressComplete.IsUnknown() {
			p.Unknownf(c.Ref, sg.IngressComplete.At, "key pair %q is set and some rules of %s cannot be read: %s", key.Val, g.Val, sg.IngressComplete.Why)
			return
		}
	}
	if len(missing) > 0 {
		p.Unknownf(c.Ref, key.At, "key pair %q is set and master security group %s is not in the scanned inputs", key.Val, joinQuoted(missing))
		return
	}
	p.Passf(c.Ref, key.At, "key pair %q is set but no master security group allows port 22 from any source", key.Val)
}

// openTo reports whether r admits the internet (0.0.0.0/0 or ::/0) on tcp
// port; ok is false when the rule's source or ports are unknown.
func openTo(r model.Rule, port int) (open, ok bool) {
	if r.CIDR.IsUnknown() {
		return false, false
	}
	if !r.CIDR.IsSet() || (r.CIDR.Val != "0.0.0.0/0" && r.CIDR.Val != "::/0") {
		return false, true
	}
	return r.Covers(port)
}

func joinQuoted(ids []string) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q", id)
	}
	return s
}

// EMR205 fails when a cluster group allows wide ingress.
var EMR205 = &control.Control{
	ID: "EMR205", Title: "A cluster security group allows ingress from a wide range", Severity: control.Low,
	BestPractice: "BP 3.2", Sources: control.IaC | control.Live, URL: urlSG,
	Remediation: control.Remediation{
		Text:           "Narrow sources to /16 (IPv4) or /48 (IPv6) or smaller, and open only the ports a client needs.",
		CLI:            "aws ec2 revoke-security-group-ingress --group-id sg-... --ip-permissions ...",
		CloudFormation: "Narrow the SecurityGroupIngress entries of groups attached to the cluster.",
		Terraform:      "Narrow the ingress rules of groups attached to the cluster.",
	},
	Doc: `A cluster security group allows ingress from a wide range

A source wider than a /16 or /48, or all ports open to another network, lets
far more hosts reach cluster services than any client population needs.`,
}

// EMR301 fails when the cluster's subnet is public.
var EMR301 = &control.Control{
	ID: "EMR301", Title: "Cluster runs in a public subnet", Severity: control.High,
	BestPractice: "BP 3.3", Sources: iacLiveEvent, URL: urlVPC,
	Remediation: control.Remediation{
		Text:           "Launch into a private subnet (no route to an internet gateway) with a service-access security group, a NAT gateway or VPC endpoints.",
		CLI:            "aws emr create-cluster ... --ec2-attributes SubnetId=subnet-PRIVATE,ServiceAccessSecurityGroup=sg-...",
		CloudFormation: "Set `Instances.Ec2SubnetId` to a subnet whose route table has no 0.0.0.0/0 route to an AWS::EC2::InternetGateway.",
		Terraform:      "Set `ec2_attributes.subnet_id` to a private subnet.",
	},
	Doc: `Cluster runs in a public subnet

In a subnet whose route table sends 0.0.0.0/0 or ::/0 to an internet gateway,
nodes with public IPs are reachable from the internet wherever a security
group allows it.`,
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
internet as soon as a security group rule allows it.`,
}

// EMR303 fails when the cluster's VPC has no S3 endpoint.
var EMR303 = &control.Control{
	ID: "EMR303", Title: "Cluster VPC has no S3 endpoint", Severity: control.Low,
	BestPractice: "BP 3.3", Sources: control.IaC | control.Live, URL: urlVPC,
	Remediation: control.Remediation{
		Text:           "Add an S3 gateway endpoint to the route tables of the cluster subnets.",
		CLI:            "aws ec2 create-vpc-endpoint --vpc-id vpc-... --service-name com.amazonaws.REGION.s3 --route-table-ids rtb-...",
		CloudFormation: "Add an AWS::EC2::VPCEndpoint for `com.amazonaws.${AWS::Region}.s3` with the subnets' route tables.",
		Terraform:      "Add aws_vpc_endpoint with `service_name = \"com.amazonaws.<region>.s3\"` and the route table IDs.",
	},
	Doc: `Cluster VPC has no S3 endpoint

Without an S3 endpoint, EMRFS traffic leaves the VPC through a NAT gateway or
the internet, outside endpoint policies and at NAT cost.`,
}

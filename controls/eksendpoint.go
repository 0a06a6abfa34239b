package controls

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// EKS201 fails when a managed endpoint is public.
var EKS201 = &control.Control{
	Run: runEKS201,
	ID:  "EKS201", Title: "Managed endpoint is exposed to the internet", Severity: control.High,
	BestPractice: "EKS", Sources: control.Live | control.Event, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Recreate the endpoint with an internal load balancer in private subnets.",
		CLI:            "aws emr-containers create-managed-endpoint ... --configuration-overrides '{\"applicationConfiguration\":[...]}'",
		CloudFormation: "Recreate AWS::EMRContainers::Endpoint in private subnets.",
		Terraform:      "Recreate the endpoint in private subnets.",
	},
	Doc: `Managed endpoint is exposed to the internet

An interactive endpoint in a public subnet or behind an internet-facing load
balancer lets anyone on the internet reach the Jupyter Enterprise Gateway.

What is judged: the endpoint's subnets (subnetIds), each through its route
table (or its VPC's main table), exactly as EMR301 judges a cluster's: one
that sends 0.0.0.0/0 or ::/0 to an internet gateway fails the endpoint.
What is not seen: the load balancer's scheme. The EMR on EKS API returns
neither the load balancer nor its scheme (serverUrl is the endpoint's
address, configurationOverrides the Spark and Jupyter settings), so an
internet-facing balancer is seen only through the public subnet it needs.
A subnet or route table not among the evidence makes the verdict unknown.`,
}

// runEKS201 judges each managed endpoint by the subnets it sits in: a
// subnet that routes to an internet gateway fails it, whatever the other
// subnets are; a subnet that cannot be followed makes it unknown.
func runEKS201(p *control.Pass) {
	for _, me := range p.Evidence.ManagedEndpoints {
		ids := me.SubnetIDs
		at := ids.At.Or(me.Ref.Loc)
		switch {
		case ids.IsUnknown():
			p.Unknownf(me.Ref, at, "managed endpoint %s: its subnets are unknown: %s", me.Ref.ID, ids.Why)
			continue
		case !ids.IsSet() || len(ids.Val) == 0:
			p.Unknownf(me.Ref, at, "managed endpoint %s: the evidence does not show its subnets", me.Ref.ID)
			continue
		}
		failed := false
		unknownAt, unknown := model.Loc{}, ""
		for _, id := range ids.Val {
			switch v, where, why := publicSubnet(p.Evidence, id, me.Ref.Loc); v {
			case control.Failed:
				p.Failf(me.Ref, where.Or(at), "managed endpoint %s (and its load balancer) is in a public subnet: %s", me.Ref.ID, why)
				failed = true
			case control.Unknown:
				if unknown == "" {
					unknownAt, unknown = where.Or(at), why
				}
			}
			if failed {
				break
			}
		}
		switch {
		case failed:
		case unknown != "":
			p.Unknownf(me.Ref, unknownAt, "managed endpoint %s: %s", me.Ref.ID, unknown)
		default:
			p.Passf(me.Ref, at, "managed endpoint %s is only in private subnets (%s): no route to an internet gateway", me.Ref.ID, strings.Join(ids.Val, ", "))
		}
	}
}

// EKS202 fails when a managed endpoint's security group allows ingress from anywhere.
var EKS202 = &control.Control{
	Run: runEKS202,
	ID:  "EKS202", Title: "Managed endpoint security group allows ingress from the internet", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Restrict the endpoint's security group to the CIDRs of EMR Studio or your clients.",
		CLI:            "aws ec2 revoke-security-group-ingress --group-id sg-... --protocol tcp --port 18888 --cidr 0.0.0.0/0",
		CloudFormation: "Narrow the SecurityGroupIngress of the endpoint's group.",
		Terraform:      "Narrow the ingress of the endpoint's group.",
	},
	Doc: `Managed endpoint security group allows ingress from the internet

The endpoint's group guards an interactive Spark gateway; 0.0.0.0/0 lets anyone
try it. The group is the endpoint's securityGroup (describe-managed-endpoint,
or a live scan), judged as EMR203 judges a cluster's groups; a group not
among the inputs makes the verdict unknown.`,
}

// runEKS202 judges each managed endpoint by the ingress rules of its
// security group, as EMR203 judges a cluster's groups.
func runEKS202(p *control.Pass) {
	for _, me := range p.Evidence.ManagedEndpoints {
		g := me.SecurityGroup
		at := g.At.Or(me.Ref.Loc)
		switch {
		case g.IsUnknown():
			p.Unknownf(me.Ref, at, "managed endpoint %s: its security group is unknown: %s", me.Ref.ID, g.Why)
			continue
		case !g.IsSet():
			p.Unknownf(me.Ref, at, "managed endpoint %s: the evidence does not show its security group", me.Ref.ID)
			continue
		}
		sg := p.Evidence.SecurityGroup(g.Val, me.Ref.Loc)
		if sg == nil {
			p.Unknownf(me.Ref, at, "managed endpoint %s: security group %q is not in the scanned inputs", me.Ref.ID, g.Val)
			continue
		}
		open, unknown := internetRules(sg)
		switch {
		case len(open) > 0:
			r := open[0]
			more := ""
			if len(open) > 1 {
				more = fmt.Sprintf(" (and %d more rules)", len(open)-1)
			}
			p.Failf(me.Ref, r.At.Or(sg.Ref.Loc), "managed endpoint %s: security group %s allows %s from %s%s", me.Ref.ID, g.Val, ports(r), r.CIDR.Val, more)
		case unknown != nil:
			p.Unknownf(me.Ref, unknown.At.Or(sg.Ref.Loc), "managed endpoint %s: a rule's source of security group %s is unknown: %s", me.Ref.ID, g.Val, unknown.CIDR.Why)
		case sg.IngressComplete.IsUnknown():
			p.Unknownf(me.Ref, sg.IngressComplete.At.Or(sg.Ref.Loc), "managed endpoint %s: some rules of security group %s are unknown: %s", me.Ref.ID, g.Val, sg.IngressComplete.Why)
		default:
			p.Passf(me.Ref, at, "managed endpoint %s: no rule of security group %s allows ingress from 0.0.0.0/0 or ::/0", me.Ref.ID, g.Val)
		}
	}
}

package controls

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

const (
	urlBPA = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-block-public-access.html"
	urlSG  = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-security-groups.html"
)

// EMR201 fails when EMR block public access is disabled.
var EMR201 = &control.Control{
	ID: "EMR201", Title: "EMR block public access is disabled", Severity: control.High,
	BestPractice: "BP 3.2", Sources: control.IaC | control.Live | control.Event, URL: urlBPA,
	Remediation: control.Remediation{
		Text:           "Turn block public access on in every region, allowing at most port 22 as an exception (`emrguard harden environment --as terraform` includes it; `emrguard harden fix` turns a Terraform setting on).",
		CLI:            `aws emr put-block-public-access-configuration --block-public-access-configuration '{"BlockPublicSecurityGroupRules":true,"PermittedPublicSecurityGroupRuleRanges":[{"MinRange":22,"MaxRange":22}]}'`,
		CloudFormation: "CloudFormation has no resource for EMR block public access; set it with the CLI or Terraform in each region.",
		Terraform:      "aws_emr_block_public_access_configuration with `block_public_security_group_rules = true`.",
	},
	Doc: `EMR block public access is disabled

Block public access refuses to launch clusters whose security groups allow
public ingress on ports that are not permitted exceptions. Accounts that used
EMR before July 2019 have it off by default.

Judged per block public access setting the inputs hold (Terraform's
aws_emr_block_public_access_configuration, the live account and region,
or a PutBlockPublicAccessConfiguration event's request); CloudFormation
has no resource for it.`,
	Run: func(p *control.Pass) {
		for _, b := range p.Evidence.BlockPublicAccess {
			at := b.Block.At.Or(b.Ref.Loc)
			switch {
			case b.Block.IsUnknown():
				p.Unknownf(b.Ref, at, "whether block public access is on is unknown: %s", b.Block.Why)
			case b.Block.IsAbsent():
				p.Unknownf(b.Ref, at, "the setting does not say whether public security group rules are blocked")
			case !b.Block.Val:
				p.Failf(b.Ref, at, "block public access is off (block_public_security_group_rules = false): clusters with security groups open to the internet can launch")
			default:
				p.Passf(b.Ref, at, "block public access is on")
			}
		}
	},
}

// EMR202 fails when block public access permits more than port 22.
var EMR202 = &control.Control{
	ID: "EMR202", Title: "Block public access permits public ports other than 22", Severity: control.Medium,
	BestPractice: "BP 3.2", Sources: control.IaC | control.Live | control.Event, URL: urlBPA,
	Remediation: control.Remediation{
		Text:           "Keep `PermittedPublicSecurityGroupRuleRanges` to single ports you need, ideally none or only 22.",
		CLI:            `aws emr put-block-public-access-configuration --block-public-access-configuration '{"BlockPublicSecurityGroupRules":true,"PermittedPublicSecurityGroupRuleRanges":[]}'`,
		CloudFormation: "Set it with the CLI or Terraform: CloudFormation has no resource for it.",
		Terraform:      "Remove extra `permitted_public_security_group_rule_range` blocks.",
	},
	Doc: `Block public access permits public ports other than 22

Every permitted range is a port that may be opened to the internet on any
cluster of the region. A range wider than one port, or any port but 22,
fails; one result per block public access setting, at the first range
that fails.

The permitted ranges are exceptions to block public access, so they mean
something only while it is on. When it is off every port may be public:
EMR201, which judges the setting itself, fails, and this control is n/a
(never a pass). When whether it is on is unknown, so is this control.`,
	Run: func(p *control.Pass) {
		for _, b := range p.Evidence.BlockPublicAccess {
			at := b.Block.At.Or(b.Ref.Loc)
			switch {
			case b.Block.IsUnknown():
				p.Unknownf(b.Ref, at, "whether block public access is on, and so whether its permitted ranges apply, is unknown: %s", b.Block.Why)
				continue
			case b.Block.IsAbsent():
				p.Unknownf(b.Ref, at, "the setting does not say whether public security group rules are blocked, so whether its permitted ranges apply is unknown")
				continue
			case !b.Block.Val:
				p.NAf(b.Ref, at, "block public access is off, so no permitted range applies: every port may be opened to the internet (EMR201)")
				continue
			}
			var bad []string
			var badAt model.Loc
			unknown := ""
			var unknownAt model.Loc
			for _, r := range b.Permitted {
				switch {
				case r.Min.IsUnknown() || r.Max.IsUnknown():
					if unknown == "" {
						unknown, unknownAt = r.Min.Why+r.Max.Why, r.At
						if r.Min.IsUnknown() && r.Max.IsUnknown() && r.Min.Why == r.Max.Why {
							unknown = r.Min.Why
						}
					}
				case !r.Min.IsSet() || !r.Max.IsSet():
					if unknown == "" {
						unknown, unknownAt = "a permitted range lacks min_range or max_range", r.At
					}
				case r.Min.Val != 22 || r.Max.Val != 22:
					if len(bad) == 0 {
						badAt = r.At
					}
					if r.Min.Val == r.Max.Val {
						bad = append(bad, fmt.Sprintf("port %d", r.Min.Val))
					} else {
						bad = append(bad, fmt.Sprintf("ports %d-%d", r.Min.Val, r.Max.Val))
					}
				}
			}
			switch {
			case len(bad) > 0:
				p.Failf(b.Ref, badAt, "block public access permits public ingress on %s", strings.Join(bad, ", "))
			case unknown != "":
				p.Unknownf(b.Ref, unknownAt, "a permitted port range is unknown: %s", unknown)
			case len(b.Permitted) == 0:
				p.Passf(b.Ref, b.Ref.Loc, "block public access permits no public port")
			default:
				p.Passf(b.Ref, b.Permitted[0].At, "block public access permits only port 22")
			}
		}
	},
}

// EMR203 fails when a cluster security group allows ingress from anywhere.
var EMR203 = &control.Control{
	ID: "EMR203", Title: "A cluster security group allows ingress from the internet", Severity: control.High,
	BestPractice: "BP 3.2", Sources: control.IaC | control.Live, URL: urlSG,
	Remediation: control.Remediation{
		Text:           "Replace 0.0.0.0/0 and ::/0 sources with the CIDRs or security groups that need access; reach web UIs through SSM port forwarding or a proxy. `emrguard harden fix` removes a rule that opens only port 22.",
		CLI:            "aws ec2 revoke-security-group-ingress --group-id sg-... --protocol tcp --port 8443 --cidr 0.0.0.0/0",
		CloudFormation: "Narrow `CidrIp`/`CidrIpv6` of the SecurityGroupIngress entries of groups attached to the cluster.",
		Terraform:      "Narrow `cidr_blocks`/`ipv6_cidr_blocks` of the group's ingress rules.",
	},
	Doc: `A cluster security group allows ingress from the internet

A rule open to 0.0.0.0/0 or ::/0 on a master, core/task or service-access group
exposes cluster services (YARN, Spark UI, Livy, SSH) to the internet.
Only groups attached to a cluster are judged: an open load-balancer group
elsewhere in the same template is not an EMR finding.`,
	Run: func(p *control.Pass) {
		attachedGroups(p, func(sg *model.SecurityGroup, clusters string) {
			// A rule known to be open fails the group even when another
			// rule's source is unknown; only without one is it unknown.
			open, unknown := internetRules(sg)
			for _, r := range open {
				p.On(ruleSubject(r)).Failf(sg.Ref, r.At, "security group %s (attached to %s) allows %s from %s", sg.Ref.ID, clusters, ports(r), r.CIDR.Val)
			}
			switch {
			case len(open) > 0:
			case unknown != nil:
				p.Unknownf(sg.Ref, unknown.At, "a rule's source of %s (attached to %s) is unknown: %s", sg.Ref.ID, clusters, unknown.CIDR.Why)
			case sg.IngressComplete.IsUnknown():
				p.Unknownf(sg.Ref, sg.IngressComplete.At.Or(sg.Ref.Loc), "some rules of %s (attached to %s) are unknown: %s", sg.Ref.ID, clusters, sg.IngressComplete.Why)
			default:
				p.Passf(sg.Ref, sg.Ref.Loc, "no rule of %s (attached to %s) allows ingress from 0.0.0.0/0 or ::/0", sg.Ref.ID, clusters)
			}
		})
	},
}

// attachedGroups runs judge once on each security group attached to a
// cluster (EMR-managed, additional or service access), naming the clusters
// it is attached to. A cluster whose groups are unknown, not among the
// inputs, or created by EMR itself gets Unknown. Groups attached to no
// cluster are not judged.
func attachedGroups(p *control.Pass, judge func(sg *model.SecurityGroup, clusters string)) {
	a := clusterGroups(p.Evidence)
	for _, u := range a.unknown {
		p.On(u.group).Unknownf(u.cluster.Ref, u.at, "%s", u.why)
	}
	for i, sg := range a.order {
		judge(sg, a.users[i])
	}
}

// attachment is what the security group controls judge: the groups
// attached to clusters, in order, each with the clusters using it
// ("cluster a, b"), and the clusters whose groups cannot be followed.
type attachment struct {
	order   []*model.SecurityGroup
	users   []string
	unknown []unfollowed
}

type unfollowed struct {
	cluster *model.Cluster
	at      model.Loc
	why     string
	group   string // the result's subject: the group that cannot be followed
}

// clusterGroups returns the attachment of ev's groups; three controls ask
// for it, so it is built once per evidence.
func clusterGroups(ev *model.Evidence) *attachment { return attachmentView.Of(ev) }

var attachmentView = model.NewView(buildAttachment)

func buildAttachment(ev *model.Evidence) *attachment {
	a := &attachment{}
	index := map[*model.SecurityGroup]int{}
	var users [][]string
	for _, c := range ev.Clusters {
		gs := c.AllGroups()
		if len(gs) == 0 {
			a.unknown = append(a.unknown, unfollowed{c, c.Ref.Loc, "cluster names no security groups, so EMR creates ElasticMapReduce-master and -slave; their rules are not in the inputs", ""})
			continue
		}
		for _, g := range gs {
			if g.IsUnknown() {
				a.unknown = append(a.unknown, unfollowed{c, g.At, "a security group of the cluster is unknown: " + g.Why, "unknown security group"})
				continue
			}
			sg := ev.SecurityGroup(g.Val, c.Ref.Loc)
			if sg == nil {
				a.unknown = append(a.unknown, unfollowed{c, g.At, fmt.Sprintf("security group %q of the cluster is not in the scanned inputs", g.Val), "security group " + g.Val})
				continue
			}
			i, seen := index[sg]
			if !seen {
				i = len(a.order)
				index[sg] = i
				a.order = append(a.order, sg)
				users = append(users, nil)
			}
			if !slices.Contains(users[i], c.Ref.ID) {
				users[i] = append(users[i], c.Ref.ID)
			}
		}
	}
	a.users = make([]string, len(users))
	for i, ids := range users {
		a.users[i] = "cluster " + strings.Join(ids, ", ")
	}
	return a
}

// ruleSubject names an ingress rule as a result's subject (Pass.On):
// what it opens and to whom, e.g. "ingress tcp port 22 from 0.0.0.0/0",
// read from the rule, never its position.
func ruleSubject(r model.Rule) string {
	from := r.CIDR.Get("")
	switch {
	case r.Self:
		from = "self"
	case from != "":
	case r.PrefixList.IsSet():
		from = "prefix list " + r.PrefixList.Val
	case r.SourceGroup.IsSet():
		from = "security group " + r.SourceGroup.Val
	default:
		from = "an unknown source"
	}
	return "ingress " + ports(r) + " from " + from
}

// ports describes what a rule opens: "all traffic", "port 22", "ports 0-65535".
func ports(r model.Rule) string {
	if r.AllPorts() {
		return "all traffic"
	}
	proto := r.Protocol.Get("?")
	switch proto {
	case "6":
		proto = "tcp"
	case "17":
		proto = "udp"
	}
	from, to := r.FromPort, r.ToPort
	switch {
	case from.IsSet() && to.IsSet() && from.Val == to.Val:
		return fmt.Sprintf("%s port %d", proto, from.Val)
	case from.IsSet() && to.IsSet():
		return fmt.Sprintf("%s ports %d-%d", proto, from.Val, to.Val)
	}
	return proto + " traffic"
}

// EMR204 fails when SSH from anywhere is possible on the primary node.
var EMR204 = &control.Control{
	ID: "EMR204", Title: "SSH to the primary node is open to any source", Severity: control.Medium,
	BestPractice: "BP 3.2", Sources: iacLiveEvent, URL: urlSG,
	Remediation: control.Remediation{
		Text:           "Launch without an EC2 key pair and use SSM Session Manager, or restrict port 22 on the master groups to known CIDRs. `emrguard harden fix` removes a rule opening port 22 to the internet; `emrguard harden environment` builds a cluster reached by Session Manager.",
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
	key := shown(c.KeyName) // "${Env}-emr" is a key pair all the same
	if key.IsAbsent() {
		p.Passf(c.Ref, c.Ref.Loc, "no EC2 key pair is set, so nobody can log in over SSH")
		return
	}
	// An unknown key pair still passes when no master group lets port 22
	// in from anywhere: the verdict is the same with or without a key.
	lead := fmt.Sprintf("key pair %q is set", key.Val)
	if key.IsUnknown() {
		lead = "the EC2 key pair is unknown (" + key.Why + ")"
	}
	groups := c.MasterGroups()
	if len(groups) == 0 {
		if key.IsUnknown() {
			p.Unknownf(c.Ref, key.At, "EC2 key pair is unknown: %s", key.Why)
			return
		}
		p.Unknownf(c.Ref, key.At, "%s and EMR creates the master security group (ElasticMapReduce-master); its rules are not in the inputs", lead)
		return
	}
	// An open rule fails the cluster whatever else is unknown; only
	// without one does an unknown group or rule make the verdict unknown.
	var missing []string
	unknownAt, unknownWhy := model.Loc{}, ""
	unknown := func(at model.Loc, format string, args ...any) {
		if unknownWhy == "" {
			unknownAt, unknownWhy = at, fmt.Sprintf(format, args...)
		}
	}
	for _, g := range groups {
		if g.IsUnknown() {
			unknown(g.At, "%s and a master security group is unknown: %s", lead, g.Why)
			continue
		}
		sg := p.Evidence.SecurityGroup(g.Val, c.Ref.Loc)
		if sg == nil {
			missing = append(missing, g.Val)
			continue
		}
		for _, r := range sg.Ingress {
			open, ok := openTo(r, 22)
			if !ok {
				unknown(r.At, "%s and a rule of %s cannot be read", lead, g.Val)
				continue
			}
			if open && key.IsUnknown() {
				p.Unknownf(c.Ref, r.At, "%s allows SSH (port 22) from %s, and the EC2 key pair is unknown: %s", g.Val, r.CIDR.Val, key.Why)
				return
			}
			if open {
				p.Failf(c.Ref, r.At, "%s and %s allows SSH (port 22) from %s", lead, g.Val, r.CIDR.Val)
				return
			}
		}
		if sg.IngressComplete.IsUnknown() {
			unknown(sg.IngressComplete.At, "%s and some rules of %s cannot be read: %s", lead, g.Val, sg.IngressComplete.Why)
		}
	}
	switch {
	case unknownWhy != "":
		p.Unknownf(c.Ref, unknownAt, "%s", unknownWhy)
	case len(missing) > 0:
		p.Unknownf(c.Ref, key.At, "%s and master security group %s is not in the scanned inputs", lead, joinQuoted(missing))
	case key.IsUnknown():
		p.Passf(c.Ref, c.Ref.Loc, "no master security group allows port 22 from any source, so SSH is closed whatever the key pair")
	default:
		p.Passf(c.Ref, key.At, "%s but no master security group allows port 22 from any source", lead)
	}
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
		Text:           "Narrow sources to /16 (IPv4) or /48 (IPv6) or smaller, and open only the ports a client needs. `emrguard harden fix` removes a rule that opens only port 22 to the internet.",
		CLI:            "aws ec2 revoke-security-group-ingress --group-id sg-... --ip-permissions ...",
		CloudFormation: "Narrow the SecurityGroupIngress entries of groups attached to the cluster.",
		Terraform:      "Narrow the ingress rules of groups attached to the cluster.",
	},
	Doc: `A cluster security group allows ingress from a wide range

A source wider than a /16 or /48, or all ports open to another network, lets
far more hosts reach cluster services than any client population needs.
Traffic between the cluster's own groups (EMR opens all ports between the
master and core/task groups) is not outside the group.`,
	Run: func(p *control.Pass) {
		own := map[*model.SecurityGroup]bool{}
		for _, sg := range clusterGroups(p.Evidence).order {
			own[sg] = true
		}
		attachedGroups(p, func(sg *model.SecurityGroup, clusters string) {
			// As for EMR203: a wide rule fails whatever else is unknown.
			wide := false
			var firstUnknown string
			var unknownAt model.Loc
			for _, r := range sg.Ingress {
				why, unknown := wideRule(p, sg, r, own)
				if unknown != "" && firstUnknown == "" {
					firstUnknown, unknownAt = unknown, r.At
				}
				if why != "" {
					p.On(ruleSubject(r)).Failf(sg.Ref, r.At, "security group %s (attached to %s) allows %s", sg.Ref.ID, clusters, why)
					wide = true
				}
			}
			switch {
			case wide:
			case firstUnknown != "":
				p.Unknownf(sg.Ref, unknownAt, "a rule of %s (attached to %s) cannot be judged: %s", sg.Ref.ID, clusters, firstUnknown)
			case sg.IngressComplete.IsUnknown():
				p.Unknownf(sg.Ref, sg.IngressComplete.At.Or(sg.Ref.Loc), "some rules of %s (attached to %s) are unknown: %s", sg.Ref.ID, clusters, sg.IngressComplete.Why)
			default:
				p.Passf(sg.Ref, sg.Ref.Loc, "every rule of %s (attached to %s) admits /16 (IPv4) or /48 (IPv6) or narrower, and all ports only from the cluster's groups", sg.Ref.ID, clusters)
			}
		})
	},
}

// wideRule says why r is too wide for EMR205 ("" when it is not), or why
// it cannot be judged.
func wideRule(p *control.Pass, sg *model.SecurityGroup, r model.Rule, own map[*model.SecurityGroup]bool) (why, unknown string) {
	if r.Protocol.IsUnknown() || r.FromPort.IsUnknown() || r.ToPort.IsUnknown() {
		return "", "its protocol or ports are unknown"
	}
	all := r.AllPorts() || (r.FromPort.Get(-1) <= 0 && r.ToPort.Get(-1) == 65535)
	switch {
	case r.CIDR.IsUnknown():
		return "", r.CIDR.Why
	case r.CIDR.IsSet():
		pfx, err := netip.ParsePrefix(r.CIDR.Val)
		if err != nil {
			return "", fmt.Sprintf("source %q is not a CIDR", r.CIDR.Val)
		}
		if pfx.Addr().Is4() && pfx.Bits() < 16 {
			return fmt.Sprintf("%s from %s, wider than a /16", ports(r), r.CIDR.Val), ""
		}
		if pfx.Addr().Is6() && pfx.Bits() < 48 {
			return fmt.Sprintf("%s from %s, wider than a /48", ports(r), r.CIDR.Val), ""
		}
		if all {
			return fmt.Sprintf("all ports from %s, outside the cluster's groups", r.CIDR.Val), ""
		}
	case r.PrefixList.IsUnknown():
		return "", r.PrefixList.Why
	case r.PrefixList.IsSet() && all:
		return fmt.Sprintf("all ports from prefix list %s, outside the cluster's groups", r.PrefixList.Val), ""
	case r.SourceGroup.IsUnknown():
		return "", r.SourceGroup.Why
	case r.SourceGroup.IsSet() && all && !r.Self:
		if src := p.Evidence.SecurityGroup(r.SourceGroup.Val, sg.Ref.Loc); src == nil || !own[src] {
			return fmt.Sprintf("all ports from security group %s, which is not one of the cluster's groups", r.SourceGroup.Val), ""
		}
	}
	return "", ""
}

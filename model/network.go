package model

// SecurityGroup is an EC2 security group with its ingress rules.
type SecurityGroup struct {
	Ref     Ref
	GroupID Field[string] // the AWS ID (sg-…), when known
	VPCID   Field[string]
	Ingress []Rule
	// IngressComplete is Set(true) when Ingress lists every rule of the
	// group; Unknown (with the reason) when some rules could not be read.
	IngressComplete Field[bool]
	// Scope is the template or Terraform root that declares the group,
	// as Role.Scope; Joins naming a group are resolved there.
	Scope string
}

// Rule is one ingress permission with one source.
type Rule struct {
	At          Loc
	Protocol    Field[string] // "tcp", "udp", "icmp", "-1" (all), or a number
	FromPort    Field[int]
	ToPort      Field[int]
	CIDR        Field[string] // IPv4 or IPv6 CIDR
	SourceGroup Field[string]
	PrefixList  Field[string]
	Self        bool
}

// AllPorts reports whether the rule covers every port (protocol -1 or all).
func (r Rule) AllPorts() bool {
	p := r.Protocol.Get("")
	return r.Protocol.IsSet() && (p == "-1" || p == "all")
}

// Covers reports whether the rule's port range includes port for TCP;
// ok is false when the protocol or ports are unknown.
func (r Rule) Covers(port int) (covers, ok bool) {
	if r.Protocol.IsUnknown() || r.FromPort.IsUnknown() || r.ToPort.IsUnknown() {
		return false, false
	}
	if r.AllPorts() {
		return true, true
	}
	p := r.Protocol.Get("")
	if p != "tcp" && p != "6" {
		return false, true
	}
	from, to := r.FromPort.Get(0), r.ToPort.Get(65535)
	if r.FromPort.IsAbsent() && r.ToPort.IsAbsent() {
		from, to = 0, 65535
	}
	return from <= port && port <= to, true
}

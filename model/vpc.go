package model

// Subnet is a VPC subnet. Sources that see route-table associations put
// them on the RouteTable (Subnets), not here, as the EC2 API does.
type Subnet struct {
	Ref      Ref
	SubnetID Field[string] // the AWS ID (subnet-…), when known
	VPCID    Field[string] // AWS ID or resource ID of the same source
	// MapPublicIP is MapPublicIpOnLaunch: instances get a public IPv4
	// address unless the launch says otherwise.
	MapPublicIP Field[bool]
}

// RouteTable is a VPC route table with its routes and the subnets
// explicitly associated with it. A subnet with no explicit association
// uses its VPC's main route table.
type RouteTable struct {
	Ref          Ref
	RouteTableID Field[string] // the AWS ID (rtb-…), when known
	VPCID        Field[string]
	// Main is Set(true) for the VPC's main route table.
	Main    Field[bool]
	Subnets []Field[string] // associated subnets, as AWS IDs or resource IDs
	Routes  []Route
	// RoutesComplete is Set(true) when Routes lists every route of the
	// table; Unknown (with the reason) when some could not be read.
	RoutesComplete Field[bool]
	Scope          string // the template or Terraform root that declares it, as Role.Scope
}

// The kinds of route target a source can tell apart (Route.TargetKind).
const (
	TargetInternetGateway    = "internet-gateway"
	TargetEgressOnlyGateway  = "egress-only-internet-gateway"
	TargetNATGateway         = "nat-gateway"
	TargetVPNGateway         = "vpn-gateway"
	TargetTransitGateway     = "transit-gateway"
	TargetVPCEndpoint        = "vpc-endpoint"
	TargetVPCPeering         = "vpc-peering-connection"
	TargetNetworkInterface   = "network-interface"
	TargetInstance           = "instance"
	TargetLocal              = "local"
	TargetCarrierGateway     = "carrier-gateway"
	TargetLocalGateway       = "local-gateway"
	TargetCoreNetwork        = "core-network"
	TargetUnknownKindOfRoute = ""
)

// Route is one route of a table.
type Route struct {
	At Loc
	// Destination is the IPv4 or IPv6 CIDR, or the prefix list ID.
	Destination Field[string]
	// Target is the gateway, NAT gateway, endpoint … the route sends to,
	// as an AWS ID or a resource ID of the same source.
	Target Field[string]
	// TargetKind is one of the Target* constants; "" when the source could
	// not tell (Target is then usually Unknown).
	TargetKind string
}

// VPCEndpoint is a gateway or interface VPC endpoint.
type VPCEndpoint struct {
	Ref         Ref
	VPCID       Field[string]
	ServiceName Field[string] // e.g. com.amazonaws.eu-west-1.s3
	Type        Field[string] // Gateway (the default), Interface, GatewayLoadBalancer
	RouteTables Field[[]string]
	Subnets     Field[[]string]
}

// VPC is a virtual private cloud the inputs define or describe.
type VPC struct {
	Ref   Ref
	VPCID Field[string] // the AWS ID (vpc-…), when known
	// EndpointsComplete is Set(true) when the inputs list every VPC
	// endpoint of the VPC (a live scan, or the template that creates
	// the VPC); otherwise endpoints may exist that the inputs do not show.
	EndpointsComplete Field[bool]
}

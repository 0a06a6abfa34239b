package cfn_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/cfn"
	"github.com/emrguard/emrguard/source/tree"
)

// read reads a template without linking it.
func read(t *testing.T, file, text string) *model.Evidence {
	t.Helper()
	docs, err := tree.ParseYAML(file, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	ev, diags := cfn.Read(file, docs, cfn.Params{}, nil)
	if err := diags.Err(); err != nil {
		t.Fatalf("diagnostics: %v", err)
	}
	return ev
}

const netTemplate = `Parameters:
  Table: {Type: String}
Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: g, GroupName: web}
  T: {Type: AWS::EC2::RouteTable, Properties: {VpcId: vpc-1}}
  SelfIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref G, IpProtocol: tcp, FromPort: 22, ToPort: 22, SourceSecurityGroupId: !Ref G}
  ByName:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupName: web, IpProtocol: tcp, FromPort: 80, ToPort: 80, SourceSecurityGroupName: G}
  Outside:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: sg-0123, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
  Open:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref T, DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw-1}
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {RouteTableId: !Ref T, SubnetId: subnet-1}
  Elsewhere:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 10.0.0.0/8, GatewayId: vgw-1}
`

// Ensure a template's ingress, route and association resources reach
// the group and table they name in that template only (not the same
// logical IDs of a template beside it), by ID or GroupName, with Self
// set by the group joined; a group outside the template becomes a
// placeholder, and a route to an unknown table leaves every table of the
// template incomplete.
func TestNetworkJoins(t *testing.T) {
	ev := &model.Evidence{}
	ev.Merge(read(t, "dir/a.yaml", netTemplate))
	ev.Merge(read(t, "dir/b.yaml", "Resources:\n  G: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: g, GroupName: web}}\n  T: {Type: AWS::EC2::RouteTable}\n"))
	ev.Link()
	if len(ev.SecurityGroups) != 3 {
		t.Fatalf("%d groups, want 3 (a placeholder)", len(ev.SecurityGroups))
	}
	a, b, out := ev.SecurityGroups[0], ev.SecurityGroups[1], ev.SecurityGroups[2]
	if len(a.Ingress) != 2 || !a.Ingress[0].Self || a.Ingress[1].Self || !a.IngressComplete.Get(false) {
		t.Errorf("template a's group: %+v", a)
	}
	if len(b.Ingress) != 0 || !b.IngressComplete.Get(false) {
		t.Errorf("template b's group: %+v", b)
	}
	if out.Ref.ID != "sg-0123" || out.GroupID.Get("") != "sg-0123" || len(out.Ingress) != 1 ||
		!strings.Contains(out.IngressComplete.Why, "group sg-0123 is defined outside this template") {
		t.Errorf("placeholder: %+v", out)
	}
	var ta, tb *model.RouteTable
	for _, x := range ev.RouteTables {
		if x.Ref.ID == "T" && x.Ref.Loc.File == "dir/a.yaml" {
			ta = x
		} else if x.Ref.ID == "T" {
			tb = x
		}
	}
	if ta == nil || tb == nil || len(ev.RouteTables) != 2 {
		t.Fatalf("%d tables", len(ev.RouteTables))
	}
	if len(ta.Routes) != 1 || ta.Routes[0].TargetKind != model.TargetInternetGateway || len(ta.Subnets) != 1 || ta.Subnets[0].Get("") != "subnet-1" {
		t.Errorf("template a's table: %+v", ta)
	}
	if !strings.Contains(ta.RoutesComplete.Why, "Elsewhere adds to a route table that cannot be resolved") {
		t.Errorf("template a's table complete = %+v, want the unknown table's reason", ta.RoutesComplete)
	}
	if len(tb.Routes) != 0 || !tb.RoutesComplete.Get(false) {
		t.Errorf("template b's table: %+v", tb)
	}
}

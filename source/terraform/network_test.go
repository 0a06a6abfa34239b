package terraform

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

const netRoot = `
resource "aws_vpc" "v" {}

resource "aws_security_group" "g" {}

resource "aws_security_group_rule" "self" {
  type              = "ingress"
  security_group_id = aws_security_group.g.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  self              = true
}

resource "aws_vpc_security_group_ingress_rule" "from_g" {
  security_group_id            = "sg-outside"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = "sg-outside"
}

resource "aws_route_table" "t" {
  vpc_id = aws_vpc.v.id
}

resource "aws_route" "open" {
  route_table_id         = aws_route_table.t.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-1"
}

resource "aws_route_table_association" "a" {
  route_table_id = aws_route_table.t.id
  subnet_id      = "subnet-1"
}

resource "aws_main_route_table_association" "m" {
  vpc_id         = aws_vpc.v.id
  route_table_id = aws_route_table.t.id
}

resource "aws_s3_bucket" "b" {
  bucket = "data"
}

resource "aws_s3_bucket_logging" "l" {
  bucket        = aws_s3_bucket.b.id
  target_bucket = "logs"
}
`

// Ensure a root's rule, route, association and bucket-logging resources
// reach what they name in that root only (model.Link, run by load), a
// group outside it becoming a placeholder, and a main association
// demoting the VPC's own main table.
func TestNetworkJoins(t *testing.T) {
	// Root b declares the same addresses, and nothing that joins them.
	ev, diags := load(t, map[string]string{"a/main.tf": netRoot,
		"b/main.tf": "resource \"aws_security_group\" \"g\" {}\nresource \"aws_route_table\" \"t\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"data\"\n}\n"}, Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	groups := map[string]*model.SecurityGroup{}
	for _, g := range ev.SecurityGroups {
		groups[g.Scope[strings.LastIndexAny(g.Scope, `/\`)+1:]+" "+g.Ref.ID] = g
	}
	a, b, out := groups["a aws_security_group.g"], groups["b aws_security_group.g"], groups["a sg-outside"]
	if a == nil || b == nil || out == nil || len(ev.SecurityGroups) != 3 {
		t.Fatalf("groups: %v", groups)
	}
	if len(a.Ingress) != 1 || !a.Ingress[0].Self || a.Ingress[0].SourceGroup.Get("") != "aws_security_group.g" || !a.IngressComplete.Get(false) {
		t.Errorf("root a's group: %+v", a)
	}
	if len(b.Ingress) != 0 {
		t.Errorf("root b's group got %d rules from root a", len(b.Ingress))
	}
	if len(out.Ingress) != 1 || !out.Ingress[0].Self || !strings.Contains(out.IngressComplete.Why, "sg-outside is defined outside this configuration") {
		t.Errorf("outside group: %+v", out)
	}
	var tbl, own, other *model.RouteTable
	for _, x := range ev.RouteTables {
		switch {
		case x.Ref.ID == "aws_vpc.v":
			own = x
		case strings.HasSuffix(x.Scope, "a"):
			tbl = x
		default:
			other = x
		}
	}
	if tbl == nil || own == nil || other == nil || len(ev.RouteTables) != 3 {
		t.Fatalf("tables: %d", len(ev.RouteTables))
	}
	if len(tbl.Routes) != 1 || tbl.Routes[0].TargetKind != model.TargetInternetGateway || len(tbl.Subnets) != 1 || !tbl.Main.Get(false) || len(other.Routes) != 0 {
		t.Errorf("table: %+v; other root's: %+v", tbl, other)
	}
	if own.Main.Get(true) {
		t.Errorf("the VPC's own main table is still main: %+v", own.Main)
	}
	for _, bk := range ev.Buckets {
		on := strings.HasSuffix(bk.Scope, "a")
		if bk.AccessLogging.Get(false) != on || (on && bk.LogTarget.Get("") != "logs") {
			t.Errorf("bucket of %s: logging %+v to %+v", bk.Scope, bk.AccessLogging, bk.LogTarget)
		}
	}
}

// Ensure a rule or route whose group or table is unknown leaves every
// group or table of its root incomplete, and a rule that may be ingress
// or egress its group.
func TestNetworkJoinsUnknown(t *testing.T) {
	ev, _ := load(t, map[string]string{"main.tf": `
variable "g" {}
variable "t" {}
variable "kind" {}

resource "aws_security_group" "a" {}
resource "aws_security_group" "b" {}
resource "aws_security_group" "c" {}

resource "aws_security_group_rule" "any" {
  type              = "ingress"
  security_group_id = var.g
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "which" {
  type              = var.kind
  security_group_id = aws_security_group.c.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
}

resource "aws_route_table" "t" {}

resource "aws_route" "r" {
  route_table_id         = var.t
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-1"
}
`}, Options{})
	for _, g := range ev.SecurityGroups {
		want := "rule aws_security_group_rule.any is added to a group that cannot be resolved"
		if g.Ref.ID == "aws_security_group.c" {
			want = "rule aws_security_group_rule.which may be ingress or egress"
		}
		if !strings.Contains(g.IngressComplete.Why, want) || len(g.Ingress) != 0 {
			t.Errorf("%s: %d rules, complete %+v; want %q", g.Ref.ID, len(g.Ingress), g.IngressComplete, want)
		}
	}
	if len(ev.RouteTables) != 1 || !strings.Contains(ev.RouteTables[0].RoutesComplete.Why, "aws_route.r adds to a route table that cannot be resolved") {
		t.Errorf("tables: %+v", ev.RouteTables)
	}
}

package terraform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

func rulesOf(g *model.SecurityGroup) string {
	var out []string
	for _, r := range g.Ingress {
		out = append(out, fmt.Sprintf("%s %d-%d %s@%d", r.Protocol.Val, r.FromPort.Val, r.ToPort.Val, r.CIDR.Val, r.At.Line))
	}
	return strings.Join(out, ", ")
}

func groupByID(t *testing.T, ev *model.Evidence, id string) *model.SecurityGroup {
	t.Helper()
	for _, g := range ev.SecurityGroups {
		if g.Ref.ID == id {
			return g
		}
	}
	t.Fatalf("no security group %s among %d", id, len(ev.SecurityGroups))
	return nil
}

// Ensure dynamic blocks are expanded as Terraform plans them: one block
// per element, in the order written among the static blocks, with the
// iterator (the label or `iterator`) bound to key and value, lists, maps
// and sets alike.
func TestDynamicBlocks(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "ingress" {
  default = [
    { port = 22, cidrs = ["0.0.0.0/0"] },
    { port = 8443, cidrs = ["10.0.0.0/8", "::/0"] },
  ]
}

locals {
  by_name = { ssh = 22, web = 443 }
}

resource "aws_security_group" "list" {
  ingress {
    from_port   = 1
    to_port     = 1
    protocol    = "tcp"
    cidr_blocks = ["10.1.0.0/16"]
  }
  dynamic "ingress" {
    for_each = var.ingress
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
}

resource "aws_security_group" "map" {
  dynamic "ingress" {
    for_each = local.by_name
    iterator = rule
    content {
      from_port   = rule.value
      to_port     = rule.value
      protocol    = rule.key == "ssh" ? "tcp" : "udp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "set" {
  dynamic "ingress" {
    for_each = toset(["1.2.3.0/24"])
    content {
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = [ingress.key]
    }
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	for id, want := range map[string]string{
		"aws_security_group.list": "tcp 1-1 10.1.0.0/16@18, tcp 22-22 0.0.0.0/0@26, tcp 8443-8443 10.0.0.0/8@26, tcp 8443-8443 ::/0@26",
		"aws_security_group.map":  "tcp 22-22 0.0.0.0/0@39, udp 443-443 0.0.0.0/0@39",
		"aws_security_group.set":  "-1 0-0 1.2.3.0/24@51",
	} {
		g := groupByID(t, ev, id)
		if got := rulesOf(g); got != want {
			t.Errorf("%s: rules %q, want %q", id, got, want)
		}
		if !g.IngressComplete.IsSet() || !g.IngressComplete.Val {
			t.Errorf("%s: IngressComplete %+v, want known true", id, g.IngressComplete)
		}
	}
}

// Ensure a dynamic block inside another's content sees the outer
// iterator, and what it builds reaches the evidence (a virtual cluster's
// namespace three blocks down).
func TestDynamicNested(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
locals {
  providers = [{ id = "eks-prod", namespaces = ["spark"] }]
}

resource "aws_emrcontainers_virtual_cluster" "vc" {
  name = "vc"
  dynamic "container_provider" {
    for_each = local.providers
    iterator = p
    content {
      id   = p.value.id
      type = "EKS"
      info {
        dynamic "eks_info" {
          for_each = p.value.namespaces
          content {
            namespace = "${eks_info.value}-${p.key}"
          }
        }
      }
    }
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.VirtualClusters) != 1 {
		t.Fatalf("%d virtual clusters", len(ev.VirtualClusters))
	}
	vc := ev.VirtualClusters[0]
	if vc.EKSCluster.Val != "eks-prod" || vc.Namespace.Val != "spark-0" || vc.Namespace.At.Line != 18 {
		t.Errorf("cluster %+v, namespace %+v; want eks-prod, spark-0 at line 18", vc.EKSCluster, vc.Namespace)
	}
}

// Ensure what a dynamic block builds from a value known only after apply
// is unknown, saying so, never read as no rule (which would pass).
func TestDynamicUnknown(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
data "aws_ec2_managed_prefix_list" "office" {
  name = "office"
}

resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = data.aws_ec2_managed_prefix_list.office.entries
    content {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.2.0"
  service_role  = "r"
  dynamic "ec2_attributes" {
    for_each = data.aws_ec2_managed_prefix_list.office.entries
    content {
      emr_managed_master_security_group = aws_security_group.sg.id
    }
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	g := groupByID(t, ev, "aws_security_group.sg")
	if !g.IngressComplete.IsUnknown() || !strings.Contains(g.IngressComplete.Why, "for_each is unknown") ||
		!strings.Contains(g.IngressComplete.Why, "read from AWS when planning") || g.IngressComplete.At.Line != 7 {
		t.Errorf("IngressComplete %+v, want unknown at line 7 saying for_each is unknown and why", g.IngressComplete)
	}
	c := ev.Clusters[0]
	if !c.MasterSecurityGroup.IsUnknown() || !strings.Contains(c.MasterSecurityGroup.Why, "ec2_attributes blocks are built by a dynamic block") {
		t.Errorf("master group %+v, want unknown naming the dynamic block", c.MasterSecurityGroup)
	}
}

// Ensure a dynamic block of one element (the optional-block idiom:
// for_each = var.x == null ? [] : [var.x]) is read as the block written,
// and none as no block.
func TestDynamicOptionalBlock(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
variable "ec2" {
  default = { master_sg = "sg-0123", key = null }
}
variable "kerberos" {
  default = null
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.2.0"
  service_role  = "r"
  dynamic "ec2_attributes" {
    for_each = var.ec2 == null ? [] : [var.ec2]
    content {
      emr_managed_master_security_group = ec2_attributes.value.master_sg
      key_name                          = ec2_attributes.value.key
    }
  }
  dynamic "kerberos_attributes" {
    for_each = var.kerberos == null ? [] : [var.kerberos]
    content {
      realm = kerberos_attributes.value.realm
    }
  }
}
`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	c := ev.Clusters[0]
	if c.MasterSecurityGroup.Val != "sg-0123" || c.MasterSecurityGroup.At.Line != 16 {
		t.Errorf("master group %+v, want sg-0123 at line 16", c.MasterSecurityGroup)
	}
	if !c.KeyName.IsAbsent() {
		t.Errorf("key name %+v, want absent (null)", c.KeyName)
	}
}

// Ensure dynamic blocks in the JSON syntax expand too.
func TestDynamicJSON(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf.json": `{
  "resource": {"aws_security_group": {"sg": {
    "dynamic": {"ingress": {
      "for_each": "${[22, 443]}",
      "content": {"from_port": "${ingress.value}", "to_port": "${ingress.value}", "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
    }}
  }}}
}`}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	g := groupByID(t, ev, "aws_security_group.sg")
	if got, want := rulesOf(g), "tcp 22-22 0.0.0.0/0@5, tcp 443-443 0.0.0.0/0@5"; got != want {
		t.Errorf("rules %q, want %q", got, want)
	}
}

// Ensure a malformed dynamic block is a diagnostic at its line, and what
// it would build unknown.
func TestDynamicInvalid(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": `
resource "aws_security_group" "no_for_each" {
  dynamic "ingress" {
    content {}
  }
}

resource "aws_security_group" "string" {
  dynamic "ingress" {
    for_each = "22"
    content {}
  }
}

resource "aws_security_group" "bad_iterator" {
  dynamic "ingress" {
    for_each = [1]
    iterator = "x"
    content {}
  }
}
`}, Options{})
	for _, c := range []struct {
		id   string
		line int
		msg  string
	}{
		{"aws_security_group.no_for_each", 3, "it has no for_each"},
		{"aws_security_group.string", 10, "for_each is a string, want a collection"},
		{"aws_security_group.bad_iterator", 18, "iterator must be a name"},
	} {
		if !hasDiag(diags, "main.tf", c.line, c.msg) {
			t.Errorf("no diagnostic %q at line %d: %v", c.msg, c.line, diags)
		}
		if g := groupByID(t, ev, c.id); !g.IngressComplete.IsUnknown() {
			t.Errorf("%s: IngressComplete %+v, want unknown", c.id, g.IngressComplete)
		}
	}
}

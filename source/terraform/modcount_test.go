package terraform

import (
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

const teamModule = `
variable "name" {}
variable "open" {
  type = bool
}

resource "aws_emr_security_configuration" "sc" {
  name = var.name
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = !var.open
      EnableAtRestEncryption    = true
    }
  })
}

resource "aws_security_group" "sg" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.open ? "0.0.0.0/0" : "10.0.0.0/16"]
  }
}

output "sc_name" {
  value = aws_emr_security_configuration.sc.name
}

output "sg" {
  value = aws_security_group.sg.id
}
`

func secConfs(ev *model.Evidence) map[string]*model.SecurityConfiguration {
	out := map[string]*model.SecurityConfiguration{}
	for _, sc := range ev.SecurityConfigurations {
		out[sc.Ref.ID] = sc
	}
	return out
}

// Ensure a module called with count is loaded once per index, addressed
// module.x[i], each instance with its own inputs (count.index bound), and
// that module.x[i].out reads that instance's output.
func TestModuleCount(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"main.tf": `
module "team" {
  count  = 2
  source = "./team"
  name   = "team-${count.index}"
  open   = count.index == 1
}

resource "aws_emr_cluster" "c" {
  name                   = "c"
  release_label          = "emr-7.2.0"
  service_role           = "r"
  security_configuration = module.team[1].sc_name
  ec2_attributes {
    instance_profile                  = "p"
    emr_managed_master_security_group = module.team[length(module.team) - 1].sg
  }
}
`,
		"team/main.tf": teamModule}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	scs := secConfs(ev)
	for addr, want := range map[string]struct {
		name      string
		inTransit bool
	}{
		"module.team[0].aws_emr_security_configuration.sc": {"team-0", true},
		"module.team[1].aws_emr_security_configuration.sc": {"team-1", false},
	} {
		sc := scs[addr]
		if sc == nil {
			t.Errorf("no security configuration %s among %v", addr, keys(scs))
			continue
		}
		if sc.Name.Val != want.name || !sc.InTransit.IsSet() || sc.InTransit.Val != want.inTransit {
			t.Errorf("%s: name %+v, in transit %+v; want %s, %v", addr, sc.Name, sc.InTransit, want.name, want.inTransit)
		}
	}
	open := groupByID(t, ev, "module.team[1].aws_security_group.sg")
	if got := rulesOf(open); !strings.Contains(got, "0.0.0.0/0") {
		t.Errorf("module.team[1] group rules %q, want the open one", got)
	}
	c := ev.Clusters[0]
	if c.SecurityConfiguration.Val != "team-1" || c.MasterSecurityGroup.Val != "module.team[1].aws_security_group.sg" {
		t.Errorf("cluster names configuration %+v and master group %+v; want team-1 and module.team[1]'s group",
			c.SecurityConfiguration, c.MasterSecurityGroup)
	}
}

// Ensure a module called with for_each is loaded once per key, addressed
// module.x["k"], with each.key and each.value bound in its inputs.
func TestModuleForEach(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"main.tf": `
locals {
  teams = {
    analytics = { open = false }
    adhoc     = { open = true }
  }
}

module "team" {
  for_each = local.teams
  source   = "./team"
  name     = "${each.key}-sc"
  open     = each.value.open
}

resource "aws_emr_cluster" "c" {
  name                   = "c"
  release_label          = "emr-7.2.0"
  service_role           = "r"
  security_configuration = module.team["adhoc"].sc_name
}
`,
		"team/main.tf": teamModule}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	scs := secConfs(ev)
	if got := keys(scs); strings.Join(got, " ") != `module.team["adhoc"].aws_emr_security_configuration.sc module.team["analytics"].aws_emr_security_configuration.sc` {
		t.Fatalf("security configurations %v", got)
	}
	if sc := scs[`module.team["adhoc"].aws_emr_security_configuration.sc`]; sc.Name.Val != "adhoc-sc" || sc.InTransit.Val {
		t.Errorf("adhoc: name %+v, in transit %+v; want adhoc-sc, false", sc.Name, sc.InTransit)
	}
	if sc := scs[`module.team["analytics"].aws_emr_security_configuration.sc`]; sc.Name.Val != "analytics-sc" || !sc.InTransit.Val {
		t.Errorf("analytics: name %+v, in transit %+v; want analytics-sc, true", sc.Name, sc.InTransit)
	}
	if c := ev.Clusters[0]; c.SecurityConfiguration.Val != "adhoc-sc" {
		t.Errorf("cluster names configuration %+v, want adhoc-sc", c.SecurityConfiguration)
	}
}

// Ensure a module whose for_each is known only after apply is read once,
// its inputs that depend on each unknown with the reason, and references
// to it unknown; count = 0 loads nothing.
func TestModuleInstancesUnknown(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"main.tf": `
data "aws_organizations_organization" "org" {}

module "team" {
  for_each = data.aws_organizations_organization.org.accounts
  source   = "./team"
  name     = each.key
  open     = false
}

module "none" {
  count  = 0
  source = "./team"
  name   = "never"
  open   = true
}

resource "aws_emr_cluster" "c" {
  name                   = "c"
  release_label          = "emr-7.2.0"
  service_role           = "r"
  security_configuration = module.team["x"].sc_name
}
`,
		"team/main.tf": teamModule}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	scs := secConfs(ev)
	if len(scs) != 1 {
		t.Fatalf("security configurations %v, want module.team's one", keys(scs))
	}
	sc := scs["module.team.aws_emr_security_configuration.sc"]
	if sc == nil || !sc.Name.IsUnknown() || !strings.Contains(sc.Name.Why, "for_each of module.team is unknown") {
		t.Fatalf("module.team's configuration %+v, want its name unknown because of for_each", sc)
	}
	if sc.InTransit.Val != true {
		t.Errorf("in transit %+v: inputs that do not depend on each are known", sc.InTransit)
	}
	if c := ev.Clusters[0]; !c.SecurityConfiguration.IsUnknown() || !strings.Contains(c.SecurityConfiguration.Why, "for_each of module.team is unknown") {
		t.Errorf("cluster's configuration %+v, want unknown because of for_each", c.SecurityConfiguration)
	}
}

// Ensure module instances are bounded: for_each at every level multiplies.
func TestModuleInstancesBounded(t *testing.T) {
	files := map[string]string{"main.tf": `
module "m" {
  count  = 200
  source = "./a"
}
`, "a/main.tf": `
module "m" {
  count  = 200
  source = "./b"
}
`, "a/b/main.tf": `
resource "aws_security_group" "sg" {}
`}
	ev, diags := load(t, files, Options{})
	if !hasDiag(diags, "a/main.tf", 2, "over 10000 module instances in one root") {
		t.Errorf("no diagnostic on the bound: %v", diags[:min(3, len(diags))])
	}
	if n := len(ev.SecurityGroups); n == 0 || n > tfeval.MaxModules {
		t.Errorf("%d groups read, want some and at most %d", n, tfeval.MaxModules)
	}
}

func keys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// registryRoot calls a registry module whose output names the role the
// root's own cluster uses.
const registryRoot = `
module "emr" {
  source  = "terraform-aws-modules/emr/aws"
  version = "2.1.0"
  name    = "prod"
  release = "emr-7.8.0"
}

resource "aws_emr_cluster" "root" {
  name          = "root"
  release_label = "emr-7.8.0"
  service_role  = module.emr.role
}
`

// registryModule is the module terraform init installed for module.emr:
// it calls a git module (installed too) and a local one inside itself.
const registryModule = `
variable "name" {}
variable "release" {}

module "inner" {
  source = "git::https://example.com/inner.git?ref=v1"
  prefix = var.name
}

module "sg" {
  source = "./modules/sg"
}

resource "aws_emr_cluster" "this" {
  name                   = "${var.name}-emr"
  release_label          = var.release
  service_role           = "s"
  security_configuration = module.inner.sc_name
  ec2_attributes {
    instance_profile                  = "p"
    emr_managed_master_security_group = module.sg.id
  }
}

output "role" {
  value = "arn:aws:iam::111122223333:role/${var.name}"
}
`

const innerModule = `
variable "prefix" {}

resource "aws_emr_security_configuration" "sc" {
  name          = "${var.prefix}-sc"
  configuration = jsonencode({ EncryptionConfiguration = { EnableInTransitEncryption = true, EnableAtRestEncryption = false } })
}

output "sc_name" {
  value = aws_emr_security_configuration.sc.name
}
`

const sgModule = `
resource "aws_security_group" "sg" {
  name = "emr-master"
}

output "id" {
  value = aws_security_group.sg.id
}
`

func clusterByID(ev *model.Evidence, id string) *model.Cluster {
	for i := range ev.Clusters {
		if ev.Clusters[i].Ref.ID == id {
			return ev.Clusters[i]
		}
	}
	return nil
}

// Ensure a module terraform init installed is read from .terraform/modules
// as a local one is: its resources addressed under the call, its inputs
// from the caller, its outputs known; a nested installed module is found
// by its key (emr.inner, here at an absolute Dir inside the scanned
// tree: one outside is refused, TestModuleSandbox), and a local source
// inside an installed module resolves from its folder.
func TestInstalledModules(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "cache", "inner") // an absolute Dir in the manifest
	if err := os.MkdirAll(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inner, "main.tf"), []byte(innerModule), 0o644); err != nil {
		t.Fatal(err)
	}
	manifest := `{"Modules":[{"Key":"","Source":"","Dir":"."},
{"Key":"emr","Source":"registry.terraform.io/terraform-aws-modules/emr/aws","Version":"2.1.0","Dir":".terraform/modules/emr"},
{"Key":"emr.inner","Source":"git::https://example.com/inner.git?ref=v1","Dir":` + jsonQuote(inner) + `},
{"Key":"emr.sg","Source":"./modules/sg","Dir":".terraform/modules/emr/modules/sg"}]}`
	ev, diags := loadIn(t, dir, map[string]string{
		"main.tf":                                   registryRoot,
		".terraform/modules/modules.json":           manifest,
		".terraform/modules/emr/main.tf":            registryModule,
		".terraform/modules/emr/modules/sg/main.tf": sgModule,
	}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(ev.Clusters) != 2 {
		t.Fatalf("%d clusters, want 2: %+v", len(ev.Clusters), ev.Clusters)
	}
	c := clusterByID(ev, "module.emr.aws_emr_cluster.this")
	if c == nil {
		t.Fatalf("no module.emr.aws_emr_cluster.this among %+v", ev.Clusters)
	}
	if c.Ref.Name != "prod-emr" || c.ReleaseLabel.Val != "emr-7.8.0" {
		t.Errorf("cluster name %q, release %+v; want prod-emr, emr-7.8.0", c.Ref.Name, c.ReleaseLabel)
	}
	if !strings.HasSuffix(c.Ref.Loc.File, filepath.Join(".terraform", "modules", "emr", "main.tf")) {
		t.Errorf("cluster at %v, want the installed module's file", c.Ref.Loc)
	}
	if c.SecurityConfiguration.Val != "prod-sc" {
		t.Errorf("security configuration %+v, want prod-sc from module.emr.module.inner", c.SecurityConfiguration)
	}
	if c.MasterSecurityGroup.Val != "module.emr.module.sg.aws_security_group.sg" {
		t.Errorf("master group %+v", c.MasterSecurityGroup)
	}
	if len(ev.SecurityConfigurations) != 1 || ev.SecurityConfigurations[0].Ref.ID != "module.emr.module.inner.aws_emr_security_configuration.sc" || !ev.SecurityConfigurations[0].InTransit.Val {
		t.Errorf("security configurations %+v", ev.SecurityConfigurations)
	}
	if r := clusterByID(ev, "aws_emr_cluster.root"); r == nil || r.ServiceRole.Val != "arn:aws:iam::111122223333:role/prod" {
		t.Errorf("root cluster %+v", r)
	}
}

func jsonQuote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

// Ensure a call to a module terraform init did not install stays remote,
// its outputs unknown with a reason telling what to do, whether the
// manifest is absent, does not list the call, or points at a folder
// without configuration; none of these is an input error.
func TestInstalledModuleMissing(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		why   string
	}{
		{"no manifest", map[string]string{".terraform/modules/emr/main.tf": registryModule}, "run terraform init"},
		{"not listed", map[string]string{
			".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"other","Source":"x/y/aws","Dir":".terraform/modules/emr"}]}`,
			".terraform/modules/emr/main.tf":  registryModule,
		}, `does not list module key "emr"`},
		{"empty folder", map[string]string{
			".terraform/modules/modules.json": `{"Modules":[{"Key":"emr","Source":"x/y/aws","Dir":".terraform/modules/emr"}]}`,
			".terraform/modules/emr/README":   "gone",
		}, "holds no configuration"},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			k.files["main.tf"] = registryRoot
			ev, diags := load(t, k.files, Options{})
			// One warning at the call's source: nothing else would say
			// that the module's resources were not read.
			if len(diags) != 1 || diags[0].Level != source.Warning || !hasDiag(diags, "main.tf", 3, k.why+"") ||
				!strings.Contains(diags[0].Msg, "its resources are not scanned") {
				t.Fatalf("diagnostics %v, want one warning at main.tf:3 saying %q", diags, k.why)
			}
			if len(ev.Clusters) != 1 || ev.Clusters[0].Ref.ID != "aws_emr_cluster.root" {
				t.Fatalf("clusters %+v, want only the root's", ev.Clusters)
			}
			role := ev.Clusters[0].ServiceRole
			if !role.IsUnknown() || !strings.Contains(role.Why, `module.emr comes from "terraform-aws-modules/emr/aws", which is not fetched`) ||
				!strings.Contains(role.Why, "run terraform init so that .terraform/modules holds it") || !strings.Contains(role.Why, k.why) {
				t.Errorf("service role %+v, want unknown saying %q", role, k.why)
			}
		})
	}
}

// Ensure a malformed manifest is one diagnostic naming the file and the
// line, and the rest of the module is still read.
func TestInstalledModuleBadManifest(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"main.tf":                         registryRoot,
		".terraform/modules/modules.json": "{\"Modules\": [\n  {\"Key\": \"emr\",\n   \"Dir\": 7}\n]}\n",
		".terraform/modules/emr/main.tf":  registryModule,
	}, Options{})
	if len(diags.Errors()) != 1 || !hasDiag(diags, filepath.Join(".terraform", "modules", "modules.json"), 3, "module manifest") {
		t.Errorf("diagnostics %v, want one at modules.json:3", diags)
	}
	if len(ev.Clusters) != 1 {
		t.Fatalf("clusters %+v, want the root's", ev.Clusters)
	}
	if role := ev.Clusters[0].ServiceRole; !role.IsUnknown() || !strings.Contains(role.Why, "not valid JSON") || !strings.Contains(role.Why, "terraform init") {
		t.Errorf("service role %+v", role)
	}
}

// Ensure an installed module called with for_each is loaded once per key
// from the same folder (the manifest keys modules by call, not instance),
// and its nested installed module under each instance.
func TestInstalledModuleForEach(t *testing.T) {
	manifest := `{"Modules":[{"Key":"","Source":"","Dir":"."},
{"Key":"emr","Source":"registry.terraform.io/terraform-aws-modules/emr/aws","Dir":".terraform/modules/emr"},
{"Key":"emr.inner","Source":"git::https://example.com/inner.git","Dir":".terraform/modules/emr.inner"},
{"Key":"emr.sg","Source":"./modules/sg","Dir":".terraform/modules/emr/modules/sg"}]}`
	root := strings.Replace(registryRoot, `source  = "terraform-aws-modules/emr/aws"`, `source  = "terraform-aws-modules/emr/aws"
  for_each = toset(["a", "b"])`, 1)
	root = strings.Replace(root, `name    = "prod"`, `name    = each.key`, 1)
	root = strings.Replace(root, `module.emr.role`, `module.emr["b"].role`, 1)
	ev, diags := load(t, map[string]string{
		"main.tf":                                   root,
		".terraform/modules/modules.json":           manifest,
		".terraform/modules/emr/main.tf":            registryModule,
		".terraform/modules/emr.inner/main.tf":      innerModule,
		".terraform/modules/emr/modules/sg/main.tf": sgModule,
	}, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	for _, k := range []string{"a", "b"} {
		c := clusterByID(ev, `module.emr["`+k+`"].aws_emr_cluster.this`)
		if c == nil {
			t.Fatalf("no module.emr[%q] cluster among %d", k, len(ev.Clusters))
		}
		if c.Ref.Name != k+"-emr" || c.SecurityConfiguration.Val != k+"-sc" {
			t.Errorf("module.emr[%q]: name %q, configuration %+v", k, c.Ref.Name, c.SecurityConfiguration)
		}
	}
	if r := clusterByID(ev, "aws_emr_cluster.root"); r == nil || r.ServiceRole.Val != "arn:aws:iam::111122223333:role/b" {
		t.Errorf("root cluster %+v", r)
	}
}

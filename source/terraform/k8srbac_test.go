package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

const kubeRBACRoot = `
variable "ns" {
  type = string
}

variable "role_name" {
  type = string
}

variable "groups" {
  type = list(string)
}

resource "kubernetes_role" "plain" {
  metadata {
    name = "plain"
    labels = {
      tier = "ops"
    }
  }
  rule {
    api_groups     = [""]
    resources      = ["pods", "pods/exec"]
    resource_names = ["debug"]
    verbs          = ["get", "create"]
  }
}

resource "kubernetes_role_v1" "later" {
  metadata {
    name      = var.role_name
    namespace = var.ns
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get"]
  }
}

resource "kubernetes_role_binding_v1" "later" {
  metadata {
    name      = "later"
    namespace = var.ns
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.later.metadata[0].name
  }
  subject {
    kind = "ServiceAccount"
    name = "runner"
  }
  dynamic "subject" {
    for_each = var.groups
    content {
      kind = "Group"
      name = subject.value
    }
  }
}

resource "kubernetes_cluster_role_binding" "counted" {
  count = 2
  metadata {
    name = "counted-${count.index}"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = var.role_name
  }
  subject {
    kind      = "User"
    name      = "user-${count.index}"
    api_group = "rbac.authorization.k8s.io"
  }
}
`

// Ensure the provider's RBAC resources read into the model source/k8s
// builds: the provider's defaults (namespace "default", also for a
// ServiceAccount subject), a role named only at apply linked by its
// address, unknown subjects and role names kept unknown with why, count
// instances as resources of their own.
func TestKubeRBAC(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": kubeRBACRoot}, Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	roles := map[string]*model.RBACRole{}
	for _, r := range ev.RBACRoles {
		roles[r.Ref.ID] = r
	}
	plain, later := roles["kubernetes_role.plain"], roles["kubernetes_role_v1.later"]
	if plain == nil || later == nil || len(roles) != 2 {
		t.Fatalf("roles: %v", roles)
	}
	if plain.Name != "plain" || plain.Namespace.Get("") != "default" || plain.Labels["tier"] != "ops" || plain.Incomplete != "" || len(plain.Rules) != 1 {
		t.Errorf("plain role: %+v", plain)
	}
	if r := plain.Rules[0]; strings.Join(r.Resources, ",") != "pods,pods/exec" || strings.Join(r.Verbs, ",") != "get,create" ||
		strings.Join(r.ResourceNames, ",") != "debug" || strings.Join(r.APIGroups, ",") != "" || len(r.APIGroups) != 1 || r.Role != plain || r.At.Line != 21 {
		t.Errorf("plain rule: %+v", r)
	}
	if later.Name != "kubernetes_role_v1.later" || !later.Namespace.IsUnknown() || !strings.Contains(later.Namespace.Why, "var.ns") || !later.OwnNamespace {
		t.Errorf("role named at apply: name %q, namespace %+v", later.Name, later.Namespace)
	}
	binds := map[string]*model.RBACBinding{}
	for _, b := range ev.RBACBindings {
		binds[b.Ref.ID] = b
	}
	lb, c0, c1 := binds["kubernetes_role_binding_v1.later"], binds["kubernetes_cluster_role_binding.counted[0]"], binds["kubernetes_cluster_role_binding.counted[1]"]
	if lb == nil || c0 == nil || c1 == nil || len(binds) != 3 {
		t.Fatalf("bindings: %v", binds)
	}
	if lb.RoleRef.Name != "kubernetes_role_v1.later" || lb.RoleRef.Kind != "Role" || lb.RoleRef.Why != "" || !lb.Namespace.IsUnknown() {
		t.Errorf("binding to the role named at apply: %+v", lb.RoleRef)
	}
	if len(lb.Subjects) != 2 {
		t.Fatalf("subjects: %+v", lb.Subjects)
	}
	if s := lb.Subjects[0]; s.Kind != "ServiceAccount" || s.Namespace != "default" || s.Why != "" || s.Key() != "ServiceAccount:default/runner" {
		t.Errorf("service account subject (the provider's default namespace): %+v", s)
	}
	if s := lb.Subjects[1]; s.Why == "" || !strings.Contains(s.Why, "var.groups") || s.Kind != "" || s.Name != "" || s.At.Line != 55 {
		t.Errorf("subjects of a dynamic block over an unknown list: %+v", s)
	}
	if !c0.Cluster || c0.Name != "counted-0" || c1.Name != "counted-1" || c1.Subjects[0].Name != "user-1" {
		t.Errorf("count instances: %+v %+v", c0, c1)
	}
	if c0.RoleRef.Why == "" || !strings.Contains(c0.RoleRef.Why, "var.role_name") || c0.RoleRef.Name != "" {
		t.Errorf("a role name from a variable without value, not of a role resource: %+v", c0.RoleRef)
	}
	// The binding's namespace and its Role's are unknown each for a
	// reason of its own: not taken to be the same (as a manifest's
	// kubectl apply -n would be), so the Role granted is unknown.
	if r, why := ev.RBAC().Role(lb); r != nil || !strings.Contains(why, "namespace is not known") {
		t.Errorf("role of the binding whose namespace is unknown: %v, %q", r, why)
	}
	if r, why := ev.RBAC().Role(c0); r != nil || !strings.Contains(why, "role's name is not known") {
		t.Errorf("role of a binding whose role_ref name is unknown: %v, %q", r, why)
	}
}

// Ensure what the API server refuses is an error at its line, and what
// cannot be read leaves the role incomplete or the binding out.
func TestKubeRBACBadInput(t *testing.T) {
	const src = `
resource "kubernetes_role" "r" {
  metadata {
    name      = "r"
    namespace = "ns"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = []
  }
  rule {
    resources = ["pods"]
    verbs     = ["get"]
  }
  rule {
    api_groups = [""]
    resources  = "pods"
    verbs      = ["get"]
  }
}

resource "kubernetes_cluster_role" "agg" {
  metadata {
    name = "agg"
  }
  aggregation_rule {
    cluster_role_selectors {
      match_expressions {
        key      = "team"
        operator = "Near"
        values   = ["ops"]
      }
    }
  }
}

resource "kubernetes_role_binding" "kind" {
  metadata {
    name = "kind"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Roll"
    name      = "r"
  }
}

resource "kubernetes_cluster_role_binding" "group" {
  metadata {
    name = "group"
  }
  role_ref {
    api_group = "rbac.example.com"
    kind      = "ClusterRole"
    name      = "view"
  }
}

resource "kubernetes_cluster_role_binding_v1" "subjects" {
  metadata {
    name = "subjects"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    kind = "Robot"
    name = "r2"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "ci"
    namespace = ""
  }
  subject {
    kind = "User"
    name = "ok"
  }
}

resource "kubernetes_role_binding_v1" "nometa" {
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "r"
  }
}
`
	ev, diags := load(t, map[string]string{"main.tf": src}, Options{})
	for _, w := range []struct {
		line int
		msg  string
	}{
		{7, "a rule has no verbs"},
		{12, "names resources but no api_groups"},
		{18, "resources is a string, want a list of strings"},
		{28, "invalid cluster_role_selectors"},
		{44, `role_ref kind "Roll" is neither Role nor ClusterRole`},
		{54, `role_ref api_group is "rbac.example.com"`},
		{69, `subject kind "Robot"`},
		{73, "ServiceAccount subject ci has no namespace"},
		{84, "kubernetes_role_binding_v1.nometa has no metadata block"},
	} {
		if !hasDiag(diags, "main.tf", w.line, w.msg) {
			t.Errorf("no error %q at line %d", w.msg, w.line)
		}
	}
	if len(diags) != 9 {
		t.Errorf("%d diagnostics, want 9: %v", len(diags), diags)
	}
	if len(ev.RBACRoles) != 2 || len(ev.RBACRoles[0].Rules) != 0 || !strings.Contains(ev.RBACRoles[0].Incomplete, "rule") {
		t.Errorf("role with refused rules: %+v", ev.RBACRoles[0])
	}
	if agg := ev.RBACRoles[1]; agg.Aggregation == nil || len(agg.Aggregation.Selectors) != 0 || agg.Incomplete == "" {
		t.Errorf("role with an invalid selector: %+v", agg)
	}
	if len(ev.RBACBindings) != 1 || len(ev.RBACBindings[0].Subjects) != 1 || ev.RBACBindings[0].Subjects[0].Name != "ok" {
		t.Errorf("bindings: %+v", ev.RBACBindings)
	}
}

// Ensure the JSON syntax reads the same blocks (tfeval.NestedBlocks), aggregation
// selectors included, and an unknown rule list leaves the role incomplete.
func TestKubeRBACJSON(t *testing.T) {
	const src = `{
  "variable": {"verbs": {"type": "list(string)"}},
  "resource": {
    "kubernetes_cluster_role_v1": {
      "agg": {
        "metadata": {"name": "agg"},
        "aggregation_rule": {"cluster_role_selectors": [
          {"match_labels": {"a": "b"}},
          {"match_expressions": {"key": "team", "operator": "In", "values": ["ops"]}}
        ]},
        "rule": [
          {"api_groups": [""], "resources": ["secrets"], "verbs": ["get"]},
          {"api_groups": [""], "resources": ["pods"], "verbs": "${var.verbs}"}
        ]
      }
    }
  }
}`
	ev, diags := load(t, map[string]string{"main.tf.json": src}, Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	if len(ev.RBACRoles) != 1 {
		t.Fatalf("roles: %+v", ev.RBACRoles)
	}
	r := ev.RBACRoles[0]
	if !r.Cluster || r.Name != "agg" || len(r.Rules) != 1 || r.Rules[0].Resources[0] != "secrets" || !strings.Contains(r.Incomplete, "var.verbs") {
		t.Errorf("role: %+v", r)
	}
	if r.Aggregation == nil || len(r.Aggregation.Selectors) != 2 || r.Aggregation.Selectors[0].MatchLabels["a"] != "b" ||
		len(r.Aggregation.Selectors[1].MatchExpressions) != 1 || r.Aggregation.Selectors[1].MatchExpressions[0].Values[0] != "ops" {
		t.Errorf("aggregation: %+v", r.Aggregation)
	}
}

// Ensure reading on all cores (flat.go) gives the RBAC sequential reading
// gives, roles named at apply linked to their bindings across files.
func TestKubeRBACFlat(t *testing.T) {
	files := map[string]string{}
	for i := range 150 {
		files[fmt.Sprintf("r%03d.tf", i)] = fmt.Sprintf(`variable "name%[1]d" {
  type = string
}

resource "kubernetes_role_v1" "r%[1]d" {
  metadata {
    name      = "${var.name%[1]d}-%[1]d"
    namespace = "ns%[1]d"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["create"]
  }
}
`, i)
		files[fmt.Sprintf("s%03d.tf", i)] = fmt.Sprintf(`resource "kubernetes_role_binding_v1" "b%[1]d" {
  metadata {
    name      = "b%[1]d"
    namespace = "ns%[1]d"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.r%[1]d.metadata[0].name
  }
  subject {
    kind = "User"
    name = "u%[1]d"
  }
}
`, i)
	}
	dir := t.TempDir()
	f := Folder{Dir: dir}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f.Files = append(f.Files, p)
	}
	sort.Strings(f.Files)
	summary := func(ev *model.Evidence) string {
		var b strings.Builder
		for _, r := range ev.RBACRoles {
			fmt.Fprintf(&b, "%s %s %s %d|", r.Ref.ID, r.Name, r.Namespace.Get("?"), len(r.Rules))
		}
		for _, x := range ev.RBACBindings {
			fmt.Fprintf(&b, "%s %s %s %s|", x.Ref.ID, x.RoleRef.Name, x.RoleRef.Why, x.Subjects[0].Key())
		}
		return b.String()
	}
	evFlat, dFlat := loadFlat(t, f)
	tfeval.Tune.Flat = false
	evSeq, dSeq := LoadFolders([]Folder{f}, Options{})
	tfeval.Tune.Flat = true
	if len(dFlat) != 0 || len(dSeq) != 0 {
		t.Fatalf("diagnostics: %v / %v", dFlat, dSeq)
	}
	if len(evFlat.RBACBindings) != 150 || evFlat.RBACBindings[7].RoleRef.Name != "kubernetes_role_v1.r7" {
		t.Fatalf("flat reading: %d bindings, %+v", len(evFlat.RBACBindings), evFlat.RBACBindings[7].RoleRef)
	}
	if a, b := summary(evFlat), summary(evSeq); a != b {
		t.Errorf("flat and sequential readings differ:\n%s\n%s", a, b)
	}
}

// Ensure a ClusterRole whose labels are known only at apply leaves every
// aggregating ClusterRole incomplete, its rules neither taken in nor left
// out on a guess.
func TestKubeRBACUnknownLabels(t *testing.T) {
	const src = `
variable "labels" {
  type = map(string)
}

resource "kubernetes_cluster_role_v1" "agg" {
  metadata {
    name = "agg"
  }
  aggregation_rule {
    cluster_role_selectors {
      match_expressions {
        key      = "team"
        operator = "NotIn"
        values   = ["web"]
      }
    }
  }
}

resource "kubernetes_cluster_role_v1" "part" {
  metadata {
    name   = "part"
    labels = var.labels
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get"]
  }
}
`
	ev, diags := load(t, map[string]string{"main.tf": src}, Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	x := ev.RBAC()
	var agg *model.RBACRole
	for _, r := range ev.RBACRoles {
		if r.Name == "agg" {
			agg = r
		}
	}
	if agg == nil || len(x.Rules(agg)) != 0 || !strings.Contains(x.Incomplete(agg), "var.labels") {
		t.Errorf("aggregating role: %d rules, incomplete %q", len(x.Rules(agg)), x.Incomplete(agg))
	}
}

// Ensure a ServiceAccount subject written with namespace "" in a
// binding whose namespace is unknown is unknown, not a subject of
// namespace "".
func TestKubeSubjectOfUnknownNamespace(t *testing.T) {
	ev, _ := load(t, map[string]string{"main.tf": `variable "ns" {
  type = string
}

resource "kubernetes_role_binding_v1" "b" {
  metadata {
    name      = "b"
    namespace = var.ns
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "r"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "sa"
    namespace = ""
  }
}
`}, Options{})
	if len(ev.RBACBindings) != 1 || len(ev.RBACBindings[0].Subjects) != 1 {
		t.Fatalf("bindings %+v", ev.RBACBindings)
	}
	if s := ev.RBACBindings[0].Subjects[0]; !strings.Contains(s.Why, "binding's, which is unknown") {
		t.Errorf("subject %+v, want unknown for the binding's namespace", s)
	}
}

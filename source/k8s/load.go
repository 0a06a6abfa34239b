package k8s

import (
	"regexp"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
	rbacv1 "k8s.io/api/rbac/v1"
)

// apiVersionRe matches a Kubernetes apiVersion: "v1" or "group/version".
var apiVersionRe = regexp.MustCompile(`^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?v[0-9]+((alpha|beta)[0-9]+)?$`)

// Detect reports whether a document is a Kubernetes object or List: it has
// a string apiVersion of Kubernetes form and a string kind.
func Detect(doc *tree.Node) bool {
	av, ok1 := doc.Get("apiVersion").Str()
	kind, ok2 := doc.Get("kind").Str()
	return ok1 && ok2 && kind != "" && apiVersionRe.MatchString(av)
}

// Load reads every document of a manifest file (a YAML stream, or one JSON
// object or List) into evidence. Documents of other shapes in the same
// stream are skipped; a document that claims to be an RBAC object but is
// malformed is reported and skipped.
func Load(file string, docs []*tree.Node) (*model.Evidence, source.Diagnostics) {
	l := &loader{file: file, ev: &model.Evidence{}}
	for _, d := range docs {
		l.object(d, 0)
	}
	return l.ev, l.diags
}

type loader struct {
	file  string
	ev    *model.Evidence
	diags source.Diagnostics
}

// object reads one document or List item.
func (l *loader) object(n *tree.Node, depth int) {
	if n == nil || n.Kind == tree.Null {
		return
	}
	if n.Kind != tree.Object || !Detect(n) {
		return // not a Kubernetes object: not ours to judge
	}
	av, _ := n.Get("apiVersion").Str()
	kind, _ := n.Get("kind").Str()
	group, _, _ := strings.Cut(av, "/")
	if !strings.Contains(av, "/") {
		group = ""
	}
	if strings.HasSuffix(kind, "List") {
		items := n.Get("items")
		switch {
		case items == nil || items.Kind == tree.Null:
		case items.Kind != tree.Array:
			l.diags.Errorf(items.At, "%s items is a %s, want a list", kind, items.Kind)
		case depth > 0:
			l.diags.Errorf(n.At, "a %s inside a List; not read", kind)
		default:
			for _, it := range items.Items {
				l.object(it, depth+1)
			}
		}
		return
	}
	isRBACKind := kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" || kind == "ClusterRoleBinding"
	if group == rbacv1.GroupName {
		if !isRBACKind {
			l.diags.Errorf(n.At, "unknown RBAC kind %q (want Role, ClusterRole, RoleBinding or ClusterRoleBinding)", kind)
			return
		}
	} else if isRBACKind {
		l.diags.Errorf(n.Get("apiVersion").At, "%s has apiVersion %q, want %s/v1", kind, av, rbacv1.GroupName)
		return
	}
	m := l.meta(n, kind)
	switch kind {
	case "Role", "ClusterRole":
		l.role(n, m, kind == "ClusterRole")
	case "RoleBinding", "ClusterRoleBinding":
		l.binding(n, m, kind == "ClusterRoleBinding")
	case "ServiceAccount":
		if group == "" {
			l.ev.ServiceAccounts = append(l.ev.ServiceAccounts, &model.ServiceAccount{Ref: m.ref, Namespace: m.ns, Name: m.name, Annotations: m.annotations})
		}
	case "Namespace":
		if group == "" {
			l.ev.Namespaces = append(l.ev.Namespaces, &model.Namespace{Ref: m.ref, Name: m.name, Labels: m.labels, Annotations: m.annotations})
		}
	case "ConfigMap":
		if group == "" && m.name == "aws-auth" && m.ns.Get("") == "kube-system" {
			l.awsAuth(n, m)
		}
	case "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob":
		l.workload(n, m, kind)
	}
}

// meta is an object's metadata.
type meta struct {
	ref         model.Ref
	name        string
	ns          model.Field[string]
	labels      map[string]string
	annotations map[string]model.Annotation
}

// clusterScoped are the kinds read here that have no namespace.
var clusterScoped = map[string]bool{"ClusterRole": true, "ClusterRoleBinding": true, "Namespace": true}

func (l *loader) meta(n *tree.Node, kind string) meta {
	md := n.Get("metadata")
	m := meta{ref: model.Ref{Kind: "k8s:" + kind, Loc: n.At}}
	if md != nil && md.Kind != tree.Object {
		l.diags.Errorf(md.At, "%s metadata is a %s, want an object", kind, md.Kind)
		md = nil
	}
	m.name, _ = md.Get("name").Str()
	if m.name == "" {
		if g, ok := md.Get("generateName").Str(); ok {
			m.name = g + "*"
		}
	}
	if !clusterScoped[kind] {
		if ns, ok := md.Get("namespace").Str(); ok && ns != "" {
			m.ns = model.Known(ns, md.Get("namespace").At)
		} else {
			m.ns = model.Unresolved[string]("metadata.namespace is not set: the namespace is set at apply time (kubectl apply -n, or the context's namespace)", n.At)
		}
	}
	m.labels = l.stringMap(md.Get("labels"), "labels")
	m.annotations = l.annotations(md.Get("annotations"))
	m.ref.Name = m.name
	m.ref.ID = kind + " " + m.name
	if m.ns.IsSet() {
		m.ref.ID = kind + " " + m.ns.Val + "/" + m.name
	}
	if m.name == "" && (clusterScoped[kind] || kind == "Role" || kind == "RoleBinding") {
		l.diags.Errorf(n.At, "%s has no metadata.name", kind)
	}
	return m
}

func (l *loader) stringMap(n *tree.Node, what string) map[string]string {
	if n == nil || n.Kind == tree.Null {
		return nil
	}
	if n.Kind != tree.Object {
		l.diags.Errorf(n.At, "%s is a %s, want a map of strings", what, n.Kind)
		return nil
	}
	out := make(map[string]string, len(n.Fields))
	for _, f := range n.Fields {
		if f.Val.Kind == tree.Object || f.Val.Kind == tree.Array {
			l.diags.Errorf(f.Val.At, "%s %q is a %s, want a string", what, f.Key, f.Val.Kind)
			continue
		}
		out[f.Key] = f.Val.Text
	}
	return out
}

func (l *loader) annotations(n *tree.Node) map[string]model.Annotation {
	if n == nil || n.Kind != tree.Object {
		l.stringMap(n, "annotations") // reports a non-object
		return nil
	}
	out := make(map[string]model.Annotation, len(n.Fields))
	for _, f := range n.Fields {
		out[f.Key] = model.Annotation{Val: f.Val.Text, At: f.KeyAt}
	}
	return out
}

// strings reads a list of strings; what names it in errors. ok is false
// when the value is there but not a list of strings.
func (l *loader) strings(n *tree.Node, what string) ([]string, bool) {
	if n == nil || n.Kind == tree.Null {
		return nil, true
	}
	if n.Kind != tree.Array {
		l.diags.Errorf(n.At, "%s is a %s, want a list of strings", what, n.Kind)
		return nil, false
	}
	out := make([]string, 0, len(n.Items))
	for _, it := range n.Items {
		if it.Kind == tree.Object || it.Kind == tree.Array || it.Kind == tree.Null {
			l.diags.Errorf(it.At, "an item of %s is a %s, want a string", what, it.Kind)
			return nil, false
		}
		out = append(out, it.Text)
	}
	return out, true
}

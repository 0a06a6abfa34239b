package terraform

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// Kubernetes RBAC written with the hashicorp/kubernetes provider
// (kubernetes_role, kubernetes_cluster_role, kubernetes_role_binding,
// kubernetes_cluster_role_binding and their _v1 names) is read into the
// model source/k8s builds from manifests, with the same checks the API
// server applies, so that EKS601–605 judge it alike. What only apply
// tells stays unknown: a role's namespace from a variable without value,
// a subject whose kind or name is unknown (model.Subject.Why), a role
// named by an unknown value (model.RoleRef.Why). A name known only after
// apply is the resource's address on both sides: blocksValue marks a
// reference to metadata[0].name as this resource's (kubeNamed), and the
// role takes its address for name.

// kubeRoleKinds maps the provider's role resource types to the roleRef
// kind that names them.
var kubeRoleKinds = map[string]string{
	"kubernetes_role": "Role", "kubernetes_role_v1": "Role",
	"kubernetes_cluster_role": "ClusterRole", "kubernetes_cluster_role_v1": "ClusterRole",
}

// The subject kinds the API server accepts.
var kubeSubjectKinds = map[string]bool{"User": true, "Group": true, "ServiceAccount": true}

const rbacGroup = "rbac.authorization.k8s.io"

func (r *rd) kubeRole(in attrs)               { r.kubeRoleOf(in, false) }
func (r *rd) kubeClusterRole(in attrs)        { r.kubeRoleOf(in, true) }
func (r *rd) kubeRoleBinding(in attrs)        { r.kubeBinding(in, false) }
func (r *rd) kubeClusterRoleBinding(in attrs) { r.kubeBinding(in, true) }

// kubeMeta is what a resource's metadata block says.
type kubeMeta struct {
	ref    model.Ref
	name   string              // the name; the instance address when it is not known
	ns     model.Field[string] // namespaced resources only
	labels map[string]string
	// labelsWhy says why the labels are not known.
	labelsWhy string
}

// kubeMetadata reads the metadata block (required). A namespace left out
// is the provider's default, "default"; one known only after apply is
// unknown.
func (r *rd) kubeMetadata(in attrs, namespaced bool) (kubeMeta, bool) {
	m := kubeMeta{ref: r.ref(in), name: in.address()}
	md, ok := r.block(in, nil, "metadata")
	switch {
	case !ok:
		r.Diags.Errorf(in.pos(), "%s has no metadata block (a required block)", in.address())
		return m, false
	case md.why != "":
		if namespaced {
			m.ns = model.Unresolved[string](md.why, md.at)
		}
		m.labelsWhy = md.why
		return m, true
	}
	// Left out (generate_name) or known only after apply, the name is
	// the address, which references to it evaluate to as well.
	if n := r.str(in.sub(r, md, "name")); n.IsSet() && n.Val != "" {
		m.name, m.ref.Name = n.Val, n.Val
	}
	if namespaced {
		m.ns = r.str(in.sub(r, md, "namespace"))
		if m.ns.IsAbsent() || (m.ns.IsSet() && m.ns.Val == "") {
			m.ns = model.Known("default", md.at)
		}
	}
	lx := in.sub(r, md, "labels")
	if m.labels = r.kubeLabels(lx); !lx.Absent() && !lx.V.IsWhollyKnown() {
		m.labelsWhy = "labels are unknown: " + tfeval.ReasonOf(lx.V)
	}
	return m, true
}

// kubeLabels reads a map of strings; an unknown map reads as none (the
// caller records why).
func (r *rd) kubeLabels(x tfeval.Value) map[string]string {
	if x.Absent() || !x.V.IsWhollyKnown() {
		return nil
	}
	v, _ := x.V.UnmarkDeep()
	if !v.CanIterateElements() || v.Type().IsListType() || v.Type().IsSetType() || v.Type().IsTupleType() {
		r.Diags.Errorf(x.At, "%s is a %s, want a map of strings", x.Key, v.Type().FriendlyName())
		return nil
	}
	out := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		ks, _ := tfeval.Scalar(k)
		if es, ok := tfeval.Scalar(e); ok {
			out[ks] = es
		}
	}
	return out
}

// kubeStrings reads a list (or set) of strings, or says why it cannot.
func (r *rd) kubeStrings(x tfeval.Value) ([]string, string) {
	if x.Absent() {
		return nil, ""
	}
	if !x.V.IsWhollyKnown() {
		return nil, x.Key + " is unknown: " + tfeval.ReasonOf(x.V)
	}
	v, _ := x.V.UnmarkDeep()
	if t := v.Type(); !(t.IsListType() || t.IsSetType() || t.IsTupleType()) {
		r.Diags.Errorf(x.At, "%s is a %s, want a list of strings", x.Key, t.FriendlyName())
		return nil, x.Key + " is not a list"
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		s, ok := tfeval.Scalar(e)
		if !ok {
			r.Diags.Errorf(x.At, "%s holds a %s, want strings", x.Key, e.Type().FriendlyName())
			return nil, x.Key + " is not a list of strings"
		}
		out = append(out, s)
	}
	return out, ""
}

// kubeRoleOf reads a Role or ClusterRole. A rule that cannot be read or
// is not known leaves the role Incomplete: no subject bound to it passes
// on the rules that are left.
func (r *rd) kubeRoleOf(in attrs, cluster bool) {
	m, ok := r.kubeMetadata(in, !cluster)
	if !ok {
		return
	}
	role := &model.RBACRole{Ref: m.ref, Cluster: cluster, Name: m.name, Labels: m.labels, LabelsWhy: m.labelsWhy, Namespace: m.ns, OwnNamespace: true}
	for _, b := range in.nestedIn(r, nil, "rule") {
		if b.why != "" {
			role.Incomplete = b.why
			continue
		}
		if rule, ok := r.kubeRule(in, b, role); ok {
			role.Rules = append(role.Rules, rule)
		}
	}
	if cluster {
		if a, ok := r.block(in, nil, "aggregation_rule", "cluster_role_selectors"); ok {
			role.Aggregation = r.kubeAggregation(in, a, role)
		}
	}
	r.ev.RBACRoles = append(r.ev.RBACRoles, role)
}

func (r *rd) kubeRule(in attrs, b nested, role *model.RBACRole) (model.RBACRule, bool) {
	rule := model.RBACRule{At: b.at, Role: role}
	why := ""
	read := func(key string) []string {
		v, w := r.kubeStrings(in.sub(r, b, key))
		if why == "" {
			why = w
		}
		return v
	}
	rule.Verbs = read("verbs")
	rule.APIGroups = read("api_groups")
	rule.Resources = read("resources")
	rule.ResourceNames = read("resource_names")
	rule.NonResourceURLs = read("non_resource_urls")
	if why != "" {
		role.Incomplete = fmt.Sprintf("the rule at %s is not known: %s", b.at, why)
		return rule, false
	}
	bad := rule.Invalid("api_groups")
	if bad == "" {
		return rule, true
	}
	r.Diags.Errorf(b.at, "%s: %s", in.address(), bad)
	role.Incomplete = "a rule could not be read (" + b.at.String() + ")"
	return rule, false
}

// kubeAggregation reads aggregation_rule, validating each selector with
// apimachinery as the API server does on admission.
func (r *rd) kubeAggregation(in attrs, a nested, role *model.RBACRole) *model.AggregationRule {
	agg := &model.AggregationRule{At: a.at}
	if a.why != "" {
		role.Incomplete = "its aggregation_rule is not known: " + a.why
		return agg
	}
	for _, s := range in.nestedIn(r, &a, "cluster_role_selectors", "match_expressions") {
		if s.why != "" {
			role.Incomplete = "its aggregation selectors are not known: " + s.why
			continue
		}
		sel := model.LabelSelector{At: s.at, MatchLabels: r.kubeLabels(in.sub(r, s, "match_labels"))}
		if x := in.sub(r, s, "match_labels"); !x.Absent() && !x.V.IsWhollyKnown() {
			role.Incomplete = fmt.Sprintf("the aggregation selector at %s is not known: match_labels is unknown: %s", s.at, tfeval.ReasonOf(x.V))
			continue
		}
		api := metav1.LabelSelector{MatchLabels: sel.MatchLabels}
		why := ""
		for _, e := range in.nestedIn(r, &s, "match_expressions") {
			key, op := r.str(in.sub(r, e, "key")), r.str(in.sub(r, e, "operator"))
			vals, w := r.kubeStrings(in.sub(r, e, "values"))
			switch {
			case e.why != "":
				why = e.why
			case key.IsUnknown():
				why = "key is unknown: " + key.Why
			case op.IsUnknown():
				why = "operator is unknown: " + op.Why
			case w != "":
				why = w
			}
			sel.MatchExpressions = append(sel.MatchExpressions, model.LabelRequirement{Key: key.Val, Operator: op.Val, Values: vals})
			api.MatchExpressions = append(api.MatchExpressions, metav1.LabelSelectorRequirement{Key: key.Val, Operator: metav1.LabelSelectorOperator(op.Val), Values: vals})
		}
		if why != "" {
			role.Incomplete = fmt.Sprintf("the aggregation selector at %s is not known: %s", s.at, why)
			continue
		}
		if _, err := metav1.LabelSelectorAsSelector(&api); err != nil {
			r.Diags.Errorf(s.at, "%s: invalid cluster_role_selectors: %v", in.address(), err)
			role.Incomplete = "an aggregation selector could not be read (" + s.at.String() + ")"
			continue
		}
		agg.Selectors = append(agg.Selectors, sel)
	}
	return agg
}

// kubeBinding reads a RoleBinding or ClusterRoleBinding. A role_ref the
// API server refuses is an error and the binding is left out, as
// source/k8s does.
func (r *rd) kubeBinding(in attrs, cluster bool) {
	m, ok := r.kubeMetadata(in, !cluster)
	if !ok {
		return
	}
	b := &model.RBACBinding{Ref: m.ref, Cluster: cluster, Name: m.name, Namespace: m.ns}
	rr, ok := r.block(in, nil, "role_ref")
	switch {
	case !ok:
		r.Diags.Errorf(in.pos(), "%s has no role_ref block (a required block)", in.address())
		return
	case rr.why != "":
		b.RoleRef = model.RoleRef{At: rr.at, Why: "role_ref " + rr.why}
	default:
		if b.RoleRef, ok = r.kubeRoleRef(in, rr, cluster); !ok {
			return
		}
	}
	for _, s := range in.nestedIn(r, nil, "subject") {
		if s.why != "" {
			b.Subjects = append(b.Subjects, model.Subject{At: s.at, Why: s.why})
			continue
		}
		if sub, ok := r.kubeSubject(in, s, b); ok {
			b.Subjects = append(b.Subjects, sub)
		}
	}
	r.ev.RBACBindings = append(r.ev.RBACBindings, b)
}

func (r *rd) kubeRoleRef(in attrs, rr nested, cluster bool) (model.RoleRef, bool) {
	ref := model.RoleRef{At: rr.at}
	kind := r.str(in.sub(r, rr, "kind"))
	nx := in.sub(r, rr, "name")
	name := r.str(nx)
	ref.At = name.At.Or(rr.at) // the name is what a reader checks
	if g := r.str(in.sub(r, rr, "api_group")); g.IsSet() && g.Val != rbacGroup {
		r.Diags.Errorf(g.At, "%s: role_ref api_group is %q, want %s", in.address(), g.Val, rbacGroup)
		return ref, false
	}
	switch {
	case kind.IsUnknown():
		ref.Why = "role_ref.kind is unknown: " + kind.Why
		return ref, true
	case kind.Val != "Role" && kind.Val != "ClusterRole":
		r.Diags.Errorf(kind.At.Or(rr.at), "%s: role_ref kind %q is neither Role nor ClusterRole", in.address(), kind.Val)
		return ref, false
	case name.IsAbsent() || (name.IsSet() && name.Val == ""):
		r.Diags.Errorf(rr.at, "%s: role_ref has no name", in.address())
		return ref, false
	case cluster && kind.Val == "Role":
		r.Diags.Errorf(ref.At, "%s: a ClusterRoleBinding can only reference a ClusterRole, not Role %q", in.address(), name.Val)
		return ref, false
	}
	ref.Kind, ref.Name = kind.Val, name.Val
	if name.IsUnknown() {
		// A role whose name is known only after apply is named by its
		// address, which its metadata[0].name is marked with.
		if addr, ok := tfeval.FromOf(nx.V); ok && kubeRoleKinds[localType(addr)] == kind.Val {
			ref.Name = addr
		} else {
			ref.Name, ref.Why = "", "role_ref.name is unknown: "+name.Why
		}
	}
	return ref, true
}

// kubeSubject reads one subject block. A ServiceAccount without namespace
// is in "default", the provider's default (not the binding's namespace,
// as in a manifest).
func (r *rd) kubeSubject(in attrs, sb nested, b *model.RBACBinding) (model.Subject, bool) {
	s := model.Subject{At: sb.at}
	kind, name := r.str(in.sub(r, sb, "kind")), r.str(in.sub(r, sb, "name"))
	ns := r.str(in.sub(r, sb, "namespace"))
	switch {
	case kind.IsUnknown():
		s.Why = "its kind is unknown: " + kind.Why
	case name.IsUnknown():
		s.Why = "its name is unknown: " + name.Why
	case kind.Val == "ServiceAccount" && ns.IsUnknown():
		s.Why = "its namespace is unknown: " + ns.Why
	}
	if s.Why != "" {
		s.Kind = kind.Get("") // when known: a Group is not EMR's user
		return s, true
	}
	s.Kind, s.Name = kind.Val, name.Val
	switch {
	case !kubeSubjectKinds[s.Kind]:
		r.Diags.Errorf(sb.at, "%s: subject kind %q is not User, Group or ServiceAccount", in.address(), s.Kind)
		return s, false
	case s.Name == "":
		r.Diags.Errorf(sb.at, "%s: a %s subject has no name", in.address(), s.Kind)
		return s, false
	case s.Kind != "ServiceAccount":
	case ns.IsAbsent():
		s.Namespace = "default"
	case ns.Val != "":
		s.Namespace = ns.Val
	case b.Cluster:
		r.Diags.Errorf(sb.at, "%s: ServiceAccount subject %s has no namespace", in.address(), s.Name)
		return s, false
	case b.Namespace.IsSet():
		s.Namespace = b.Namespace.Val // the authorizer takes the RoleBinding's
	default:
		s.Why = "its namespace is the binding's, which is unknown: " + b.Namespace.Why
	}
	return s, true
}

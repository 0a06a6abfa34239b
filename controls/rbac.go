package controls

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	rbacv1 "k8s.io/api/rbac/v1"
)

// permission is one of the five RBAC permissions EKS601–605 forbid
// (aws-emr-facts.md §7.3): a rule grants it when its apiGroups, resources
// and one of verbs match, with the upstream matching of
// pkg/apis/rbac/v1/evaluation_helpers.go.
type permission struct {
	group, resource, subresource string
	verbs                        []string
	// clusterScoped: only a ClusterRole bound by a ClusterRoleBinding
	// grants it (a RoleBinding grants namespaced resources only).
	clusterScoped bool
	what          string // for messages
}

var (
	permConfigmaps = permission{resource: "configmaps", verbs: []string{"create", "update", "patch", "delete", "deletecollection"}, what: "modify configmaps"}
	// WebSocket exec is authorised as get before Kubernetes 1.35
	// (kubernetes/kubernetes#78741), so get counts as exec.
	permExec       = permission{resource: "pods", subresource: "exec", verbs: []string{"create", "get"}, what: "exec into pods (pods/exec)"}
	permCreatePods = permission{resource: "pods", verbs: []string{"create"}, what: "create pods"}
	permWebhooks   = permission{group: "admissionregistration.k8s.io", resource: "mutatingwebhookconfigurations", verbs: []string{"create", "update", "patch"}, clusterScoped: true, what: "modify mutating webhook configurations"}
	permSecrets    = permission{resource: "secrets", verbs: []string{"get", "list", "watch"}, what: "read secrets"}
)

// namelessVerbs are the verbs whose requests on a resource carry no
// object name, so a rule limited by resourceNames never allows them. A
// subresource request (create pods/exec) names its parent object.
var namelessVerbs = map[string]bool{"create": true, "deletecollection": true}

// grants returns the verb of p that rule allows, or "".
func (p permission) grants(rule *model.RBACRule) string {
	if !has(rule.APIGroups, p.group) || !resourceMatches(rule.Resources, p.resource, p.subresource) {
		return ""
	}
	for _, v := range p.verbs {
		if has(rule.Verbs, v) && (len(rule.ResourceNames) == 0 || p.subresource != "" || !namelessVerbs[v]) {
			return v
		}
	}
	return ""
}

// has is upstream's VerbMatches and APIGroupMatches: the value or "*".
func has(list []string, v string) bool {
	for _, x := range list {
		if x == v || x == rbacv1.VerbAll {
			return true
		}
	}
	return false
}

// resourceMatches is upstream's ResourceMatches: "*" matches every
// resource and subresource, "pods/exec" only itself, "*/exec" the exec
// subresource of any resource; "pods" does not match "pods/exec".
func resourceMatches(list []string, resource, sub string) bool {
	combined := resource
	if sub != "" {
		combined += "/" + sub
	}
	for _, r := range list {
		switch {
		case r == rbacv1.ResourceAll, r == combined:
			return true
		case sub != "" && strings.HasPrefix(r, "*/") && r[2:] == sub:
			return true
		}
	}
	return false
}

// everyone are the groups that hold ordinary users and workloads: never
// treated as system subjects, whatever their prefix says.
func everyone(name string) bool {
	return name == "system:authenticated" || name == "system:unauthenticated" || name == "system:anonymous" ||
		name == "system:serviceaccounts" || strings.HasPrefix(name, "system:serviceaccounts:")
}

// excluded says why a subject is not judged, or "". Judged are job
// submitters and everything that may act for them. Not judged are:
//   - EMR on EKS's own user (facts §7.4), which must hold these rights;
//   - the group system:masters: the API server allows it everything before
//     RBAC is consulted, so no Role or binding can narrow it (who belongs
//     to it is set by aws-auth or EKS access entries, not by RBAC);
//   - other users and groups named system:… or eks:…: Kubernetes and EKS
//     control-plane identities (the "system:" prefix is reserved), except
//     the groups that hold every user or service account;
//   - kube-system service accounts bound by a bootstrap binding (named
//     system:… or eks:…): the built-in controllers that create pods.
func excluded(x *model.RBACIndex, b *model.RBACBinding, s model.Subject) string {
	switch {
	case s.Kind == rbacv1.UserKind:
		if why, ok := x.EMRUser(s.Name); ok {
			return "EMR on EKS's own user (" + why + ")"
		}
	case s.Kind == rbacv1.GroupKind && s.Name == "system:masters":
		return "system:masters is the API server's superuser group, allowed everything before RBAC is consulted"
	case s.Kind == rbacv1.ServiceAccountKind:
		if s.Namespace == "kube-system" && (strings.HasPrefix(b.Name, "system:") || strings.HasPrefix(b.Name, "eks:")) {
			return "a control-plane controller bound by the bootstrap binding " + b.Name
		}
		return ""
	}
	if (strings.HasPrefix(s.Name, "system:") && !everyone(s.Name)) || strings.HasPrefix(s.Name, "eks:") {
		return "a Kubernetes or EKS control-plane identity (reserved name prefix)"
	}
	return ""
}

// grant is the first rule found that grants a permission, and how.
type grant struct {
	binding *model.RBACBinding
	bound   *model.RBACRole
	rule    *model.RBACRule
	verb    string
}

// subjectState is what is known of one subject in one namespace.
type subjectState struct {
	ref      model.Ref
	subject  model.Subject
	ns       string // "" for a cluster-scoped permission
	grant    *grant
	unknown  string
	unknowAt model.Loc
	na       string
	via      *model.RBACBinding // first binding seen
}

// unknownNS stands for the namespace of a RoleBinding that leaves it to
// kubectl apply -n.
const unknownNS = "(unknown namespace)"

// remRBAC is shared by the five forbidden RBAC permissions (EKS601–605).
var remRBAC = control.Remediation{
	Text:           "Remove the permission from roles bound to job submitters in EMR namespaces; only EMR's own `emr-containers` subject needs it.",
	CLI:            "kubectl -n NAMESPACE edit role ROLE   # drop the rule; or kubectl delete rolebinding BINDING",
	CloudFormation: "Not managed by CloudFormation: edit the Kubernetes Role/ClusterRole manifest.",
	Terraform:      "Edit the kubernetes_role / kubernetes_cluster_role rules, or the manifest applied with kubernetes_manifest.",
}

// EKS601 fails when a subject other than EMR's can modify configmaps in an EMR namespace.
var EKS601 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permConfigmaps) },
	ID:  "EKS601", Title: "A subject other than EMR can modify configmaps in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can modify configmaps in an EMR namespace

EMR passes job configuration to pods through configmaps; whoever can edit them
can change what a job runs and with which role.`,
}

// EKS602 fails when a subject other than EMR can exec into pods in an EMR namespace.
var EKS602 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permExec) },
	ID:  "EKS602", Title: "A subject other than EMR can exec into pods in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can exec into pods in an EMR namespace

Exec into a job pod yields its IRSA credentials and data. WebSocket exec is
authorised as get on pods/exec before Kubernetes 1.35, so get counts too.`,
}

// EKS603 fails when a subject other than EMR can create pods in an EMR namespace.
var EKS603 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permCreatePods) },
	ID:  "EKS603", Title: "A subject other than EMR can create pods in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can create pods in an EMR namespace

A pod created with an EMR job service account gets that job's execution role.`,
}

// EKS604 fails when a subject other than EMR can modify mutating webhooks.
var EKS604 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permWebhooks) },
	ID:  "EKS604", Title: "A subject other than EMR can modify mutating webhook configurations", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can modify mutating webhook configurations

A mutating webhook rewrites every pod created in the cluster, EMR's included.`,
}

// EKS605 fails when a subject other than EMR can read secrets in an EMR namespace.
var EKS605 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permSecrets) },
	ID:  "EKS605", Title: "A subject other than EMR can read secrets in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can read secrets in an EMR namespace

EMR namespaces hold service-account tokens and TLS material of jobs and
endpoints.`,
}

// rbacControl runs one of EKS601–605: one result per (subject, namespace)
// for each subject bound in an EMR namespace, naming the binding and the
// rule that grants p. It walks bindings once and each role's rules once
// (first granting rule cached per role), so it is linear in bindings ×
// subjects plus roles × rules; a ClusterRoleBinding's subjects get a
// result in every EMR namespace.
func rbacControl(p *control.Pass, perm permission) {
	ev := p.Evidence
	if len(ev.RBACBindings) == 0 {
		return
	}
	x := ev.RBAC()
	emrNS := x.EMRNamespaces()
	first := map[*model.RBACRole]*model.RBACRule{}
	firstOf := func(r *model.RBACRole) *model.RBACRule {
		if rule, ok := first[r]; ok {
			return rule
		}
		var found *model.RBACRule
		for _, rule := range x.Rules(r) {
			if perm.grants(rule) != "" {
				found = rule
				break
			}
		}
		first[r] = found
		return found
	}
	size := 0
	for _, b := range ev.RBACBindings {
		if b.Cluster && !perm.clusterScoped {
			size += len(b.Subjects) * len(emrNS)
		} else {
			size += len(b.Subjects)
		}
	}
	states := make(map[string]*subjectState, size)
	order := make([]*subjectState, 0, size)
	state := func(b *model.RBACBinding, s model.Subject, ns string) *subjectState {
		key := s.Key() + "@" + ns
		if s.Why != "" {
			// Who it is is unknown: a result of its own, never merged
			// with a known subject's, named by its place in the binding
			// (not its line: an ID must not move when lines above do).
			key = fmt.Sprintf("%s subject %d (unknown)@%s", b.Ref.ID, slices.Index(b.Subjects, s)+1, ns)
		}
		if st := states[key]; st != nil {
			return st
		}
		id := key
		if ns == "" {
			id = key[:len(key)-1] // cluster-wide: no "@"
		}
		st := &subjectState{ref: model.Ref{Kind: model.KindK8sSubject, ID: id, Name: s.Name, Loc: s.At}, subject: s, ns: ns, via: b}
		states[key] = st
		order = append(order, st)
		return st
	}
	for _, b := range ev.RBACBindings {
		var nss []string
		switch {
		case b.Cluster && perm.clusterScoped:
			nss = []string{""}
		case b.Cluster:
			nss = emrNS
		case !b.Namespace.IsSet():
			// Whether the namespace is EMR's is unknown; the rules still
			// decide when the role (of the same file, applied with it)
			// grants nothing of perm: then no namespace changes that.
			role, _ := x.Role(b)
			var rule *model.RBACRule
			if role != nil && !perm.clusterScoped {
				rule = firstOf(role)
			}
			judged := role != nil && x.Incomplete(role) == "" && rule == nil
			for _, s := range b.Subjects {
				st := state(b, s, unknownNS)
				switch {
				case len(emrNS) == 0:
					st.na = "the RoleBinding names no namespace" + noEMR(emrNS)
				case judged && s.Why != "":
					st.na = "whoever it is (" + s.Why + "), " + rbacRoleName(role) + " grants no way to " + perm.what
				case judged || st.grant != nil || st.unknown != "":
				case rule != nil:
					st.unknown, st.unknowAt = fmt.Sprintf("the RoleBinding's namespace is not known (%s); in an EMR namespace, %s's rule at %s allows %q on %s",
						b.Namespace.Why, rbacRoleName(role), rule.At, perm.grants(rule), strings.Join(rule.Resources, ",")), rule.At
				default:
					st.unknown, st.unknowAt = "the RoleBinding's namespace is not known: "+b.Namespace.Why, b.Ref.Loc
				}
			}
			continue
		default:
			ns := b.Namespace.Val
			if _, ok := x.EMRNamespace(ns); !ok {
				// A namespace that may be EMR's (its RoleBinding binds a
				// user not known) is undecided where the binding grants
				// perm, or may.
				maybe, undecided := x.MaybeEMRNamespace(ns)
				var role *model.RBACRole
				var rule *model.RBACRule
				var why string
				if undecided = undecided && !perm.clusterScoped; undecided {
					if role, why = x.Role(b); role != nil {
						rule = firstOf(role)
					}
					undecided = role == nil || x.Incomplete(role) != "" || rule != nil
				}
				for _, s := range b.Subjects {
					st := state(b, s, ns)
					switch {
					case undecided && (s.Why != "" || excluded(x, b, s) == ""):
						st.na = ""
						if st.unknown == "" {
							st.unknown, st.unknowAt = fmt.Sprintf("whether namespace %q is EMR's is unknown: %s; %s %s grants %s %q: %s",
								ns, maybe, kindName(b), b.Name, b.RoleRef.Kind, b.RoleRef.Name, grantText(x, role, rule, why, perm)), b.RoleRef.At
						}
					case st.na == "" && st.unknown == "":
						st.na = fmt.Sprintf("namespace %q is not an EMR namespace%s", ns, noEMR(emrNS))
					}
				}
				continue
			}
			nss = []string{ns}
			if perm.clusterScoped {
				nss = []string{""} // examined; a RoleBinding cannot grant it
			}
		}
		role, why := x.Role(b)
		var rule *model.RBACRule
		if role != nil && !(perm.clusterScoped && !b.Cluster) {
			rule = firstOf(role)
		}
		for _, s := range b.Subjects {
			ex := ""
			if s.Why == "" {
				ex = excluded(x, b, s)
			}
			for _, ns := range nss {
				st := state(b, s, ns)
				switch {
				case ex != "":
					st.na = ex
				case s.Why != "":
					unknownSubject(x, st, b, role, rule, why, perm)
				case st.grant != nil:
				case rule != nil:
					st.grant = &grant{binding: b, bound: role, rule: rule, verb: perm.grants(rule)}
				case role == nil && st.unknown == "":
					st.unknown, st.unknowAt = fmt.Sprintf("%s %s grants %s %q, which cannot be judged: %s", kindName(b), b.Name, b.RoleRef.Kind, b.RoleRef.Name, why), b.RoleRef.At
				case role != nil && x.Incomplete(role) != "" && st.unknown == "":
					st.unknown, st.unknowAt = fmt.Sprintf("%s %s is not fully known: %s", role.Ref.ID, b.Name, x.Incomplete(role)), role.Ref.Loc
				}
			}
		}
	}
	for _, st := range order {
		where := "in namespace " + st.ns
		switch st.ns {
		case "":
			where = "cluster-wide"
		case unknownNS:
			where = "in whatever namespace the RoleBinding is applied to"
		}
		switch {
		case st.na != "":
			p.NAf(st.ref, st.subject.At, "%s: %s", subjectName(st.subject), st.na)
		case st.grant != nil:
			g := st.grant
			names := ""
			if len(g.rule.ResourceNames) > 0 {
				names = " (only on objects named " + strings.Join(g.rule.ResourceNames, ", ") + ")"
			}
			from := ""
			if g.rule.Role != g.bound {
				from = " aggregated from " + rbacRoleName(g.rule.Role)
			}
			p.Failf(st.ref, g.rule.At, "%s %s can %s %s: %s %s binds %s, whose rule at %s%s allows %q on %s%s",
				st.subject.Kind, st.subject.Name, perm.what, where, kindName(g.binding), g.binding.Name,
				rbacRoleName(g.bound), g.rule.At, from, g.verb, strings.Join(g.rule.Resources, ","), names)
		case st.unknown != "":
			p.Unknownf(st.ref, st.unknowAt, "whether %s can %s %s is unknown: %s", subjectName(st.subject), perm.what, where, st.unknown)
		default:
			p.Passf(st.ref, st.subject.At, "%s %s cannot %s %s through the bindings among the inputs", st.subject.Kind, st.subject.Name, perm.what, where)
		}
	}
}

// unknownSubject judges a subject whose kind or name is not known: never
// a pass or a failure on a guess. The binding grants perm (or may: its
// role is missing or not fully known): unknown; it grants nothing of
// perm: n/a, whoever the subject is.
func unknownSubject(x *model.RBACIndex, st *subjectState, b *model.RBACBinding, role *model.RBACRole, rule *model.RBACRule, why string, perm permission) {
	switch {
	case rule != nil:
		st.unknown, st.unknowAt = fmt.Sprintf("the subject is not known (%s); %s %s binds %s, whose rule at %s allows %q on %s",
			st.subject.Why, kindName(b), b.Name, rbacRoleName(role), rule.At, perm.grants(rule), strings.Join(rule.Resources, ",")), st.subject.At
	case role == nil:
		st.unknown, st.unknowAt = fmt.Sprintf("the subject is not known (%s), and %s %s grants %s %q, which cannot be judged: %s",
			st.subject.Why, kindName(b), b.Name, b.RoleRef.Kind, b.RoleRef.Name, why), st.subject.At
	case x.Incomplete(role) != "":
		st.unknown, st.unknowAt = fmt.Sprintf("the subject is not known (%s), and %s is not fully known: %s", st.subject.Why, role.Ref.ID, x.Incomplete(role)), st.subject.At
	default:
		st.na = "whoever it is (" + st.subject.Why + "), " + rbacRoleName(role) + " grants no way to " + perm.what
	}
}

// grantText says what a bound role grants of perm, or why that is not known.
func grantText(x *model.RBACIndex, role *model.RBACRole, rule *model.RBACRule, why string, perm permission) string {
	switch {
	case rule != nil:
		return fmt.Sprintf("its rule at %s allows %q on %s", rule.At, perm.grants(rule), strings.Join(rule.Resources, ","))
	case role == nil:
		return "it cannot be judged: " + why
	}
	return "it is not fully known: " + x.Incomplete(role)
}

// subjectName names a subject in messages.
func subjectName(s model.Subject) string {
	if s.Why != "" {
		return "an unknown subject"
	}
	return s.Kind + " " + s.Name
}

func noEMR(emrNS []string) string {
	if len(emrNS) == 0 {
		return " (no EMR namespace is known: give --emr-namespace, a virtual cluster description, or the emr-containers RoleBinding)"
	}
	return ""
}

func kindName(b *model.RBACBinding) string {
	if b.Cluster {
		return "ClusterRoleBinding"
	}
	return "RoleBinding"
}

func rbacRoleName(r *model.RBACRole) string {
	if r == nil {
		return "a role"
	}
	if r.Cluster {
		return "ClusterRole " + r.Name
	}
	return "Role " + r.Name
}

package model

// The Kubernetes objects EMR on EKS controls read: RBAC roles and bindings,
// service accounts, pod templates, namespaces and the aws-auth mappings.
// Names follow the Kubernetes API (k8s.io/api/rbac/v1, core/v1); every
// object and every rule keeps where it was read, since a result points at
// the rule that grants a permission.

// Ref kinds of Kubernetes evidence.
const (
	KindK8sRole           = "k8s:Role"
	KindK8sClusterRole    = "k8s:ClusterRole"
	KindK8sRoleBinding    = "k8s:RoleBinding"
	KindK8sClusterBinding = "k8s:ClusterRoleBinding"
	KindK8sSubject        = "k8s:subject"
)

// RBACRole is a Role (namespaced) or a ClusterRole.
type RBACRole struct {
	Ref     Ref
	Cluster bool // a ClusterRole
	// Namespace of a Role; Unknown when the manifest leaves it to
	// kubectl's context (kubectl apply -n), Absent for a ClusterRole.
	Namespace Field[string]
	Name      string
	Labels    map[string]string
	Rules     []RBACRule
	// Aggregation is the ClusterRole's aggregationRule; nil when it has
	// none. The API server fills an aggregated role's rules with those of
	// every ClusterRole its selectors match (Evidence.RBAC does the same).
	Aggregation *AggregationRule
	// Incomplete says why some rules or selectors could not be read; a
	// subject bound to the role is then never passed.
	Incomplete string
	// OwnNamespace: an unknown Namespace is unknown for a reason of the
	// role's own (a Terraform value known only after apply), not set for
	// a whole manifest file at apply time (kubectl apply -n): no binding
	// of the same file is taken to share it.
	OwnNamespace bool
	// LabelsWhy, when set, says why the labels are not known (a
	// Terraform value known only after apply): whether an aggregating
	// ClusterRole takes this role's rules in is then unknown.
	LabelsWhy string
}

// RBACRule is one PolicyRule. Empty lists are empty; "*" is kept as
// written (rbacv1.VerbAll, APIGroupAll, ResourceAll).
type RBACRule struct {
	At              Loc
	Verbs           []string
	APIGroups       []string
	Resources       []string
	ResourceNames   []string
	NonResourceURLs []string
	// Role is the role that declares the rule (for aggregated rules, the
	// contributing ClusterRole).
	Role *RBACRole
}

// Invalid says why the API server refuses the rule (rbac validation's
// ValidatePolicyRule: verbs are required, and resources need at least one
// API group), "" when it does not; groups is how the source spells the
// API-group key (apiGroups, api_groups).
func (r RBACRule) Invalid(groups string) string {
	switch {
	case len(r.Verbs) == 0:
		return "a rule has no verbs (the API server refuses it)"
	case len(r.Resources) > 0 && len(r.APIGroups) == 0:
		return "a rule names resources but no " + groups + " (the API server refuses it; use [\"\"] for the core group)"
	}
	return ""
}

// AggregationRule is a ClusterRole's aggregationRule.
type AggregationRule struct {
	At        Loc
	Selectors []LabelSelector // clusterRoleSelectors; a role matching any is aggregated
}

// LabelSelector is a metav1.LabelSelector: all of MatchLabels and all of
// MatchExpressions must hold.
type LabelSelector struct {
	At               Loc
	MatchLabels      map[string]string
	MatchExpressions []LabelRequirement
}

// LabelRequirement is one matchExpressions entry. Operator is In, NotIn,
// Exists or DoesNotExist (the source refuses others).
type LabelRequirement struct {
	Key      string
	Operator string
	Values   []string
}

// Matches reports whether labels satisfy s, with the semantics of
// k8s.io/apimachinery labels.Requirement.Matches: NotIn and DoesNotExist
// hold when the key is missing. An empty selector matches everything.
func (s LabelSelector) Matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		v, has := labels[r.Key]
		in := false
		for _, x := range r.Values {
			if x == v {
				in = true
				break
			}
		}
		switch r.Operator {
		case "In":
			if !has || !in {
				return false
			}
		case "NotIn":
			if has && in {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// RBACBinding is a RoleBinding (namespaced) or a ClusterRoleBinding.
type RBACBinding struct {
	Ref     Ref
	Cluster bool // a ClusterRoleBinding
	// Namespace of a RoleBinding; Unknown when the manifest leaves it to
	// kubectl's context.
	Namespace Field[string]
	Name      string
	RoleRef   RoleRef
	Subjects  []Subject
}

// RoleRef names the role a binding grants.
type RoleRef struct {
	At   Loc
	Kind string // Role or ClusterRole
	Name string
	// Why, when set, says why the role's name is not known (a Terraform
	// value known only after apply): the role granted cannot be judged.
	Why string
}

// Subject is one subject of a binding.
type Subject struct {
	At   Loc
	Kind string // User, Group or ServiceAccount
	Name string
	// Namespace of a ServiceAccount; empty when the subject names none and
	// its RoleBinding's namespace is set at apply time (it is that one).
	Namespace string
	// Why, when set, says why the subject's kind, name or namespace is
	// not known (a Terraform value known only after apply, a dynamic
	// block over an unknown collection); Name is then empty, and Kind
	// too unless it is known.
	// Who it is being unknown, no control passes or fails it.
	Why string
}

// Key returns the subject as "Kind:name", with a service account as
// "ServiceAccount:namespace/name".
func (s Subject) Key() string {
	if s.Kind == "ServiceAccount" {
		return s.Kind + ":" + s.Namespace + "/" + s.Name
	}
	return s.Kind + ":" + s.Name
}

// Annotation is one metadata annotation with where it was written.
type Annotation struct {
	Val string
	At  Loc
}

// ServiceAccount is a Kubernetes ServiceAccount.
type ServiceAccount struct {
	Ref         Ref
	Namespace   Field[string]
	Name        string
	Annotations map[string]Annotation
}

// Workload is a Pod or the pod template of a Deployment, Job, CronJob,
// StatefulSet, DaemonSet or ReplicaSet.
type Workload struct {
	Ref       Ref
	Kind      string
	Namespace Field[string]
	Name      string
	// ServiceAccountName is the pod's serviceAccountName; Absent means
	// the namespace's "default" account.
	ServiceAccountName Field[string]
	// Annotations are the pod's (for a controller, its pod template's).
	Annotations map[string]Annotation
}

// Namespace is a Kubernetes Namespace object.
type Namespace struct {
	Ref         Ref
	Name        string
	Labels      map[string]string
	Annotations map[string]Annotation
}

// AuthMapping is one entry of the aws-auth ConfigMap's mapRoles or
// mapUsers: the IAM principal and the Kubernetes user and groups it
// becomes.
type AuthMapping struct {
	Ref      Ref
	At       Loc
	ARN      string // rolearn or userarn
	Username string
	Groups   []string
}

// EMRNamespace is a namespace declared EMR's by the user (--emr-namespace)
// rather than learned from the inputs.
type EMRNamespace struct {
	Name string
	Ref  Ref // how it was declared
}

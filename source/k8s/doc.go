// Package k8s reads Kubernetes manifests and `kubectl get … -o json|yaml`
// output into evidence for the EMR on EKS controls: Roles, ClusterRoles
// (with their aggregationRule), RoleBindings, ClusterRoleBindings,
// ServiceAccounts, Namespaces, the pod templates of Pods and workload
// controllers, and the aws-auth ConfigMap's mapRoles and mapUsers.
//
// Objects are decoded from the positioned tree (source/tree), not through
// encoding/json into k8s.io/api types, because every rule keeps the line it
// was written on: a finding points at the rule that grants a permission.
// Names and constants follow k8s.io/api/rbac/v1, and label selectors are
// validated with k8s.io/apimachinery's own LabelSelectorAsSelector so that
// what the API server would refuse is refused here too.
//
// Objects of kinds this package does not read are skipped silently unless
// they claim the RBAC API group; malformed RBAC objects are errors naming
// file and line, and the rest of the file is still read.
package k8s

# EMR on EKS RBAC written with the Terraform kubernetes provider: the
# virtual cluster runs in "analytics", so that namespace is EMR's. EMR's own
# Role and RoleBinding (user emr-containers) must modify configmaps: not
# judged. A read-only Role for the data team grants no configmap change.
resource "aws_emrcontainers_virtual_cluster" "analytics" {
  name = "analytics"
  container_provider {
    id   = "data-eks"
    type = "EKS"
    info {
      eks_info {
        namespace = "analytics"
      }
    }
  }
}

resource "kubernetes_role_v1" "emr" {
  metadata {
    name      = "emr-containers"
    namespace = "analytics"
  }
  rule {
    api_groups = [""]
    resources  = ["configmaps", "pods", "pods/log", "serviceaccounts", "services", "events"]
    verbs      = ["create", "delete", "get", "list", "patch", "update", "watch"]
  }
  rule {
    api_groups = ["rbac.authorization.k8s.io"]
    resources  = ["roles", "rolebindings"]
    verbs      = ["create", "delete", "get", "list", "patch", "update", "watch"]
  }
}

resource "kubernetes_role_binding_v1" "emr" {
  metadata {
    name      = "emr-containers"
    namespace = "analytics"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.emr.metadata[0].name
  }
  subject { # want EKS601:n/a EKS602:n/a EKS603:n/a EKS604:n/a EKS605:n/a
    kind      = "User"
    name      = "emr-containers"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_role" "viewer" {
  metadata {
    name      = "job-viewer"
    namespace = "analytics"
  }
  rule {
    api_groups = ["", "batch"]
    resources  = ["pods", "pods/log", "jobs", "configmaps"]
    verbs      = ["get", "list", "watch"]
  }
}

resource "kubernetes_role_binding" "viewer" {
  metadata {
    name      = "job-viewer"
    namespace = "analytics"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role.viewer.metadata[0].name
  }
  subject { # want EKS601:pass EKS602:pass EKS603:pass EKS604:pass EKS605:pass
    kind      = "Group"
    name      = "data-team"
    api_group = "rbac.authorization.k8s.io"
  }
}

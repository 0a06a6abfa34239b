# A ClusterRoleBinding (Terraform kubernetes provider) grants an aggregated
# ClusterRole cluster-wide: its rules include those of every ClusterRole
# labelled to aggregate into it, one of which reads secrets. The virtual
# cluster makes "jobs" EMR's namespace, where the grant applies too.
resource "aws_emrcontainers_virtual_cluster" "jobs" {
  name = "jobs"
  container_provider {
    id   = "data-eks"
    type = "EKS"
    info {
      eks_info {
        namespace = "jobs"
      }
    }
  }
}

resource "kubernetes_cluster_role" "ops" {
  metadata {
    name = "ops"
  }
  aggregation_rule {
    cluster_role_selectors {
      match_labels = {
        "rbac.example.com/aggregate-to-ops" = "true"
      }
    }
    cluster_role_selectors {
      match_expressions {
        key      = "team"
        operator = "In"
        values   = ["ops", "sre"]
      }
    }
  }
}

resource "kubernetes_cluster_role_v1" "secret_reader" {
  metadata {
    name = "secret-reader"
    labels = {
      team = "sre"
    }
  }
  rule { # want EKS605:fail EKS605:fail
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "ops" {
  metadata {
    name = "ops"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role.ops.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = "ops-bot"
    namespace = "tools"
  }
  subject {
    kind      = "Group"
    name      = "sre"
    api_group = "rbac.authorization.k8s.io"
  }
}

# A ClusterRoleBinding may grant only a ClusterRole: refused.
resource "kubernetes_cluster_role_binding" "wrong" {
  metadata {
    name = "wrong"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "secret-reader" # want input:error
  }
  subject {
    kind      = "User"
    name      = "mallory"
    api_group = "rbac.authorization.k8s.io"
  }
}

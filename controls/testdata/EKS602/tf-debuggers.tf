# Terraform-managed RBAC, one Role and RoleBinding per team (for_each): each
# team namespace is EMR's, since EMR's user is bound in it. Beside EMR's
# user, the "debug" Role lets the team's on-call group exec into pods there.
locals {
  teams = {
    etl = "emr-etl"
    ml  = "emr-ml"
  }
}

resource "kubernetes_role_v1" "emr" {
  for_each = local.teams
  metadata {
    name      = "emr-containers"
    namespace = each.value
  }
  rule {
    api_groups = [""]
    resources  = ["pods", "pods/log", "configmaps"]
    verbs      = ["create", "delete", "get", "list", "watch"]
  }
}

resource "kubernetes_role_binding_v1" "emr" {
  for_each = local.teams
  metadata {
    name      = "emr-containers"
    namespace = each.value
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.emr[each.key].metadata[0].name
  }
  subject { # want EKS602:n/a EKS602:n/a
    kind      = "User"
    name      = "emr-containers"
    api_group = "rbac.authorization.k8s.io"
  }
}

resource "kubernetes_role_v1" "debug" {
  for_each = local.teams
  metadata {
    name      = "debug"
    namespace = each.value
  }
  rule { # want EKS602:fail EKS602:fail
    api_groups = [""]
    resources  = ["pods/exec", "pods/portforward"]
    verbs      = ["create"]
  }
}

resource "kubernetes_role_binding_v1" "debug" {
  for_each = local.teams
  metadata {
    name      = "on-call-debug"
    namespace = each.value
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.debug[each.key].metadata[0].name
  }
  subject {
    kind      = "Group"
    name      = "${each.key}-on-call"
    api_group = "rbac.authorization.k8s.io"
  }
}

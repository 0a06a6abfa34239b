# Terraform RBAC with values known only when applied. The virtual cluster
# makes "spark" EMR's namespace.
variable "submitters_group" {
  type = string # no default: given when applied
}

variable "launcher_role_name" {
  type = string
}

variable "extra_verbs" {
  type = list(string)
}

resource "aws_emrcontainers_virtual_cluster" "spark" {
  name = "spark"
  container_provider {
    id   = "data-eks"
    type = "EKS"
    info {
      eks_info {
        namespace = "spark"
      }
    }
  }
}

# The Role's name is a variable without value; the binding names it by
# reference, so it is this Role all the same.
resource "kubernetes_role_v1" "launcher" {
  metadata {
    name      = var.launcher_role_name
    namespace = "spark"
  }
  rule { # want EKS603:fail
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["create", "get"]
  }
}

resource "kubernetes_role_binding_v1" "launcher" {
  metadata {
    name      = "launchers"
    namespace = "spark"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.launcher.metadata[0].name
  }
  subject {
    kind      = "User"
    name      = "alice"
    api_group = "rbac.authorization.k8s.io"
  }
  # Who this group is is unknown: it may be EMR's own or anyone.
  subject { # want EKS603:unknown
    kind      = "Group"
    name      = var.submitters_group
    api_group = "rbac.authorization.k8s.io"
  }
}

# An unknown group bound to a Role that cannot create pods: whoever it is,
# it gains nothing here.
resource "kubernetes_role_v1" "reader" {
  metadata {
    name      = "reader"
    namespace = "spark"
  }
  rule {
    api_groups = [""]
    resources  = ["pods", "pods/log"]
    verbs      = ["get", "list", "watch"]
  }
}

resource "kubernetes_role_binding_v1" "reader" {
  metadata {
    name      = "readers"
    namespace = "spark"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.reader.metadata[0].name
  }
  subject { # want EKS603:n/a
    kind      = "Group"
    name      = var.submitters_group
    api_group = "rbac.authorization.k8s.io"
  }
}

# A Role whose verbs are a variable without value: what bob can do is unknown.
resource "kubernetes_role_v1" "helper" { # want EKS603:unknown
  metadata {
    name      = "helper"
    namespace = "spark"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = var.extra_verbs
  }
}

resource "kubernetes_role_binding_v1" "helper" {
  metadata {
    name      = "helpers"
    namespace = "spark"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "helper"
  }
  subject {
    kind      = "User"
    name      = "bob"
    api_group = "rbac.authorization.k8s.io"
  }
}

# In "sandbox", a RoleBinding binds a user whose name is a variable without
# value: if it is EMR's user (emr-containers), sandbox is an EMR namespace,
# and carol's right to create pods there a failure. Unknown, not n/a.
variable "runner_user" {
  type = string
}

resource "kubernetes_role_v1" "sandbox" {
  metadata {
    name      = "runner"
    namespace = "sandbox"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["create"]
  }
}

resource "kubernetes_role_binding_v1" "sandbox" {
  metadata {
    name      = "runners"
    namespace = "sandbox"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.sandbox.metadata[0].name # want EKS603:unknown EKS603:unknown
  }
  subject {
    kind      = "User"
    name      = var.runner_user
    api_group = "rbac.authorization.k8s.io"
  }
  subject {
    kind      = "User"
    name      = "carol"
    api_group = "rbac.authorization.k8s.io"
  }
}

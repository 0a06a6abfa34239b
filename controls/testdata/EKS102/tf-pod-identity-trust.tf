# Execution roles given by EKS Pod Identity associations, their trust of
# pods.eks.amazonaws.com judged by its conditions on the session tags EKS
# sets: scoped when they keep the role to one namespace and to EMR's
# service accounts. Roles whose associations are not EMR's get no result.
resource "aws_emrcontainers_virtual_cluster" "spark" {
  name = "spark"
  container_provider {
    id   = "data-platform"
    type = "EKS"
    info {
      eks_info {
        namespace = "spark"
      }
    }
  }
}

variable "app_namespace" {
  type = string
}

locals {
  pods = {
    Effect    = "Allow"
    Principal = { Service = "pods.eks.amazonaws.com" }
    Action    = ["sts:AssumeRole", "sts:TagSession"]
  }
}

resource "aws_iam_role" "scoped" {
  name = "emr-spark-scoped"
  assume_role_policy = jsonencode({ # want EKS102:pass
    Version = "2012-10-17"
    Statement = [merge(local.pods, {
      Condition = {
        StringEquals = { "aws:RequestTag/kubernetes-namespace" = "spark" }
        StringLike   = { "aws:RequestTag/kubernetes-service-account" = "emr-containers-sa-*" }
      }
    })]
  })
}

resource "aws_eks_pod_identity_association" "scoped" {
  cluster_name    = "data-platform"
  namespace       = "spark"
  service_account = "emr-containers-sa-spark-driver-111122223333-1x2y3z"
  role_arn        = aws_iam_role.scoped.arn
}

# A service account of its own, in the virtual cluster's namespace
# (create-role-associations --service-account-name): the namespace makes
# the role EMR's, and a condition naming that account scopes it.
resource "aws_iam_role" "custom_sa" {
  name = "emr-spark-custom-sa"
  assume_role_policy = jsonencode({ # want EKS102:pass
    Version = "2012-10-17"
    Statement = [merge(local.pods, {
      Condition = {
        StringEquals = { "aws:RequestTag/kubernetes-namespace" = "spark", "aws:RequestTag/kubernetes-service-account" = "spark-jobs" }
      }
    })]
  })
}

resource "aws_eks_pod_identity_association" "custom_sa" {
  cluster_name    = "data-platform"
  namespace       = "spark"
  service_account = "spark-jobs"
  role_arn        = aws_iam_role.custom_sa.arn
}

resource "aws_iam_role" "namespace_only" {
  name = "emr-spark-namespace-only"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.pods, { # want EKS102:fail
      Condition = { StringEquals = { "aws:RequestTag/kubernetes-namespace" = "spark" } }
    })]
  })
}

resource "aws_iam_role" "any_namespace" {
  name = "emr-spark-any-namespace"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.pods, { # want EKS102:fail
      Condition = {
        StringLike = { "aws:RequestTag/kubernetes-namespace" = "spark-*", "aws:RequestTag/kubernetes-service-account" = "emr-containers-sa-*" }
      }
    })]
  })
}

resource "aws_iam_role" "other_sa" {
  name = "emr-spark-other-sa"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.pods, { # want EKS102:fail
      Condition = {
        StringEquals = { "aws:RequestTag/kubernetes-namespace" = "spark" }
        StringLike   = { "aws:RequestTag/kubernetes-service-account" = "*" }
      }
    })]
  })
}

# ForAllValues holds when the tag is absent: an association with session
# tags disabled then gives the role to any pod.
resource "aws_iam_role" "all_values" {
  name = "emr-spark-all-values"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.pods, { # want EKS102:fail
      Condition = {
        "ForAllValues:StringEquals" = { "aws:RequestTag/kubernetes-namespace" = "spark" }
        StringLike                  = { "aws:RequestTag/kubernetes-service-account" = "emr-containers-sa-*" }
      }
    })]
  })
}

# Beside Pod Identity, the trust lets an AWS account in: still a fault.
resource "aws_iam_role" "also_account" {
  name = "emr-spark-also-account"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      merge(local.pods, {
        Condition = {
          StringEquals = { "aws:RequestTag/kubernetes-namespace" = "spark" }
          StringLike   = { "aws:RequestTag/kubernetes-service-account" = "emr-containers-sa-*" }
        }
      }),
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }, # want EKS102:fail
    ]
  })
}

resource "aws_eks_pod_identity_association" "bad" {
  for_each        = { namespace_only = aws_iam_role.namespace_only, any_namespace = aws_iam_role.any_namespace, other_sa = aws_iam_role.other_sa, also_account = aws_iam_role.also_account, all_values = aws_iam_role.all_values }
  cluster_name    = "data-platform"
  namespace       = "spark"
  service_account = "emr-containers-sa-spark-client-111122223333-${each.key}"
  role_arn        = each.value.arn
}

# Pod Identity roles of other applications: a namespace no virtual
# cluster runs in, or one not known, with service accounts that are not
# EMR's. Their unconditioned trust is not EKS102's business.
resource "aws_iam_role" "grafana" {
  name               = "grafana"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [local.pods] })
}

resource "aws_eks_pod_identity_association" "grafana" {
  cluster_name    = "data-platform"
  namespace       = "monitoring"
  service_account = "grafana"
  role_arn        = aws_iam_role.grafana.arn
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [local.pods] })
}

resource "aws_eks_pod_identity_association" "app" {
  cluster_name    = "data-platform"
  namespace       = var.app_namespace
  service_account = "app"
  role_arn        = aws_iam_role.app.arn
}

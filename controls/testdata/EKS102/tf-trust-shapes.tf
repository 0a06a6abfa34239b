# Execution roles whose trust is written less strictly than EMR's
# update-role-trust-policy writes it. Each is recognised by what its trust
# lets in (web identities of an EKS OIDC provider whose :sub can be an EMR
# job service account), then judged; roles whose trust cannot let EMR's
# service accounts in (another controller's IRSA role, the EKS cluster
# role) are no execution roles and get no result.
locals {
  oidc     = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  oidc_arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
}

# StringLike on emr-containers*: wider than emr-containers-sa-*.
resource "aws_iam_role" "prefix_too_wide" {
  name = "emr-job-prefix"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ # want EKS102:fail
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "${local.oidc}:sub" = "system:serviceaccount:spark:emr-containers*" } }
    }]
  })
}

# Any namespace, and a prefix without -sa-.
resource "aws_iam_role" "any_namespace_prefix" {
  name = "emr-job-any"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ # want EKS102:fail
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "${local.oidc}:sub" = "system:serviceaccount:*:emr-containers*" } }
    }]
  })
}

# Two namespaces' EMR service accounts.
resource "aws_iam_role" "two_namespaces" {
  name = "emr-job-two"
  assume_role_policy = jsonencode({ # want EKS102:fail
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "${local.oidc}:sub" = ["system:serviceaccount:etl:emr-containers-sa-*", "system:serviceaccount:adhoc:emr-containers-sa-*"] } }
    }]
  })
}

# Web identity with an aud condition only: every service account.
resource "aws_iam_role" "aud_only" {
  name = "emr-job-aud"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ # want EKS102:fail
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "${local.oidc}:aud" = "sts.amazonaws.com" } }
    }]
  })
}

# The scoped form, written with StringEquals on one job's account name.
resource "aws_iam_role" "scoped_equals" {
  name = "emr-job-scoped"
  assume_role_policy = jsonencode({ # want EKS102:pass
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "${local.oidc}:sub" = "system:serviceaccount:spark:emr-containers-sa-spark-driver-111122223333-abc" } }
    }]
  })
}

# Another controller's IRSA role: EMR's service accounts cannot match.
resource "aws_iam_role" "load_balancer_controller" {
  name = "aws-load-balancer-controller"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "${local.oidc}:sub" = "system:serviceaccount:kube-system:aws-load-balancer-controller" } }
    }]
  })
}

# The EKS cluster role: the EKS service principal alone is no door for jobs.
resource "aws_iam_role" "cluster" {
  name = "eks-cluster"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "eks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

# Execution roles whose trust also lets EKS's service principals in:
# eks.amazonaws.com (the EKS service) and pods.eks.amazonaws.com (EKS Pod
# Identity, which hands the role to whatever pod an association names, in
# any namespace). A second statement for EMR's own service principal, as
# EMR on EKS workshops write it, is no such door.
locals {
  oidc = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  irsa = {
    Effect    = "Allow"
    Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }
    Action    = "sts:AssumeRoleWithWebIdentity"
    Condition = { StringLike = { "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = "system:serviceaccount:spark:emr-containers-sa-*" } }
  }
}

resource "aws_iam_role" "also_eks" {
  name = "emr-job-also-eks"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [local.irsa, { # want EKS102:fail
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "also_pod_identity" {
  name = "emr-job-also-pods"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ # want EKS102:fail
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/${local.oidc}", Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole", "sts:TagSession"]
      Condition = { StringLike = { "${local.oidc}:sub" = "system:serviceaccount:spark:emr-containers-sa-*" } }
    }]
  })
}

resource "aws_iam_role" "also_emr_service" {
  name = "emr-job-also-emr"
  assume_role_policy = jsonencode({ # want EKS102:pass
    Version = "2012-10-17"
    Statement = [local.irsa, {
      Effect    = "Allow"
      Principal = { Service = "elasticmapreduce.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

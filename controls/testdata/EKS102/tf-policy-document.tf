# Execution roles whose trust is a data "aws_iam_policy_document", as
# Terraform modules for EMR on EKS write it: rendered without AWS, each
# finding at the line of the statement or condition at fault.
locals {
  oidc_provider = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
}

data "aws_iam_policy_document" "scoped" { # want EKS102:pass
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/${local.oidc_provider}"]
    }
    condition {
      test     = "StringLike"
      variable = "${local.oidc_provider}:sub"
      values   = ["system:serviceaccount:spark:emr-containers-sa-*-*-111122223333-abc"]
    }
  }
}

data "aws_iam_policy_document" "any_namespace" {
  statement { # want EKS102:fail
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/${local.oidc_provider}"]
    }
    condition {
      test     = "StringLike"
      variable = "${local.oidc_provider}:sub"
      values   = ["system:serviceaccount:*:emr-containers-sa-*"]
    }
  }
}

resource "aws_iam_role" "scoped" {
  name               = "emr-eks-spark"
  assume_role_policy = data.aws_iam_policy_document.scoped.json
}

resource "aws_iam_role" "any_namespace" {
  name               = "emr-eks-any"
  assume_role_policy = data.aws_iam_policy_document.any_namespace.json
}

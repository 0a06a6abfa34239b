# The usual stack: the EKS cluster is made in the same apply, so its OIDC
# provider's ARN, and the condition key built from it, are known only
# then. The condition's values still name EMR's service accounts: the role
# is an execution role, its policies are judged, and its trust is unknown.
variable "oidc_provider_arn" {
  type        = string
  description = "module.eks.oidc_provider_arn in the caller"
}

locals {
  oidc_provider = replace(var.oidc_provider_arn, "/^(.*provider/)/", "")
}

data "aws_iam_policy_document" "assume" {
  statement { # want EKS102:unknown
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringLike"
      variable = "${local.oidc_provider}:sub"
      values   = ["system:serviceaccount:spark:emr-containers-sa-*-*-111122223333-abc"]
    }
  }
}

data "aws_iam_policy_document" "access" {
  statement { # want EKS101:fail
    actions   = ["s3:*"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "job" {
  name               = "emr-eks-spark"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "job" {
  role   = aws_iam_role.job.id
  policy = data.aws_iam_policy_document.access.json
}

# The provider is known here, the condition's key is not: the trust cannot
# be told scoped or not (never "no sub condition").
variable "oidc_host" {
  type = string
}

data "aws_iam_policy_document" "assume_known_provider" {
  statement { # want EKS102:unknown
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"]
    }
    condition {
      test     = "StringLike"
      variable = "${var.oidc_host}:sub"
      values   = ["system:serviceaccount:spark:emr-containers-sa-*-*-111122223333-abc"]
    }
  }
}

resource "aws_iam_role" "job2" { # want EKS101:pass
  name               = "emr-eks-spark-2"
  assume_role_policy = data.aws_iam_policy_document.assume_known_provider.json
}

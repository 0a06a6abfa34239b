# The execution role of terraform-aws-modules' EMR virtual-cluster module:
# the service accounts in the trust condition carry the account ID, which
# Terraform reads from AWS when planning. The condition's value is known
# only in part, but its known start names EMR's service accounts: the
# role is an execution role, judged by EKS101; EKS102 cannot tell the
# value and says why.
data "aws_caller_identity" "current" {}

resource "aws_iam_openid_connect_provider" "eks" {
  url             = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

data "aws_iam_policy_document" "assume" {
  statement { # want EKS102:unknown
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }

    condition {
      test     = "StringLike"
      variable = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
      values   = ["system:serviceaccount:spark:emr-containers-sa-*-*-${data.aws_caller_identity.current.account_id}-*"]
    }
  }
}

resource "aws_iam_role" "job" {
  name               = "emr-eks-job"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "job" {
  role = aws_iam_role.job.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] # want EKS101:fail
  })
}

# A trust with a second statement for an AWS service whose name is read
# when planning (the partition's DNS suffix): that principal cannot be the
# wildcard nor the OIDC provider, so the IRSA statement is judged all the
# same.
data "aws_partition" "current" {}

data "aws_iam_policy_document" "trust" { # want EKS102:pass
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"]
    }
    condition {
      test     = "StringLike"
      variable = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
      values   = ["system:serviceaccount:spark:emr-containers-sa-*-*-111122223333-abc"]
    }
  }
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["elasticmapreduce.${data.aws_partition.current.dns_suffix}"]
    }
  }
}

resource "aws_iam_role" "job" {
  name               = "emr-eks-spark"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

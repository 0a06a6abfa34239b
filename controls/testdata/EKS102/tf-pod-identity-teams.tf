# EMR on EKS for several teams, each with its own namespace, virtual
# cluster and job execution role, the role given to EMR's service
# accounts by EKS Pod Identity associations (no IRSA, no job template
# among the inputs). The associations make the roles execution roles:
# EKS101 judges their policies, EKS102 their trust, whose only condition
# (the source account) does not keep the role to the team's namespace or
# to EMR's service accounts.
variable "eks_cluster" {
  type    = string
  default = "data-platform"
}

variable "extra_policies" {
  type    = list(string)
  default = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]
}

data "aws_caller_identity" "this" {}

locals {
  teams = {
    etl   = { namespace = "spark-etl" }
    adhoc = { namespace = "spark-adhoc" }
  }
  parts = ["client", "driver", "executor"]
  associations = merge([
    for team, cfg in local.teams : {
      for part in local.parts : "${team}-${part}" => {
        team      = team
        namespace = cfg.namespace
        # EMR names the service account after the account and the role
        # (base36): known only at apply.
        service_account = "emr-containers-sa-spark-${part}-${data.aws_caller_identity.this.account_id}-${aws_iam_role.job[team].unique_id}"
      }
    }
  ]...)
}

data "aws_iam_policy_document" "trust" {
  statement { # want EKS102:fail EKS102:fail
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.this.account_id]
    }
  }
}

resource "aws_iam_role" "job" {
  for_each           = local.teams
  name               = "emr-${var.eks_cluster}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy_attachment" "extra" {
  for_each   = { for pair in setproduct(keys(local.teams), var.extra_policies) : "${pair[0]}-${pair[1]}" => pair }
  role       = aws_iam_role.job[each.value[0]].name
  policy_arn = each.value[1] # want EKS101:fail EKS101:fail
}

resource "aws_emrcontainers_virtual_cluster" "team" {
  for_each = local.teams
  name     = "${var.eks_cluster}-${each.key}"
  container_provider {
    id   = var.eks_cluster
    type = "EKS"
    info {
      eks_info {
        namespace = each.value.namespace
      }
    }
  }
}

resource "aws_eks_pod_identity_association" "team" {
  for_each        = local.associations
  cluster_name    = var.eks_cluster
  namespace       = each.value.namespace
  service_account = each.value.service_account
  role_arn        = aws_iam_role.job[each.value.team].arn
}

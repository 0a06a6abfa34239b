# Execution roles whose OIDC provider is a variable, a data source or a
# module output. A variable left at its default "" names no provider: the
# policy trusts no cluster (IAM rejects it), and the module's author meant
# a cluster to be named. A provider known only at apply still lets in only
# the service accounts its :sub condition names.
variable "oidc_provider_arn" {
  type    = string
  default = ""
}

variable "cluster_oidc_provider_arn" {
  type    = string
  default = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
}

data "aws_iam_openid_connect_provider" "eks" {
  url = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
}

module "eks" {
  source = "./eks"
}

locals {
  sub = "system:serviceaccount:spark:emr-containers-sa-*"
}

resource "aws_iam_role" "empty_provider" {
  name = "emr-job-empty-provider"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ # want EKS102:fail
      Effect    = "Allow"
      Principal = { Federated = var.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "${replace(var.oidc_provider_arn, "/^.*oidc-provider//", "")}:sub" = local.sub } }
    }]
  })
}

resource "aws_iam_role" "provider_variable" {
  name = "emr-job-provider-variable"
  assume_role_policy = jsonencode({ # want EKS102:pass
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.cluster_oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "${replace(var.cluster_oidc_provider_arn, "/^.*oidc-provider//", "")}:sub" = local.sub } }
    }]
  })
}

resource "aws_iam_role" "data_source" {
  name = "emr-job-data-source"
  assume_role_policy = jsonencode({ # want EKS102:pass
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = data.aws_iam_openid_connect_provider.eks.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = local.sub } }
    }]
  })
}

resource "aws_iam_role" "module_output" {
  name = "emr-job-module-output"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ # want EKS102:fail
      Effect    = "Allow"
      Principal = { Federated = module.eks.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = "system:serviceaccount:*:emr-containers-sa-*" } }
    }]
  })
}

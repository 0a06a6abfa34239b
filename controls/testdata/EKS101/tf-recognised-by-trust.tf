# Execution roles known only by what their trust lets in: a StringLike
# wider than emr-containers-sa-*, and a trust with no :sub condition at
# all. Both let EMR's job service accounts in, so their permissions are
# judged as any execution role's.
locals {
  oidc     = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  oidc_arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
}

resource "aws_iam_role" "catalog" {
  name = "emr-catalog-jobs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "${local.oidc}:sub" = "system:serviceaccount:analytics:emr-containers*" } }
    }]
  })
}

resource "aws_iam_role_policy" "catalog" {
  role = aws_iam_role.catalog.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "glue:*", Resource = "*" }] # want EKS101:fail
  })
}

resource "aws_iam_role" "reports" { # want EKS101:pass
  name = "emr-report-jobs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "${local.oidc}:aud" = "sts.amazonaws.com" } }
    }]
  })
}

resource "aws_iam_role_policy" "reports" {
  role = aws_iam_role.reports.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::reports-bucket/*" }]
  })
}

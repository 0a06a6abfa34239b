# An execution role whose OIDC provider is created in the same stack: its
# ARN is known only after apply, but the condition on EMR's service
# accounts says the role is one EMR on EKS jobs run as. EKS102 passes it
# whatever the provider turns out to be: only tokens whose sub is one of
# EMR's service accounts of namespace spark meet the condition.
resource "aws_iam_openid_connect_provider" "eks" {
  url             = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

resource "aws_iam_role" "job" {
  name = "emr-eks-job"
  assume_role_policy = jsonencode({ # want EKS102:pass
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.eks.arn }
      Condition = {
        StringLike = {
          "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = "system:serviceaccount:spark:emr-containers-sa-*-*-111122223333-abc"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "job" {
  role = aws_iam_role.job.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] # want EKS101:fail
  })
}

# Roles of two clusters: one with a customer policy allowing everything
# (attached by a policy attachment resource), one with a scoped inline
# role policy and an AWS managed policy attached to several roles.
locals {
  ec2_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  emr_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "elasticmapreduce.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "service" {
  name               = "emr-service"
  assume_role_policy = local.emr_trust
}

resource "aws_iam_role" "ec2" {
  name               = "emr-ec2"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_role" "ec2_scoped" {
  name               = "emr-ec2-scoped"
  assume_role_policy = local.ec2_trust
  inline_policy {
    name = "read-data"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::data-bucket/*" }]
    })
  }
}

resource "aws_iam_policy" "everything" {
  name = "everything"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "ec2_everything" {
  role       = aws_iam_role.ec2.name
  policy_arn = aws_iam_policy.everything.arn
}

resource "aws_iam_policy_attachment" "service" {
  name       = "emr-service"
  roles      = [aws_iam_role.service.name, aws_iam_role.ec2_scoped.name]
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"
}

resource "aws_iam_role_policy" "scoped" {
  name = "write-logs"
  role = aws_iam_role.ec2_scoped.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "arn:aws:s3:::emr-logs/*" }]
  })
}

resource "aws_iam_instance_profile" "ec2" {
  name = "emr-ec2"
  role = aws_iam_role.ec2.name
}

resource "aws_iam_instance_profile" "ec2_scoped" {
  name = "emr-ec2-scoped"
  role = aws_iam_role.ec2_scoped.name
}

resource "aws_emr_cluster" "wide" {
  name          = "wide"
  release_label = "emr-7.8.0"
  service_role  = aws_iam_role.service.arn
  ec2_attributes {
    instance_profile = aws_iam_instance_profile.ec2.arn
    subnet_id        = "subnet-0123456789abcdef0"
  }
}

resource "aws_emr_cluster" "scoped" {
  name          = "scoped"
  release_label = "emr-7.8.0"
  service_role  = aws_iam_role.service.arn
  ec2_attributes {
    instance_profile = aws_iam_instance_profile.ec2_scoped.arn
    subnet_id        = "subnet-0123456789abcdef0"
  }
}

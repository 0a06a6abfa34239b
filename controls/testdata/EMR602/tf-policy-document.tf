# The EC2 role's policy is a data "aws_iam_policy_document": rendered as the
# provider does, the wildcard statement is reported at its line.
data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "ec2_access" {
  statement {
    sid       = "ReadData"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::etl-data/*"]
  }
  statement { # want EMR602:fail
    sid       = "Everything"
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "ec2" {
  name               = "etl-emr-ec2"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy" "ec2" {
  role   = aws_iam_role.ec2.id
  policy = data.aws_iam_policy_document.ec2_access.json
}

resource "aws_iam_instance_profile" "ec2" {
  name = "etl-emr-ec2"
  role = aws_iam_role.ec2.name
}

resource "aws_emr_cluster" "c" {
  name          = "etl"
  release_label = "emr-7.2.0"
  service_role  = "arn:aws:iam::111122223333:role/etl-emr-service" # want EMR602:unknown

  ec2_attributes {
    subnet_id        = "subnet-0123456789abcdef0"
    instance_profile = aws_iam_instance_profile.ec2.arn
  }
}

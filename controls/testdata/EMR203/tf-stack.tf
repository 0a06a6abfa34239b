# A whole stack: network, groups, roles, logs; the cluster in a public subnet.
variable "admin_cidr" {
  default = "0.0.0.0/0"
}

locals {
  name    = "etl"
  release = "emr-5.29.0"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id # want EMR301:fail
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "master" {
  name   = "${local.name}-master"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr] # want EMR203:fail EMR204:fail EMR205:fail
  }
}

resource "aws_security_group" "core" { # want EMR203:pass EMR205:pass
  name   = "${local.name}-core"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "core_from_master" {
  security_group_id            = aws_security_group.core.id
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.master.id
}

resource "aws_security_group" "alb" {
  name   = "${local.name}-alb"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_iam_role" "ec2" {
  name = "${local.name}-ec2"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "ec2" {
  role = aws_iam_role.ec2.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] # want EMR602:fail
  })
}

resource "aws_iam_instance_profile" "ec2" {
  name = "${local.name}-ec2"
  role = aws_iam_role.ec2.name
}

resource "aws_s3_bucket" "logs" { # want EMR703:fail
  bucket = "${local.name}-logs"
}

resource "aws_emr_cluster" "c" {
  name          = local.name
  release_label = local.release # want EMR402:fail EMR801:fail EMR802:fail
  service_role  = "EMR_DefaultRole" # want EMR501:fail EMR602:unknown
  log_uri       = "s3://${aws_s3_bucket.logs.bucket}/emr/" # want EMR111:fail EMR704:pass

  ec2_attributes {
    subnet_id                         = aws_subnet.public.id # want EMR303:fail
    key_name                          = "ops"
    instance_profile                  = aws_iam_instance_profile.ec2.arn
    emr_managed_master_security_group = aws_security_group.master.id
    emr_managed_slave_security_group  = aws_security_group.core.id
  }

  master_instance_group {
    instance_type = "m5.xlarge"
  }
}

# One group per team in var.teams, a map without a value: every instance
# admits 0.0.0.0/0, so EMR203 fails for every element of var.teams. The
# ssh group's source is each.value (a network per admin): the verdict
# depends on the element, so it stays unknown.
variable "teams" {
  type = map(string)
}

variable "admins" {
  type = map(string)
}

resource "aws_security_group" "master" { # want EMR203:pass
  name   = "emr-master"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "team" {
  for_each = var.teams
  name     = "emr-${each.key}"
  vpc_id   = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # want EMR203:fail
  }
}

resource "aws_security_group" "ssh" {
  for_each = var.admins
  name     = "emr-ssh-${each.key}"
  vpc_id   = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [each.value] # want EMR203:unknown
  }
}

resource "aws_emr_cluster" "c" {
  name          = "etl"
  release_label = "emr-7.2.0"
  service_role  = "etl-service"

  ec2_attributes {
    subnet_id                         = "subnet-0123456789abcdef0"
    instance_profile                  = "etl-ec2"
    emr_managed_master_security_group = aws_security_group.master.id
    emr_managed_slave_security_group  = aws_security_group.master.id
    additional_master_security_groups = join(",", concat([for g in aws_security_group.team : g.id], values(aws_security_group.ssh)[*].id))
  }

  master_instance_group {
    instance_type = "m5.xlarge"
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }
}

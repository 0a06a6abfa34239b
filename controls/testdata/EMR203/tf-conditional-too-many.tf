# The same group, its count hanging on four unknowns: over the bound of 3,
# the root is read once and the group stays unknown, saying "too many
# unknown conditions (4: …)".
variable "enabled" {
  type = bool
}

variable "private" {
  type = bool
}

variable "peered" {
  type = bool
}

variable "extra_groups" {
  type = number
}

resource "aws_security_group" "master" { # want EMR203:pass
  name   = "emr-master"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "extra" {
  count  = var.enabled && (var.private || var.peered) && var.extra_groups > 0 ? 1 : 0
  name   = "emr-extra"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
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
    additional_master_security_groups = join(",", aws_security_group.extra[*].id) # want EMR203:unknown
  }

  master_instance_group {
    instance_type = "m5.xlarge"
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }
}

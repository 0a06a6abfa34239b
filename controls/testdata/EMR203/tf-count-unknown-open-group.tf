# One group per port in var.ports when var.public is true: every
# instance admits 0.0.0.0/0, so the cluster fails EMR203 in every case
# where the groups exist; the peer group's rule depends on count.index
# (a different network per instance), so it stays unknown.
variable "public" {
  type = bool
}

variable "ports" {
  type = list(number)
}

variable "peer_cidrs" {
  type = list(string)
}

resource "aws_security_group" "master" { # want EMR203:pass
  name   = "emr-master"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "extra" {
  count  = var.public ? length(var.ports) : 0
  name   = "emr-public-${count.index}"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = var.ports[count.index]
    to_port     = var.ports[count.index]
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # want EMR203:fail
  }
}

resource "aws_security_group" "peer" {
  count  = length(var.peer_cidrs)
  name   = "emr-peer-${count.index}"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = [var.peer_cidrs[count.index]] # want EMR203:unknown
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
    additional_master_security_groups = join(",", concat(aws_security_group.peer[*].id, aws_security_group.extra[*].id))
  }

  master_instance_group {
    instance_type = "m5.xlarge"
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }
}

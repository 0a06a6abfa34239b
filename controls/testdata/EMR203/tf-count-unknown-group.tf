# Groups whose count is a number without a value: one per peer network
# (length(var.peer_cidrs)) and one more when var.extra_groups > 0. Each
# instance is built from the same block and opens nothing to the
# internet, so EMR203 passes in every case where the groups exist.
variable "peer_cidrs" {
  type = list(string)
}

variable "extra_groups" {
  type = number
}

resource "aws_security_group" "master" { # want EMR203:pass
  name   = "emr-master"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "peer" { # want EMR203:pass
  count  = length(var.peer_cidrs)
  name   = "emr-peer-${count.index}"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
}

resource "aws_security_group" "extra" { # want EMR203:pass
  count  = var.extra_groups > 0 ? 1 : 0
  name   = "emr-extra"
  vpc_id = "vpc-0123456789abcdef0"
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

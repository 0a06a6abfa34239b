# A group made only when var.create_group is true, open to the internet: the
# cluster fails EMR203 whenever the group exists.
variable "create_group" {
  type = bool
}

resource "aws_security_group" "master" { # want EMR203:pass
  name   = "emr-master"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "core" { # want EMR203:pass
  name   = "emr-core"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "extra" {
  count  = var.create_group ? 1 : 0
  name   = "emr-extra"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # want EMR203:fail
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
    emr_managed_slave_security_group  = aws_security_group.core.id
    additional_master_security_groups = join(",", aws_security_group.extra[*].id)
  }

  master_instance_group {
    instance_type = "m5.xlarge"
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }
}

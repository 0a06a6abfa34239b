# One group per team in var.teams, a map without a value: every instance is
# built from the same block, and no rule depends on each.key or
# each.value, so EMR203 passes for every element of var.teams.
variable "teams" {
  type = map(string)
}

resource "aws_security_group" "master" { # want EMR203:pass
  name   = "emr-master"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "team" { # want EMR203:pass
  for_each = var.teams
  name     = "emr-${each.key}"
  vpc_id   = "vpc-0123456789abcdef0"

  ingress {
    description = "notebooks of ${each.value}"
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
    additional_master_security_groups = join(",", [for g in aws_security_group.team : g.id])
  }

  master_instance_group {
    instance_type = "m5.xlarge"
  }

  core_instance_group {
    instance_type  = "m5.xlarge"
    instance_count = 2
  }
}

# Rules built by dynamic blocks (the usual shape of a reusable module): each
# element of for_each is one ingress block, judged where its content is.
variable "ingress" {
  default = {
    ssh   = { port = 22, cidrs = ["0.0.0.0/0"] }
    https = { port = 8443, cidrs = ["10.1.0.0/16"] }
  }
}

resource "aws_security_group" "master" {
  name = "etl-master"

  dynamic "ingress" {
    for_each = var.ingress
    iterator = rule
    content {
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = rule.value.cidrs # want EMR203:fail EMR204:fail EMR205:fail
    }
  }
}

resource "aws_security_group" "core" { # want EMR203:pass EMR205:pass
  name = "etl-core"

  dynamic "ingress" {
    for_each = ["10.0.0.0/16"]
    content {
      from_port   = 8443
      to_port     = 8443
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
}

resource "aws_emr_cluster" "c" {
  name          = "etl"
  release_label = "emr-7.2.0"
  service_role  = "EMR_DefaultRole"

  dynamic "ec2_attributes" {
    for_each = [1]
    content {
      subnet_id                         = "subnet-0123456789abcdef0"
      instance_profile                  = "EMR_EC2_DefaultRole"
      key_name                          = "ops"
      emr_managed_master_security_group = aws_security_group.master.id
      emr_managed_slave_security_group  = aws_security_group.core.id
    }
  }
}

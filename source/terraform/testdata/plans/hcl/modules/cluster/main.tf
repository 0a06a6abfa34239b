variable "subnet_id" {
  type = string
}

variable "group_id" {
  type = string
}

resource "aws_emr_cluster" "this" {
  name          = "from-module"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-service"
  ec2_attributes {
    subnet_id                         = var.subnet_id
    emr_managed_master_security_group = var.group_id
    emr_managed_slave_security_group  = var.group_id
    instance_profile                  = "arn:aws:iam::111122223333:instance-profile/emr-ec2"
  }
}

# A module's example passes subnet_id = "" for "no subnet": the provider
# sends Ec2SubnetId "", and EMR launches the cluster into the default VPC.
variable "subnet_id" {
  type    = string
  default = ""
}

resource "aws_emr_cluster" "c" { # want EMR301:fail EMR303:unknown
  name          = "placeholder-subnet"
  release_label = "emr-7.14.0"
  service_role  = "EMR_DefaultRole"

  ec2_attributes {
    subnet_id        = var.subnet_id
    instance_profile = "EMR_EC2_DefaultRole"
  }
}

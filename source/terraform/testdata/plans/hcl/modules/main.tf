# Links across modules: a cluster module gets its subnet and group from
# the root (module inputs), and the root's own cluster takes its subnet
# from the network module's output. In a plan, both ids are known only
# after apply: the references of the inputs and outputs link them.
module "net" {
  source = "./net"
}

resource "aws_security_group" "open" {
  name   = "open"
  vpc_id = module.net.vpc_id
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

module "cluster" {
  source    = "./cluster"
  subnet_id = module.net.public_subnet_id
  group_id  = aws_security_group.open.id
}

resource "aws_emr_cluster" "root" {
  name          = "root"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-service"
  ec2_attributes {
    subnet_id                         = module.net.private_subnet_id
    emr_managed_master_security_group = aws_security_group.open.id
    emr_managed_slave_security_group  = aws_security_group.open.id
    instance_profile                  = "arn:aws:iam::111122223333:instance-profile/emr-ec2"
  }
}

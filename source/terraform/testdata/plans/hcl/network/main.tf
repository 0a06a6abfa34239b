# A VPC with a public subnet (routed to an internet gateway by a route
# resource) and a private one (the main route table, made main by an
# association), an S3 gateway endpoint, and cluster groups whose rules are
# rule resources.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = "nat-0123456789abcdef0"
  }
}

resource "aws_main_route_table_association" "private" {
  vpc_id         = aws_vpc.main.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

resource "aws_security_group" "master" {
  name   = "emr-master"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "core" {
  name   = "emr-core"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 0
    to_port         = 65535
    protocol        = "tcp"
    security_groups = [aws_security_group.master.id]
  }
}

resource "aws_security_group_rule" "ssh_anywhere" {
  type              = "ingress"
  security_group_id = aws_security_group.master.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "egress" {
  type              = "egress"
  security_group_id = aws_security_group.master.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_vpc_security_group_ingress_rule" "web" {
  security_group_id = aws_security_group.core.id
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
  cidr_ipv4         = "10.0.0.0/8"
}

resource "aws_emr_cluster" "public" {
  name          = "public"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-service"
  log_uri       = "s3://emr-logs-111122223333/public/"
  ec2_attributes {
    subnet_id                         = aws_subnet.public.id
    emr_managed_master_security_group = aws_security_group.master.id
    emr_managed_slave_security_group  = aws_security_group.core.id
    instance_profile                  = "arn:aws:iam::111122223333:instance-profile/emr-ec2"
  }
}

resource "aws_emr_cluster" "private" {
  name          = "private"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-service"
  ec2_attributes {
    subnet_ids                        = [aws_subnet.private.id]
    emr_managed_master_security_group = aws_security_group.core.id
    emr_managed_slave_security_group  = aws_security_group.core.id
    instance_profile                  = "arn:aws:iam::111122223333:instance-profile/emr-ec2"
  }
}

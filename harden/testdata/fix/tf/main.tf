# Weak on purpose: harden fix's Terraform cases.
resource "aws_security_group" "primary" {
  name   = "primary"
  vpc_id = "vpc-0123456789abcdef0"

  # SSH for the on-call engineer
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.40.0.0/16"]
  }
}

resource "aws_security_group_rule" "ssh_v6" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
  security_group_id = aws_security_group.primary.id
}

resource "aws_emr_block_public_access_configuration" "this" {
  block_public_security_group_rules = false
}

resource "aws_emr_security_configuration" "main" {
  name = "main"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = false
      EnableAtRestEncryption    = true
      InTransitEncryptionConfiguration = {
        TLSCertificateConfiguration = { CertificateProviderType = "PEM", S3Object = "s3://acme-certs/emr.zip" }
      }
      AtRestEncryptionConfiguration = {
        S3EncryptionConfiguration = { EncryptionMode = "SSE-KMS", AwsKmsKey = "arn:aws:kms:eu-west-1:111122223333:key/6f1e2d3c-4b5a-4987-a6b5-c4d3e2f1a0b9" }
        LocalDiskEncryptionConfiguration = {
          EncryptionKeyProviderType = "AwsKms"
          AwsKmsKey                 = "arn:aws:kms:eu-west-1:111122223333:key/6f1e2d3c-4b5a-4987-a6b5-c4d3e2f1a0b9"
          EnableEbsEncryption       = false
        }
      }
    }
    InstanceMetadataServiceConfiguration = {
      MinimumInstanceMetadataServiceVersion = 1
      HttpPutResponseHopLimit               = 3
    }
  })
}

resource "aws_emr_cluster" "etl" {
  name          = "etl"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/etl-emr-service"

  ec2_attributes {
    subnet_id                         = "subnet-0123456789abcdef0"
    emr_managed_master_security_group = aws_security_group.primary.id
    instance_profile                  = "arn:aws:iam::111122223333:instance-profile/etl-emr-ec2"
  }
}

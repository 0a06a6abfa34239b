variable "name" {
  type = string
}
variable "release" {
  type = string
}
variable "in_transit" {
  type = bool
}
variable "ingress" {
  type = list(object({ port = number, cidrs = list(string) }))
}
variable "subnet_id" {
  type = string
}
variable "key_name" {
  type    = string
  default = null
}
variable "kerberos" {
  type    = object({ realm = string, kdc_admin_password = string })
  default = null
}

resource "aws_kms_key" "emr" {
  description         = "${var.name} EMR"
  enable_key_rotation = true
}

resource "aws_emr_security_configuration" "this" {
  name = "${var.name}-security"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = var.in_transit
      EnableAtRestEncryption    = true
      InTransitEncryptionConfiguration = {
        TLSCertificateConfiguration = {
          CertificateProviderType = "PEM"
          S3Object                = "s3://${var.name}-emr-certs/certs.zip"
        }
      }
      AtRestEncryptionConfiguration = {
        S3EncryptionConfiguration = { EncryptionMode = "SSE-KMS", AwsKmsKey = aws_kms_key.emr.arn }
        LocalDiskEncryptionConfiguration = {
          EncryptionKeyProviderType = "AwsKms"
          AwsKmsKey                 = aws_kms_key.emr.arn
          EnableEbsEncryption       = true
        }
      }
    }
    InstanceMetadataServiceConfiguration = {
      MinimumInstanceMetadataServiceVersion = 2
      HttpPutResponseHopLimit               = 1
    }
  })
}

resource "aws_security_group" "master" {
  name = "${var.name}-emr-master"

  dynamic "ingress" {
    for_each = var.ingress
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
}

resource "aws_security_group" "core" {
  name = "${var.name}-emr-core"
}

resource "aws_emr_cluster" "this" {
  name                   = var.name
  release_label          = var.release
  applications           = ["Spark", "Hadoop"]
  service_role           = "arn:aws:iam::111122223333:role/${var.name}-emr-service"
  security_configuration = aws_emr_security_configuration.this.name
  log_uri                = "s3://${var.name}-emr-logs/"

  log_encryption_kms_key_id = aws_kms_key.emr.arn

  ec2_attributes {
    subnet_id                         = var.subnet_id
    instance_profile                  = "arn:aws:iam::111122223333:instance-profile/${var.name}-emr-ec2"
    key_name                          = var.key_name
    emr_managed_master_security_group = aws_security_group.master.id
    emr_managed_slave_security_group  = aws_security_group.core.id
  }

  dynamic "kerberos_attributes" {
    for_each = var.kerberos == null ? [] : [var.kerberos]
    content {
      realm              = kerberos_attributes.value.realm
      kdc_admin_password = kerberos_attributes.value.kdc_admin_password
    }
  }

  master_instance_group {
    instance_type = "m7g.xlarge"
  }
}

output "cluster_id" {
  value = aws_emr_cluster.this.id
}

variable "name" {
  type = string
}

variable "kms_key" {
  type    = string
  default = null
}

resource "aws_emr_security_configuration" "this" {
  name          = var.name
  configuration = jsonencode({
    EncryptionConfiguration = { EnableInTransitEncryption = true }
    InstanceMetadataServiceConfiguration = {
      MinimumInstanceMetadataServiceVersion = 1 # want EMR401:fail
    }
  })
}

output "name" {
  value = aws_emr_security_configuration.this.name
}

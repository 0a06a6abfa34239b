# One EMR cluster per team through a reusable module, called with for_each;
# the module builds its optional blocks and its security group rules with
# dynamic blocks, as public EMR modules do. `emrguard scan` expands both:
# module.team["adhoc"] opens SSH to the internet and turns in-transit
# encryption off, module.team["analytics"] is private and encrypted.
variable "subnet_id" {
  type    = string
  default = "subnet-0a1b2c3d4e5f67890"
}

locals {
  teams = {
    analytics = {
      release    = "emr-7.12.0"
      in_transit = true
      ingress    = [{ port = 8443, cidrs = ["10.20.0.0/16"] }]
    }
    adhoc = {
      release    = "emr-7.12.0"
      in_transit = false
      ingress = [
        { port = 8443, cidrs = ["10.20.0.0/16"] },
        { port = 22, cidrs = ["0.0.0.0/0"] },
      ]
    }
  }
}

module "team" {
  for_each = local.teams
  source   = "./modules/emr-cluster"

  name       = each.key
  release    = each.value.release
  in_transit = each.value.in_transit
  ingress    = each.value.ingress
  subnet_id  = var.subnet_id
  key_name   = each.key == "adhoc" ? "ops" : null
}

output "clusters" {
  value = { for k, m in module.team : k => m.cluster_id }
}

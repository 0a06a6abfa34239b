// Package terraform reads Terraform into evidence: HCL configurations
// (.tf and .tf.json), a folder at a time, evaluated as Terraform would
// plan them, and `terraform show -json` plans.
//
// A folder is a module. Variables take their value from --var, --var-file,
// *.auto.tfvars, terraform.tfvars and their defaults, in that order of
// precedence; locals are evaluated on demand in any order, with cycles
// reported; resources are expanded by count and for_each and addressed
// like Terraform (aws_emr_cluster.x[0], module.m.aws_emr_cluster.x["k"]);
// local modules (source = "./…") are loaded with their inputs. What cannot
// be known before apply — an attribute AWS computes, a variable with no
// value, the output of a remote module — is an unknown cty value carrying
// a mark with the reason, and becomes an Unknown field quoting it: nothing
// is guessed.
//
// An attribute another resource points at by id (aws_security_group.sg.id)
// evaluates to the resource's address, so links between resources are the
// addresses the model looks up by Ref.ID.
package terraform

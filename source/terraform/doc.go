// Package terraform reads Terraform into evidence: HCL configurations
// (.tf and .tf.json), a folder at a time, and `terraform show -json`
// plans. It is the AWS adapter: source/terraform/tfeval evaluates the
// configuration as Terraform would plan it, and this package maps the
// resource instances it reads to the model (clusters, security
// configurations, groups, subnets, routes, roles, policies, buckets, EMR
// on EKS, Kubernetes RBAC, Pod Identity).
//
// One mapping for HCL and plans. The readers and linkers (read.go,
// network.go, iam.go, eks.go, k8srbac.go, podidentity.go) read a resource
// through attrs (attrs.go), which an HCL instance implements with the
// evaluator (hclRes) and a plan resource with the plan (planres.go):
// planned values, with what after_unknown (or after_sensitive) marks
// unknown saying why, and, for an unknown id, the resource the
// configuration's expression references (through module inputs and
// outputs) as the link, as an HCL unknown attribute carries it. A plan
// thus reads every type HCL reads; testdata/plans holds the plan of each
// Terraform example (written by tfeval's TestPlansOfExamples), and a test
// holds their verdicts to their HCL's (planhcl_test.go).
//
// Joins are not made here: roles, policies, groups, route tables and
// buckets carry the root's folder as their Scope, and policy attachments,
// managed policies listed by reference, rule, route, association and
// bucket-logging resources are emitted as facts (model.PolicyAttachment,
// model.PolicyRef, model.Join) that model.Link resolves within that root.
// A root whose counts hang on unknowns is read in each world their
// values make, as model.Alternatives the control engine settles
// (roots.go).
package terraform

// Package terraform reads Terraform into evidence: HCL configurations
// (.tf and .tf.json), a folder at a time, evaluated as Terraform would
// plan them, and `terraform show -json` plans.
//
// A folder is a module. Variables take their value from --var, --var-file,
// *.auto.tfvars, terraform.tfvars and their defaults, in that order of
// precedence; locals are evaluated on demand in any order, with cycles
// reported; resources are expanded by count and for_each and addressed
// like Terraform (aws_emr_cluster.x[0], module.m.aws_emr_cluster.x["k"]);
// local modules (source = "./…") are loaded with their inputs, and so are
// modules from elsewhere (registry, git, …) that terraform init installed,
// found through .terraform/modules/modules.json (modcache.go); a module
// called with count or for_each is loaded once per instance (module.m[0],
// module.m["k"]). Dynamic blocks are expanded, their content evaluated
// with the iterator bound (dynamic.go). As in Terraform, path.module is
// the module's folder relative to the root module's, path.cwd the root
// module's folder as an absolute path (terraform runs there), and file() and
// templatefile() read relative paths from the root module's folder. What
// cannot be known before apply — an attribute AWS computes, a variable
// with no value, the output of a module that is not installed — is an
// unknown cty value carrying a mark with the reason, and becomes an
// Unknown field quoting it: nothing is guessed.
//
// An attribute another resource points at by id (aws_security_group.sg.id)
// evaluates to the resource's address, so links between resources are the
// addresses the model looks up by Ref.ID. Data sources are read from AWS
// when Terraform plans, so their attributes are unknown, except
// data "aws_iam_policy_document", which the provider computes from its
// arguments: it is rendered here as the provider does (policydoc.go).
// Joins are not made here: roles, policies, groups, route tables and
// buckets carry the root's folder as their Scope, and policy attachments,
// managed policies listed by reference, rule, route, association and
// bucket-logging resources are emitted as facts (model.PolicyAttachment,
// model.PolicyRef, model.Join) that model.Link resolves within that root.
//
// One AWS adapter. The readers and linkers (read.go, network.go, iam.go,
// eks.go) read a resource through attrs (attrs.go), which an HCL instance
// implements with the evaluator and a plan resource with the plan
// (planres.go): planned values, with what after_unknown (or
// after_sensitive) marks unknown saying why, and, for an unknown id,
// the resource the configuration's expression references (through module
// inputs and outputs) as the link, as an HCL unknown attribute carries
// it. A plan thus reads every type HCL reads; testdata/plans holds the
// plan of each Terraform example, and a test holds their verdicts to
// their HCL's (planhcl_test.go).
//
// Speed and memory. A file is split into blocks and arguments by byte
// scans, and an argument is parsed when evaluated: plain values,
// references, one-line templates, jsonencode documents and heredocs are
// built directly as the tree hclsyntax would give, the rest by hclsyntax;
// these fast readers are the package hclscan, pure functions of the
// source each held to hclsyntax by a differential fuzz test (lazybody.go
// builds the evaluator's bodies from its scan). The commonest shapes are
// evaluated without a scope (shortcut.go). A root module without module
// calls is read on all cores (flat.go): its files are grouped by the
// names they may refer to (hclscan.RefScan), each group is read by
// one goroutine in its own copy of the module's memo, and what groups
// find is put together in the order a sequential reading gives, so the
// evidence and diagnostics do not depend on it. A group drops its
// source, bodies and memos once read; linkers, which look up what all
// groups found, run after them, replaying the arguments their group
// read ahead.
package terraform

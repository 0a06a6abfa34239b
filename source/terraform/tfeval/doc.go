// Package tfeval evaluates Terraform configurations (.tf and .tf.json), a
// folder at a time, as Terraform would plan them, and gives what a layer
// above reads of each resource instance: arguments, nested blocks and
// JSON documents by name, as values with their locations, unknowns
// saying why. It knows nothing of the model's resources or controls, and
// of the providers only what Terraform learns from their schemas: the
// layer above (source/terraform, the AWS adapter) says which resource
// types it reads and how (Reading), and gets what it made of them in its
// own type.
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
// module's folder (as the scan was given it: a report names no runner's
// folder), and file() and templatefile() read relative paths from the
// root module's folder, inside the scanned folders only (the sandbox).
// What cannot be known before apply — an attribute AWS computes, a
// variable with no value, the output of a module that is not installed —
// is an unknown cty value carrying a mark with the reason (ReasonOf), and
// the address of the resource it is an attribute of (FromOf): nothing is
// guessed. A count that hangs on at most MaxConditions unknowns is read
// in each world their values make (conditional.go, ReadRoot).
//
// An attribute another resource points at by id (aws_security_group.sg.id)
// evaluates to the resource's address, so links between resources are the
// addresses the model looks up by Ref.ID. Data sources are read from AWS
// when Terraform plans, so their attributes are unknown, except
// data "aws_iam_policy_document", which the provider computes from its
// arguments: it is rendered here as the provider does (policydoc.go).
// What Terraform learns of the provider's schema and the HCL syntax does
// not say is in schema.go.
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
// names they may refer to (hclscan.RefScan), each group is read by one goroutine
// in its own copy of the module's memo, and what groups find is put
// together in the order a sequential reading gives, so what the layer
// above makes and the diagnostics do not depend on it. A group drops its
// source, bodies and memos once read; link steps, which look up what all
// groups found, run after them, replaying the arguments their group read
// ahead (OwnLinkStep). Other roots are read in order while parsers run
// ahead (prefetch, lazy.go). Tune holds the sizes from which these paths
// start, and the work budget of a root.
package tfeval

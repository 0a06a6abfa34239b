package scan

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/cfn"
	"github.com/emrguard/emrguard/source/ec2cli"
	"github.com/emrguard/emrguard/source/emrcontainers"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/iamcli"
	"github.com/emrguard/emrguard/source/k8s"
	"github.com/emrguard/emrguard/source/request"
	"github.com/emrguard/emrguard/source/secconf"
	"github.com/emrguard/emrguard/source/terraform"
	"github.com/emrguard/emrguard/source/tree"
)

// Loader reads one kind of document. Formats names the file formats it
// reads ("json", "yaml", or "json yaml"); Detect looks at the first
// document; Load gets every document of the file (a YAML stream may hold
// several) and what the scan gives every loader.
type Loader struct {
	Name    string
	Formats string
	Detect  func(first *tree.Node) bool
	Load    func(file string, docs []*tree.Node, in Context) (*model.Evidence, source.Diagnostics)
}

// Context is what a loader gets besides the documents: the scan's options,
// and the arena the documents were parsed in, where a loader may build
// trees of its own (reused after the file is loaded: the evidence must
// keep no node).
type Context struct {
	Options Options
	Arena   *tree.Arena
}

// Loaders are tried in order; the first whose Detect accepts a file reads
// it. Each source adds its line here.
var Loaders = []Loader{
	{cfn.LoaderName, "json yaml", cfn.Detect, loadCFN},
	{"cluster request", "json", request.DetectCluster, first(request.LoadCluster)},
	{"security configuration", "json", secconf.Detect, first(secconf.Load)},
	{"security groups", "json", request.DetectGroups, first(request.LoadGroups)},
	{"kubernetes manifests", "json yaml", k8s.Detect, all(k8s.Load)},
	{"emr-containers output", "json", emrcontainers.Detect, first(emrcontainers.Load)},
	{"iam role or policy", "json", iamcli.Detect, first(iamcli.Load)},
	{"launch template versions", "json", ec2cli.Detect, first(ec2cli.Load)},
	{"CloudTrail event", "json", event.Detect, first(event.Load)},
	{terraform.PlanLoaderName, "json", terraform.DetectPlan, first(terraform.LoadPlan)},
}

// loadCFN reads templates with the parameters given, building resolved
// intrinsics in the file's arena.
func loadCFN(file string, docs []*tree.Node, in Context) (*model.Evidence, source.Diagnostics) {
	return cfn.Read(file, docs, in.Options.CFNParams, in.Arena.Alloc())
}

// first adapts a loader of one document that takes no context.
func first(load func(file string, root *tree.Node) (*model.Evidence, source.Diagnostics)) func(string, []*tree.Node, Context) (*model.Evidence, source.Diagnostics) {
	return func(file string, docs []*tree.Node, _ Context) (*model.Evidence, source.Diagnostics) {
		return load(file, docs[0])
	}
}

// all adapts a loader of every document that takes no context.
func all(load func(file string, docs []*tree.Node) (*model.Evidence, source.Diagnostics)) func(string, []*tree.Node, Context) (*model.Evidence, source.Diagnostics) {
	return func(file string, docs []*tree.Node, _ Context) (*model.Evidence, source.Diagnostics) {
		return load(file, docs)
	}
}

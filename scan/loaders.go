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
// several).
type Loader struct {
	Name    string
	Formats string
	Detect  func(first *tree.Node) bool
	Load    func(file string, docs []*tree.Node) (*model.Evidence, source.Diagnostics)
}

// Loaders are tried in order; the first whose Detect accepts a file reads
// it. Each source adds its line here.
var Loaders = []Loader{
	{cfn.LoaderName, "json yaml", cfn.Detect, cfn.Load},
	{"cluster request", "json", request.DetectCluster, first(request.LoadCluster)},
	{"security configuration", "json", secconf.Detect, first(secconf.Load)},
	{"security groups", "json", request.DetectGroups, first(request.LoadGroups)},
	{"kubernetes manifests", "json yaml", k8s.Detect, k8s.Load},
	{"emr-containers output", "json", emrcontainers.Detect, first(emrcontainers.Load)},
	{"iam role or policy", "json", iamcli.Detect, first(iamcli.Load)},
	{"launch template versions", "json", ec2cli.Detect, first(ec2cli.Load)},
	{"CloudTrail event", "json", event.Detect, first(event.Load)},
	{terraform.PlanLoaderName, "json", terraform.DetectPlan, first(terraform.LoadPlan)},
}

// first adapts a loader of one document.
func first(load func(file string, root *tree.Node) (*model.Evidence, source.Diagnostics)) func(string, []*tree.Node) (*model.Evidence, source.Diagnostics) {
	return func(file string, docs []*tree.Node) (*model.Evidence, source.Diagnostics) { return load(file, docs[0]) }
}

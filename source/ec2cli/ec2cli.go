// Package ec2cli reads `aws ec2 describe-launch-template-versions` output:
// the instance metadata options of the launch templates EKS nodegroups
// start their nodes from.
package ec2cli

import (
	"strconv"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// LaunchTemplateKind is the Ref kind of a launch template version.
const LaunchTemplateKind = "ec2:launch-template-version"

// Detect reports whether a JSON document is describe-launch-template-versions output.
func Detect(root *tree.Node) bool {
	n := root.Get("LaunchTemplateVersions")
	return n != nil && n.Kind == tree.Array
}

// Load reads each launch template version's metadata options.
func Load(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	ev := &model.Evidence{}
	var diags source.Diagnostics
	for _, v := range root.Get("LaunchTemplateVersions").Items {
		if v.Kind != tree.Object {
			diags.Errorf(v.At, "%s", "a launch template version is a "+v.Kind.String()+", want an object")
			continue
		}
		lt := &model.LaunchTemplate{Ref: model.Ref{Kind: LaunchTemplateKind, Loc: v.At}}
		id, _ := v.Get("LaunchTemplateId").Str()
		name, _ := v.Get("LaunchTemplateName").Str()
		if s, ok := v.Get("LaunchTemplateName").Str(); ok {
			lt.Name = model.Known(s, v.Get("LaunchTemplateName").At)
		}
		ver := ""
		if n, ok := v.Get("VersionNumber").Int(); ok {
			ver = strconv.Itoa(n)
			lt.Version = model.Known(ver, v.Get("VersionNumber").At)
		}
		lt.Ref.ID, lt.Ref.Name = id+":"+ver, name
		if id == "" {
			lt.Ref.ID = name + ":" + ver
		}
		md := v.Get("LaunchTemplateData").Get("MetadataOptions")
		if h := md.Get("HttpPutResponseHopLimit"); h != nil {
			if n, ok := h.Int(); ok {
				lt.HopLimit = model.Known(n, h.At)
			} else {
				diags.Errorf(h.At, "HttpPutResponseHopLimit is not an integer")
				lt.HopLimit = model.Unresolved[int]("HttpPutResponseHopLimit is not an integer", h.At)
			}
		}
		if t, ok := md.Get("HttpTokens").Str(); ok {
			lt.HTTPTokens = model.Known(t, md.Get("HttpTokens").At)
		}
		if e, ok := md.Get("HttpEndpoint").Str(); ok {
			lt.HTTPEndpoint = model.Known(e, md.Get("HttpEndpoint").At)
		}
		ev.LaunchTemplates = append(ev.LaunchTemplates, lt)
	}
	return ev, diags
}

package secconf

import (
	"path/filepath"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// Detect reports whether a JSON document is a security configuration file:
// the document itself (a top-level key of §1), or the Name plus
// SecurityConfiguration pair of describe-security-configuration output and
// create-security-configuration --cli-input-json.
func Detect(root *tree.Node) bool {
	if root == nil || root.Kind != tree.Object {
		return false
	}
	if isNamed(root) {
		return true
	}
	for _, k := range TopLevelKeys {
		if root.Get(k) != nil {
			return true
		}
	}
	return false
}

func isNamed(root *tree.Node) bool {
	doc := root.Get("SecurityConfiguration")
	return root.Get("Name") != nil && doc != nil && (doc.Kind == tree.String || doc.Kind == tree.Object)
}

// Load reads a security configuration file into evidence. A bare document
// has no name of its own: it takes the file's name without extension
// (hardened.json is "hardened"), which is how a request in the same scan
// refers to it.
func Load(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	ref := model.Ref{Kind: Kind, Loc: root.At}
	doc := root
	var name model.Field[string]
	if isNamed(root) {
		n := root.Get("Name")
		if s, ok := n.Str(); ok && s != "" {
			name = model.Known(s, n.At)
		}
		doc = root.Get("SecurityConfiguration")
	}
	if !name.IsSet() {
		stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		name = model.Known(stem, root.At)
	}
	ref.ID, ref.Name = name.Val, name.Val
	sc, diags := Decode(doc, ref)
	sc.Name = name
	return &model.Evidence{SecurityConfigurations: []*model.SecurityConfiguration{sc}}, diags
}

package suppress

import "strings"

// VendoredDirs are the folders whose files no one reviews: tools fill them
// (terraform init's .terraform/modules and providers, Terragrunt's
// .terragrunt-cache, npm's node_modules for CDK apps) or they hold
// third-party code copied in (vendor). A suppression written in a file
// under one of them, inline or in a sidecar, would let that code's
// author silence findings about it; it is ignored with a warning naming
// it. An accepted risk in vendored code is written in the config file,
// which the project reviews.
var VendoredDirs = []string{".terraform", ".terragrunt-cache", "node_modules", "vendor"}

// vendored reports whether file lies under one of VendoredDirs: one of its
// folders (not the file itself) has such a name, with / or \ separators.
func vendored(file string) bool {
	dir := file
	if i := strings.LastIndexAny(dir, `/\`); i >= 0 {
		dir = dir[:i]
	} else {
		return false
	}
	for dir != "" {
		seg := dir
		if i := strings.LastIndexAny(dir, `/\`); i >= 0 {
			seg, dir = dir[i+1:], dir[:i]
		} else {
			dir = ""
		}
		for _, v := range VendoredDirs {
			if seg == v {
				return true
			}
		}
	}
	return false
}

// pseudoFile reports whether name stands for no file on disk ("<stdin>"):
// such an input has no inline or sidecar suppressions, and a file of that
// name in the working folder says nothing about it.
func pseudoFile(name string) bool {
	return strings.HasPrefix(name, "<") && strings.HasSuffix(name, ">")
}

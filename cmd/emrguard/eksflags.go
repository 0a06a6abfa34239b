package main

import (
	"fmt"
	"regexp"
	"strings"
)

// namespaceRe is a Kubernetes namespace name (an RFC 1123 label).
var namespaceRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// namespaces is the repeatable --emr-namespace flag.
type namespaces []string

func (n *namespaces) String() string { return strings.Join(*n, ",") }

// Set adds one namespace, or several separated by commas.
func (n *namespaces) Set(v string) error {
	for _, ns := range strings.Split(v, ",") {
		ns = strings.TrimSpace(ns)
		if len(ns) > 63 || !namespaceRe.MatchString(ns) {
			return fmt.Errorf("%q is not a Kubernetes namespace name", ns)
		}
		*n = append(*n, ns)
	}
	return nil
}

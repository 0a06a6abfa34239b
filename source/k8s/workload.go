package k8s

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// workload reads the pod template of a Pod or a workload controller:
// its annotations and serviceAccountName.
func (l *loader) workload(n *tree.Node, m meta, kind string) {
	pod := n // Pod: the object itself
	switch kind {
	case "CronJob":
		pod = n.Get("spec").Get("jobTemplate").Get("spec").Get("template")
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job":
		pod = n.Get("spec").Get("template")
	}
	w := &model.Workload{Ref: m.ref, Kind: kind, Namespace: m.ns, Name: m.name}
	if pod == nil {
		l.ev.Workloads = append(l.ev.Workloads, w)
		return
	}
	if md := pod.Get("metadata"); md != nil {
		w.Annotations = l.annotations(md.Get("annotations"))
	}
	if sa := pod.Get("spec").Get("serviceAccountName"); sa != nil {
		if s, ok := sa.Str(); ok {
			w.ServiceAccountName = model.Known(s, sa.At)
		}
	}
	l.ev.Workloads = append(l.ev.Workloads, w)
}

// awsAuth reads the aws-auth ConfigMap: data.mapRoles and data.mapUsers
// are YAML lists held in strings.
func (l *loader) awsAuth(n *tree.Node, m meta) {
	data := n.Get("data")
	for _, key := range []string{"mapRoles", "mapUsers"} {
		v := data.Get(key)
		if v == nil || v.Kind == tree.Null {
			continue
		}
		text, ok := v.Str()
		if !ok {
			l.diags.Errorf(v.At, "aws-auth %s is a %s, want a YAML string", key, v.Kind)
			continue
		}
		docs, err := tree.ParseYAML(l.file, []byte(text))
		if err != nil {
			l.diags.Errorf(v.At, "aws-auth %s: %v", key, strings.TrimPrefix(err.Error(), l.file+":"))
			continue
		}
		if len(docs) == 0 {
			continue
		}
		list := docs[0]
		l.shift(list, v.At)
		if list.Kind != tree.Array {
			l.diags.Errorf(list.At, "aws-auth %s is a %s, want a list", key, list.Kind)
			continue
		}
		arnKey := "rolearn"
		if key == "mapUsers" {
			arnKey = "userarn"
		}
		for _, it := range list.Items {
			arn, _ := it.Get(arnKey).Str()
			user, _ := it.Get("username").Str()
			groups, ok := l.strings(it.Get("groups"), "groups")
			if arn == "" || !ok {
				l.diags.Errorf(it.At, "an aws-auth %s entry needs %s and a list of groups", key, arnKey)
				continue
			}
			ref := m.ref
			ref.Kind, ref.ID, ref.Name, ref.Loc = "k8s:aws-auth", fmt.Sprintf("aws-auth %s %s", key, arn), user, it.At
			l.ev.AuthMappings = append(l.ev.AuthMappings, &model.AuthMapping{Ref: ref, At: it.At, ARN: arn, Username: user, Groups: groups})
		}
	}
}

// shift moves positions of a document parsed from a string at at into
// the file: in YAML a block scalar's text starts on the line after at; in
// JSON the whole string is on at's line.
func (l *loader) shift(n *tree.Node, at model.Loc) {
	ext := strings.ToLower(filepath.Ext(l.file))
	yaml := ext == ".yaml" || ext == ".yml"
	var walk func(*tree.Node)
	walk = func(n *tree.Node) {
		if yaml {
			n.At = model.Loc{File: at.File, Line: at.Line + n.At.Line, Col: n.At.Col}
		} else {
			n.At = at
		}
		for i := range n.Fields {
			walk(n.Fields[i].Val)
		}
		for _, it := range n.Items {
			walk(it)
		}
	}
	walk(n)
}

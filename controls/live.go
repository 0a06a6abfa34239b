package controls

import (
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// Helpers of the controls that judge live evidence (model/live.go).

// ended reports n/a for a cluster that has terminated, whose nodes and
// roles no longer serve anything, and returns true for it.
func ended(p *control.Pass, c *model.Cluster) bool {
	if s := c.State.Get(""); s == "TERMINATED" || s == "TERMINATED_WITH_ERRORS" {
		p.NAf(c.Ref, c.State.At, "cluster is %s", s)
		return true
	}
	return false
}

// liveSubjects returns the subjects that a live account showed: in a scan
// of both files and a snapshot, a configuration from a file has no live
// evidence (keys, certificates read from S3) beside it.
func liveSubjects(ev *model.Evidence) []subject {
	var out []subject
	for _, s := range subjects(ev) {
		if s.ref.Origin == model.FromLive {
			out = append(out, s)
		}
	}
	return out
}

// sameScope reports whether a resource of account and region r may be the
// one named from from: both sides agree where both say.
func sameScope(r, from model.Ref) bool {
	return (r.Account == "" || from.Account == "" || r.Account == from.Account) &&
		(r.Region == "" || from.Region == "" || r.Region == from.Region)
}

// kmsKey finds the key a security configuration or cluster names by key
// ID, key ARN, alias name or alias ARN, in from's account and region.
func kmsKey(ev *model.Evidence, id string, from model.Ref) *model.KMSKey {
	alias := ""
	if i := strings.Index(id, ":alias/"); i >= 0 && strings.HasPrefix(id, "arn:") {
		alias = id[i+1:]
	} else if strings.HasPrefix(id, "alias/") {
		alias = id
	}
	for _, k := range ev.KMSKeys {
		if !strings.HasPrefix(id, "arn:") && !sameScope(k.Ref, from) {
			continue
		}
		if id == k.Ref.ID || id == k.KeyID.Get("\x00") || id == k.ARN.Get("\x00") {
			return k
		}
		if strings.HasPrefix(id, "arn:") && k.KeyID.IsSet() && strings.HasSuffix(id, ":key/"+k.KeyID.Val) && arnScope(id, k.ARN.Get("")) {
			return k
		}
		if alias != "" && contains(k.Aliases, alias) && (!strings.HasPrefix(id, "arn:") || arnScope(id, k.ARN.Get(""))) {
			return k
		}
	}
	return nil
}

// arnScope reports whether two ARNs name the same partition, region and
// account (an unknown ARN b matches).
func arnScope(a, b string) bool {
	if b == "" {
		return true
	}
	pa, pb := strings.SplitN(a, ":", 6), strings.SplitN(b, ":", 6)
	if len(pa) < 5 || len(pb) < 5 {
		return false
	}
	return pa[1] == pb[1] && pa[3] == pb[3] && pa[4] == pb[4]
}

// ami finds the image a cluster launches from, in its account and region.
func ami(ev *model.Evidence, id string, from model.Ref) *model.AMI {
	for _, a := range ev.AMIs {
		if (a.ImageID.Get("") == id || a.Ref.ID == id) && (a.Ref.Region == "" || from.Region == "" || a.Ref.Region == from.Region) {
			return a
		}
	}
	return nil
}

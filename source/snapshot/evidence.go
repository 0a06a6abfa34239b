package snapshot

import (
	"fmt"
	"strings"
	"time"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// Evidence maps a snapshot to model evidence: the one mapping a live scan
// and a replay of its snapshot share, so both give the same results.
//
// Every resource is FromLive, with its account and region and no file
// location. Names that repeat across accounts and regions are made exact:
// roles and instance profiles are keyed by ARN (a cluster's ServiceRole
// and JobFlowRole become ARNs; their last segment is still the name), and
// EC2 objects (security groups, subnets, VPCs) are referred to by ARN too,
// their Ref.ID staying the AWS ID; security configurations keep their
// names, joined within account and region by the model.
//
// Every failed call becomes an Error diagnostic naming it, and Unknown
// fields, quoting the call and its error, on the objects that needed it.
func Evidence(s *Snapshot) (*model.Evidence, source.Diagnostics) {
	m := &mapper{ev: &model.Evidence{}}
	if s == nil {
		return m.ev, nil
	}
	s = Canonical(s)
	m.taken = s.Taken
	for _, a := range s.Accounts {
		diagnose(a, &m.diags)
		if a.ID == "" {
			continue // not reached: the diagnostics say why
		}
		m.account(a)
	}
	return m.ev, m.diags
}

// mapper holds what mapping one snapshot needs across its accounts.
type mapper struct {
	ev    *model.Evidence
	diags source.Diagnostics
	taken time.Time

	// Of the account being mapped.
	a    *Account
	part string
	f    *failed
	iam  *iamIndex
	// bucketsWanted are the log buckets clusters name, by name.
	bucketsWanted map[string]bool
}

func (m *mapper) account(a *Account) {
	m.a, m.f = a, newFailed(a)
	m.part = a.Partition
	if m.part == "" {
		m.part = "aws"
	}
	m.iam = newIAMIndex(m, a.IAM)
	m.bucketsWanted = map[string]bool{}
	for _, r := range a.Regions {
		m.region(r)
	}
	m.mapIAM()
	m.buckets()
}

func (m *mapper) region(r *Region) {
	m.accountRegion(r)
	m.blockPublicAccess(r)
	m.securityConfigurations(r)
	m.clusters(r)
	m.network(r)
	m.images(r)
	m.trails(r)
	m.kmsKeys(r)
	m.emrOnEKS(r)
}

// ref is the Ref of a live resource of the account.
func (m *mapper) ref(kind, id, name, region string) model.Ref {
	return model.Ref{Kind: kind, ID: id, Name: name, Account: m.a.ID, Region: region, Origin: model.FromLive}
}

// why returns the reason a failed call gives, or notRead when the
// snapshot records no failure for it (the collector did not ask).
func (m *mapper) why(service, op, region, resource, notRead string) string {
	if w, ok := m.f.why(service, op, region, resource); ok {
		return w
	}
	return notRead
}

// errorf reports a problem with the snapshot's content (not a failed
// call) on the object it concerns.
func (m *mapper) errorf(call, format string, args ...any) {
	m.diags = append(m.diags, source.Diagnostic{Call: call, Level: source.Error, Msg: fmt.Sprintf(format, args...)})
}

// object names an object of the account for diagnostics about its
// content, the way Call names a call.
func (m *mapper) object(service, op, region, resource string) string {
	return Call(m.a.ID, &Failure{Service: service, Operation: op, Region: region, Resource: resource})
}

// document parses a JSON document an API returned as a string into a
// tree without positions: live evidence has no file location.
func document(doc string) (*tree.Node, error) {
	n, err := tree.ParseJSON("", []byte(doc))
	if err != nil {
		return nil, err
	}
	unplace(n)
	return n, nil
}

func unplace(n *tree.Node) {
	if n == nil {
		return
	}
	n.At = model.Loc{}
	for i := range n.Fields {
		n.Fields[i].KeyAt = model.Loc{}
		unplace(n.Fields[i].Val)
	}
	for _, it := range n.Items {
		unplace(it)
	}
}

// withCall gives diagnostics of a decoded document the object they are
// about, since they have no location.
func withCall(ds source.Diagnostics, call string) source.Diagnostics {
	for i := range ds {
		if ds[i].Call == "" && !ds[i].At.IsValid() {
			ds[i].Call = call
			ds[i].At = model.Loc{}
		}
	}
	return ds
}

// arn builds the ARN of an object of the account.
func (m *mapper) arn(service, region, resource string) string {
	return "arn:" + m.part + ":" + service + ":" + region + ":" + m.a.ID + ":" + resource
}

// ec2 returns the ARN a live reference to an EC2 object of the account
// and region uses (typ: security-group, subnet, vpc); "" stays "".
func (m *mapper) ec2(region, typ, id string) string {
	if id == "" || strings.HasPrefix(id, "arn:") {
		return id
	}
	return m.arn("ec2", region, typ+"/"+id)
}

func (m *mapper) ec2List(region, typ string, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			out = append(out, m.ec2(region, typ, id))
		}
	}
	return out
}

package control

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Identity names one result across runs: what the machine formats key a
// finding by (the JSON id, SARIF partialFingerprints, the ASFF Id) and
// what a baseline is matched by. It is built from the control, the
// resource (kind, ID and file, never a line), the resource's account and
// region, and the subject within the resource, so a result keeps its
// identity when lines move and two results of one control on one
// resource differ by their subjects.
type Identity struct {
	Control string
	// Account and Region are the resource's (or its event's), "" when
	// it names none (infrastructure code).
	Account, Region string
	// Resource is the first 32 hex digits of SHA-256 over the resource
	// kind, ID and file (slash-separated, as given on the command line),
	// NUL-separated: the resource key of the ASFF Id since its first
	// version.
	Resource string
	// Subject is the first 16 hex digits of SHA-256 over Result.Subject,
	// "" when the result has none.
	Subject string
	// Ordinal is 0, or 2, 3, … for the later of several results that
	// share everything above (Identify), so identities never collide.
	Ordinal int
}

// Tail returns what follows the resource key: "/s:" and the subject key
// when there is a subject, "/#" and the ordinal when there is one.
func (id Identity) Tail() string {
	s := ""
	if id.Subject != "" {
		s += "/s:" + id.Subject
	}
	if id.Ordinal > 0 {
		s += "/#" + strconv.Itoa(id.Ordinal)
	}
	return s
}

// String returns the identity as one string: CONTROL/RESOURCE for a
// resource with no account and region (infrastructure code), else
// CONTROL/ACCOUNT/REGION/RESOURCE ("-" for the one of the two that is
// unknown), then Tail. The JSON report's id and the SARIF fingerprint.
func (id Identity) String() string {
	if id.Account == "" && id.Region == "" {
		return id.Control + "/" + id.Resource + id.Tail()
	}
	return id.Control + "/" + dash(id.Account) + "/" + dash(id.Region) + "/" + id.Resource + id.Tail()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// identityOf returns r's identity without its ordinal.
// resourceKey is what a resource's hash is made of; a resource's results
// come together, so the last one's hash is kept (a corpus's 280,000
// results have 10,000 resources' worth of hashing to do).
type resourceKey struct{ kind, id, file string }

func identityOf(r *Result, last *resourceKey, lastHash *string) Identity {
	ref := &r.Resource
	id := Identity{Control: r.Control.ID, Account: ref.Account, Region: ref.Region}
	if e := ref.Event; e != nil {
		id.Account, id.Region = cmp.Or(id.Account, e.Account), cmp.Or(id.Region, e.Region)
	}
	if k := (resourceKey{ref.Kind, ref.ID, ref.Loc.File}); k != *last || *lastHash == "" {
		h := sha256.Sum256([]byte(ref.Kind + "\x00" + ref.ID + "\x00" + strings.ReplaceAll(ref.Loc.File, "\\", "/")))
		*last, *lastHash = k, hex.EncodeToString(h[:16])
	}
	id.Resource = *lastHash
	if r.Subject != "" {
		h := sha256.Sum256([]byte(r.Subject))
		id.Subject = hex.EncodeToString(h[:8])
	}
	return id
}

// Identify returns the identity of each result of rs, at the same index.
// Results that share control, resource, account, region and subject (a
// control that reports twice on one thing, or one resource read from two
// snapshots of an account) are ordered by message, verdict, event ID and
// location, and all but the first get an ordinal: so no two results of
// one run share an identity, and which one is first depends only on what
// they say.
func Identify(rs []Result) []Identity {
	ids := make([]Identity, len(rs))
	const block = 4096
	workers := runtime.GOMAXPROCS(0)
	if len(rs) < 2*block {
		workers = 1
	}
	each((len(rs)+block-1)/block, workers, func(b int) {
		var last resourceKey
		var lastHash string
		for i := b * block; i < min(len(rs), (b+1)*block); i++ {
			ids[i] = identityOf(&rs[i], &last, &lastHash)
		}
	})
	// Grouped by a digest of the identity: a table keyed by the Identity
	// values themselves held 88-byte keys for each of 285,000 results.
	// Identities without their ordinals are the keys: compared whole, as
	// strings hash faster than a digest of them is made.
	first := make(map[Identity]int, len(rs))
	var shared map[Identity][]int
	for i := range ids {
		k := ids[i]
		j, dup := first[k]
		if !dup {
			first[k] = i
			continue
		}
		if shared == nil {
			shared = map[Identity][]int{}
		}
		if shared[k] == nil {
			shared[k] = []int{j}
		}
		shared[k] = append(shared[k], i)
	}
	for _, group := range shared {
		slices.SortFunc(group, func(a, b int) int { return compareTwins(&rs[a], &rs[b]) })
		for n, i := range group[1:] {
			ids[i].Ordinal = n + 2
		}
	}
	return ids
}

// compareTwins orders results of one identity by what they say, then,
// only when that is equal too, by where they are.
func compareTwins(a, b *Result) int {
	if c := strings.Compare(a.Message, b.Message); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Verdict, b.Verdict); c != 0 {
		return c
	}
	if c := strings.Compare(eventID(a), eventID(b)); c != 0 {
		return c
	}
	la, lb := a.Location(), b.Location()
	return cmp.Or(strings.Compare(la.File, lb.File), cmp.Compare(la.Line, lb.Line), cmp.Compare(la.Col, lb.Col))
}

func eventID(r *Result) string {
	if e := r.Resource.Event; e != nil {
		return e.ID
	}
	return ""
}

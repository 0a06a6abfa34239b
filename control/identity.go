package control

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
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

// Identifier makes the identities of results in turn. A resource's
// results come together, so it keeps the last resource's hash (a
// corpus's 280,000 results have 10,000 resources' worth of hashing to
// do). Its zero value is ready; one Identifier per goroutine.
type Identifier struct {
	last     resourceKey
	lastHash string
}

// resourceKey is what a resource's hash is made of.
type resourceKey struct{ kind, id, file string }

// Of returns r's identity with the given ordinal (Ordinals).
func (f *Identifier) Of(r *Result, ordinal int) Identity {
	ref := &r.Resource
	account, region := accountRegion(r)
	id := Identity{Control: r.Control.ID, Account: account, Region: region, Ordinal: ordinal}
	if k := (resourceKey{ref.Kind, ref.ID, ref.Loc.File}); k != f.last || f.lastHash == "" {
		h := sha256.Sum256([]byte(ref.Kind + "\x00" + ref.ID + "\x00" + slashed(ref.Loc.File)))
		f.last, f.lastHash = k, hex.EncodeToString(h[:16])
	}
	id.Resource = f.lastHash
	if r.Subject != "" {
		h := sha256.Sum256([]byte(r.Subject))
		id.Subject = hex.EncodeToString(h[:8])
	}
	return id
}

// accountRegion returns the account and region of r's identity: the
// resource's, else its event's.
func accountRegion(r *Result) (account, region string) {
	account, region = r.Resource.Account, r.Resource.Region
	if e := r.Resource.Event; e != nil {
		account, region = cmp.Or(account, e.Account), cmp.Or(region, e.Region)
	}
	return account, region
}

// slashed returns the file with slashes for backslashes: Windows and
// slash paths name one file.
func slashed(file string) string {
	if strings.IndexByte(file, '\\') < 0 {
		return file
	}
	return strings.ReplaceAll(file, "\\", "/")
}

// Identify returns the identity of each result of rs, at the same index
// (Ordinals, then an Identifier). Writers of many results use those two
// instead and make each identity as they write it: a corpus's 285,000
// identities held 25 MB.
func Identify(rs []Result) []Identity {
	ord := Ordinals(rs)
	ids := make([]Identity, len(rs))
	var f Identifier
	for i := range rs {
		ids[i] = f.Of(&rs[i], ord[i])
	}
	return ids
}

// twinKey is what an identity without its ordinal is made of, before
// hashing: two results share an identity exactly when their keys are
// equal (short of a SHA-256 collision of resource or subject).
type twinKey struct {
	control, account, region, kind, id, file, subject string
}

// twinHash hashes a key for Ordinals; a variable so that a test can
// make every key collide.
var twinHash = maphash.Comparable[twinKey]

func twinKeyOf(r *Result) twinKey {
	account, region := accountRegion(r)
	return twinKey{r.Control.ID, account, region, r.Resource.Kind, r.Resource.ID, slashed(r.Resource.Loc.File), r.Subject}
}

// Ordinals returns the ordinal of each result of rs that needs one, by
// index; every other result's is 0. Results that share control,
// resource, account, region and subject (a control that reports twice on
// one thing, or one resource read from two snapshots of an account) are
// ordered by message, verdict, event ID and location, and all but the
// first get 2, 3, …: so no two results of one run share an identity, and
// which one is first depends only on what they say.
func Ordinals(rs []Result) map[int]int {
	// Twins are found by sorting a 64-bit hash of each result's key and
	// looking for equal neighbours; only results whose hashes meet have
	// their keys compared. A table keyed by the identities held 88-byte
	// keys for each of 285,000 results (40 MB), and even one keyed by the
	// hashes spent most of its time waiting on memory (a cache miss per
	// result): sorting reads it in order.
	seed := maphash.MakeSeed()
	hs := make([]uint64, len(rs))
	for i := range rs {
		hs[i] = twinHash(seed, twinKeyOf(&rs[i]))
	}
	sorted := slices.Clone(hs)
	slices.Sort(sorted)
	var met map[uint64][]int // a hash several results have → those results
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			if met == nil {
				met = map[uint64][]int{}
			}
			met[sorted[i]] = nil
		}
	}
	ord := map[int]int{}
	if met == nil {
		return ord
	}
	for i, h := range hs {
		if g, ok := met[h]; ok {
			met[h] = append(g, i)
		}
	}
	for _, meeting := range met {
		twins := map[twinKey][]int{} // keys of different results may share a hash
		for _, i := range meeting {
			k := twinKeyOf(&rs[i])
			twins[k] = append(twins[k], i)
		}
		for _, group := range twins {
			slices.SortFunc(group, func(a, b int) int { return compareTwins(&rs[a], &rs[b]) })
			for n, i := range group[1:] {
				ord[i] = n + 2
			}
		}
	}
	return ord
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

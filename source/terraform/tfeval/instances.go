package tfeval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// maxInstances bounds count and for_each: a typo (count = 1e9) must not
// take the machine.
const maxInstances = 10000

// instances expands count and for_each, once.
func (r *resource) instances() []*Instance {
	if r.expanded {
		return r.insts
	}
	r.expanded = true
	r.countAttr() // parses the source, if not yet
	base := r.m.prefix + r.key()
	for _, k := range r.m.instanceKeys(r.count, r.forEach, base) {
		r.insts = append(r.insts, &Instance{res: r, addr: base + k.suffix, key: k.key, eachVal: k.each, rep: k.rep})
	}
	return r.insts
}

// instKey is one instance of count or for_each: its address suffix, and
// count.index or each.key and each.value (NilVal without either). rep
// marks the one instance standing for the at least one, all alike, that
// a world of an unknown count makes (conditional.go): its count.index is
// unknown, but it exists.
type instKey struct {
	suffix    string
	key, each cty.Value
	rep       bool
}

// instanceKeys evaluates the count or for_each of what base addresses (a
// resource, a module call) in m. When it is unknown or invalid there is
// one instance, without suffix, whose key is unknown with the reason.
func (m *module) instanceKeys(count, forEach *hcl.Attribute, base string) []instKey {
	one := func(reason string) []instKey {
		v := unknown(reason, "")
		return []instKey{{key: v, each: v}}
	}
	switch {
	case count != nil:
		v := m.eval(count.Expr, nil)
		if !v.IsWhollyKnown() {
			n, rep, ok := m.worldCount(count.Expr)
			if !ok {
				return one(fmt.Sprintf("count of %s is unknown: %s", base, ReasonOf(v)))
			}
			if rep {
				// Addressed as in the first reading, so that their
				// results meet; count.index stays unknown.
				k := one(fmt.Sprintf("count.index of %s is unknown (its count: %s)", base, ReasonOf(v)))
				k[0].rep = true
				return k
			}
			if n == 1 && m.ld.conds.world != nil {
				// One instance in this world: addressed as in the first
				// reading, so that their results meet (control.Worlds).
				return []instKey{{key: cty.NumberIntVal(0)}}
			}
			v = cty.NumberIntVal(int64(n))
		}
		v, _ = v.Unmark()
		n, err := countOf(v)
		if err != nil {
			m.ld.diags.Errorf(loc(count.Range), "count of %s: %s", base, err)
			return one("count of " + base + " is invalid")
		}
		out := make([]instKey, n)
		for i := range n {
			out[i] = instKey{suffix: "[" + strconv.Itoa(i) + "]", key: cty.NumberIntVal(int64(i))}
		}
		return out
	case forEach != nil:
		v := m.eval(forEach.Expr, nil)
		if !v.IsKnown() {
			exists, ok := m.worldEach(forEach.Expr)
			switch {
			case !ok:
				return one(fmt.Sprintf("for_each of %s is unknown: %s", base, ReasonOf(v)))
			case !exists:
				return nil
			}
			// Addressed as in the first reading, so that their results
			// meet; each.key and each.value stay unknown.
			k := one(fmt.Sprintf("each.key and each.value of %s are unknown (its for_each: %s)", base, ReasonOf(v)))
			k[0].rep = true
			return k
		}
		v, _ = v.Unmark()
		if isRepObject(v) {
			// A for_each over a resource standing for each of its
			// elements stands for each of them too.
			k := one(fmt.Sprintf("each.key and each.value of %s are unknown (its for_each: one standing for each element of an unknown collection)", base))
			k[0].rep = true
			return k
		}
		t := v.Type()
		if v.IsNull() || !(t.IsMapType() || t.IsObjectType() || t.IsSetType()) {
			m.ld.diags.Errorf(loc(forEach.Range), "for_each of %s must be a map or a set of strings", base)
			return one("for_each of " + base + " is invalid")
		}
		if v.LengthInt() > maxInstances {
			m.ld.diags.Errorf(loc(forEach.Range), "for_each of %s has over %d elements; not expanded", base, maxInstances)
			return one("for_each of " + base + " is too large")
		}
		var out []instKey
		for it := v.ElementIterator(); it.Next(); {
			k, val := it.Element() // a set's key is its element
			k, _ = k.Unmark()
			if !k.IsKnown() || k.IsNull() || k.Type() != cty.String {
				m.ld.diags.Errorf(loc(forEach.Range), "for_each of %s has a key that is not a known string", base)
				continue
			}
			out = append(out, instKey{suffix: "[" + strconv.Quote(k.AsString()) + "]", key: k, each: val})
		}
		return out
	}
	return []instKey{{}}
}

// repKey is the key of the one instance a world's for_each over an
// unknown collection makes (conditional.go): [for g in aws_x.y : g.id]
// sees it; aws_x.y["name"] does not, and stays unknown.
const repKey = "*"

// isRepObject tells whether v is a resource standing for each of an
// unknown for_each's instances.
func isRepObject(v cty.Value) bool {
	if v.IsNull() || !v.Type().IsObjectType() || len(v.Type().AttributeTypes()) != 1 {
		return false
	}
	return v.Type().HasAttribute(repKey)
}

func countOf(v cty.Value) (int, error) {
	if v.IsNull() {
		return 0, fmt.Errorf("is null")
	}
	c, err := ConvertNumber(v)
	if err != nil {
		return 0, err
	}
	if c < 0 || c > maxInstances {
		return 0, fmt.Errorf("%d is out of range (0 to %d)", c, maxInstances)
	}
	return c, nil
}

// ConvertNumber reads a whole number, as count and for_each read theirs.
func ConvertNumber(v cty.Value) (int, error) {
	if v.Type() == cty.String {
		n, err := strconv.Atoi(v.AsString())
		return n, err
	}
	if v.Type() != cty.Number {
		return 0, fmt.Errorf("is a %s, want a number", v.Type().FriendlyName())
	}
	bf := v.AsBigFloat()
	if !bf.IsInt() {
		return 0, fmt.Errorf("is not a whole number")
	}
	n, _ := bf.Int64()
	return int(n), nil
}

// resourceValue is what a reference to r evaluates to, holding the
// attributes asked for: one object, a tuple of them (count) or an object
// keyed by each.key (for_each).
//
// sub names the attributes read past the first (metadata[0].name →
// name): those a nested block does not set are unknown in it (blockAttr).
func (m *module) resourceValue(r *resource, attrs, sub map[string]bool) cty.Value {
	insts := r.instances()
	obj := func(in *Instance) cty.Value {
		vals := make(map[string]cty.Value, len(attrs))
		for a := range attrs {
			if v, ok := r.m.blockAttr(in, a, sub); ok {
				vals[a] = v
				continue
			}
			vals[a] = r.m.instAttr(in, a)
		}
		return cty.ObjectVal(vals)
	}
	switch {
	case len(insts) == 1 && insts[0].rep && r.forEach != nil:
		return cty.ObjectVal(map[string]cty.Value{repKey: obj(insts[0])}) // stands for each instance
	case len(insts) == 1 && insts[0].rep:
		return cty.TupleVal([]cty.Value{obj(insts[0])}) // stands for each instance
	case len(insts) == 1 && insts[0].key != cty.NilVal && !insts[0].key.IsKnown():
		return insts[0].key // count or for_each unknown: the whole resource is
	case r.count != nil:
		if len(insts) == 0 {
			return cty.EmptyTupleVal
		}
		vals := make([]cty.Value, len(insts))
		for i, in := range insts {
			vals[i] = obj(in)
		}
		return cty.TupleVal(vals)
	case r.forEach != nil:
		if len(insts) == 0 {
			return cty.EmptyObjectVal
		}
		vals := make(map[string]cty.Value, len(insts))
		for _, in := range insts {
			vals[in.key.AsString()] = obj(in)
		}
		return cty.ObjectVal(vals)
	}
	return obj(insts[0])
}

// fromSelf tells whether v is unknown only because in, at addr, gets it at
// apply.
func fromSelf(v cty.Value, addr string) bool {
	f, ok := FromOf(v)
	return ok && f == addr
}

// ownName marks a name known only in part (or not at all) as the name of
// the resource at addr: whoever receives it, through any number of module
// variables and locals, still knows which resource it names. Other
// resources' addresses the name was built from are dropped: a name made
// of an instance ID is this resource's name all the same.
func ownName(v cty.Value, addr string) cty.Value {
	u, marks := v.UnmarkDeep()
	keep := cty.NewValueMarks(from(addr))
	for m := range marks {
		if _, ok := m.(from); !ok {
			keep[m] = struct{}{}
		}
	}
	return u.WithMarks(keep)
}

// idFrom names, per resource type, the argument its id equals.
var idFrom = map[string]string{
	"aws_s3_bucket": "bucket", "aws_iam_role": "name", "aws_iam_instance_profile": "name",
	"aws_emr_security_configuration": "name", "aws_iam_user": "name",
}

// instAttr is attribute attr of an instance: its argument evaluated, its
// id as its address (the reference other resources link by), or unknown
// until apply.
func (m *module) instAttr(in *Instance, attr string) cty.Value {
	if v, ok := in.memo.get(attr); ok {
		return v
	}
	r := in.res
	var v cty.Value
	x, rng, ok := r.content().expr(attr)
	switch {
	case ok:
		ck := attrVisit{in, attr} // not a string: one made per attribute read added up
		if m.attrVisiting[ck] {
			m.ld.diags.Errorf(loc(rng), "%s.%s refers to itself (a reference cycle)", in.addr, attr)
			return unknown(fmt.Sprintf("%s.%s is part of a reference cycle", in.addr, attr), "")
		}
		if m.attrVisiting == nil {
			m.attrVisiting = map[attrVisit]bool{}
		}
		m.attrVisiting[ck] = true
		v = m.eval(x, in)
		delete(m.attrVisiting, ck)
		switch u, _ := v.Unmark(); {
		case !u.IsKnown() || !u.IsNull():
		case r.mode == "data":
			// An argument of a data source left null is filled in when
			// Terraform reads it (data.aws_region.x.region).
			v = unknown(fmt.Sprintf("%s.%s is read from AWS when planning, not by a static scan", in.addr, attr), in.addr)
		case attr == idFrom[r.typ]:
			// A name set to null is left to AWS (name_prefix, or a
			// random one), as when it is not set: known after apply.
			v = unknown(fmt.Sprintf("%s.%s is known only after apply", in.addr, attr), in.addr)
		}
		if attr == idFrom[r.typ] && r.mode == "resource" && !v.IsWhollyKnown() {
			v = ownName(v, in.addr)
		}
	case r.mode == "data" && r.typ == "aws_iam_policy_document" && (attr == "json" || attr == "minified_json"):
		v = m.policyJSON(in)
	case r.mode == "data":
		v = unknown(fmt.Sprintf("%s.%s is read from AWS when planning, not by a static scan", in.addr, attr), in.addr)
	case attr == "id":
		v = cty.StringVal(in.addr)
		if arg := idFrom[r.typ]; arg != "" && r.content().has(arg) {
			// The name, unless AWS gives it: then the address stands.
			if n := m.instAttr(in, arg); n.IsKnown() || !fromSelf(n, in.addr) {
				v = n
			}
		}
	default:
		v = unknown(fmt.Sprintf("%s.%s is known only after apply", in.addr, attr), in.addr)
	}
	in.memo.put(attr, v)
	return v
}

// memo holds the attributes of an instance evaluated: a few (a reader
// reads a dozen arguments of a resource, a reference one), so a slice
// looked through, a map past memoScan of them; most instances are read
// once, and a map per instance was a good part of a module's allocation.
type memo struct {
	small []memoEntry
	big   map[string]cty.Value
}

type memoEntry struct {
	key string
	v   cty.Value
}

const memoScan = 16

func (m *memo) get(key string) (cty.Value, bool) {
	if m.big != nil {
		v, ok := m.big[key]
		return v, ok
	}
	for i := range m.small {
		if m.small[i].key == key {
			return m.small[i].v, true
		}
	}
	return cty.NilVal, false
}

// put sets key.
func (m *memo) put(key string, v cty.Value) {
	for i := range m.small {
		if m.small[i].key == key {
			m.small[i].v = v
			return
		}
	}
	switch {
	case m.big != nil:
		m.big[key] = v
	case len(m.small) < memoScan:
		if m.small == nil {
			m.small = make([]memoEntry, 0, 4)
		}
		m.small = append(m.small, memoEntry{key, v})
	default:
		m.big = make(map[string]cty.Value, 2*memoScan)
		for _, e := range m.small {
			m.big[e.key] = e.v
		}
		m.big[key] = v
		m.small = nil
	}
}

// blockAttr is attribute attr of an instance when attr is a nested block
// type its body writes (kubernetes_namespace_v1.x.metadata): a tuple of
// the blocks, each an object of its arguments evaluated and its nested
// blocks, as Terraform plans them. A name of sub a block does not set is
// unknown in it: computed (metadata[0].uid) or null, which only the
// provider's schema tells. ok=false leaves attr to instAttr: an
// argument, a data source's, or blocks a dynamic block builds.
func (m *module) blockAttr(in *Instance, attr string, sub map[string]bool) (cty.Value, bool) {
	r := in.res
	if r.mode == "data" {
		return cty.NilVal, false
	}
	c := r.content()
	if c.has(attr) || len(c.blocksOf(attr)) == 0 || hasDynamic(c, attr) {
		return cty.NilVal, false
	}
	names := make([]string, 0, len(sub))
	for n := range sub {
		names = append(names, n)
	}
	slices.Sort(names)
	key := attr + "\x00" + strings.Join(names, ",")
	if v, ok := in.memo.get(key); ok {
		return v, true
	}
	ck := attrVisit{in, attr}
	if m.attrVisiting[ck] {
		m.ld.diags.Errorf(r.at, "%s.%s refers to itself (a reference cycle)", in.addr, attr)
		return unknown(fmt.Sprintf("%s.%s is part of a reference cycle", in.addr, attr), ""), true
	}
	if m.attrVisiting == nil {
		m.attrVisiting = map[attrVisit]bool{}
	}
	m.attrVisiting[ck] = true
	v := m.blocksValue(in, c, attr, in.addr+"."+attr, sub)
	delete(m.attrVisiting, ck)
	in.memo.put(key, v)
	return v, true
}

// blocksValue is the tuple of c's blocks of type t, path naming them.
func (m *module) blocksValue(in *Instance, c content, t, path string, sub map[string]bool) cty.Value {
	blocks := c.blocksOf(t)
	vals := make([]cty.Value, len(blocks))
	for i, b := range blocks {
		bc, hd := contentOf(b.Body, nil)
		addHCL(m.ld.diags, hd)
		at := fmt.Sprintf("%s[%d]", path, i)
		obj := map[string]cty.Value{}
		for name := range bc.all() {
			x, _, _ := bc.expr(name)
			obj[name] = m.eval(x, in)
			if name == "name" && t == "metadata" && kubeNamed[in.res.typ] && !obj[name].IsWhollyKnown() {
				obj[name] = ownName(obj[name], in.addr) // k8srbac.go
			}
		}
		for _, nb := range bc.blocks {
			if _, done := obj[nb.Type]; done || nb.Type == "dynamic" {
				continue
			}
			obj[nb.Type] = m.blocksValue(in, bc, nb.Type, at+"."+nb.Type, sub)
		}
		for n := range sub {
			if _, ok := obj[n]; ok {
				continue
			}
			why := fmt.Sprintf("%s.%s is known only after apply", at, n)
			if hasDynamic(bc, n) {
				why = fmt.Sprintf("%s.%s blocks are built by a dynamic block, not read through a reference", at, n)
			}
			obj[n] = unknown(why, in.addr)
		}
		vals[i] = cty.ObjectVal(obj)
	}
	return cty.TupleVal(vals)
}

// hasDynamic reports whether c has a dynamic block of type t.
func hasDynamic(c content, t string) bool {
	for _, b := range c.blocks {
		if isDynamic(b, t) {
			return true
		}
	}
	return false
}

// laterAttrs adds to sub the attributes tr reads past its first
// (metadata[0].name → name), making sub when there are some.
func laterAttrs(tr hcl.Traversal, sub map[string]bool) map[string]bool {
	first := true
	for _, s := range tr {
		a, ok := s.(hcl.TraverseAttr)
		switch {
		case !ok:
			continue
		case first:
			first = false
			continue
		}
		if sub == nil {
			sub = map[string]bool{}
		}
		sub[a.Name] = true
	}
	return sub
}

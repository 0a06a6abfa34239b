package model

import (
	"fmt"
	"path/filepath"
)

// JoinTo is the kind of resource a Join adds to.
type JoinTo int

const (
	JoinGroup  JoinTo = iota // a security group: Rules, or Gap
	JoinTable                // a route table: Routes, Subnets, Main
	JoinBucket               // a bucket: access logging (LogTarget)
)

// Join is what a resource adds to a security group, route table or bucket
// it names but does not hold: an ingress rule resource (its group), a
// route or subnet association (its table), a main route table
// association, an aws_s3_bucket_logging (its bucket). Sources emit them;
// Link resolves Target among the resources of Scope of the kind Kind
// (their Ref.ID; then a group's Ref.Name when ByName, a bucket's Name)
// and adds to it. A Join without a Scope is resolved among all of them by
// the lookups' rule (same file, then same folder, then anywhere), and
// one whose Target is unknown concerns those of its folder. A Target none
// of them has is a resource outside the
// scope: Link adds a placeholder of that kind and ID, in Scope, whose
// other contents are unknown (Outside). One name two of them have is
// ambiguous: the join may add to either, so neither is complete.
type Join struct {
	To    JoinTo
	Scope string
	// Kind is the kind (Ref.Kind) of the resources Target may name, and
	// of the placeholder for one outside the scope.
	Kind   string
	Target Field[string]
	ByName bool
	// At is the joining resource.
	At Loc
	// Unknown, when Target is Unknown, is why no group or table of Kind
	// in Scope is complete any more: the join may add to any of them.
	// "" leaves them as they are (a bucket's logging).
	Unknown string
	// Outside is why a placeholder's contents are not all known, %s
	// standing for its ID: a constant, formatted only when needed (a
	// corpus holds tens of thousands of joins until Link).
	Outside string
	// Gap, when set, is why the target's contents are not all known, in
	// place of adding to it (a rule that may be ingress or egress).
	Gap string

	// A group's: the rules the resource adds. Link sets Self on a rule
	// whose SourceGroup names the target (by ID, unless NamedSource: it
	// is a group name), and names the target in a rule with Self set and
	// an empty SourceGroup (self = true).
	Rules       []Rule
	NamedSource bool
	// A table's: routes and associated subnets; Main, when set, makes it
	// the main table of a VPC.
	Routes  []Route
	Subnets []Field[string]
	Main    *MainOf
	// A bucket's: logging is on, to *LogTarget.
	LogTarget *Field[string]
}

// MainOf makes a table the main one of VPC, demoting that VPC's own (the
// table of kind Kind and ID VPC.Val in the join's scope).
type MainOf struct {
	VPC  Field[string]
	Kind string
}

// targets index the groups, tables or buckets of the scopes Joins name;
// scope "" (for Joins without one) holds all of them. Most scopes are a
// template with a few, looked through; a large one (a Terraform root of
// a thousand files) is indexed by key on first use.
type targets[T comparable] struct {
	scopes map[string]*scopeTargets[T]
	loc    func(T) Loc
}

type scopeTargets[T comparable] struct {
	list       []target[T]
	ids, names map[kindKey][]T // nil until the scope is looked up past smallScope
}

type target[T comparable] struct {
	kind, id, name string
	v              T
}

type kindKey struct{ kind, key string }

// newTargets returns the index of the scopes joins of kind to name.
func newTargets[T comparable](joins []Join, to JoinTo, loc func(T) Loc) *targets[T] {
	x := &targets[T]{scopes: map[string]*scopeTargets[T]{}, loc: loc}
	for i := range joins {
		if f := &joins[i]; f.To == to && x.scopes[f.Scope] == nil {
			x.scopes[f.Scope] = &scopeTargets[T]{}
		}
	}
	return x
}

// index adds v to the scopes Joins name: its own, and "" when a Join
// has none.
func (x *targets[T]) index(scope, kind, id, name string, v T) {
	if s := x.scopes[scope]; s != nil && scope != "" {
		s.add(target[T]{kind, id, name, v})
	}
	if s := x.scopes[""]; s != nil {
		s.add(target[T]{kind, id, name, v})
	}
}

func (s *scopeTargets[T]) add(t target[T]) {
	s.list = append(s.list, t)
	if s.ids != nil {
		s.key(t)
	}
}

func (s *scopeTargets[T]) key(t target[T]) {
	s.ids[kindKey{t.kind, t.id}] = append(s.ids[kindKey{t.kind, t.id}], t.v)
	if t.name != "" {
		s.names[kindKey{t.kind, t.name}] = append(s.names[kindKey{t.kind, t.name}], t.v)
	}
}

// find returns the targets f names: by ID, else by name when byName.
func (x *targets[T]) find(f *Join, byName bool) []T {
	return x.lookup(f.Scope, f.Kind, f.Target.Val, byName, f.At)
}

// lookup returns the targets of scope and kind with key as ID, else as
// name when byName; without a scope, the nearest to from.
func (x *targets[T]) lookup(scope, kind, key string, byName bool, from Loc) []T {
	s := x.scopes[scope]
	if s == nil {
		return nil
	}
	if s.ids == nil && len(s.list) > smallScope {
		s.ids, s.names = make(map[kindKey][]T, len(s.list)), map[kindKey][]T{}
		for _, t := range s.list {
			s.key(t)
		}
	}
	var hits []T
	if s.ids != nil {
		hits = s.ids[kindKey{kind, key}]
		if len(hits) == 0 && byName {
			hits = s.names[kindKey{kind, key}]
		}
	} else {
		hits = s.scan(kind, key, byName)
	}
	if scope == "" {
		hits = nearest(hits, x.loc, from)
	}
	return hits
}

// scan looks through a small scope: the targets with ID key, else with
// name key when byName.
func (s *scopeTargets[T]) scan(kind, key string, byName bool) []T {
	var ids, names []T
	for _, t := range s.list {
		switch {
		case t.kind != kind:
		case t.id == key:
			ids = append(ids, t.v)
		case byName && len(ids) == 0 && t.name == key:
			names = append(names, t.v)
		}
	}
	if len(ids) > 0 {
		return ids
	}
	return names
}

// around returns the targets an unknown Target may be: those of f's
// scope and kind, or without a scope those of its folder.
func (x *targets[T]) around(f *Join) []T {
	s := x.scopes[f.Scope]
	if s == nil {
		return nil
	}
	var out []T
	dir := filepath.Dir(f.At.File)
	for _, t := range s.list {
		if t.kind == f.Kind && (f.Scope != "" || filepath.Dir(x.loc(t.v).File) == dir) {
			out = append(out, t.v)
		}
	}
	return out
}

// gaps collects why targets are not complete; the last reason found
// wins, as joins are read in the order the sources declared them, and
// each target's completeness is set once, at the end.
type gaps[T comparable] struct {
	why   map[T]Field[bool]
	order []T
}

func (g *gaps[T]) add(t T, why string, at Loc) {
	if g.why == nil {
		g.why = map[T]Field[bool]{}
	}
	if _, ok := g.why[t]; !ok {
		g.order = append(g.order, t)
	}
	g.why[t] = Unresolved[bool](why, at)
}

// linkJoins resolves the Joins. It runs before anything indexes the
// evidence: the placeholders it adds must be found by the lookups.
func (e *Evidence) linkJoins() {
	if len(e.Joins) == 0 {
		return
	}
	sgs := newTargets(e.Joins, JoinGroup, func(g *SecurityGroup) Loc { return g.Ref.Loc })
	tbs := newTargets(e.Joins, JoinTable, func(t *RouteTable) Loc { return t.Ref.Loc })
	bks := newTargets(e.Joins, JoinBucket, func(b *Bucket) Loc { return b.Ref.Loc })
	if len(sgs.scopes) > 0 {
		for _, g := range e.SecurityGroups {
			sgs.index(g.Scope, g.Ref.Kind, g.Ref.ID, g.Ref.Name, g)
		}
	}
	if len(tbs.scopes) > 0 {
		for _, t := range e.RouteTables {
			tbs.index(t.Scope, t.Ref.Kind, t.Ref.ID, "", t)
		}
	}
	if len(bks.scopes) > 0 {
		for _, b := range e.Buckets {
			bks.index(b.Scope, b.Ref.Kind, b.Ref.ID, b.Name.Get(""), b)
		}
	}
	var sgGaps gaps[*SecurityGroup]
	var tbGaps gaps[*RouteTable]
	for i := range e.Joins {
		f := &e.Joins[i]
		switch f.To {
		case JoinGroup:
			e.joinGroup(f, sgs, &sgGaps)
		case JoinTable:
			e.joinTable(f, tbs, &tbGaps)
		case JoinBucket:
			e.joinBucket(f, bks)
		}
	}
	for _, g := range sgGaps.order {
		g.IngressComplete = sgGaps.why[g]
	}
	for _, t := range tbGaps.order {
		t.RoutesComplete = tbGaps.why[t]
	}
	// The joins are made: a merged copy of this evidence holds their
	// results, and must not make them again.
	e.Joins = nil
}

// ambiguous is the reason a target name two resources have gives.
func ambiguous(f *Join, n int, a, b Loc) string {
	return fmt.Sprintf("the resource at %s adds to %q, a name %d resources of the %s have (%s, %s); cannot tell which one", f.At, f.Target.Val, n, kindNoun(f.To), a, b)
}

func kindNoun(to JoinTo) string {
	switch to {
	case JoinGroup:
		return "security groups"
	case JoinTable:
		return "route tables"
	}
	return "buckets"
}

// resolve returns the target of a group or table join, adding a
// placeholder (made by outside, then indexed) for one outside the scope;
// ok is false when there is none to add to: the target is unknown (every
// one around is then incomplete), absent, or ambiguous (each candidate
// incomplete).
func resolve[T comparable](f *Join, x *targets[T], gs *gaps[T], outside func() T) (t T, ok bool) {
	if f.Target.IsUnknown() {
		for _, c := range x.around(f) {
			gs.add(c, f.Unknown, f.Target.At)
		}
		return t, false
	}
	if !f.Target.IsSet() {
		return t, false
	}
	switch hits := x.find(f, f.ByName); len(hits) {
	case 0:
		t = outside()
		out := f.Outside
		if out == "" {
			out = "%s is defined outside the inputs; only what they add to it is known"
		}
		gs.add(t, fmt.Sprintf(out, f.Target.Val), f.Target.At)
		x.index(f.Scope, f.Kind, f.Target.Val, "", t)
		return t, true
	case 1:
		return hits[0], true
	default:
		why := ambiguous(f, len(hits), x.loc(hits[0]), x.loc(hits[1]))
		for _, h := range hits {
			gs.add(h, why, f.Target.At)
		}
		return t, false
	}
}

func (e *Evidence) joinGroup(f *Join, x *targets[*SecurityGroup], gs *gaps[*SecurityGroup]) {
	g, ok := resolve(f, x, gs, func() *SecurityGroup {
		g := &SecurityGroup{Ref: Ref{Kind: f.Kind, ID: f.Target.Val, Loc: f.Target.At}, GroupID: f.Target, Scope: f.Scope}
		e.SecurityGroups = append(e.SecurityGroups, g)
		return g
	})
	if !ok {
		return
	}
	if f.Gap != "" {
		gs.add(g, f.Gap, f.At)
		return
	}
	for _, rl := range f.Rules {
		switch {
		case rl.Self && rl.SourceGroup.IsSet() && rl.SourceGroup.Val == "":
			rl.SourceGroup.Val = g.Ref.ID
		case !f.NamedSource:
			s := rl.SourceGroup
			rl.Self = s.IsSet() && (s.Val == g.Ref.ID || (g.GroupID.IsSet() && s.Val == g.GroupID.Val))
		}
		g.Ingress = append(g.Ingress, rl)
	}
}

func (e *Evidence) joinTable(f *Join, x *targets[*RouteTable], gs *gaps[*RouteTable]) {
	t, ok := resolve(f, x, gs, func() *RouteTable {
		t := &RouteTable{Ref: Ref{Kind: f.Kind, ID: f.Target.Val, Loc: f.Target.At}, RouteTableID: f.Target, Scope: f.Scope}
		e.RouteTables = append(e.RouteTables, t)
		return t
	})
	if !ok {
		return
	}
	t.Routes = append(t.Routes, f.Routes...)
	t.Subnets = append(t.Subnets, f.Subnets...)
	if f.Main == nil {
		return
	}
	t.Main, t.VPCID = Known(true, f.At), f.Main.VPC
	if vpc := f.Main.VPC; vpc.IsSet() {
		for _, old := range x.lookup(f.Scope, f.Main.Kind, vpc.Val, false, f.At) {
			if old != t {
				old.Main = Known(false, old.Ref.Loc)
			}
		}
	}
}

func (e *Evidence) joinBucket(f *Join, x *targets[*Bucket]) {
	if !f.Target.IsSet() {
		return // which bucket is unknown: leave every bucket as is
	}
	hits := x.find(f, true)
	switch len(hits) {
	case 0:
		b := &Bucket{Ref: Ref{Kind: f.Kind, ID: f.Target.Val, Name: f.Target.Val, Loc: f.At}, Name: f.Target, Scope: f.Scope}
		x.index(f.Scope, f.Kind, b.Ref.ID, b.Name.Val, b)
		e.Buckets = append(e.Buckets, b)
		hits = []*Bucket{b}
	case 1:
	default:
		why := ambiguous(f, len(hits), hits[0].Ref.Loc, hits[1].Ref.Loc)
		for _, b := range hits {
			b.AccessLogging, b.LogTarget = Unresolved[bool](why, f.At), Unresolved[string](why, f.At)
		}
		return
	}
	hits[0].AccessLogging = Known(true, f.At)
	if f.LogTarget != nil {
		hits[0].LogTarget = *f.LogTarget
	}
}

package model

import (
	"fmt"
	"strings"
	"testing"
)

const sgKind = "AWS::EC2::SecurityGroup"

func group(id, name, scope, file string) *SecurityGroup {
	return &SecurityGroup{Ref: Ref{Kind: sgKind, ID: id, Name: name, Loc: at(file, 1)}, Scope: scope, IngressComplete: Known(true, at(file, 1))}
}

// ruleJoin is a join adding one rule from source to the group target.
func ruleJoin(scope, target, file, source string) Join {
	return Join{To: JoinGroup, Scope: scope, Kind: sgKind, Target: Known(target, at(file, 20)), At: at(file, 20),
		Unknown: "rule R is added to a group that cannot be resolved", Outside: "group %s is defined outside",
		Rules: []Rule{{At: at(file, 21), SourceGroup: Known(source, at(file, 21))}}}
}

func unknownJoin(to JoinTo, kind, scope, file string) Join {
	return Join{To: to, Scope: scope, Kind: kind, Target: Unresolved[string]("a parameter", at(file, 30)), At: at(file, 30),
		Unknown: "R adds to one that cannot be resolved"}
}

// why returns the reason of f, "" when it is Set.
func why(f Field[bool]) string {
	if f.IsUnknown() {
		return f.Why
	}
	return ""
}

// Ensure a rule join finds its group in its scope only (by ID, then by
// name when ByName), sets Self by the group it joins, and leaves every
// group complete; a group of another scope with that ID is untouched.
func TestJoinGroupScoped(t *testing.T) {
	a, b := group("G", "web", "a.yaml", "a.yaml"), group("G", "", "b.yaml", "b.yaml")
	ev := &Evidence{SecurityGroups: []*SecurityGroup{a, b}, Joins: []Join{
		ruleJoin("a.yaml", "G", "a.yaml", "G"),
		ruleJoin("a.yaml", "web", "a.yaml", "sg-other"),
	}}
	ev.Joins[1].ByName = true
	ev.Link()
	if len(a.Ingress) != 2 || len(b.Ingress) != 0 {
		t.Fatalf("rules: a %d, b %d; want 2, 0", len(a.Ingress), len(b.Ingress))
	}
	if !a.Ingress[0].Self || a.Ingress[1].Self {
		t.Errorf("Self = %v, %v; want true (names G), false", a.Ingress[0].Self, a.Ingress[1].Self)
	}
	if !a.IngressComplete.Get(false) || len(ev.SecurityGroups) != 2 {
		t.Errorf("complete %v, %d groups; want true, 2 (no placeholder)", a.IngressComplete, len(ev.SecurityGroups))
	}
	// Without ByName a name is not an ID: the group is outside.
	c := group("G", "web", "c.yaml", "c.yaml")
	ev = &Evidence{SecurityGroups: []*SecurityGroup{c}, Joins: []Join{ruleJoin("c.yaml", "web", "c.yaml", "x")}}
	ev.Link()
	if len(c.Ingress) != 0 || len(ev.SecurityGroups) != 2 {
		t.Errorf("by name without ByName: %d rules, %d groups; want 0, 2", len(c.Ingress), len(ev.SecurityGroups))
	}
}

// Ensure a group outside the scope becomes one placeholder, in the scope,
// known by ID, holding the rules of every join naming it, its other
// rules unknown; and a rule whose group is unknown leaves every group of
// its scope (placeholders made before it included) incomplete, those of
// other scopes and later placeholders keeping their own state.
func TestJoinGroupOutsideAndUnknown(t *testing.T) {
	a, other := group("A", "", "a.yaml", "a.yaml"), group("B", "", "b.yaml", "b.yaml")
	ev := &Evidence{SecurityGroups: []*SecurityGroup{a, other}, Joins: []Join{
		ruleJoin("a.yaml", "sg-1", "a.yaml", "sg-1"),
		ruleJoin("a.yaml", "sg-1", "a.yaml", "10.0.0.0/8"),
		unknownJoin(JoinGroup, sgKind, "a.yaml", "a.yaml"),
		ruleJoin("a.yaml", "sg-2", "a.yaml", "x"),
	}}
	ev.Link()
	if len(ev.SecurityGroups) != 4 {
		t.Fatalf("%d groups, want 4 (two placeholders)", len(ev.SecurityGroups))
	}
	p1, p2 := ev.SecurityGroups[2], ev.SecurityGroups[3]
	if p1.Ref.ID != "sg-1" || p1.GroupID.Get("") != "sg-1" || p1.Scope != "a.yaml" || p1.Ref.Kind != sgKind || len(p1.Ingress) != 2 {
		t.Fatalf("placeholder = %+v", p1)
	}
	if !p1.Ingress[0].Self {
		t.Error("a rule from sg-1 to sg-1 is not Self")
	}
	for _, g := range []*SecurityGroup{a, p1} {
		if !strings.Contains(why(g.IngressComplete), "cannot be resolved") || g.IngressComplete.At != at("a.yaml", 30) {
			t.Errorf("%s complete = %+v, want the unknown rule's reason", g.Ref.ID, g.IngressComplete)
		}
	}
	if !strings.Contains(why(p2.IngressComplete), "sg-2 is defined outside") {
		t.Errorf("later placeholder complete = %+v, want its own reason", p2.IngressComplete)
	}
	if !other.IngressComplete.Get(false) {
		t.Errorf("group of another scope = %+v, want complete", other.IngressComplete)
	}
}

// Ensure two groups of one name in the scope make the join ambiguous:
// no rule added, both incomplete, each reason naming both.
func TestJoinGroupAmbiguous(t *testing.T) {
	a, b := group("A", "web", "s", "s/a.tf"), group("B", "web", "s", "s/b.tf")
	j := ruleJoin("s", "web", "s/c.tf", "x")
	j.ByName = true
	ev := &Evidence{SecurityGroups: []*SecurityGroup{a, b}, Joins: []Join{j}}
	ev.Link()
	for _, g := range []*SecurityGroup{a, b} {
		w := why(g.IngressComplete)
		if len(g.Ingress) != 0 || !strings.Contains(w, "cannot tell which one") || !strings.Contains(w, "s/a.tf") || !strings.Contains(w, "s/b.tf") {
			t.Errorf("%s: %d rules, reason %q", g.Ref.ID, len(g.Ingress), w)
		}
	}
}

// Ensure a Gap marks the group incomplete instead of adding rules, a
// self rule gets the group's ID, and a named source is never Self.
func TestJoinGroupGapSelfNamed(t *testing.T) {
	g := group("G", "", "a", "a.tf")
	gap := ruleJoin("a", "G", "a.tf", "G")
	gap.Gap = "rule R may be ingress or egress"
	self := ruleJoin("a", "G", "a.tf", "")
	self.Rules[0].Self = true
	named := ruleJoin("a", "G", "a.tf", "G")
	named.NamedSource = true
	ev := &Evidence{SecurityGroups: []*SecurityGroup{g}, Joins: []Join{gap, self, named}}
	ev.Link()
	if why(g.IngressComplete) != gap.Gap || len(g.Ingress) != 2 {
		t.Fatalf("complete %+v, %d rules; want the gap, 2 rules", g.IngressComplete, len(g.Ingress))
	}
	if s := g.Ingress[0]; !s.Self || s.SourceGroup.Get("") != "G" {
		t.Errorf("self rule = %+v, want Self from G", s)
	}
	if g.Ingress[1].Self {
		t.Error("a rule from a group named G is Self")
	}
}

// Ensure a join without a scope takes the nearest group (same file, then
// same folder), two at the nearest level being ambiguous, and an unknown
// target concerns the groups of its folder only.
func TestJoinGroupNearest(t *testing.T) {
	file, dir, far := group("G", "", "", "m/a.tf"), group("G", "", "", "m/b.tf"), group("G", "", "", "n/a.tf")
	ev := &Evidence{SecurityGroups: []*SecurityGroup{far, dir, file}, Joins: []Join{ruleJoin("", "G", "m/a.tf", "x")}}
	ev.Link()
	if len(file.Ingress) != 1 || len(dir.Ingress)+len(far.Ingress) != 0 {
		t.Errorf("same file: %d/%d/%d rules, want 1/0/0", len(file.Ingress), len(dir.Ingress), len(far.Ingress))
	}
	a, b, c := group("G", "", "", "m/a.tf"), group("G", "", "", "m/b.tf"), group("H", "", "", "n/a.tf")
	ev = &Evidence{SecurityGroups: []*SecurityGroup{a, b, c}, Joins: []Join{ruleJoin("", "G", "m/c.tf", "x"), unknownJoin(JoinGroup, sgKind, "", "n/x.tf")}}
	ev.Link()
	if len(a.Ingress)+len(b.Ingress) != 0 || !strings.Contains(why(a.IngressComplete), "cannot tell") || !strings.Contains(why(b.IngressComplete), "cannot tell") {
		t.Errorf("same folder, two: a %+v, b %+v; want both ambiguous", a.IngressComplete, b.IngressComplete)
	}
	if !strings.Contains(why(c.IngressComplete), "cannot be resolved") {
		t.Errorf("unknown target in n/: %+v, want incomplete", c.IngressComplete)
	}
}

// Ensure route, association and main-association joins reach their table
// of the scope's table kind (a VPC's own main table with that ID is not
// one), a main association demotes the VPC's own main table, a table
// outside becomes a placeholder, and an unknown table leaves every table
// of the scope, and not the VPC's, incomplete.
func TestJoinTable(t *testing.T) {
	const kind, vpcKind = "aws_route_table", "aws_vpc"
	tbl := &RouteTable{Ref: Ref{Kind: kind, ID: "aws_route_table.t", Loc: at("main.tf", 1)}, Scope: "r", Main: Known(false, at("main.tf", 1)), RoutesComplete: Known(true, at("main.tf", 1))}
	own := &RouteTable{Ref: Ref{Kind: vpcKind, ID: "aws_vpc.v", Loc: at("main.tf", 5)}, Scope: "r", Main: Known(true, at("main.tf", 5)), RoutesComplete: Known(true, at("main.tf", 5))}
	join := func(target string) Join {
		return Join{To: JoinTable, Scope: "r", Kind: kind, Target: Known(target, at("main.tf", 9)), At: at("main.tf", 9), Outside: "route table %s is defined outside"}
	}
	route, assoc, main, vpcID := join("aws_route_table.t"), join("aws_route_table.t"), join("aws_route_table.t"), join("aws_vpc.v")
	route.Routes = []Route{{Destination: Known("0.0.0.0/0", at("main.tf", 10))}}
	assoc.Subnets = []Field[string]{Known("aws_subnet.s", at("main.tf", 11))}
	main.Main = &MainOf{VPC: Known("aws_vpc.v", at("main.tf", 12)), Kind: vpcKind}
	ev := &Evidence{RouteTables: []*RouteTable{tbl, own}, Joins: []Join{route, assoc, main, vpcID, unknownJoin(JoinTable, kind, "r", "main.tf")}}
	ev.Link()
	if len(tbl.Routes) != 1 || len(tbl.Subnets) != 1 || !tbl.Main.Get(false) || tbl.VPCID.Get("") != "aws_vpc.v" {
		t.Fatalf("table = %+v", tbl)
	}
	if own.Main.Get(true) || len(own.Routes) != 0 {
		t.Errorf("the VPC's own table: Main %+v, %d routes; want demoted, none", own.Main, len(own.Routes))
	}
	if len(ev.RouteTables) != 3 || ev.RouteTables[2].Ref.ID != "aws_vpc.v" || ev.RouteTables[2].Ref.Kind != kind {
		t.Fatalf("want a placeholder table of kind %s for aws_vpc.v: %d tables", kind, len(ev.RouteTables))
	}
	for _, x := range []*RouteTable{tbl, ev.RouteTables[2]} {
		if !strings.Contains(why(x.RoutesComplete), "cannot be resolved") {
			t.Errorf("%s complete = %+v, want the unknown table's reason", x.Ref.ID, x.RoutesComplete)
		}
	}
	if !own.RoutesComplete.Get(false) {
		t.Errorf("the VPC's own table complete = %+v, want complete", own.RoutesComplete)
	}
}

// Ensure bucket logging finds its bucket by ID, then by bucket name, adds
// a placeholder bucket for a name outside the scope, leaves buckets as
// they are when the bucket is unknown, and is ambiguous on a name two
// buckets have.
func TestJoinBucket(t *testing.T) {
	const kind = "aws_s3_bucket"
	bucket := func(id, name string) *Bucket {
		return &Bucket{Ref: Ref{Kind: kind, ID: id, Loc: at("main.tf", 1)}, Name: Known(name, at("main.tf", 2)), Scope: "r"}
	}
	logs := func(target string) Join {
		return Join{To: JoinBucket, Scope: "r", Kind: kind, Target: Known(target, at("main.tf", 9)), At: at("main.tf", 9), LogTarget: &Field[string]{Val: "logs", State: Set, At: at("main.tf", 10)}}
	}
	byID, byName, twinA, twinB := bucket("aws_s3_bucket.a", "a"), bucket("aws_s3_bucket.b", "b"), bucket("aws_s3_bucket.c", "twin"), bucket("aws_s3_bucket.d", "twin")
	unknown := logs("")
	unknown.Target = Unresolved[string]("unknown", at("main.tf", 9))
	ev := &Evidence{Buckets: []*Bucket{byID, byName, twinA, twinB}, Joins: []Join{logs("aws_s3_bucket.a"), logs("b"), logs("outside"), logs("twin"), unknown}}
	ev.Link()
	for _, b := range []*Bucket{byID, byName} {
		if !b.AccessLogging.Get(false) || b.LogTarget.Get("") != "logs" {
			t.Errorf("%s: logging %+v to %+v, want on, to logs", b.Ref.ID, b.AccessLogging, b.LogTarget)
		}
	}
	if len(ev.Buckets) != 5 || ev.Buckets[4].Name.Get("") != "outside" || !ev.Buckets[4].AccessLogging.Get(false) || ev.Buckets[4].Scope != "r" {
		t.Fatalf("want a placeholder bucket named outside with logging on: %d buckets", len(ev.Buckets))
	}
	for _, b := range []*Bucket{twinA, twinB} {
		if !strings.Contains(b.AccessLogging.Why, "cannot tell") {
			t.Errorf("%s logging = %+v, want ambiguous", b.Ref.ID, b.AccessLogging)
		}
	}
}

// Ensure Link on a merged copy of linked evidence makes no join again.
func TestJoinOnce(t *testing.T) {
	g := group("G", "", "a", "a.tf")
	ev := &Evidence{SecurityGroups: []*SecurityGroup{g}, Joins: []Join{ruleJoin("a", "G", "a.tf", "x"), ruleJoin("a", "sg-1", "a.tf", "x")}}
	ev.Link()
	ev.Link()
	cp := &Evidence{}
	cp.Merge(ev)
	cp.Link()
	if len(g.Ingress) != 1 || len(cp.SecurityGroups) != 2 || len(cp.SecurityGroups[1].Ingress) != 1 {
		t.Errorf("after linking twice and a merged copy: %d rules, %d groups; want 1, 2", len(g.Ingress), len(cp.SecurityGroups))
	}
}

// Ensure a large scope (indexed by key rather than looked through) finds
// by ID, then name, and finds a placeholder added after it was indexed.
func TestJoinLargeScope(t *testing.T) {
	var gs []*SecurityGroup
	for i := range 2 * smallScope {
		gs = append(gs, group(fmt.Sprintf("G%d", i), fmt.Sprintf("n%d", i), "big", "big/main.tf"))
	}
	byName := ruleJoin("big", "n20", "big/main.tf", "x")
	byName.ByName = true
	ev := &Evidence{SecurityGroups: gs, Joins: []Join{ruleJoin("big", "G3", "big/main.tf", "x"), byName,
		ruleJoin("big", "sg-1", "big/main.tf", "x"), ruleJoin("big", "sg-1", "big/main.tf", "y")}}
	ev.Link()
	if len(gs[3].Ingress) != 1 || len(gs[20].Ingress) != 1 {
		t.Errorf("rules: G3 %d, n20 %d; want 1, 1", len(gs[3].Ingress), len(gs[20].Ingress))
	}
	if n := len(ev.SecurityGroups); n != 2*smallScope+1 || len(ev.SecurityGroups[n-1].Ingress) != 2 {
		t.Errorf("%d groups; want one placeholder with both its rules", n)
	}
}

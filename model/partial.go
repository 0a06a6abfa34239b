package model

import (
	"strings"
)

// Partial is a string known in part: literal segments with unknown holes
// between them, each hole with its reason ("s3://aws-logs-${AWS::AccountId}/"
// from a CloudFormation Fn::Sub, "s3://${module.logs.bucket}/" from a
// Terraform template).
//
// It is one string so that it fits in the Val of an Unknown Field[string]
// (see PartOf): Unknown fields have no value of their own, so the fields
// that are known, absent or wholly unknown pay nothing for it — a pointer
// in every Field grew a 10,000-template scan's peak memory by 4 %.
//
// The encoding is the literal text with each hole written as
// holeStart, its kind, its label, holeLabelEnd, its reason, holeEnd; the
// bytes NUL, 0x01 and 0x02 never appear in literals, labels or reasons
// (PartialBuilder writes U+FFFD in their place). A Partial holds at
// least one hole: a string without any is simply known.
type Partial string

const (
	holeStart    = '\x00'
	holeLabelEnd = '\x02'
	holeEnd      = '\x01'
)

// HoleKind says what text a hole can hold: what its reason cannot say.
type HoleKind byte

const (
	// HoleAny may hold any text, the empty string included (a parameter,
	// an attribute such as an ARN).
	HoleAny HoleKind = 'a'
	// HoleToken holds a non-empty word with no '/', ':' or space: an
	// account ID, a region, a partition, a generated resource name.
	HoleToken HoleKind = 't'
)

// Hole is one unknown part of a Partial.
type Hole struct {
	Kind  HoleKind
	Label string // what the hole stands for ("AWS::Region"), for messages; may be empty
	Why   string
}

// PartialBuilder builds a Partial from literal text and holes.
type PartialBuilder struct {
	b     strings.Builder
	holes int
	why   string // the first hole's reason
}

// Lit appends literal text.
func (pb *PartialBuilder) Lit(s string) { pb.b.WriteString(clean(s)) }

// Hole appends an unknown part.
func (pb *PartialBuilder) Hole(h Hole) {
	if h.Kind != HoleToken {
		h.Kind = HoleAny
	}
	pb.b.WriteByte(holeStart)
	pb.b.WriteByte(byte(h.Kind))
	pb.b.WriteString(clean(h.Label))
	pb.b.WriteByte(holeLabelEnd)
	pb.b.WriteString(clean(h.Why))
	pb.b.WriteByte(holeEnd)
	if pb.holes == 0 {
		pb.why = h.Why
	}
	pb.holes++
}

// Append appends every literal and hole of p.
func (pb *PartialBuilder) Append(p Partial) {
	p.Each(pb.Lit, pb.Hole)
}

// Holes returns how many holes were appended.
func (pb *PartialBuilder) Holes() int { return pb.holes }

// Why returns the reason of the first hole appended, or "".
func (pb *PartialBuilder) Why() string { return pb.why }

// Partial returns what was built; without holes it is the known text,
// which IsPartial tells apart.
func (pb *PartialBuilder) Partial() Partial { return Partial(pb.b.String()) }

// Len returns the length of the encoding built so far (a budget's measure).
func (pb *PartialBuilder) Len() int { return pb.b.Len() }

func clean(s string) string {
	if strings.ContainsAny(s, "\x00\x01\x02") {
		return strings.NewReplacer("\x00", "\uFFFD", "\x01", "\uFFFD", "\x02", "\uFFFD").Replace(s)
	}
	return s
}

// IsPartial reports whether s is the encoding of a Partial (has a hole).
func IsPartial(s string) bool { return strings.IndexByte(s, holeStart) >= 0 }

// Each calls lit for each literal segment (non-empty ones only) and hole
// for each hole, in order.
func (p Partial) Each(lit func(string), hole func(Hole)) {
	s := string(p)
	for s != "" {
		i := strings.IndexByte(s, holeStart)
		if i < 0 {
			lit(s)
			return
		}
		if i > 0 {
			lit(s[:i])
		}
		s = s[i+1:]
		end := strings.IndexByte(s, holeEnd)
		if end < 0 || len(s) == 0 { // not written by PartialBuilder: the rest is a hole
			hole(Hole{Kind: HoleAny, Why: "the value is known only in part"})
			return
		}
		h := Hole{Kind: HoleKind(s[0])}
		label, why, _ := strings.Cut(s[1:end], string(holeLabelEnd))
		h.Label, h.Why = label, why
		hole(h)
		s = s[end+1:]
	}
}

// Prefix returns the literal text before the first hole.
func (p Partial) Prefix() string {
	s := string(p)
	if i := strings.IndexByte(s, holeStart); i >= 0 {
		return s[:i]
	}
	return s
}

// Suffix returns the literal text after the last hole.
func (p Partial) Suffix() string {
	s := string(p)
	if i := strings.LastIndexByte(s, holeEnd); i >= 0 {
		return s[i+1:]
	}
	return s
}

// NonEmpty reports whether the string is certainly not empty: some
// literal text, or a hole that cannot be empty.
func (p Partial) NonEmpty() bool {
	ne := false
	p.Each(func(string) { ne = true }, func(h Hole) { ne = ne || h.Kind == HoleToken })
	return ne
}

// HasPrefix says whether the string starts with s: known is false when a
// hole decides it.
func (p Partial) HasPrefix(s string) (yes, known bool) {
	pre := p.Prefix()
	switch {
	case strings.HasPrefix(pre, s):
		return true, true
	case strings.HasPrefix(s, pre):
		return false, false
	}
	return false, true
}

// Field returns the i-th field (from 0) of the string split at sep, when
// it is all literal and no hole before it may hold sep (a token hole
// holds no '/' or ':'); ok is false otherwise.
func (p Partial) Field(i int, sep byte) (string, bool) {
	var cur strings.Builder
	n, literal := 0, true // the field being read, and whether it has no hole
	stop, found := false, false
	var out string
	p.Each(func(lit string) {
		for j := 0; j < len(lit) && !stop && !found; j++ {
			if lit[j] != sep {
				cur.WriteByte(lit[j])
				continue
			}
			if n == i {
				out, found, stop = cur.String(), literal, true
				return
			}
			n, literal = n+1, true
			cur.Reset()
		}
	}, func(h Hole) {
		literal = false
		if h.Kind != HoleToken || (sep != '/' && sep != ':') {
			stop = true // the hole may hold sep: no later field is placed
		}
	})
	if !stop && n == i {
		return cur.String(), literal
	}
	return out, found
}

// ARNService returns the service of an ARN (arn:PARTITION:SERVICE:…)
// when the string certainly is one and names it in literal text.
func (p Partial) ARNService() (string, bool) {
	if f, ok := p.Field(0, ':'); !ok || f != "arn" {
		return "", false
	}
	return p.Field(2, ':')
}

// Holes returns the holes of p.
func (p Partial) Holes() []Hole {
	var out []Hole
	p.Each(func(string) {}, func(h Hole) { out = append(out, h) })
	return out
}

// String renders p with each hole as ${label} (or ${…} without a label),
// for messages.
func (p Partial) String() string {
	var b strings.Builder
	p.Each(func(s string) { b.WriteString(s) }, func(h Hole) {
		b.WriteString("${")
		b.WriteString(or(h.Label, "…"))
		b.WriteString("}")
	})
	return b.String()
}

func or(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// PartlyKnown returns an Unknown field holding p: Why is the first hole's
// reason, as a wholly unknown value would say.
func PartlyKnown(p Partial, why string, at Loc) Field[string] {
	return Field[string]{Val: string(p), State: Unknown, At: at, Why: why}
}

// PartOf returns the part of f that is known: ok is false unless f is
// Unknown and known in part.
func PartOf(f Field[string]) (Partial, bool) {
	if f.State != Unknown || !IsPartial(f.Val) {
		return "", false
	}
	return Partial(f.Val), true
}

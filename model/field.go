package model

// State says how a Field's value was learned.
type State uint8

const (
	// Absent: the input does not set the value; AWS's default applies.
	Absent State = iota
	// Set: the value was read from the input.
	Set
	// Unknown: the input sets the value but it could not be learned
	// (an unresolved variable, a denied API call); Why says why.
	Unknown
)

// String returns "absent", "set" or "unknown".
func (s State) String() string {
	switch s {
	case Set:
		return "set"
	case Unknown:
		return "unknown"
	default:
		return "absent"
	}
}

// Field is a value that knows how it was learned. The zero Field is Absent.
// An Unknown Field[string] may hold in Val the part of the value that is
// known, as a Partial: read it with PartOf, never Val directly.
type Field[T any] struct {
	Val   T
	State State
	At    Loc
	Why   string
}

// Known returns a Set field holding v, read at at.
func Known[T any](v T, at Loc) Field[T] { return Field[T]{Val: v, State: Set, At: at} }

// Unresolved returns an Unknown field with the reason why.
func Unresolved[T any](why string, at Loc) Field[T] {
	return Field[T]{State: Unknown, At: at, Why: why}
}

// IsSet reports whether the value was read from the input.
func (f Field[T]) IsSet() bool { return f.State == Set }

// IsUnknown reports whether the value is set but could not be learned.
func (f Field[T]) IsUnknown() bool { return f.State == Unknown }

// IsAbsent reports whether the input leaves the value out.
func (f Field[T]) IsAbsent() bool { return f.State == Absent }

// Get returns the value when Set and def otherwise (Absent or Unknown);
// use it only where the caller has already dealt with Unknown.
func (f Field[T]) Get(def T) T {
	if f.State == Set {
		return f.Val
	}
	return def
}

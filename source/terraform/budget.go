package terraform

import (
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The bounds of hostile input. A file under the size limit must not make
// a scan use gigabytes or minutes: forty locals each doubling a string,
// a for over a for over a for, a join of one large string repeated.
const (
	// maxString bounds one evaluated string (1 MiB).
	maxString = 1 << 20
	// maxElems bounds the elements of one evaluated value, nested ones
	// included.
	maxElems = 100_000
	// maxBytes bounds the bytes of the strings of one evaluated value,
	// each use counted: a list of 1,000 uses of one 1 MiB string is
	// small in memory but a gigabyte once joined or encoded.
	maxBytes = 16 << 20
	// maxWork bounds, per root module, the elements for-expressions
	// iterate over and the functions called.
	maxWork = 2_000_000
)

// budget is a root's evaluation work, shared by the copies of its loader
// (a flat module's readers evaluate in parallel).
type budget struct {
	used atomic.Int64
}

// spend charges n units; false once the budget is spent.
func (b *budget) spend(n int64) bool {
	if b == nil {
		return true
	}
	return b.used.Add(n) <= maxWork
}

var workSpent = fmt.Sprintf("the evaluation work of the module exceeds its budget (%d for-expression elements and function calls); the value is not evaluated", maxWork)

// oversize says why v is over the value bounds, or "" when it is within.
func oversize(v cty.Value) string {
	elems, bytes := 0, 0
	var walk func(v cty.Value) string
	walk = func(v cty.Value) string {
		if v.IsMarked() {
			v, _ = v.Unmark()
		}
		if !v.IsKnown() || v.IsNull() {
			return ""
		}
		t := v.Type()
		switch {
		case t == cty.String:
			n := len(v.AsString())
			if n > maxString {
				return fmt.Sprintf("the value is a string of %d bytes, over the limit of %d", n, maxString)
			}
			if bytes += n; bytes > maxBytes {
				return fmt.Sprintf("the value's strings add up to more than %d bytes", maxBytes)
			}
		case t.IsCollectionType() || t.IsTupleType() || t.IsObjectType():
			if elems += v.LengthInt(); elems > maxElems {
				return fmt.Sprintf("the value has more than %d elements", maxElems)
			}
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if msg := walk(e); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
	return walk(v)
}

// bounded is v, or an unknown value saying why when v is over the value
// bounds, the error reported at rng.
func (m *module) bounded(v cty.Value, rng hcl.Range) cty.Value {
	if plainString(v) && len(v.AsString()) <= maxString {
		return v
	}
	msg := oversize(v)
	if msg == "" {
		return v
	}
	return m.tooLarge(msg, rng)
}

// tooLarge reports at rng that a value is over the bounds, and gives the
// unknown value that stands for it.
func (m *module) tooLarge(msg string, rng hcl.Range) cty.Value {
	m.ld.diags.Errorf(loc(rng), "the expression's value is too large: "+msg)
	return unknown("the value is too large: "+msg, "")
}

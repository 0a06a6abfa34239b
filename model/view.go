package model

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// A View is a value derived from evidence that several readers need alike
// (the subjects of the security-configuration controls, the network
// lookups' index): declared once, as a package-level value with its
// builder, and read with Of, which builds it once per Evidence even when
// controls running in parallel ask at the same time. Add resources
// (Merge) and link them (Link) before reading a view: it is not rebuilt.
type View[T any] struct {
	slot  int
	build func(*Evidence) T
}

// maxViews is how many views a program may declare: each Evidence that
// reads one holds a table of this many slots.
const maxViews = 16

// views counts the views declared.
var views atomic.Int32

// NewView declares a view built by build. Declare views at package level:
// the number is bounded (maxViews), and each one takes a slot for good.
func NewView[T any](build func(*Evidence) T) *View[T] {
	n := int(views.Add(1)) - 1
	if n >= maxViews {
		panic(fmt.Sprintf("model: more than %d views declared; raise maxViews", maxViews))
	}
	return &View[T]{slot: n, build: build}
}

// Of returns v's value for e, building it on first use.
func (v *View[T]) Of(e *Evidence) T {
	t := e.views.Load()
	if t == nil {
		// Most evidence (one file's, merged into the run's) never reads a
		// view: the table is made on first use.
		e.views.CompareAndSwap(nil, new(viewTable))
		t = e.views.Load()
	}
	s := &t[v.slot]
	s.once.Do(func() { s.v = v.build(e) })
	return s.v.(T)
}

// viewTable holds the views of one Evidence, by slot.
type viewTable [maxViews]struct {
	once sync.Once
	v    any
}

package monitor

import (
	"container/list"
	"sync"
)

// dedup remembers the last n event IDs handled. An ID is reserved while
// its event is handled and released if handling fails, so a redelivery
// after a failure is handled again, while concurrent copies of one event
// are handled once. A copy that arrives while the first is still in
// flight is not a duplicate yet: the first may still fail, and the copy
// must then survive to be handled (reserve says inFlight).
type dedup struct {
	mu   sync.Mutex
	n    int
	ll   *list.List
	keys map[string]*list.Element
}

type dedupEntry struct {
	key  string
	done bool
}

func newDedup(n int) *dedup {
	return &dedup{n: max(n, 1), ll: list.New(), keys: map[string]*list.Element{}}
}

// seen is what reserve found.
type seen uint8

const (
	fresh    seen = iota // reserved now: handle it
	inFlight             // another copy is being handled: its outcome is not known yet
	handled              // handled already
)

// reserve reserves key, or says why not: a copy of it is in flight, or it
// was handled.
func (d *dedup) reserve(key string) seen {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.keys[key]; ok {
		d.ll.MoveToFront(e)
		if e.Value.(*dedupEntry).done {
			return handled
		}
		return inFlight
	}
	d.keys[key] = d.ll.PushFront(&dedupEntry{key: key})
	for d.ll.Len() > d.n {
		// Evict the oldest finished entry; one still in flight stays.
		for e := d.ll.Back(); e != nil; e = e.Prev() {
			if e.Value.(*dedupEntry).done {
				d.ll.Remove(e)
				delete(d.keys, e.Value.(*dedupEntry).key)
				break
			}
			if e == d.ll.Front() {
				return fresh
			}
		}
	}
	return fresh
}

// finish marks key handled (ok) or forgets it (!ok) so it can be retried.
func (d *dedup) finish(key string, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, found := d.keys[key]
	if !found {
		return
	}
	if ok {
		e.Value.(*dedupEntry).done = true
		return
	}
	d.ll.Remove(e)
	delete(d.keys, key)
}

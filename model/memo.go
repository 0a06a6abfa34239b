package model

import "sync"

type memoEntry struct {
	once sync.Once
	v    any
}

// Memo returns what compute returns for key, computing it once per
// evidence even when controls running in parallel ask at the same time.
// It serves views that several controls derive alike (the subjects of the
// security-configuration controls), so they are built once per run.
func (e *Evidence) Memo(key any, compute func() any) any {
	m, _ := e.memo.LoadOrStore(key, &memoEntry{})
	entry := m.(*memoEntry)
	entry.once.Do(func() { entry.v = compute() })
	return entry.v
}

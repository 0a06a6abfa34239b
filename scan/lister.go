package scan

import (
	"io/fs"
	"os"
	"runtime"
	"sync"
)

// lister reads folders ahead of a walk. The walk still decides everything
// in its own order (loops, skipped folders, what is found), but the stat
// and listing of the folders it is about to enter are done on the other
// cores meanwhile: alone, the walk of a corpus of one stack per folder
// took a noticeable time on one core before any file was read
// (bench/README.md, "Figures behind code comments").
type lister struct {
	mu  sync.Mutex
	m   map[string]*listing
	sem chan struct{} // bounds the reads in flight
}

// listing is what reading a path gave: its stat (links followed) and,
// for a folder, its entries.
type listing struct {
	st      fs.FileInfo
	stErr   error
	entries []fs.DirEntry
	rdErr   error
	done    chan struct{}
}

func newLister() *lister {
	return &lister{m: map[string]*listing{}, sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// ahead starts reading path unless that is done or under way.
func (l *lister) ahead(path string) {
	l.mu.Lock()
	if _, ok := l.m[path]; ok {
		l.mu.Unlock()
		return
	}
	x := &listing{done: make(chan struct{})}
	l.m[path] = x
	l.mu.Unlock()
	go func() {
		l.sem <- struct{}{}
		defer func() { <-l.sem }()
		x.read(path)
		close(x.done)
	}()
}

// get returns path's listing: the one read ahead, or one read now.
func (l *lister) get(path string) *listing {
	l.mu.Lock()
	x, ok := l.m[path]
	delete(l.m, path)
	l.mu.Unlock()
	if !ok {
		x = &listing{}
		x.read(path)
		return x
	}
	<-x.done
	return x
}

func (x *listing) read(path string) {
	x.st, x.stErr = os.Stat(path)
	if x.stErr == nil && x.st.IsDir() {
		x.entries, x.rdErr = os.ReadDir(path) // sorted by name
	}
}

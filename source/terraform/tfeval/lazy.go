package tfeval

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxParsed bounds how many resources of a module hold a parsed body at
// once. A resource is parsed when read or referenced, and the oldest
// parsed body is dropped past this bound (parsed again if referenced
// later): references mostly point at nearby resources of the same file,
// so few are parsed twice, and memory follows the bound, not the module.
const maxParsed = 512

// content is the resource's body, from its source on first use (and
// again after being dropped): scanned into arguments parsed when
// evaluated, or, when the scan cannot follow it, parsed whole, with its
// syntax diagnostics reported the first time only.
func (r *resource) content() content {
	if r.body.ready() || r.src == nil {
		return r.body
	}
	pre := r.pre.Swap(nil)
	if pre == nil {
		// Not ready: do it here (the reader never waits), and tell a
		// parser still on it to drop its result.
		r.claim.Store(taken)
		pre = prepare(r, false)
	}
	if pre.f == nil {
		r.keep(pre.c)
		return pre.c
	}
	if !r.seen {
		addHCL(r.m.ld.diags, pre.diags)
	}
	c := content{attrs: map[string]*hcl.Attribute{}}
	if sb, ok := pre.f.Body.(*hclsyntax.Body); ok && len(sb.Blocks) == 1 {
		c, _ = contentOf(sb.Blocks[0].Body, nil)
		r.markBroken(errorsIn(sb.Blocks[0], pre.diags))
	} else {
		r.broken = syntaxError(r.key(), pre.diags)
	}
	r.keep(c)
	return c
}

// parsedSrc is a resource body made ready: scanned (c), or parsed whole
// (f and diags) when the scan cannot follow it.
type parsedSrc struct {
	c     content
	f     *hcl.File
	diags hcl.Diagnostics
}

// prepare scans (or parses) a resource's source; with exprs, it parses
// the arguments' expressions too, as the prefetcher does on another core.
// It touches nothing of the resource's but its source.
func prepare(r *resource, exprs bool) *parsedSrc {
	if c, ok := scanBlockBody(r.src, r.at.File, r.m); ok {
		if exprs {
			parseAllExprs(c)
		}
		return &parsedSrc{c: c}
	}
	f, hd := parseConfig(r.src.Src, r.at.File, r.src.Pos)
	return &parsedSrc{f: f, diags: hd}
}

func parseAllExprs(c content) {
	for i := range c.args { // no Attribute made: the parse stays in the arg
		c.args[i].parse()
	}
	for _, b := range c.blocks {
		if lb, ok := b.Body.(*lazyBody); ok {
			parseAllExprs(lb.c)
		}
	}
}

// keep holds a parsed body, dropping the oldest past maxParsed.
func (r *resource) keep(c content) {
	m := r.m
	r.body = c
	if !r.seen {
		r.seen = true
		r.count, r.forEach = c.attr("count"), c.attr("for_each")
	}
	m.parsedQ = append(m.parsedQ, r)
	if len(m.parsedQ) > maxParsed {
		m.parsedQ[0].body = content{}
		m.parsedQ[0] = nil
		m.parsedQ = m.parsedQ[1:]
	}
}

// reportOnce reports the diagnostics of parsing an argument, once even
// when its resource is parsed again.
func (m *module) reportOnce(hd hcl.Diagnostics) {
	for _, d := range hd {
		k := diagKey{summary: d.Summary}
		if d.Subject != nil {
			k.file, k.byte = d.Subject.Filename, d.Subject.Start.Byte
		}
		if m.reported[k] {
			continue
		}
		if m.reported == nil {
			m.reported = map[diagKey]bool{}
		}
		m.reported[k] = true
		addHCL(m.ld.diags, hcl.Diagnostics{d})
	}
}

type diagKey struct {
	file, summary string
	byte          int
}

// countAttr and forEachAttr are the resource's count and for_each.
func (r *resource) countAttr() *hcl.Attribute {
	if !r.seen {
		r.content()
	}
	return r.count
}

func (r *resource) forEachAttr() *hcl.Attribute {
	if !r.seen {
		r.content()
	}
	return r.forEach
}

// Who prepares a resource's source: nobody yet, a parser of prefetch
// (which stores its result in resource.pre), or the reader.
const (
	unclaimed int32 = iota
	prefetching
	taken
)

// Tuning.PrefetchWindow bounds how far the parsers run ahead of the
// reader: each step they take, parsed or skipped because the reader took it,
// holds a slot until the reader finishes a step. A parser that falls
// behind thus trails the reader rather than racing to catch up. That is
// on purpose: a parser parses every argument, the reader only those it
// evaluates, and parsers kept level with the reader (a window on the
// reader's position) measured slower: more parsing, more live trees, more
// GC (bench/README.md, "Figures behind code comments").

// prefetcher parses, on other cores, the sources of the resources the
// reader will take next, in its order. Parsing is most of a module's
// cost and needs nothing but the source; evaluation, which follows
// references across the module, stays on the reader's goroutine. The
// parsers only store a result in resource.pre; the reader takes it, or
// parses itself when it got there first.
type prefetcher struct {
	slots chan struct{}
	quit  chan struct{}
	wg    sync.WaitGroup
}

// prefetch starts the parsers of order; it returns nil, which does
// nothing, when there are too few resources to be worth it (most roots
// of a tree of small stacks).
func prefetch(order []*resource) *prefetcher {
	workers := runtime.GOMAXPROCS(0) - 1 // the reader has a core
	if workers < 1 || len(order) < Tune.PrefetchMin || len(order) == 0 {
		return nil
	}
	parallelRuns.prefetch.Add(1)
	p := &prefetcher{slots: make(chan struct{}, Tune.PrefetchWindow), quit: make(chan struct{})}
	var next atomic.Int64
	for range workers {
		p.wg.Go(func() {
			for {
				select {
				case p.slots <- struct{}{}:
				case <-p.quit:
					return
				}
				i := int(next.Add(1) - 1)
				if i >= len(order) {
					return
				}
				r := order[i]
				if r.src == nil || !r.claim.CompareAndSwap(unclaimed, prefetching) {
					continue
				}
				r.pre.Store(prepare(r, true))
				if r.claim.Load() == taken {
					r.pre.Store(nil) // the reader did it meanwhile
				}
			}
		})
	}
	return p
}

// done frees a slot of the window once the reader is past step i.
func (p *prefetcher) done(int) {
	if p == nil {
		return
	}
	select {
	case <-p.slots:
	default:
	}
}

func (p *prefetcher) stop() {
	if p == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
}

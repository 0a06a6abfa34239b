package report

import (
	"bufio"
	"runtime"
	"sync"
)

// blockSize is the number of results one encoder goroutine turns into
// bytes at a time (about 1 MiB of JSON).
const blockSize = 2048

// writeResults writes the results as the members of a JSON array (each
// preceded by the separator and indentation), encoding blocks of them on
// every core while writing the finished blocks in order: encoding 279,000
// results took a quarter of a second on one core. At most two blocks per
// core are in flight, so memory stays bounded whatever the count.
func writeResults(bw *bufio.Writer, r *Run) {
	rs := r.Results
	r.identities() // the ordinals, before the encoders share r
	r.compare()
	encode := func(buf []byte, from, to int) []byte {
		id := r.identities()
		for i := from; i < to; i++ {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, "\n    "...)
			j := toJSON(rs[i], id(i), r.stateOf(i))
			buf = appendResult(buf, &j)
		}
		return buf
	}
	workers := runtime.GOMAXPROCS(0)
	if len(rs) <= blockSize || workers == 1 {
		bw.Write(encode(nil, 0, len(rs)))
		return
	}
	type block struct {
		from, to int
		done     chan *[]byte
	}
	// Buffers go round a free list rather than a sync.Pool, which the
	// collector empties: they were made and grown again after every cycle.
	free := make(chan *[]byte, 3*workers)
	get := func() *[]byte {
		select {
		case b := <-free:
			return b
		default:
			b := make([]byte, 0, blockSize*640) // results take ~500 bytes
			return &b
		}
	}
	todo := make(chan block)
	inOrder := make(chan block, 2*workers) // its capacity bounds what is in flight
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range todo {
				buf := get()
				*buf = encode((*buf)[:0], b.from, b.to)
				b.done <- buf
			}
		})
	}
	go func() {
		for from := 0; from < len(rs); from += blockSize {
			b := block{from, min(from+blockSize, len(rs)), make(chan *[]byte, 1)}
			inOrder <- b
			todo <- b
		}
		close(todo)
		close(inOrder)
	}()
	for b := range inOrder {
		buf := <-b.done
		bw.Write(*buf)
		select {
		case free <- buf:
		default:
		}
	}
	wg.Wait()
}

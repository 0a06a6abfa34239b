// Package parallel runs the iterations of a loop on a fixed number of
// goroutines (the engine, control/engine).
package parallel

import "sync"

// Each calls f for 0..n-1 on workers goroutines, or on this one when
// workers is 1 (small inputs, where starting goroutines costs more than
// it saves).
func Each(n, workers int, f func(i int)) {
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

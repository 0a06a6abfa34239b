package control

import "github.com/emrguard/emrguard/internal/parallel"

// each is parallel.Each: Identify's loop over blocks of results.
func each(n, workers int, f func(i int)) { parallel.Each(n, workers, f) }

package postgres_test

import "runtime"

// runtimeProcs is GOMAXPROCS, which RunParallel multiplies by its
// parallelism to get the number of goroutines.
func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

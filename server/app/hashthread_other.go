//go:build !linux

package app

// onBackgroundThread runs fn at normal priority where lowering one
// thread's priority is not available; see the Linux version.
func onBackgroundThread(_ int, fn func()) threadRun {
	fn()
	return threadRun{nice: -1}
}

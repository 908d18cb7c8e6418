//go:build race

package markup_test

// raceDetector is whether the tests run under -race.
const raceDetector = true

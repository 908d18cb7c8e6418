package loadsim

import (
	"context"
	"net/http"
	"time"
)

// Internals opened to the external tests of this package.
var (
	FastMessage  = fastMessage
	SentAt       = sentAt
	MessageBody  = messageBody
	ParseMetrics = parseMetrics
)

// SoakFailures judges a soak series as a run does.
func SoakFailures(cfg Soak, s []SoakSample) []string { return soakResult(cfg, s).failures() }

// Retry internals, for the retry policy's tests.
var (
	ParseRetryAfter = parseRetryAfter
	CloseHint       = closeHint
)

// RetryDelay is the browser policy's wait before retry attempt after hint.
func RetryDelay(attempt int, hint time.Duration) time.Duration {
	return browserRetry.delay(attempt, hint)
}

// DoWithRetries performs one call of action through a client that retries
// refusals at most max times without waiting beyond the hint, and returns
// every status it saw and the run's failure count.
func DoWithRetries(ctx context.Context, base, action, method, path string, max int) (statuses []int, failures int64, err error) {
	stats := NewHTTPStats()
	a := &api{base: base, client: &http.Client{Timeout: 5 * time.Second}, stats: stats,
		retry:    retryPolicy{base: time.Millisecond, cap: time.Millisecond, max: max},
		onAnswer: func(_ string, status int) { statuses = append(statuses, status) }}
	_, err = a.do(ctx, call{action: action, method: method, path: path, accept: []int{200, 201}})
	_, failures = stats.Totals()
	return statuses, failures, err
}

// OutcomeKind sorts a storm outcome into its report column.
var OutcomeKind = outcomeKind

// Failover internals, for the recovery, CPU and fault schedule tests.
type (
	RecoveryBook = recoveryBook
	CPUMeter     = cpuMeter
)

var (
	NewRecoveryBook = newRecoveryBook
	SendRetryWait   = sendRetryWait
	RetriedSendCode = retriedSendCode
	PIDsFromFiles   = pidsFromFiles
)

// RecoveryOf judges a recovery book at the end of a run that started at
// runStart and had the given faults.
func RecoveryOf(b *RecoveryBook, faults []FaultEvent, runStart time.Time) RecoveryResult {
	return b.result(faults, runStart)
}

// FaultStartedAt is a fault event whose command started at start.
func FaultStartedAt(cmd string, start time.Time) FaultEvent {
	return FaultEvent{Cmd: cmd, start: start}
}

// Observe feeds the meter a sample and returns the cores since the last.
func (m *CPUMeter) Observe(now time.Time, cpu map[int]float64) float64 { return m.observe(now, cpu) }

// Peak is the highest rate observe returned.
func (m *CPUMeter) Peak() float64 { return m.peak }

// RunFaults runs faults from now, giving up on those not started before
// sched ends.
func RunFaults(sched context.Context, faults []Fault) []FaultEvent {
	now := time.Now()
	return runFaults(sched, context.Background(), faults, now, now, func(string) {})
}

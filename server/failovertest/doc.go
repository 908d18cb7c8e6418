// Package failovertest holds tests that run Parley against private
// PostgreSQL servers (testenv.StartPGPrimary, StartPGReplica) and then
// pause, stop or restart them: a real streaming replica that lags, and a
// primary that goes away under live sends. It has no code of its own.
package failovertest

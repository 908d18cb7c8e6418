// Package testenv is the one environment every Go test and the load
// simulator run Parley in: a PostgreSQL database of their own, a private
// redis-server on a free port, key prefixes cleaned off the shared Redis,
// free TCP ports, and the real parley binary built once, started on a free
// port and stopped with SIGTERM.
//
// Starting the binary follows one contract, which frontend/e2e/server.ts
// (TypeScript, so it cannot import this package) repeats:
//
//   - the database is named parley_<purpose>_<16 hex digits>, created on
//     the server named by PARLEY_TEST_DATABASE_URL (default: the local
//     PostgreSQL) and dropped WITH (FORCE) at the end;
//   - the server inherits the environment, then gets PARLEY_ADDR (a free
//     port on 127.0.0.1) and DATABASE_URL, then the caller's variables,
//     which may override both;
//   - it is ready when GET /readyz answers 200, polled every 100 ms; an
//     exit before that is a failure, never a retry;
//   - it is stopped with SIGTERM and killed only after a grace period.
//
// A service that does not answer fails the test; nothing here skips.
package testenv

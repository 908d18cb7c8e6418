package postgres

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync/atomic"
)

// countingConnector wraps the lib/pq connector so that every statement that
// reaches PostgreSQL is counted. Tests of the caching layers assert "this
// request cost zero queries" with it; the cost is one atomic add.
type countingConnector struct {
	next  driver.Connector
	count *atomic.Uint64
}

func (c *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.next.Connect(ctx)
	if err != nil {
		return nil, err
	}
	full, ok := conn.(pqConn)
	if !ok {
		_ = conn.Close()
		return nil, fmt.Errorf("postgres: driver connection %T lacks the context interfaces", conn)
	}
	return &countingConn{conn: full, count: c.count}, nil
}

func (c *countingConnector) Driver() driver.Driver { return c.next.Driver() }

// pqConn is what lib/pq's connection implements; the wrapper forwards all of
// it so that database/sql keeps its fast paths (no implicit prepare, session
// reset, validity checks, named value checks).
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

type countingConn struct {
	conn  pqConn
	count *atomic.Uint64
}

func (c *countingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &countingStmt{stmt: st, count: c.count}, nil
}

func (c *countingConn) Close() error { return c.conn.Close() }

func (c *countingConn) Begin() (driver.Tx, error) {
	return c.conn.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.conn.BeginTx(ctx, opts)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.count.Add(1)
	return c.conn.ExecContext(ctx, query, args)
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.count.Add(1)
	return c.conn.QueryContext(ctx, query, args)
}

func (c *countingConn) Ping(ctx context.Context) error { return c.conn.Ping(ctx) }

func (c *countingConn) ResetSession(ctx context.Context) error { return c.conn.ResetSession(ctx) }

func (c *countingConn) IsValid() bool { return c.conn.IsValid() }

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.conn.CheckNamedValue(nv)
}

// countingStmt counts each execution of a prepared statement.
type countingStmt struct {
	stmt  driver.Stmt
	count *atomic.Uint64
}

func (s *countingStmt) Close() error  { return s.stmt.Close() }
func (s *countingStmt) NumInput() int { return s.stmt.NumInput() }

func (s *countingStmt) Exec(args []driver.Value) (driver.Result, error) {
	s.count.Add(1)
	return s.stmt.Exec(args)
}

func (s *countingStmt) Query(args []driver.Value) (driver.Rows, error) {
	s.count.Add(1)
	return s.stmt.Query(args)
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.count.Add(1)
	return s.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.count.Add(1)
	return s.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

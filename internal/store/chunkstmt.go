package store

import (
	"context"
	"database/sql"
)

// chunkStmt runs a multi-row statement once per chunk of rows. Every full
// chunk has the same text, so inside a transaction that text is prepared
// once, on the transaction's own connection, and reused: SQLite spent
// about as long parsing a 500-row INSERT as running it, and PostgreSQL
// parses and plans it anew each time too. A lone or short chunk runs
// unprepared (reuse false), which costs one parse, as before.
type chunkStmt struct {
	q    *Q
	text string
	st   *sql.Stmt
}

// stmt is the prepared statement for text, or nil to run it unprepared.
func (c *chunkStmt) stmt(ctx context.Context, text string, reuse bool) (*sql.Stmt, error) {
	if !reuse || !c.q.inTx {
		return nil, nil
	}
	if c.st != nil && c.text == text {
		return c.st, nil
	}
	c.close()
	st, err := c.q.q.(*sql.Tx).PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	c.text, c.st = text, st
	return st, nil
}

func (c *chunkStmt) exec(ctx context.Context, text string, reuse bool, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, text, reuse)
	if err != nil || st == nil {
		if err != nil {
			return nil, err
		}
		return c.q.exec(ctx, text, args...)
	}
	c.q.counter.add()
	return st.ExecContext(ctx, args...)
}

func (c *chunkStmt) query(ctx context.Context, text string, reuse bool, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, text, reuse)
	if err != nil || st == nil {
		if err != nil {
			return nil, err
		}
		return c.q.query(ctx, text, args...)
	}
	c.q.counter.add()
	return st.QueryContext(ctx, args...)
}

// close releases the prepared statement, if any.
func (c *chunkStmt) close() {
	if c.st != nil {
		c.st.Close()
		c.st = nil
	}
}

package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
)

// linkKeyName names, in secrets, the key that signs the links a mail
// carries in place of a stored token (a digest's unsubscribe link).
const linkKeyName = "link_key"

// linkKey holds the key once read: it never changes, so each process
// reads it once.
type linkKey struct {
	mu  sync.Mutex
	key []byte
}

// LinkKey returns the deployment's link key, making it on first use. The
// first process to ask inserts a random key and every process reads the
// one that won, so all sign and check alike. Not counted as a query: it
// runs once per process, not per page.
func (s *Store) LinkKey(ctx context.Context) ([]byte, error) {
	s.link.mu.Lock()
	defer s.link.mu.Unlock()
	if s.link.key != nil {
		return s.link.key, nil
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		linkKeyName, fresh, s.clock.Now()); err != nil {
		return nil, fmt.Errorf("link key: %w", err)
	}
	var key []byte
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = $1`, linkKeyName).Scan(&key); err != nil {
		return nil, fmt.Errorf("link key: %w", err)
	}
	if len(key) < 32 {
		return nil, fmt.Errorf("link key: %d bytes stored, want 32", len(key))
	}
	s.link.key = key
	return key, nil
}

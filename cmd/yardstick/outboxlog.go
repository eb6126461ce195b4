package main

import (
	"context"
	"log/slog"
	"time"

	"yardstick/internal/store"
)

// logQueuedMail tells the operator, without SMTP configured, about each
// message that lands in the outbox: id, kind, recipient and subject,
// never the body (it may hold a temporary password or a link).
func logQueuedMail(ctx context.Context, s *store.Store, wake <-chan struct{}, log *slog.Logger) {
	var last int64
	if msgs, err := s.Q().ListMail(ctx, "", 0, 1); err == nil && len(msgs) > 0 {
		last = msgs[0].ID // only what arrives from now on
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
		msgs, err := s.Q().ListMail(ctx, "pending", 0, 100)
		if err != nil {
			continue
		}
		for i := len(msgs) - 1; i >= 0; i-- {
			m := msgs[i]
			if m.ID <= last {
				continue
			}
			last = m.ID
			log.Info("mail queued (no SMTP configured; read it with `yardstick mail show ID`)", "id", m.ID, "kind", m.Kind, "to", m.To, "subject", m.Subject)
		}
	}
}

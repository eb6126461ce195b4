package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// okSender accepts every message, as a reachable mail server does.
type okSender struct{ got []model.OutboxMessage }

func (s *okSender) Send(_ context.Context, m model.OutboxMessage) error {
	s.got = append(s.got, m)
	return nil
}

// The attack: read the SQLite file (a backup, a stolen disk, a shared host)
// after a welcome mail went out, looking for the temporary password the
// outbox erased on delivery. With secure_delete the erased body is zeroed,
// so once the WAL is checkpointed neither file holds it.
func TestErasedWelcomePasswordIsGoneFromTheFiles(t *testing.T) {
	db := testkit.NewSQLite(t)
	path := strings.TrimPrefix(db.URL, "sqlite:")
	in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme Community")

	// An account with a temporary password and its welcome mail, written
	// together as the app writes them (newAccount).
	temp := password.Temporary()
	expires := db.Clock.Now().Add(72 * time.Hour)
	var id int64
	err := db.Store.InTx(ctx, func(q *store.Q) error {
		acct, err := q.CreateAccount(ctx, model.Account{Email: "new@example.org", Name: "New Person",
			PasswordTemporary: true, PasswordExpiresAt: &expires, HomeInstanceID: &in.ID}, password.HashSecret(temp))
		if err != nil {
			return err
		}
		m := mail.Welcome("http://yardstick.test", in.Name, in.Code, acct.Email, temp)
		m.InstanceID = &in.ID
		id, err = q.EnqueueMail(ctx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The scan below can see the password while the mail waits: it is in
	// the database file once checkpointed.
	checkpoint(t, db.Store.DB())
	if !fileHolds(t, path, temp) {
		t.Fatalf("the pending welcome mail's password is not in %s: the scan would prove nothing", path)
	}

	sender := &okSender{}
	w := &mail.Worker{Store: db.Store, Sender: sender}
	if sent, failed, err := w.RunOnce(ctx); sent != 1 || failed != 0 || err != nil {
		t.Fatalf("RunOnce = %d sent, %d failed, %v; want 1, 0, nil", sent, failed, err)
	}
	if len(sender.got) != 1 || !strings.Contains(sender.got[0].Body, temp) {
		t.Fatalf("the delivered mail does not carry the temporary password: %+v", sender.got)
	}
	m, err := db.Store.Q().MailByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "sent" || strings.Contains(m.Body, temp) {
		t.Fatalf("after delivery: status %q, body %q; want sent and the body erased", m.Status, m.Body)
	}

	// Before the checkpoint the WAL holds the page as it was: this is what
	// the checkpoint is for. After it, neither file may hold the password.
	checkpoint(t, db.Store.DB())
	for _, f := range []string{path, path + "-wal"} {
		if fileHolds(t, f, temp) {
			t.Errorf("%s still holds the erased temporary password", f)
		}
	}
}

// Every pooled connection has secure_delete on, not only the first.
func TestSQLiteConnectionsSecureDelete(t *testing.T) {
	db := testkit.NewSQLite(t).Store.DB()
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 4 { // held at once, so four distinct connections
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var on int
		if err := c.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&on); err != nil {
			t.Fatal(err)
		}
		if on != 1 {
			t.Errorf("connection %d: secure_delete = %d, want 1", i+1, on)
		}
	}
}

// checkpoint copies the WAL into the database file and empties the WAL.
func checkpoint(t *testing.T, db *sql.DB) {
	t.Helper()
	var busy, logFrames, done int
	if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		t.Fatal(err)
	}
	if busy != 0 {
		t.Fatalf("wal_checkpoint(TRUNCATE) was blocked (busy %d, log %d, checkpointed %d)", busy, logFrames, done)
	}
}

// fileHolds reports whether the raw bytes of a file (missing: none) contain s.
func fileHolds(t *testing.T, path, s string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(s))
}

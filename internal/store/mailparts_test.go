package store_test

import (
	"strings"
	"testing"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestMailPartsAreKeptOnce checks that lines several messages share are
// stored once and come back in place wherever the outbox is read: claimed
// to send, by id, and listed; also in a transaction of 20 (COPY on
// PostgreSQL) and across two transactions naming the same part.
func TestMailPartsAreKeptOnce(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		// Multi-byte text, markup and a formula: kept byte for byte.
		a := model.MailPart{Key: "aaaa", Text: "* Dépenses €\n", HTML: "<tr><td>Dépenses &lt;b&gt;</td></tr>\n"}
		b := model.MailPart{Key: "bbbb", Text: "* =1+1\n", HTML: "<tr><td>=1+1</td></tr>\n"}
		digest := func(to string, parts ...model.MailPart) model.OutboxMessage {
			return model.OutboxMessage{Kind: "digest_weekly", To: to, Subject: "s",
				Body: "Hello\nMeasures\nBye\n", HTML: "<p>Hello</p><table>\n</table><p>Bye</p>",
				Parts: parts, PartsTextAt: len("Hello\nMeasures\n"), PartsHTMLAt: len("<p>Hello</p><table>\n"), HasSecret: true}
		}
		wantBody := "Hello\nMeasures\n" + a.Text + b.Text + "Bye\n"
		wantHTML := "<p>Hello</p><table>\n" + a.HTML + b.HTML + "</table><p>Bye</p>"
		var batch []model.OutboxMessage
		for i := range 20 {
			batch = append(batch, digest("m"+strings.Repeat("x", i)+"@example.org", a, b))
		}
		if err := db.Store.InTx(ctx, func(q *store.Q) error { return q.EnqueueMails(ctx, batch) }); err != nil {
			t.Fatal(err)
		}
		if err := db.Store.InTx(ctx, func(q *store.Q) error { // a, again, and a message with none
			if err := q.EnqueueMails(ctx, []model.OutboxMessage{digest("late@example.org", b, a)}); err != nil {
				return err
			}
			_, err := q.EnqueueMail(ctx, model.OutboxMessage{Kind: "k", To: "plain@example.org", Subject: "s", Body: "plain"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var parts int
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_parts`).Scan(&parts); err != nil || parts != 2 {
			t.Fatalf("mail_parts holds %d rows (%v), want 2", parts, err)
		}
		check := func(where string, m model.OutboxMessage) {
			t.Helper()
			switch {
			case m.To == "plain@example.org":
				if m.Body != "plain" || m.HTML != "" || len(m.Parts) != 0 {
					t.Errorf("%s: plain message = %q, %q, %v", where, m.Body, m.HTML, m.Parts)
				}
			case m.To == "late@example.org":
				if m.Body != "Hello\nMeasures\n"+b.Text+a.Text+"Bye\n" || m.HTML != "<p>Hello</p><table>\n"+b.HTML+a.HTML+"</table><p>Bye</p>" {
					t.Errorf("%s: parts out of order: %q / %q", where, m.Body, m.HTML)
				}
			case m.Body != wantBody || m.HTML != wantHTML || len(m.Parts) != 0:
				t.Errorf("%s: %s = %q / %q (parts %v), want %q / %q", where, m.To, m.Body, m.HTML, m.Parts, wantBody, wantHTML)
			}
		}
		listed, err := db.Store.Q().ListMail(ctx, "", 0, 100)
		if err != nil || len(listed) != 22 {
			t.Fatalf("ListMail = %d, %v", len(listed), err)
		}
		for _, m := range listed {
			check("listed", m)
		}
		claimed, err := db.Store.Q().ClaimMail(ctx, 100, time.Minute)
		if err != nil || len(claimed) != 22 {
			t.Fatalf("ClaimMail = %d, %v", len(claimed), err)
		}
		for _, m := range claimed {
			check("claimed", m)
		}
		m, err := db.Store.Q().MailByID(ctx, claimed[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		check("by id", m)
		// Delivered, a message with a secret keeps neither its text nor
		// its parts; the parts stay for the others.
		if err := db.Store.Q().MarkMailSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		sent, err := db.Store.Q().MailByID(ctx, m.ID)
		if err != nil || strings.Contains(sent.Body, a.Text) || strings.Contains(sent.Body, "Hello") || sent.HTML != "" {
			t.Errorf("delivered = %q / %q, %v; want the text removed", sent.Body, sent.HTML, err)
		}
		if other, err := db.Store.Q().MailByID(ctx, claimed[1].ID); err != nil {
			t.Fatal(err)
		} else {
			check("after another's delivery", other)
		}
	})
}

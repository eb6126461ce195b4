package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

const from = "Yardstick <noreply@ys.test>"

func TestNewSMTPSenderURLs(t *testing.T) {
	tests := []struct {
		url     string
		wantErr string // "" for a good URL
	}{
		{"smtp://mail.example.org:587", ""},
		{"smtp://mail.example.org", ""},
		{"smtp://user:pa%40ss@mail.example.org:587", ""},
		{"smtp://mail.example.org:25?tls=required", ""},
		{"smtp://mail.example.org:25?tls=opportunistic", ""},
		{"smtp://relay:25?tls=none", ""},
		{"smtp://user:secret@localhost:25?tls=none", ""},
		{"smtp://user:secret@127.0.0.1:25?tls=none", ""},
		{"smtps://user:secret@mail.example.org:465", ""},
		{"smtps://mail.example.org", ""},
		{"", "empty"},
		{"mail.example.org:25", "scheme"},
		{"http://mail.example.org", "scheme"},
		{"smtp://", "no host"},
		{"smtp://:25", "no host"},
		{"smtp://mail.example.org:0", "port"},
		{"smtp://mail.example.org:70000", "port"},
		{"smtp://user:secret@mail.example.org:bad", "not a valid URL"},
		{"smtp://mail.example.org:25/path", "nothing after the port"},
		{"smtp://mail.example.org:25?tls=maybe", "tls must be"},
		{"smtp://mail.example.org:25?starttls=1", "unknown parameter"},
		{"smtps://mail.example.org:465?tls=none", "smtp:// only"},
		{"smtp://user:secret@mail.example.org:25?tls=none", "clear text"},
		{"smtp://:secret@mail.example.org:25", "without a user"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := mail.NewSMTPSender(tt.url, from)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("err = nil, want one containing %q", tt.wantErr)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "YARDSTICK_SMTP_URL: ") || !strings.Contains(msg, tt.wantErr) {
				t.Errorf("err = %q, want YARDSTICK_SMTP_URL: …%s…", msg, tt.wantErr)
			}
			if strings.Contains(msg, "secret") {
				t.Errorf("err = %q reveals the password", msg)
			}
		})
	}
	if _, err := mail.NewSMTPSender("smtp://127.0.0.1:25", "not an address"); err == nil {
		t.Error("bad From: err = nil, want an error")
	}
}

// Each TLS mode against a server without STARTTLS: opportunistic goes on
// in clear, required refuses.
func TestSMTPSenderSends(t *testing.T) {
	srv := testkit.StartSMTP(t)
	srv.RequireAuth("relay-user", "relay-pass")
	authURL := "smtp://relay-user:relay-pass@" + srv.Addr()
	tests := []struct {
		name    string
		url     string
		wantErr bool
	}{
		{"tls none", authURL + "?tls=none", false},
		{"opportunistic", authURL, false},
		{"required", authURL + "?tls=required", true},
		{"wrong password", "smtp://relay-user:nope@" + srv.Addr() + "?tls=none", true},
		{"no credentials", "smtp://" + srv.Addr() + "?tls=none", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := mail.NewSMTPSender(tt.url, from)
			if err != nil {
				t.Fatal(err)
			}
			before := len(srv.Messages())
			m := model.OutboxMessage{ID: int64(100 + i), To: "zoë@example.org", Subject: "Grüße – " + tt.name,
				Body: "Line one\nTemporary password: Zz9-äöü=\n" + strings.Repeat("long ", 40) + "\n"}
			err = s.Send(context.Background(), m)
			if got, want := err != nil, tt.wantErr; got != want {
				t.Fatalf("Send err = %v, want error: %v", err, want)
			}
			if tt.wantErr {
				if got := len(srv.Messages()); got != before {
					t.Errorf("server got %d messages, want %d", got, before)
				}
				return
			}
			got := srv.WaitFor(t, before+1, 5*time.Second)[before]
			if got.Subject != m.Subject || got.Body != m.Body || got.From != "noreply@ys.test" ||
				len(got.To) != 1 || got.To[0] != m.To || got.AuthUser != "relay-user" {
				t.Errorf("got %+v, want subject %q, body %q to %q from noreply@ys.test as relay-user",
					got, m.Subject, m.Body, m.To)
			}
			if got, want := testkit.FindAfter(got.Body, "Temporary password:"), "Zz9-äöü="; got != want {
				t.Errorf("temporary password = %q, want %q", got, want)
			}
			h := got.Header
			if id := h.Get("Message-Id"); !strings.HasSuffix(id, "@ys.test>") || !strings.Contains(id, "yardstick.") {
				t.Errorf("Message-ID = %q, want <yardstick.…@ys.test>", id)
			}
			if _, err := h.Date(); err != nil {
				t.Errorf("Date: %v", err)
			}
			if ct := h.Get("Content-Type"); !strings.Contains(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
				t.Errorf("Content-Type = %q, want text/plain; charset=UTF-8", ct)
			}
			if a, err := h.AddressList("From"); err != nil || len(a) != 1 || a[0].Address != "noreply@ys.test" {
				t.Errorf("From = %v (%v), want noreply@ys.test", a, err)
			}
		})
	}
}

// A name shaped like an encoded word reaches the subject as typed: mail
// clients must not decode it into a CR LF and a Bcc line.
func TestSubjectWithEncodedWordText(t *testing.T) {
	srv := testkit.StartSMTP(t)
	s, err := mail.NewSMTPSender("smtp://"+srv.Addr()+"?tls=none", from)
	if err != nil {
		t.Fatal(err)
	}
	for i, subj := range []string{
		"Invitation to join =?UTF-8?Q?Acme=0D=0ABcc:_x@evil.example?= (ACME) on Yardstick",
		"=?utf-8?b?QmNjOiB4QGV2aWwuZXhhbXBsZQ==?= " + strings.Repeat("Grüße ", 30) + "end",
	} {
		if err := s.Send(context.Background(), model.OutboxMessage{ID: int64(i + 1), To: "zoe@example.org", Subject: subj, Body: "x\n"}); err != nil {
			t.Fatal(err)
		}
		got := srv.WaitFor(t, i+1, 5*time.Second)[i]
		if got.Subject != subj {
			t.Errorf("subject decoded to %q, want it as typed %q", got.Subject, subj)
		}
		if strings.Contains(string(got.Raw), "Bcc:") && !strings.Contains(subj, "Bcc:") {
			t.Errorf("raw message has a Bcc line")
		}
		if bcc := got.Header.Get("Bcc"); bcc != "" {
			t.Errorf("message has a Bcc header: %q", bcc)
		}
	}
}

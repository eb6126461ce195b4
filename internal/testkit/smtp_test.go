package testkit

import (
	"net/smtp"
	"strings"
	"testing"
	"time"
)

func TestParseMailDecodes(t *testing.T) {
	const want = "Grüße\nTemporary password: a=b=c\nhttps://ys.test/reset/tok\n"
	tests := []struct {
		name string
		raw  string
	}{
		{"quoted-printable", "Subject: =?UTF-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/plain; charset=UTF-8\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\nTemporary password: a=3Db=3Dc\r\nhttps://ys.test/re=\r\nset/tok\r\n"},
		{"base64", "Subject: =?UTF-8?b?R3LDvMOfZQ==?=\r\nContent-Type: text/plain; charset=UTF-8\r\n" +
			"Content-Transfer-Encoding: base64\r\n\r\nR3LDvMOfZQpUZW1wb3JhcnkgcGFzc3dvcmQ6IGE9Yj1jCmh0dHBz\r\nOi8veXMudGVzdC9yZXNldC90b2sK\r\n"},
		{"multipart", "Subject: Grüße\r\nContent-Type: multipart/alternative; boundary=XX\r\n\r\n--XX\r\n" +
			"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + strings.ReplaceAll(want, "\n", "\r\n") +
			"\r\n--XX\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--XX--\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMail([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := m.Subject, "Grüße"; got != want {
				t.Errorf("Subject = %q, want %q", got, want)
			}
			if got := strings.TrimSuffix(m.Body, "\n"); got != strings.TrimSuffix(want, "\n") {
				t.Errorf("Body = %q, want %q", got, want)
			}
			if got, want := FindAfter(m.Body, "Temporary password:"), "a=b=c"; got != want {
				t.Errorf("FindAfter = %q, want %q", got, want)
			}
			if got, want := FindLink(m.Body, "https://ys.test/reset/"), "https://ys.test/reset/tok"; got != want {
				t.Errorf("FindLink = %q, want %q", got, want)
			}
		})
	}
}

func TestSMTPServerRefusesThenAccepts(t *testing.T) {
	srv := StartSMTP(t)
	srv.RefuseNext(1)
	send := func() error {
		return smtp.SendMail(srv.Addr(), nil, "a@ys.test", []string{"b@ys.test"},
			[]byte("Subject: hi\r\n\r\nbody\r\n"))
	}
	if err := send(); err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("first send err = %v, want a 451", err)
	}
	if err := send(); err != nil {
		t.Fatalf("second send: %v", err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)
	if len(got) != 1 || got[0].From != "a@ys.test" || got[0].To[0] != "b@ys.test" || got[0].Body != "body\n" {
		t.Errorf("got %+v, want one message a@ys.test → b@ys.test, body %q", got, "body\n")
	}
}

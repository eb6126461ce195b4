package mail_test

import (
	"strings"
	"testing"

	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/terms"
)

func TestMessages(t *testing.T) {
	const (
		base   = "https://ys.test/"
		evil   = "Acme\r\nBcc: victim@evil.test\nTemporary password: forged"
		secret = "Tmp-9f8e7d6c5b4a"
		link   = "https://ys.test/signin/once/abc123"
	)
	tests := []struct {
		name        string
		m           model.OutboxMessage
		kind        string
		secret      bool
		mustHave    []string
		mustNotHave []string
	}{
		{"welcome", mail.Welcome(base, evil, "ACME", "ann@example.org", secret), "welcome", true,
			[]string{"https://ys.test/login", "Username: ann@example.org", "Temporary password: " + secret, "72 hours", "first sign-in", "ACME"}, nil},
		{"welcome link", mail.WelcomeLink(base, evil, "ACME", "ann@example.org", link), "welcome_link", true,
			[]string{"Sign-in link: " + link, "72 hours", "once", "ann@example.org"}, []string{"\nTemporary password"}},
		{"password reset", mail.PasswordReset(base, "ann@example.org", link), "password_reset", true,
			[]string{"Reset link: " + link, "one hour", "works once", "did not ask", "ignore"}, nil},
		{"admin reset password", mail.AdminReset(base, evil, "ann@example.org", secret, ""), "admin_reset", true,
			[]string{"user manager", "Temporary password: " + secret, "https://ys.test/login"}, []string{"Sign-in link"}},
		{"admin reset link", mail.AdminReset(base, evil, "ann@example.org", "", link), "admin_reset", true,
			[]string{"user manager", "Sign-in link: " + link}, []string{"\nTemporary password"}},
		{"password changed", mail.PasswordChanged(base, "ann@example.org"), "password_changed", false,
			[]string{"ann@example.org", "changed", "https://ys.test/login"}, nil},
		{"added to instance", mail.AddedToInstance(base, evil, "ACME", "ann@example.org"), "added_to_instance", false,
			[]string{"added to", "ACME", "https://ys.test/login", "existing password"}, []string{"\nTemporary password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.m
			if got, want := m.Kind, tt.kind; got != want {
				t.Errorf("Kind = %q, want %q", got, want)
			}
			if got, want := m.HasSecret, tt.secret; got != want {
				t.Errorf("HasSecret = %v, want %v", got, want)
			}
			if got, want := m.To, "ann@example.org"; got != want {
				t.Errorf("To = %q, want %q", got, want)
			}
			if m.Subject == "" || strings.ContainsAny(m.Subject, "\r\n") {
				t.Errorf("Subject = %q, want one non-empty line", m.Subject)
			}
			for _, s := range tt.mustHave {
				if !strings.Contains(m.Body, s) {
					t.Errorf("body lacks %q:\n%s", s, m.Body)
				}
			}
			for _, s := range append(tt.mustNotHave, "\nBcc:", "\nTemporary password: forged", "\r") {
				if strings.Contains(m.Body, s) {
					t.Errorf("body contains %q:\n%s", s, m.Body)
				}
			}
		})
	}
}

// A name with line breaks stays on its line, so it can neither add a
// header through the subject nor forge a "Temporary password:" line.
func TestMessagesFlattenNames(t *testing.T) {
	m := mail.AddedToInstance("https://ys.test", "Acme\r\nBcc: x@evil.test", "ACME", "ann@example.org")
	if got, want := m.Subject, "You were added to “Acme Bcc: x@evil[.]test” (ACME) on Yardstick"; got != want {
		t.Errorf("Subject = %q, want %q", got, want)
	}
}

// User-written text in a mail is short, one line, quoted and never a link:
// the organization name of a referral is the spammer's body.
func TestUserTextIsQuotedAndUnlinked(t *testing.T) {
	const spam = "Your bank: verify at http://evil.example/login"
	m := mail.PartnerReferral("https://ys.test", "Acme www.acme-login.example", "ACME", spam, "victim@example.net", "", terms.Defaults)
	for _, want := range []string{
		"“Acme www[.]acme-login[.]example” (ACME) invites “Your bank: verify at http[:]//evil[.]example/login” to connect",
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	for _, bad := range []string{"http://evil", "evil.example", "www.acme"} {
		if strings.Contains(m.Body, bad) || strings.Contains(m.Subject, bad) {
			t.Errorf("mail contains %q, which a mail client would turn into a link:\n%s\n%s", bad, m.Subject, m.Body)
		}
	}
	if !strings.Contains(m.Subject, "“Acme www[.]acme-login[.]example” (ACME)") {
		t.Errorf("Subject = %q", m.Subject)
	}

	long := strings.Repeat("Community Foundation ", 10) + "tail"
	m = mail.PartnerRequest("https://ys.test", long+"\u202E", "ACME", "Beta \u202Eknab", "BETA", "ann@example.org", terms.Defaults)
	if strings.Contains(m.Body, "tail") || !strings.Contains(m.Body, "…” (ACME) asks to connect") {
		t.Errorf("a long name is not cut to 80 characters:\n%s", m.Body)
	}
	if strings.ContainsRune(m.Body, '\u202E') || !strings.Contains(m.Body, `“Beta \u202Eknab” (BETA)`) {
		t.Errorf("a bidi override reached the body:\n%s", m.Body)
	}
	// Names that merely have dots, numbers or quotes stay readable.
	m = mail.Invitation("https://ys.test", `U.S. Fund 2.0, Acme Inc. “best”`, "USF", "ann@example.org")
	if !strings.Contains(m.Body, `“U.S. Fund 2.0, Acme Inc. "best"” (USF) invites you`) {
		t.Errorf("body:\n%s", m.Body)
	}
}

// TestDigestMeasuresAreParts checks that a digest's measure lines are its
// parts, shared by key between two digests, and that the whole message
// has them under the heading in both parts.
func TestDigestMeasuresAreParts(t *testing.T) {
	m1 := mail.DigestMeasure{Title: "Reading <b>level</b>", URL: "https://ys.test/i/A/objects/2", Period: "Jan 2026", Actual: "52", Target: "50", Band: "green"}
	m2 := mail.DigestMeasure{Title: "Attendance", URL: "https://ys.test/i/A/objects/3"}
	m1.Prepare(terms.Defaults)
	m2.Prepare(terms.Defaults)
	d := mail.Digest{Kind: "weekly", Period: "the week of 9 March 2026", InstanceName: "Acme", InstanceCode: "A", To: "ann@example.org", Name: "Ann",
		Measures: []mail.DigestMeasure{m1, m2}, URL: "https://ys.test/i/A/", UnsubscribeURL: "https://ys.test/unsubscribe/x", PreferencesURL: "https://ys.test/i/A/preferences"}
	a := mail.DigestMail(d, terms.Defaults)
	d.Name, d.Measures = "Bo", []mail.DigestMeasure{m2}
	b := mail.DigestMail(d, terms.Defaults)
	if len(a.Parts) != 2 || len(b.Parts) != 1 || a.Parts[1].Key != b.Parts[0].Key || a.Parts[0].Key == a.Parts[1].Key {
		t.Fatalf("parts %+v and %+v: want each measure once, the same key in both", a.Parts, b.Parts)
	}
	if strings.Contains(a.Body, "Attendance") || strings.Contains(a.HTML, "Attendance") {
		t.Errorf("the measure lines are written in the message as well as in its parts")
	}
	w := a.Whole()
	for _, want := range []string{"Favourite measures\n\n* Reading <b>level</b>\n  Jan 2026: Actual 52, target 50, Green (on target)\n", "\n* Attendance\n  No data yet\n  https://ys.test/i/A/objects/3\n\nOpen Yardstick"} {
		if !strings.Contains(w.Body, want) {
			t.Errorf("text part lacks %q:\n%s", want, w.Body)
		}
	}
	for _, want := range []string{`<table role="presentation" cellpadding="4" style="border-collapse: collapse">` + "\n<tr><td><a href=\"https://ys.test/i/A/objects/2\">Reading &lt;b&gt;level&lt;/b&gt;</a>",
		"Attendance</a></td><td>No data yet</td>"} {
		if !strings.Contains(w.HTML, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, w.HTML)
		}
	}
	if i, j := strings.Index(w.HTML, "Attendance"), strings.Index(w.HTML, "</table>"); i < 0 || j < i {
		t.Errorf("the measure rows are not inside the table:\n%s", w.HTML)
	}
}

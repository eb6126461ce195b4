package app_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// mailsOf counts the queued mails of a kind.
func (w *pw) mailsOf(kind string) int {
	w.t.Helper()
	msgs, err := w.q().ListMail(w.ctx, "", 0, 10000)
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Kind == kind {
			n++
		}
	}
	return n
}

func refer(w *pw, actor *app.Actor, email string) error {
	return w.app.Refer(w.ctx, actor, app.ReferInput{Organization: "Your bank: verify at http://evil.example/login", Email: email})
}

// TestReferralsAreLimited: the administrator sent 60 referrals to
// 60 addresses in 0.1 s and 6 to one address. By default 20 a day per
// instance and 1 a week per address pass; past either, a clear refusal
// saying when it lifts, logged as refused, and no mail.
func TestReferralsAreLimited(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		admin := A.member("admin", access.PresetAdministration)
		B := w.site("BETA", "Beta Org")
		B.member("admin", access.PresetAdministration)

		// Six to one address: one goes.
		wantOK(t, "first referral to victim", refer(w, admin, "victim@example.net"))
		for i := range 5 {
			err := refer(w, A.as("admin"), "Victim@Example.net")
			wantKind(t, fmt.Sprintf("referral %d to the same address", i+2), err, app.TooMany)
			if e, ok := app.AsError(err); !ok || !strings.Contains(e.Fields["email"], "in the last 7 days") || e.RetryAfter <= 0 {
				t.Errorf("per-address refusal = %+v", e)
			}
		}
		// Sixty to sixty addresses, all at once: 19 more go (20 in all).
		var wg sync.WaitGroup
		errs := make([]error, 60)
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = refer(w, A.as("admin"), fmt.Sprintf("target%02d@example.net", i))
			}()
		}
		wg.Wait()
		ok, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case app.KindOf(err) == app.TooMany:
				refused++
				if !strings.Contains(err.Error(), "20 referrals in the last 24 hours") || !strings.Contains(err.Error(), "in 24 hours") {
					t.Errorf("per-instance refusal: %v", err)
				}
			default:
				t.Errorf("referral: %v", err)
			}
		}
		if ok != 19 || refused != 41 {
			t.Errorf("parallel referrals: %d sent, %d refused; want 19 and 41", ok, refused)
		}
		if n := w.mailsOf(mail.KindPartnerReferral); n != 20 {
			t.Errorf("%d referral mails queued, want 20", n)
		}
		sent, refusedLog := 0, 0
		for _, e := range w.log(A.in, app.ActPartnerRefer) {
			switch e.Outcome {
			case model.OutcomeSucceeded:
				sent++
			case model.OutcomeRefused:
				refusedLog++
			}
		}
		if sent != 20 || refusedLog != 46 {
			t.Errorf("ALPHA's log: %d referrals sent, %d refused; want 20 and 46", sent, refusedLog)
		}

		// The limits are the instance's own: BETA may refer the same address.
		wantOK(t, "another instance, same address", refer(w, B.as("admin"), "victim@example.net"))

		// A day later the instance may send again, but not yet to victim.
		db.Clock.Advance(24*time.Hour + time.Second)
		wantOK(t, "next day", refer(w, A.as("admin"), "new@example.net"))
		wantKind(t, "same address within the week", refer(w, A.as("admin"), "victim@example.net"), app.TooMany)
		db.Clock.Advance(6 * 24 * time.Hour)
		wantOK(t, "same address a week later", refer(w, A.as("admin"), "victim@example.net"))
	})
}

// TestReferralLimitsAreSettings: Config sets both limits; a negative value
// lifts one.
func TestReferralLimitsAreSettings(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		w.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", ReferralsPerDay: 3, ReferralsPerAddressWeek: 2}, nil, nil)
		A := w.site("ALPHA", "Alpha Org")
		A.member("admin", access.PresetAdministration)
		wantOK(t, "1", refer(w, A.as("admin"), "x@example.net"))
		wantOK(t, "2, same address", refer(w, A.as("admin"), "x@example.net"))
		wantKind(t, "3, same address", refer(w, A.as("admin"), "x@example.net"), app.TooMany)
		wantOK(t, "3", refer(w, A.as("admin"), "y@example.net"))
		wantKind(t, "4", refer(w, A.as("admin"), "z@example.net"), app.TooMany)

		w.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", ReferralsPerDay: -1, ReferralsPerAddressWeek: -1}, nil, nil)
		for i := range 30 {
			wantOK(t, fmt.Sprint("unlimited ", i), refer(w, A.as("admin"), "x@example.net"))
		}
	})
}

// TestInvitationsToNobodyAreLimited: Add Existing User to an address
// without an account mails outside the deployment too. A second
// invitation to it answers as one to an account does ("waiting"), and
// past the daily limit the answer stays the same but no mail goes out, so
// the instance cannot tell which addresses have accounts.
func TestInvitationsToNobodyAreLimited(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		w.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", ReferralsPerDay: 3}, nil, nil)
		A := w.site("ALPHA", "Alpha Org")
		A.member("admin", access.PresetAdministration)
		B := w.site("BETA", "Beta Org")
		B.member("someone", access.PresetPresenter) // someone@beta.example.org has an account

		_, err := w.app.AddExistingUser(w.ctx, A.as("admin"), "someone@beta.example.org")
		wantOK(t, "invite an account", err)
		_, errAccount := w.app.AddExistingUser(w.ctx, A.as("admin"), "someone@beta.example.org")
		_, err = w.app.AddExistingUser(w.ctx, A.as("admin"), "nobody@example.net")
		wantOK(t, "invite nobody", err)
		_, errNobody := w.app.AddExistingUser(w.ctx, A.as("admin"), "Nobody@example.net")
		wantField(t, "invite the account again", errAccount, "email")
		wantField(t, "invite nobody again", errNobody, "email")
		if errAccount == nil || errNobody == nil || errAccount.Error() != errNobody.Error() {
			t.Errorf("second invitations answer differently: %v / %v", errAccount, errNobody)
		}

		for i := range 4 {
			answer, err := w.app.AddExistingUser(w.ctx, A.as("admin"), fmt.Sprintf("nobody%d@example.net", i))
			if err != nil || answer != fmt.Sprintf("We sent an email to nobody%d@example.net.", i) {
				t.Errorf("invitation %d: %q, %v", i, answer, err)
			}
		}
		// One to an account, and 3 to nobody (the limit) were mailed.
		if n := w.mailsOf(mail.KindInvitation); n != 1+3 {
			t.Errorf("%d invitation mails queued, want 4", n)
		}
	})
}

package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/testkit"
)

// The takeover of issue "no account of one organization can be taken over
// from another", tried as the attacker did: ACME's administrator attaches
// BETA's administrator (Add Existing User, Add New User, or an import
// row), changes that member's email to an address it reads, and resets
// the password. None of it may reach the account.

type takeover struct {
	*env
	acme, beta model.Instance
	ada        *client // ACME's administrator, the attacker
	bea        model.Account
}

func newTakeover(t *testing.T, db *testkit.DB) *takeover {
	t.Helper()
	e := newEnv(t, db)
	k := &takeover{env: e, acme: e.instance("ACME", "Acme"), beta: e.instance("BETA", "Beta")}
	e.member(k.acme, "ada@example.org", access.PresetAdministration)
	k.bea, _ = e.member(k.beta, "bea@example.org", access.PresetAdministration)
	if err := e.store.Q().UpdateAccountIdentity(ctx, k.bea.ID, "bea@example.org", "Bea Beta"); err != nil {
		t.Fatal(err)
	}
	k.ada = e.client()
	k.ada.login("ada@example.org", testkit.Password)
	return k
}

// beaIn returns bea's membership in ACME, if any.
func (k *takeover) beaIn(t *testing.T) (model.Membership, bool) {
	t.Helper()
	m, err := k.store.Q().MembershipOf(ctx, k.acme.ID, k.bea.ID)
	return m, err == nil
}

// attack is what the attacker does once bea is in ACME's users list:
// change her email, her name, reset her password. Each is refused and
// changes nothing of her account; no mail reaches the attacker.
func (k *takeover) attack(t *testing.T, m model.Membership, reason string) {
	t.Helper()
	path := "/i/ACME/admin/users/" + strconv.FormatInt(m.ID, 10)
	page := k.ada.get(path)
	expect(t, "edit page", page, http.StatusOK, `id="account-lock"`, reason)
	for _, forbidden := range []string{`name="email"`, `name="name"`} {
		if strings.Contains(page.Body, forbidden) {
			t.Errorf("the Edit User page offers %s for an account that also belongs elsewhere", forbidden)
		}
	}
	form := url.Values{"version": {strconv.FormatInt(m.Version, 10)}, "email": {"attacker@evil.example"}, "name": {"Bea Beta"},
		"permission": m.Permissions}
	expect(t, "change her email", k.ada.do("POST", path, form), http.StatusForbidden)
	form.Set("email", "bea@example.org")
	form.Set("name", "Owned")
	expect(t, "change her name", k.ada.do("POST", path, form), http.StatusForbidden)
	expect(t, "reset her password", k.ada.post(path+"/reset"), http.StatusForbidden)

	acct, err := k.store.Q().AccountByID(ctx, k.bea.ID)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := k.store.Q().PasswordHash(ctx, k.bea.ID)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Email != "bea@example.org" || acct.Name != "Bea Beta" || !password.Verify(hash, testkit.Password) || acct.PasswordTemporary {
		t.Errorf("bea's account changed: %s %q temporary=%v", acct.Email, acct.Name, acct.PasswordTemporary)
	}
	if ms := mailsTo(t, k.env, "attacker@evil.example", mail.KindEmailChangeConfirm); len(ms) > 0 {
		t.Errorf("a confirmation link went to the attacker")
	}
	if ms := mailsTo(t, k.env, "bea@example.org", mail.KindAdminReset); len(ms) > 0 {
		t.Errorf("bea's password was reset by ACME")
	}
	// Forgot password still mails bea, at her address.
	before := len(mailsTo(t, k.env, "bea@example.org", mail.KindPasswordReset))
	k.client().post("/forgot", "email", "bea@example.org")
	if n := len(mailsTo(t, k.env, "bea@example.org", mail.KindPasswordReset)); n != before+1 {
		t.Errorf("reset mails to bea: %d, want %d", n, before+1)
	}
	expect(t, "BETA stays closed to the attacker", k.ada.get("/i/BETA/admin/users"), http.StatusNotFound)
}

// accept signs bea in and accepts ACME's invitation.
func (k *takeover) accept(t *testing.T) *client {
	t.Helper()
	bea := k.client()
	r := bea.login("bea@example.org", testkit.Password)
	r = bea.get(r.Location)
	expect(t, "signing in lands on the invitations", r, http.StatusSeeOther)
	if r.Location != "/invitations" {
		t.Errorf("bea's sign-in went to %q, want /invitations", r.Location)
	}
	list := bea.get("/invitations")
	expect(t, "invitations", list, http.StatusOK, "Acme", "ACME", "Accept", "Decline")
	m, _ := k.beaIn(t)
	r = bea.post("/invitations/" + strconv.FormatInt(m.ID, 10) + "/accept")
	expect(t, "accept", r, http.StatusSeeOther)
	if r.Location != "/i/ACME/" {
		t.Errorf("accepting went to %q, want ACME's dashboard", r.Location)
	}
	expect(t, "bea in ACME", bea.get("/i/ACME/"), http.StatusOK)
	return bea
}

// invited checks that bea waits as an invitation: not active, no name
// shown, no seat, and nothing of ACME open to her yet.
func (k *takeover) invited(t *testing.T) model.Membership {
	t.Helper()
	m, ok := k.beaIn(t)
	if !ok || !m.Invited || m.Active || m.Name != "" {
		t.Fatalf("bea in ACME: %+v (found %v), want a nameless, inactive invitation", m, ok)
	}
	if ms := mailsTo(t, k.env, "bea@example.org", mail.KindInvitation); len(ms) != 1 {
		t.Errorf("invitation mails to bea: %d, want 1", len(ms))
	}
	list := k.ada.get("/i/ACME/admin/users?q=bea")
	expect(t, "the list shows her as invited", list, http.StatusOK, "bea@example.org", "Invited")
	if strings.Contains(list.Body, "Bea Beta") {
		t.Error("the users list shows the invited account's name")
	}
	bea := k.client()
	bea.login("bea@example.org", testkit.Password)
	expect(t, "ACME before accepting", bea.get("/i/ACME/"), http.StatusNotFound)
	return m
}

func TestTakeoverThroughAddExistingUser(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		k := newTakeover(t, db)
		known := k.ada.post("/i/ACME/admin/users/existing", "email", "bea@example.org")
		unknown := k.ada.post("/i/ACME/admin/users/existing", "email", "nobody@example.org")
		sameAnswer(t, k, known, unknown, "bea@example.org", "nobody@example.org")
		if ms := mailsTo(t, k.env, "nobody@example.org", mail.KindInvitation); len(ms) != 1 {
			t.Errorf("invitation mails to an address with no account: %d, want the same one mail", len(ms))
		}
		m := k.invited(t)
		k.attack(t, m, "Invited")

		k.accept(t)
		m, _ = k.beaIn(t)
		if !m.Active || m.Invited || m.Name != "Bea Beta" {
			t.Errorf("after accepting: %+v, want active with her name", m)
		}
		if used, err := k.store.Q().SeatsUsed(ctx, k.acme.ID); err != nil || used != 1 {
			t.Errorf("ACME seats used: %d, %v; want 1 (bea's home is BETA)", used, err)
		}
		k.attack(t, m, "Also a member of another organization")
	})
}

func TestTakeoverThroughAddNewUser(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		k := newTakeover(t, db)
		known := k.ada.post("/i/ACME/admin/users", "email", "bea@example.org", "first_name", "Bea", "last_name", "Owned", "role", "User")
		unknown := k.ada.post("/i/ACME/admin/users", "email", "nobody@example.org", "first_name", "No", "last_name", "Body", "role", "User")
		sameAnswer(t, k, known, unknown, "bea@example.org", "nobody@example.org")
		m := k.invited(t)
		k.attack(t, m, "Invited")

		// Declining removes the invitation; ACME can invite again.
		bea := k.client()
		bea.login("bea@example.org", testkit.Password)
		expect(t, "decline", bea.post("/invitations/"+strconv.FormatInt(m.ID, 10)+"/decline"), http.StatusSeeOther)
		if _, ok := k.beaIn(t); ok {
			t.Error("a declined invitation is still a membership")
		}
		expect(t, "answering twice", bea.post("/invitations/"+strconv.FormatInt(m.ID, 10)+"/accept"), http.StatusNotFound)
	})
}

func TestTakeoverThroughImport(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		p := ie.uploadOK(ie.ada, "ACME", "people.csv", excelFile(
			`eve@example.org,Eve,Owned,Administrator,true`, // eve's account is OTHER's
			`zed@example.org,Zed,New,Administrator,true`,   // no account
		))
		eve, zed := p.row(t, "eve@example.org"), p.row(t, "zed@example.org")
		if eve.Outcome != app.OutcomeCreate || zed.Outcome != app.OutcomeCreate || eve.Message != zed.Message {
			t.Errorf("preview tells the rows apart: %+v / %+v, want both %q alike", eve, zed, app.OutcomeCreate)
		}
		ie.run(ie.ada, p, p.Token, http.StatusSeeOther)
		m, ok := ie.memberOf(ie.in, "eve@example.org")
		if !ok || !m.Invited || m.Active || m.Name != "" {
			t.Fatalf("eve after the import: %+v (found %v), want an invitation", m, ok)
		}
		acct, err := ie.store.Q().AccountByEmail(ctx, "eve@example.org")
		if err != nil || acct.Name != "Eve Other" {
			t.Errorf("eve's account after the import: %q, %v; want her name untouched", acct.Name, err)
		}
		if ms := mailsTo(t, ie.env, "eve@example.org", mail.KindInvitation); len(ms) != 1 {
			t.Errorf("invitation mails to eve: %d, want 1", len(ms))
		}
		path := "/i/ACME/admin/users/" + strconv.FormatInt(m.ID, 10)
		expect(t, "reset eve", ie.ada.post(path+"/reset"), http.StatusForbidden)
		expect(t, "reactivate eve", ie.ada.post(path+"/reactivate"), http.StatusConflict, "has not accepted")
		if m2, _ := ie.memberOf(ie.in, "eve@example.org"); m2.Active {
			t.Error("reactivating an invitation made it active")
		}

		// The same file again: eve waits, names are not hers to change.
		p = ie.uploadOK(ie.ada, "ACME", "people.csv", excelFile(`eve@example.org,Eve,Owned,Administrator,true`))
		if r := p.row(t, "eve@example.org"); r.Outcome != app.OutcomeNone {
			t.Errorf("eve again: %+v, want no change", r)
		}
	})
}

// sameAnswer checks that the answers to an address with an account and to
// one without differ only by the address.
func sameAnswer(t *testing.T, k *takeover, known, unknown resp, knownEmail, unknownEmail string) {
	t.Helper()
	if known.Status != http.StatusSeeOther || unknown.Status != http.StatusSeeOther {
		t.Fatalf("answers %d / %d, want 303 both; bodies %s / %s", known.Status, unknown.Status, excerpt(known.Body), excerpt(unknown.Body))
	}
	norm := func(s, email string) string { return strings.ReplaceAll(s, url.QueryEscape(email), "EMAIL") }
	if norm(known.Location, knownEmail) != norm(unknown.Location, unknownEmail) {
		t.Errorf("answers differ: %q vs %q", known.Location, unknown.Location)
	}
	a, b := k.ada.get(known.Location), k.ada.get(unknown.Location)
	expect(t, "answer page", a, http.StatusOK, "We sent an email to "+knownEmail+".")
	expect(t, "answer page", b, http.StatusOK, "We sent an email to "+unknownEmail+".")
}

// A manager's reset is the account's security event: every instance the
// account joined records it, not only the manager's.
func TestManagerResetLoggedInEveryInstance(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		k := newTakeover(t, db)
		// ada manages both instances; bob belongs to both.
		k.member(k.beta, "ada@example.org", access.PresetAdministration)
		_, inACME := k.member(k.acme, "bob@example.org", access.PresetPresenter)
		k.member(k.beta, "bob@example.org", access.PresetPresenter)
		expect(t, "reset bob", k.ada.post("/i/ACME/admin/users/"+strconv.FormatInt(inACME.ID, 10)+"/reset"), http.StatusSeeOther)
		rows, err := k.store.DB().QueryContext(ctx, `SELECT instance_id FROM activity_log WHERE activity = $1 AND object_name = $2 ORDER BY instance_id`,
			app.ActPasswordChange, "bob@example.org")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		if want := []int64{k.acme.ID, k.beta.ID}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("reset recorded in instances %v, want %v", got, want)
		}
	})
}

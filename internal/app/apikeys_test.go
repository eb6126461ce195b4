package app_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// keyLog returns the activity of the instance as "type|actor|object|changes" lines.
func keyLog(t *testing.T, w *pw, s *site) []string {
	t.Helper()
	page, err := w.q().ListActivity(w.ctx, s.in.ID, store.ActivityFilter{From: testkit.Epoch.Add(-time.Hour), To: testkit.Epoch.AddDate(10, 0, 0), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range page.Entries {
		var ch []string
		for _, c := range e.Changes {
			ch = append(ch, c.Field+"="+c.After)
		}
		out = append(out, e.Activity+"|"+e.ActorName+"|"+e.ObjectName+"|"+strings.Join(ch, ";"))
	}
	return out
}

func kindOf(err error) app.Kind { return app.KindOf(err) }

// TestAPIKeyLifecycle: create (secret shown once, kept as a hash, logged),
// authenticate on its instance only, last use, revoke on the next request.
func TestAPIKeyLifecycle(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha"), w.site("BETA", "Beta")
		admin := A.member("admin", access.PresetAdministration)
		B.member("admin", access.PresetAdministration)

		nk, err := w.app.CreateAPIKey(w.ctx, admin, app.APIKeyInput{Name: " Warehouse ", Permissions: []string{"data.enter", "objects.edit", "data.enter"}})
		if err != nil {
			t.Fatal(err)
		}
		prefix := "ys_" + strconv.FormatInt(A.in.ID, 10) + "_"
		if !strings.HasPrefix(nk.Secret, prefix) || len(nk.Secret) < len(prefix)+43 {
			t.Errorf("secret %q: want %s and 256 bits", nk.Secret, prefix)
		}
		if !strings.HasPrefix(nk.Secret, nk.Key.Prefix) || len(nk.Key.Prefix) != len(prefix)+6 {
			t.Errorf("prefix %q of %q", nk.Key.Prefix, nk.Secret)
		}
		if nk.Key.Name != "Warehouse" || !slices.Equal(nk.Key.Permissions, []string{"objects.edit", "data.enter"}) || nk.Key.CreatedBy == "" || !nk.Key.Live() {
			t.Errorf("created key: %+v", nk.Key)
		}
		// The secret is nowhere in the database, only its hash.
		var n int
		if err := db.Store.DB().QueryRow(`SELECT COUNT(*) FROM api_keys WHERE secret_hash = $1 OR name = $1 OR prefix = $1`, nk.Secret).Scan(&n); err != nil || n != 0 {
			t.Errorf("secret stored in clear: %d rows, %v", n, err)
		}
		for _, line := range keyLog(t, w, A) {
			if strings.Contains(line, nk.Secret[len(nk.Key.Prefix):]) {
				t.Errorf("the activity log holds the secret: %s", line)
			}
		}

		client := app.Client{Addr: "198.51.100.7", RequestID: "r1"}
		actor, err := w.app.AuthenticateKey(w.ctx, nk.Secret, "alpha", client)
		if err != nil {
			t.Fatalf("authenticate: %v", err)
		}
		if actor.Instance.ID != A.in.ID || actor.KeyID != nk.Key.ID || !actor.Can(access.DataEnter) || !actor.Can(access.ObjectsEdit) ||
			actor.Can(access.InstanceAdmin) || len(actor.Perms) != 2 {
			t.Errorf("key actor: %+v", actor)
		}
		// The key's acts are logged as the key's, by name.
		if _, err := w.app.CreateScorecard(w.ctx, actor, app.ScorecardInput{Title: "From the warehouse"}); err != nil {
			t.Fatal(err)
		}
		if log := keyLog(t, w, A); !slices.Contains(log, "create|API key “Warehouse”|From the warehouse|") {
			t.Errorf("the key's create is not logged as the key's:\n%s", strings.Join(log, "\n"))
		}
		page, err := w.app.APIKeys(w.ctx, A.as("admin"))
		if err != nil || len(page.Keys) != 1 || page.Keys[0].LastUsedAt == nil {
			t.Fatalf("list after use: %v %+v", err, page)
		}
		if len(page.Grantable) != len(access.All) {
			t.Errorf("an administrator may grant %d permissions, want %d", len(page.Grantable), len(access.All))
		}

		refused := []struct {
			what, key, code string
			want            app.Kind
		}{
			{"another instance's path", nk.Secret, "BETA", app.NotFound},
			{"a code of no instance", nk.Secret, "NOPE", app.NotFound},
			{"a malformed code", nk.Secret, "../x", app.NotFound},
			{"the key claiming another instance", "ys_" + strconv.FormatInt(B.in.ID, 10) + nk.Secret[len(prefix)-1:], "BETA", app.Unauthenticated},
			{"a wrong secret", nk.Secret[:len(nk.Secret)-2] + "xx", "ALPHA", app.Unauthenticated},
			{"empty", "", "ALPHA", app.Unauthenticated},
			{"no prefix", nk.Secret[3:], "ALPHA", app.Unauthenticated},
			{"no instance", "ys__abc", "ALPHA", app.Unauthenticated},
			{"instance zero", "ys_0_abc", "ALPHA", app.Unauthenticated},
			{"huge instance", "ys_99999999999999999999_abc", "ALPHA", app.Unauthenticated},
			{"no secret", prefix, "ALPHA", app.Unauthenticated},
			{"NUL", nk.Secret + "\x00", "ALPHA", app.Unauthenticated},
			{"huge", nk.Secret + strings.Repeat("a", 100000), "ALPHA", app.Unauthenticated},
		}
		for _, r := range refused {
			if _, err := w.app.AuthenticateKey(w.ctx, r.key, r.code, client); kindOf(err) != r.want {
				t.Errorf("%s: %v (kind %d), want kind %d", r.what, err, kindOf(err), r.want)
			}
		}

		// Revoking: another instance cannot, it takes effect at once, and
		// happens once.
		if err := w.app.RevokeAPIKey(w.ctx, B.as("admin"), nk.Key.ID); kindOf(err) != app.NotFound {
			t.Errorf("revoke from BETA: %v, want NotFound", err)
		}
		if err := w.app.RevokeAPIKey(w.ctx, A.as("admin"), nk.Key.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.AuthenticateKey(w.ctx, nk.Secret, "ALPHA", client); kindOf(err) != app.Unauthenticated {
			t.Errorf("revoked key: %v, want Unauthenticated", err)
		}
		if err := w.app.RevokeAPIKey(w.ctx, A.as("admin"), nk.Key.ID); kindOf(err) != app.Conflict {
			t.Errorf("second revoke: %v, want Conflict", err)
		}
		log := keyLog(t, w, A)
		for _, want := range []string{
			"api_key_created|admin|Warehouse|prefix=" + nk.Key.Prefix + ";permissions=objects.edit, data.enter;expires=never;scorecards=per permissions",
			"api_key_revoked|admin|Warehouse|prefix=" + nk.Key.Prefix,
		} {
			if !slices.Contains(log, want) {
				t.Errorf("log lacks %q:\n%s", want, strings.Join(log, "\n"))
			}
		}
	})
}

// TestAPIKeyExpiry: a key works through its last day in the instance's
// time zone and not after.
func TestAPIKeyExpiry(t *testing.T) {
	db := testkit.NewSQLite(t)
	w := newPW(t, db)
	A := w.site("ALPHA", "Alpha")
	admin := A.member("admin", access.PresetAdministration)
	last := testkit.Epoch.AddDate(0, 0, 3).Format("2006-01-02")
	nk, err := w.app.CreateAPIKey(w.ctx, admin, app.APIKeyInput{Name: "Short", Permissions: []string{"data.enter"}, Expires: last})
	if err != nil {
		t.Fatal(err)
	}
	if nk.Key.ExpiresAt == nil {
		t.Fatal("no expiry stored")
	}
	db.Clock.Set(nk.Key.ExpiresAt.Add(-time.Second))
	if _, err := w.app.AuthenticateKey(w.ctx, nk.Secret, "ALPHA", app.Client{}); err != nil {
		t.Errorf("on its last day: %v", err)
	}
	db.Clock.Set(*nk.Key.ExpiresAt)
	if _, err := w.app.AuthenticateKey(w.ctx, nk.Secret, "ALPHA", app.Client{}); kindOf(err) != app.Unauthenticated {
		t.Errorf("after its last day: %v, want Unauthenticated", err)
	}
	page, err := w.app.APIKeys(w.ctx, A.as("admin"))
	if err != nil || len(page.Keys) != 1 || !page.Keys[0].Expired || page.Keys[0].Live() {
		t.Errorf("list after expiry: %v %+v", err, page)
	}
}

// TestAPIKeyRefusals: only instance.admin manages keys; a key gets no
// permission its creator lacks; bad input names its field; nothing is
// written by a refusal.
func TestAPIKeyRefusals(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha")
		A.member("admin", access.PresetAdministration)
		A.member("builder", access.PresetScorecardBuilder)
		// A custom administrator: instance.admin and data entry, nothing else.
		A.member("keeper", "")
		if _, err := db.Store.DB().Exec(`UPDATE memberships SET permissions = 'instance.admin,data.enter' WHERE id = $1`, A.ms["keeper"].ID); err != nil {
			t.Fatal(err)
		}
		yesterday := testkit.Epoch.AddDate(0, 0, -1).Format("2006-01-02")
		for _, tc := range []struct {
			who   string
			in    app.APIKeyInput
			kind  app.Kind
			field string
			msg   string
		}{
			{"builder", app.APIKeyInput{Name: "k", Permissions: []string{"data.enter"}}, app.Forbidden, "", "Instance Admin"},
			{"keeper", app.APIKeyInput{Name: "k", Permissions: []string{"data.enter", "scorecards.all", "users.manage"}}, app.Forbidden, "",
				"You cannot grant permissions you do not hold yourself: Manage Users, All Scorecards."},
			{"admin", app.APIKeyInput{Name: "  ", Permissions: []string{"data.enter"}}, app.Invalid, "name", "Name is required."},
			{"admin", app.APIKeyInput{Name: strings.Repeat("x", 81)}, app.Invalid, "name", "Name is too long"},
			{"admin", app.APIKeyInput{Name: "a\x00b"}, app.Invalid, "name", ""},
			{"admin", app.APIKeyInput{Name: "k", Permissions: []string{"root"}}, app.Invalid, "permissions", "Unknown permission"},
			{"admin", app.APIKeyInput{Name: "k", Expires: "tomorrow"}, app.Invalid, "expires", "YYYY-MM-DD"},
			{"admin", app.APIKeyInput{Name: "k", Expires: yesterday}, app.Invalid, "expires", "in the past"},
			{"admin", app.APIKeyInput{Name: "k", Expires: "2999-01-01"}, app.Invalid, "expires", "five years"},
		} {
			_, err := w.app.CreateAPIKey(w.ctx, A.as(tc.who), tc.in)
			e, _ := app.AsError(err)
			switch {
			case kindOf(err) != tc.kind:
				t.Errorf("%s %+v: %v (kind %d), want kind %d", tc.who, tc.in, err, kindOf(err), tc.kind)
			case tc.field != "" && !strings.Contains(e.Fields[tc.field], tc.msg):
				t.Errorf("%s %+v: fields %v, want %s: %q", tc.who, tc.in, e.Fields, tc.field, tc.msg)
			case tc.field == "" && !strings.Contains(e.Msg, tc.msg):
				t.Errorf("%s %+v: %q, want %q", tc.who, tc.in, e.Msg, tc.msg)
			}
		}
		if n, err := w.q().CountLiveAPIKeys(w.ctx, A.in.ID); err != nil || n != 0 {
			t.Errorf("refused creates wrote %d keys (%v)", n, err)
		}
		// Within its ceiling the custom administrator succeeds.
		if _, err := w.app.CreateAPIKey(w.ctx, A.as("keeper"), app.APIKeyInput{Name: "k", Permissions: []string{"data.enter"}}); err != nil {
			t.Errorf("within the ceiling: %v", err)
		}
		if _, err := w.app.APIKeys(w.ctx, A.as("builder")); kindOf(err) != app.Forbidden {
			t.Errorf("builder lists keys: %v, want Forbidden", err)
		}
		if err := w.app.RevokeAPIKey(w.ctx, A.as("builder"), 1); kindOf(err) != app.Forbidden {
			t.Errorf("builder revokes: %v, want Forbidden", err)
		}
		if err := w.app.RevokeAPIKey(w.ctx, A.as("admin"), 999999); kindOf(err) != app.NotFound {
			t.Errorf("revoke of no key: %v, want NotFound", err)
		}
	})
}

// TestAPIKeyOutlivesItsCreator: our rule for a deactivated creator is that
// the key keeps working, with exactly its own permissions, until revoked,
// and the API page marks it "creator inactive".
func TestAPIKeyOutlivesItsCreator(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha")
		A.member("admin", access.PresetAdministration)
		creator := A.member("creator", access.PresetAdministration)
		nk, err := w.app.CreateAPIKey(w.ctx, creator, app.APIKeyInput{Name: "Case system", Permissions: []string{"data.enter"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.SetActive(w.ctx, A.as("admin"), A.ms["creator"].ID, false); err != nil {
			t.Fatal(err)
		}
		actor, err := w.app.AuthenticateKey(w.ctx, nk.Secret, "ALPHA", app.Client{})
		if err != nil {
			t.Fatalf("key of an inactive creator: %v", err)
		}
		if keys := actor.Perms.Keys(); !slices.Equal(keys, []string{"data.enter"}) {
			t.Errorf("key of an inactive creator holds %v, want exactly data.enter", keys)
		}
		page, err := w.app.APIKeys(w.ctx, A.as("admin"))
		if err != nil || len(page.Keys) != 1 || !page.Keys[0].CreatorInactive || !page.Keys[0].Live() {
			t.Errorf("list: %v %+v", err, page)
		}
		if err := w.app.RevokeAPIKey(w.ctx, A.as("admin"), nk.Key.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.AuthenticateKey(w.ctx, nk.Secret, "ALPHA", app.Client{}); kindOf(err) != app.Unauthenticated {
			t.Errorf("after revoke: %v, want Unauthenticated", err)
		}
	})
}

// TestAPIKeyScorecards: a key's scorecard assignments (issue 16 point 1):
// chosen among those the creator sees (grant ceiling), never together
// with All Scorecards, required of a creator who sees only assigned ones
// when the key would see every one; the assignments are logged, listed,
// and read with the key; a partner's scorecard assigned to a key goes from
// its view when the share ends, and the key then sees nothing, never more.
func TestAPIKeyScorecards(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, P := w.site("ALPHA", "Alpha"), w.site("PART", "Partner")
		admin := A.member("admin", access.PresetAdministration)
		padmin := P.member("admin", access.PresetAdministration)
		one, two := A.scorecard(admin, "One"), A.scorecard(admin, "Two")
		theirs := P.scorecard(padmin, "Theirs")
		w.connect(P, A)
		w.share(P, A, app.ShareChoice{ScorecardID: theirs.ID})
		id := func(x int64) string { return strconv.FormatInt(x, 10) }
		builder := access.MustPreset(access.PresetScorecardBuilder).Keys()

		// A limited administrator: Administration but only scorecard One.
		A.member("lim", access.PresetAdministration)
		A.setPerms(admin, "lim", access.InstanceAdmin, access.ObjectsEdit, access.DataEnter)
		if err := A.assign(admin, "lim", one.ID); err != nil {
			t.Fatal(err)
		}
		lim := A.as("lim")
		_, err := w.app.CreateAPIKey(w.ctx, lim, app.APIKeyInput{Name: "wide", Permissions: []string{"objects.edit"}})
		wantField(t, "a key wider than its creator's assigned scorecards", err, "scorecards")
		_, err = w.app.CreateAPIKey(w.ctx, lim, app.APIKeyInput{Name: "two", Permissions: []string{"objects.edit"}, Scorecards: []string{id(two.ID)}})
		wantField(t, "a scorecard its creator does not see", err, "scorecards")
		_, err = w.app.CreateAPIKey(w.ctx, admin, app.APIKeyInput{Name: "beta", Scorecards: []string{"x"}})
		wantField(t, "a scorecard id that is not one", err, "scorecards")
		_, err = w.app.CreateAPIKey(w.ctx, admin, app.APIKeyInput{Name: "all", Permissions: []string{"scorecards.all"}, Scorecards: []string{id(one.ID)}})
		wantField(t, "scorecards with All Scorecards", err, "scorecards")
		if _, err := w.app.CreateAPIKey(w.ctx, lim, app.APIKeyInput{Name: "data", Permissions: []string{"data.enter"}}); err != nil {
			t.Errorf("a key that reaches no scorecard, by a limited creator: %v", err)
		}
		nk, err := w.app.CreateAPIKey(w.ctx, lim, app.APIKeyInput{Name: "narrow", Permissions: []string{"objects.edit"}, Scorecards: []string{id(one.ID)}})
		if err != nil {
			t.Fatalf("a key within its creator's scorecards: %v", err)
		}
		if nk.Key.Reach != app.ReachAssigned || len(nk.Key.Scorecards) != 1 || nk.Key.Scorecards[0].Title != "One" {
			t.Errorf("created key's reach: %s %+v", nk.Key.Reach, nk.Key.Scorecards)
		}

		// The administrator assigns one own and the partner's scorecard.
		both, err := w.app.CreateAPIKey(w.ctx, admin, app.APIKeyInput{Name: "both", Permissions: builder, Scorecards: []string{id(theirs.ID), id(two.ID)}})
		if err != nil {
			t.Fatal(err)
		}
		var logged string
		for _, line := range keyLog(t, w, A) {
			if strings.HasPrefix(line, app.ActAPIKeyCreate+"|") && strings.Contains(line, "|both|") {
				logged = line
			}
		}
		if !strings.Contains(logged, "scorecards=") || !strings.Contains(logged, "Two ("+id(two.ID)+")") || !strings.Contains(logged, "Theirs ("+id(theirs.ID)+")") {
			t.Errorf("the creation's log names its scorecards: %q", logged)
		}
		page, err := w.app.APIKeys(w.ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		reach := map[string]string{}
		for _, k := range page.Keys {
			var names []string
			for _, s := range k.Scorecards {
				names = append(names, s.Title)
			}
			reach[k.Name] = k.Reach + ":" + strings.Join(names, ",")
		}
		if reach["both"] != "assigned:Theirs,Two" || reach["narrow"] != "assigned:One" || reach["data"] != "permissions:" {
			t.Errorf("listed reaches: %v", reach)
		}
		if len(page.Choosable) != 3 {
			t.Errorf("the administrator may choose %d scorecards, want 3 (One, Two, Theirs): %+v", len(page.Choosable), page.Choosable)
		}
		limPage, err := w.app.APIKeys(w.ctx, lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(limPage.Choosable) != 1 || limPage.Choosable[0].ID != one.ID || !limPage.Assigned {
			t.Errorf("the limited administrator may choose %+v, want only One", limPage.Choosable)
		}

		w.sees(t, "key both", func() *app.Actor { k, _ := w.app.AuthenticateKey(w.ctx, both.Secret, "ALPHA", app.Client{}); return k },
			map[string]int64{"One": one.ID, "Two": two.ID, "Theirs": theirs.ID}, nil, "Two", "Theirs")

		// The partner stops sharing: its rows go; the key sees Two only.
		w.share(P, A)
		w.sees(t, "key both, share ended", func() *app.Actor { k, _ := w.app.AuthenticateKey(w.ctx, both.Secret, "ALPHA", app.Client{}); return k },
			map[string]int64{"One": one.ID, "Two": two.ID, "Theirs": theirs.ID}, nil, "Two")
		// Two deleted: it sees nothing, never every scorecard.
		if err := w.app.DeleteScorecard(w.ctx, admin, two.ID); err != nil {
			t.Fatal(err)
		}
		w.sees(t, "key both, nothing left", func() *app.Actor { k, _ := w.app.AuthenticateKey(w.ctx, both.Secret, "ALPHA", app.Client{}); return k },
			map[string]int64{"One": one.ID, "Theirs": theirs.ID}, nil)
		var rows int
		if err := db.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM api_key_scorecards WHERE instance_id = $1) +
			(SELECT COUNT(*) FROM api_key_partner_scorecards WHERE instance_id = $1)`, A.in.ID).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("assignment rows left: %d (only narrow's One), %v", rows, err)
		}
	})
}

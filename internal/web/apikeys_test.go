package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// keysEnv is ACME with an administrator (ada), a second administrator
// (carl), a custom administrator holding only instance.admin and data
// entry (kim), and a Scorecard Builder (bob); BETA has its own admin.
type keysEnv struct {
	*env
	in, beta       model.Instance
	ada, kim, bob  *client
	carlMembership int64
	adaActor       func() *app.Actor
	betaAdminActor func() *app.Actor
}

func newKeysEnv(t *testing.T, db *testkit.DB) *keysEnv {
	t.Helper()
	e := newEnv(t, db)
	k := &keysEnv{env: e, in: e.instance("ACME", "Acme"), beta: e.instance("BETA", "Beta")}
	adaAcct, _ := e.member(k.in, "ada@example.org", access.PresetAdministration)
	_, carl := e.member(k.in, "carl@example.org", access.PresetAdministration)
	k.carlMembership = carl.ID
	_, kim := e.member(k.in, "kim@example.org", "")
	setPerms(t, e, kim.ID, access.MustSet(access.InstanceAdmin, access.DataEnter))
	e.member(k.in, "bob@example.org", access.PresetScorecardBuilder)
	betaAcct, _ := e.member(k.beta, "boss@example.org", access.PresetAdministration)
	actor := func(acct model.Account, code string) func() *app.Actor {
		return func() *app.Actor {
			a, err := e.app.ActorFor(ctx, app.Session{Account: acct}, code, app.Client{})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	k.adaActor, k.betaAdminActor = actor(adaAcct, "ACME"), actor(betaAcct, "BETA")
	k.ada, k.kim, k.bob = e.client(), e.client(), e.client()
	k.ada.login("ada@example.org", testkit.Password)
	k.kim.login("kim@example.org", testkit.Password)
	k.bob.login("bob@example.org", testkit.Password)
	return k
}

// keyCount is "keys:revoked" of every instance.
func (k *keysEnv) keyCount() string {
	k.t.Helper()
	var v string
	if err := k.store.DB().QueryRow(`SELECT COUNT(*) || ':' || COUNT(revoked_at) FROM api_keys`).Scan(&v); err != nil {
		k.t.Fatal(err)
	}
	return v
}

var secretRE = regexp.MustCompile(`ys_[0-9]+_[A-Za-z0-9_-]{43}`)

// TestAPIKeysPage: create shows the secret once, the list shows what it
// should and never the secret, the key authenticates, revoke ends it.
func TestAPIKeysPage(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		k := newKeysEnv(t, db)
		expect(t, "empty page", k.ada.get("/i/ACME/admin/api"), http.StatusOK,
			"API keys", "No keys yet.", "Create a key", `name="perm" value="data.enter"`, `name="perm" value="instance.admin"`)
		expect(t, "admin menu", k.ada.get("/i/ACME/admin/users"), http.StatusOK, `href="/i/ACME/admin/api"`)
		if r := k.bob.get("/i/ACME/"); strings.Contains(r.Body, `href="/i/ACME/admin/api"`) {
			t.Errorf("a Scorecard Builder's menu links the API page")
		}

		r := k.ada.post("/i/ACME/admin/api", "name", "Warehouse", "expires", "", "perm", "data.enter", "perm", "objects.edit")
		expect(t, "create", r, http.StatusOK, "Key “Warehouse” created", "shown only this once")
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("create answered Cache-Control %q, want no-store", cc)
		}
		secret := secretRE.FindString(r.Body)
		if secret == "" || !strings.HasPrefix(secret, "ys_"+strconv.FormatInt(k.in.ID, 10)+"_") {
			t.Fatalf("no secret of ACME in the answer: %s", excerpt(r.Body))
		}
		page := k.ada.get("/i/ACME/admin/api")
		expect(t, "list", page, http.StatusOK, "Warehouse", secret[:len("ys_")+len(strconv.FormatInt(k.in.ID, 10))+7]+"…",
			"Custom: Add/Edit Scorecard Objects, Data Entry", "ada@example.org", "Active")
		if strings.Contains(page.Body, secret) || secretRE.MatchString(page.Body) {
			t.Errorf("the list shows a secret again")
		}
		if _, err := k.app.AuthenticateKey(ctx, secret, "ACME", app.Client{}); err != nil {
			t.Fatalf("the created key does not authenticate: %v", err)
		}
		if r := k.ada.get("/i/ACME/admin/api"); strings.Count(r.Body, ">Never<") != 1 {
			t.Errorf("after use, want only the expiry to say Never: %s", excerpt(r.Body))
		}
		log := k.ada.get("/i/ACME/admin/activity")
		expect(t, "activity log", log, http.StatusOK, "Created an API key", "Warehouse")
		if strings.Contains(log.Body, secret[len(secret)-43:]) {
			t.Errorf("the activity log shows the secret")
		}

		// Revoke: another instance cannot reach the key; ACME's admin can,
		// once; the key stops working at once.
		keys, err := k.app.APIKeys(ctx, k.adaActor())
		if err != nil || len(keys.Keys) != 1 {
			t.Fatalf("keys: %v %+v", err, keys)
		}
		path := "/i/ACME/admin/api/" + strconv.FormatInt(keys.Keys[0].ID, 10) + "/revoke"
		boss := k.client()
		boss.login("boss@example.org", testkit.Password)
		before := k.keyCount()
		expect(t, "revoke from BETA's path", boss.post("/i/BETA/admin/api/"+strconv.FormatInt(keys.Keys[0].ID, 10)+"/revoke"), http.StatusNotFound)
		expect(t, "revoke on ACME's path by BETA's admin", boss.post(path), http.StatusNotFound)
		expect(t, "revoke by a builder", k.bob.post(path), http.StatusForbidden)
		if after := k.keyCount(); after != before {
			t.Errorf("refused revokes changed the keys: %s → %s", before, after)
		}
		r = k.ada.post(path)
		expect(t, "revoke", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/admin/api?saved=revoked" {
			t.Errorf("revoke redirected to %q", r.Location)
		}
		expect(t, "after revoke", k.ada.get(r.Location), http.StatusOK, "stops working with the next request", "Revoked")
		if _, err := k.app.AuthenticateKey(ctx, secret, "ACME", app.Client{}); app.KindOf(err) != app.Unauthenticated {
			t.Errorf("revoked key: %v", err)
		}
		expect(t, "second revoke", k.ada.post(path), http.StatusConflict, "is revoked already")
		expect(t, "revoke of no key", k.ada.post("/i/ACME/admin/api/99999/revoke"), http.StatusNotFound)
		expect(t, "revoke of a malformed id", k.ada.post("/i/ACME/admin/api/x1/revoke"), http.StatusNotFound)
	})
}

// TestAPIKeysRefusals: bad input names its field and keeps what was typed;
// a permission beyond the creator's own is refused and logged; nothing is
// written by any of them.
func TestAPIKeysRefusals(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		k := newKeysEnv(t, db)
		// Kim's form offers only what Kim holds.
		r := k.kim.get("/i/ACME/admin/api")
		expect(t, "custom admin's page", r, http.StatusOK, `value="data.enter"`, `value="instance.admin"`)
		if strings.Count(r.Body, `name="perm"`) != 2 {
			t.Errorf("custom admin is offered %d permissions, want 2", strings.Count(r.Body, `name="perm"`))
		}
		expect(t, "builder's page", k.bob.get("/i/ACME/admin/api"), http.StatusForbidden)
		expect(t, "builder creates", k.bob.post("/i/ACME/admin/api", "name", "x", "perm", "data.enter"), http.StatusForbidden)

		before := k.keyCount()
		for _, tc := range []struct {
			name   string
			c      *client
			form   []string
			status int
			want   []string
		}{
			{"no name", k.ada, []string{"name", " ", "perm", "data.enter"}, http.StatusUnprocessableEntity,
				[]string{"Name is required.", `value="data.enter" id="perm-data.enter" checked`}},
			{"long name", k.ada, []string{"name", strings.Repeat("n", 5000)}, http.StatusUnprocessableEntity, []string{"Name is too long"}},
			{"NUL in name", k.ada, []string{"name", "a\x00b"}, http.StatusUnprocessableEntity, nil},
			{"html name", k.ada, []string{"name", "<script>x</script>", "expires", "soon"}, http.StatusUnprocessableEntity,
				[]string{"&lt;script&gt;", "YYYY-MM-DD"}},
			{"unknown permission", k.ada, []string{"name", "k", "perm", "root"}, http.StatusUnprocessableEntity, []string{"Unknown permission"}},
			{"past expiry", k.ada, []string{"name", "k", "expires", "2000-01-01"}, http.StatusUnprocessableEntity, []string{"cannot be in the past"}},
			{"beyond the creator", k.kim, []string{"name", "k", "perm", "data.enter", "perm", "scorecards.all"}, http.StatusForbidden,
				[]string{"You cannot grant permissions you do not hold yourself: All Scorecards."}},
		} {
			r := tc.c.post("/i/ACME/admin/api", tc.form...)
			expect(t, tc.name, r, tc.status, tc.want...)
			if strings.Contains(r.Body, "<script>x") {
				t.Errorf("%s: name not escaped", tc.name)
			}
			if secretRE.MatchString(r.Body) {
				t.Errorf("%s: a refused create shows a key", tc.name)
			}
			if after := k.keyCount(); after != before {
				t.Errorf("%s: wrote a key (%s → %s)", tc.name, before, after)
			}
		}
		expect(t, "refusal logged", k.ada.get("/i/ACME/admin/activity"), http.StatusOK, "Refused", "You cannot grant permissions")
		// Within the ceiling Kim succeeds.
		expect(t, "within the ceiling", k.kim.post("/i/ACME/admin/api", "name", "Case system", "perm", "data.enter"), http.StatusOK, "created")
	})
}

// TestAPIKeysCreatorInactive: a deactivated creator's key keeps working
// and the page marks it (our rule; see internal/app/apikeys.go).
func TestAPIKeysCreatorInactive(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		k := newKeysEnv(t, db)
		carl := k.client()
		carl.login("carl@example.org", testkit.Password)
		r := carl.post("/i/ACME/admin/api", "name", "Funder feed", "perm", "data.enter")
		expect(t, "create", r, http.StatusOK, "created")
		secret := secretRE.FindString(r.Body)
		if r := k.ada.get("/i/ACME/admin/api"); strings.Contains(r.Body, `class="badge">creator inactive`) {
			t.Errorf("an active creator's key is marked inactive")
		}
		if err := k.app.SetActive(ctx, k.adaActor(), k.carlMembership, false); err != nil {
			t.Fatal(err)
		}
		expect(t, "list", k.ada.get("/i/ACME/admin/api"), http.StatusOK, "Funder feed", `class="badge">creator inactive`, "Active")
		if _, err := k.app.AuthenticateKey(ctx, secret, "ACME", app.Client{}); err != nil {
			t.Errorf("the key of an inactive creator: %v", err)
		}
	})
}

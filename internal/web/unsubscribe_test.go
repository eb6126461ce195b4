package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// digestToken records a digest of kind sent to a membership the way
// RunDigests does (store.SendDigests) and returns the token of its
// unsubscribe link.
func digestToken(t *testing.T, e *env, instanceID, membershipID int64, kind, period string) string {
	t.Helper()
	mailKind, noticeKind := mail.KindDigestWeekly, model.NotifyDigestWeekly
	if kind == app.DigestMonthly {
		mailKind, noticeKind = mail.KindDigestMonthly, model.NotifyDigestMonthly
	}
	err := e.store.InTx(ctx, func(q *store.Q) error {
		sent, err := q.SendDigests(ctx, kind, []store.DigestSend{{InstanceID: instanceID, MembershipID: membershipID, Period: period,
			Mail:   model.OutboxMessage{InstanceID: &instanceID, Kind: mailKind, To: "someone@example.org", Subject: "Digest", Body: "Digest"},
			Notice: model.Notification{InstanceID: instanceID, MembershipID: membershipID, Kind: noticeKind, Title: "Digest"}}})
		if err == nil && len(sent) != 1 {
			err = errors.New("the digest was recorded before")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return signedToken(t, e, instanceID, membershipID, kind, period)
}

func signedToken(t *testing.T, e *env, instanceID, membershipID int64, kind, period string) string {
	t.Helper()
	token, err := e.app.DigestUnsubscribeToken(ctx, instanceID, membershipID, kind, period)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// unsubscribeToken records a weekly digest sent to a membership, as a
// digest run would, without the digest's mail (the authorization
// matrix's fixture, whose other tests count mail), and returns its
// unsubscribe link's token.
func unsubscribeToken(t *testing.T, e *env, instanceID, membershipID int64) string {
	t.Helper()
	if _, err := e.store.DB().Exec(`INSERT INTO digest_sends (instance_id, membership_id, kind, period, sent_at) VALUES ($1, $2, $3, $4, $5)`,
		instanceID, membershipID, app.DigestWeekly, "2026-03-09", e.db.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	return signedToken(t, e, instanceID, membershipID, app.DigestWeekly, "2026-03-09")
}

// digests reads a membership's digest switches.
func digests(t *testing.T, e *env, instanceID, membershipID int64) (weekly, monthly bool) {
	t.Helper()
	if err := e.store.DB().QueryRow(`SELECT digest_weekly, digest_monthly FROM memberships WHERE instance_id = $1 AND id = $2`,
		instanceID, membershipID).Scan(&weekly, &monthly); err != nil {
		t.Fatal(err)
	}
	return weekly, monthly
}

// unsubscribeState is what an unsubscribe link could change: the
// memberships' switches and versions, the links used, the log, on both
// databases (the matrix's fingerprint is SQLite's).
func unsubscribeState(t *testing.T, e *env) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT COUNT(*), SUM(version), SUM(CASE WHEN digest_weekly THEN 1 ELSE 0 END), SUM(CASE WHEN digest_monthly THEN 1 ELSE 0 END) FROM memberships`,
		`SELECT COUNT(*), COUNT(link_used_at), 0, 0 FROM digest_sends`,
		`SELECT COUNT(*), 0, 0, 0 FROM activity_log`,
	} {
		var a, b, c, d int64
		if err := e.store.DB().QueryRow(q).Scan(&a, &b, &c, &d); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, fmt.Sprint(a, b, c, d))
	}
	return strings.Join(out, " ")
}

// oneClick posts RFC 8058's one-click body as a mail provider would: no
// cookie, from another site, URL-encoded or (the RFC's preference)
// multipart.
func oneClick(t *testing.T, e *env, path string, asMultipart bool) resp {
	t.Helper()
	body, ctype := "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"
	if asMultipart {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("List-Unsubscribe", "One-Click")
		mw.Close()
		body, ctype = b.String(), mw.FormDataContentType()
	}
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", "https://mail.example.com")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: string(b), Header: res.Header}
}

var unsubscribeLink = regexp.MustCompile(`http://yardstick\.test(/unsubscribe/[0-9]+_[0-9]+_[wm][0-9]{8}_[A-Z2-7]{26})`)

// A digest's unsubscribe link, from the digest a run sends: GET shows
// what it stops and changes nothing; POST turns off that digest of that
// membership only (the account's membership of another instance keeps
// its digest), once, and logs it in the instance; a token naming another
// instance, and malformed ones, are 404.
func TestUnsubscribe(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		acme, beta := e.instance("ACME", "Acme"), e.instance("BETA", "Beta")
		adaAcct, inAcme := e.member(acme, "ada@example.org", access.PresetAdministration)
		_, inBeta := e.member(beta, "ada@example.org", access.PresetAdministration)
		if _, err := e.store.DB().Exec(`UPDATE memberships SET digest_weekly = TRUE, digest_monthly = TRUE WHERE account_id = $1`, adaAcct.ID); err != nil {
			t.Fatal(err)
		}
		// One favourite measure with data in ACME.
		ada, err := e.app.ActorFor(ctx, app.Session{Account: adaAcct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		types, _ := e.app.Types(ctx, ada, "")
		freqs, _ := e.app.Frequencies(ctx, ada)
		typeID := map[string]int64{}
		for _, ty := range types {
			typeID[ty.Name] = ty.ID
		}
		sc, err := e.app.CreateScorecard(ctx, ada, app.ScorecardInput{Title: "Community"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.app.CreateObject(ctx, ada, app.ObjectInput{Kind: model.KindContainer, TypeID: typeID["Result"], Title: "Ready"},
			app.Placement{ScorecardID: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.app.CreateObject(ctx, ada, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID["Indicator"], Title: "Readiness",
			Decimals: "0", Polarity: "higher", FrequencyID: freqs[1].ID}, app.Placement{ParentID: res.ID})
		if err != nil {
			t.Fatal(err)
		}
		fr := app.FrequencyOf(freqs[1])
		if _, err := e.app.SaveData(ctx, ada, m.ID, []app.DataEntry{{PeriodKey: fr.Key(fr.Prev(fr.At(db.Clock.Now()))), Actual: "42", Target: "50"}}); err != nil {
			t.Fatal(err)
		}
		if err := e.app.Star(ctx, ada, m.ID, true); err != nil {
			t.Fatal(err)
		}

		// The weekly run on Monday 07:00 UTC mails ACME's digest (BETA has
		// nothing to say) with its link.
		db.Clock.Set(time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC))
		run, err := e.app.RunDigests(ctx, app.DigestWeekly)
		if err != nil || run.Sent != 1 {
			t.Fatalf("digest run: %+v, %v", run, err)
		}
		var body string
		if err := e.store.DB().QueryRow(`SELECT body FROM outbox WHERE kind = $1`, mail.KindDigestWeekly).Scan(&body); err != nil {
			t.Fatal(err)
		}
		found := unsubscribeLink.FindStringSubmatch(body)
		if found == nil {
			t.Fatalf("no unsubscribe link in the digest:\n%s", body)
		}
		link := found[1]
		token := strings.TrimPrefix(link, "/unsubscribe/")
		_, secret, _ := strings.Cut(token, "_")
		betaLink := "/unsubscribe/" + strconv.FormatInt(beta.ID, 10) + "_" + secret

		anon := e.client()
		before := unsubscribeState(t, e)
		// GET asks and changes nothing, however often (mail scanners).
		for range 2 {
			expect(t, "the link", anon.get(link), http.StatusOK,
				"<h1>Stop the weekly digest for Acme?</h1>", "a•••@example.org", `action="`+link+`"`, "favourite measures and open actions")
		}
		if r := anon.get(link); r.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("the link's page: Referrer-Policy %q", r.Header.Get("Referrer-Policy"))
		}
		if after := unsubscribeState(t, e); after != before {
			t.Errorf("GET changed the database:\n%s\n%s", before, after)
		}
		// The same signature under another instance's id, for another
		// membership, digest or period, and malformed tokens: 404 with a
		// clear message, never a 500, nothing changed.
		parts := strings.Split(token, "_")
		swap := func(i int, to string) string {
			p := slices.Clone(parts)
			p[i] = to
			return "/unsubscribe/" + strings.Join(p, "_")
		}
		forged := []string{swap(1, strconv.FormatInt(inBeta.ID, 10)), swap(1, strconv.FormatInt(inAcme.ID+1000, 10)),
			swap(2, "m"+parts[2][1:]), swap(2, "w20260316"), swap(3, strings.Repeat("A", 26)), swap(3, parts[3][:25]),
			swap(0, "0"+parts[0]), swap(1, "0"+parts[1])}
		for _, bad := range append(forged, betaLink, "/unsubscribe/not-a-token", "/unsubscribe/0_"+secret, "/unsubscribe/"+token+"x",
			"/unsubscribe/"+strconv.FormatInt(acme.ID, 10)+"_", "/unsubscribe/_"+secret, "/unsubscribe/-1_"+secret,
			"/unsubscribe/99999999999999999999_"+secret, "/unsubscribe/"+token+strings.Repeat("A", 200),
			"/unsubscribe/"+strconv.FormatInt(acme.ID, 10)+"_"+strings.ToLower(secret)) {
			expect(t, "GET "+bad, anon.get(bad), http.StatusNotFound, "This unsubscribe link is not valid.")
			expect(t, "POST "+bad, anon.post(bad), http.StatusNotFound, "This unsubscribe link is not valid.")
		}
		if r := anon.get("/unsubscribe/" + strconv.FormatInt(acme.ID, 10) + "_abc%00def"); r.Status >= 500 || r.Status == 200 {
			t.Errorf("a token with NUL: %d", r.Status)
		}
		if after := unsubscribeState(t, e); after != before {
			t.Errorf("bad links changed the database:\n%s\n%s", before, after)
		}

		// POST (the page's button) turns off ACME's weekly digest only.
		expect(t, "stop", anon.post(link), http.StatusOK, "<h1>The weekly digest is off</h1>", `role="status"`,
			"You will no longer receive the weekly digest for Acme at a•••@example.org.", `href="/i/ACME/preferences"`)
		if w, mo := digests(t, e, acme.ID, inAcme.ID); w || !mo {
			t.Errorf("ACME after the link: weekly %v monthly %v, want off and on", w, mo)
		}
		if w, mo := digests(t, e, beta.ID, inBeta.ID); !w || !mo {
			t.Errorf("BETA after ACME's link: weekly %v monthly %v, want both on", w, mo)
		}
		// Once only: the second use says so and changes nothing.
		used := unsubscribeState(t, e)
		expect(t, "second use", anon.post(link), http.StatusOK, "<h1>This link was already used</h1>", `href="/i/ACME/preferences"`)
		expect(t, "the used link", anon.get(link), http.StatusOK, "<h1>This link was already used</h1>")
		if r := anon.get(link); strings.Contains(r.Body, `action="`+link+`"`) {
			t.Error("the used link's page still has the button")
		}
		if after := unsubscribeState(t, e); after != used {
			t.Errorf("a used link changed the database:\n%s\n%s", used, after)
		}

		// The log of ACME records it, by nobody signed in; BETA's does not.
		logOf := func(in model.Instance) []string {
			page, err := e.store.Q().ListActivity(ctx, in.ID, store.ActivityFilter{From: testkit.Epoch.AddDate(-1, 0, 0), To: testkit.Epoch.AddDate(1, 0, 0),
				Activity: app.ActUpdate, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range page.Entries {
				line := x.ActorName + "|" + x.ObjectType + "|" + x.ObjectName + "|" + x.Outcome
				for _, c := range x.Changes {
					line += "|" + c.Field + ":" + c.Before + "→" + c.After
				}
				out = append(out, line)
			}
			return out
		}
		want := "Not signed in|member|ada@example.org|succeeded|weekly digest:true→false|through:→the unsubscribe link of a weekly digest"
		if got := logOf(acme); len(got) != 1 || got[0] != want {
			t.Errorf("ACME's log: %q, want [%q]", got, want)
		}
		if got := logOf(beta); len(got) != 0 {
			t.Errorf("BETA's log: %q", got)
		}

		// RFC 8058's one-click post, from a mail provider on another site
		// with no cookie: multipart (ACME's monthly digest) and URL-encoded
		// (BETA's weekly). A browser's cross-site form is still refused
		// elsewhere (the cross-origin protection stands).
		monthly := "/unsubscribe/" + digestToken(t, e, acme.ID, inAcme.ID, app.DigestMonthly, "2026-03-01")
		expect(t, "one-click, multipart", oneClick(t, e, monthly, true), http.StatusOK, "<h1>The monthly digest is off</h1>")
		if w, mo := digests(t, e, acme.ID, inAcme.ID); w || mo {
			t.Errorf("ACME after the monthly link: weekly %v monthly %v, want both off", w, mo)
		}
		weekly := "/unsubscribe/" + digestToken(t, e, beta.ID, inBeta.ID, app.DigestWeekly, "2026-03-09")
		expect(t, "one-click, URL-encoded", oneClick(t, e, weekly, false), http.StatusOK, "<h1>The weekly digest is off</h1>", "for Beta")
		if w, mo := digests(t, e, beta.ID, inBeta.ID); w || !mo {
			t.Errorf("BETA after its weekly link: weekly %v monthly %v, want off and on", w, mo)
		}
		expect(t, "one-click again", oneClick(t, e, weekly, false), http.StatusOK, "This link was already used")
		if r := oneClick(t, e, "/forgot", false); r.Status != http.StatusForbidden {
			t.Errorf("a cross-site post to /forgot: %d, want 403", r.Status)
		}
		// A multipart body is still refused where no route takes one.
		if r := oneClick(t, e, "/reset/"+token, true); r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("multipart to /reset: %d, want 415", r.Status)
		}
	})
}

// The use cases refuse a malformed token before any look-up, as not
// found: control characters, bytes that are not UTF-8, over-long ones.
func TestUnsubscribeTokenShapes(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	id := strconv.FormatInt(in.ID, 10)
	mac := strings.Repeat("A", 26)
	for _, tok := range []string{"", "_", id, id + "_", id + "_1_w20260309_", id + "_1_w20260309_abc\x00defghijklmnopqrstuvw",
		id + "_1_w20260309_\xff\xfeCDEFGHIJKLMNOPQRSTUVWX", id + "_1_w20260309_" + strings.Repeat("A", 100), " " + id + "_1_w20260309_" + mac,
		"+" + id + "_1_w20260309_" + mac, id + "_+1_w20260309_" + mac, id + "_0_w20260309_" + mac, id + "_1_x20260309_" + mac,
		id + "_1_w20261399_" + mac, id + "_1_w2026030_" + mac, id + "_1_w20260309_" + mac[:25] + "1", id + "_1_w20260309_" + mac + "_",
		id + "_1_w20260309_" + mac[:25] + "-", id + "_1_w20260309_" + mac, id + "_1_m20260301_" + mac} {
		if _, err := e.app.UnsubscribeInfo(ctx, tok); app.KindOf(err) != app.NotFound {
			t.Errorf("info %q: %v, want not found", tok, err)
		}
		if _, err := e.app.Unsubscribe(ctx, tok, app.Client{}); app.KindOf(err) != app.NotFound {
			t.Errorf("unsubscribe %q: %v, want not found", tok, err)
		}
	}
	if got := app.MaskEmail("ada@example.org"); got != "a•••@example.org" {
		t.Errorf("MaskEmail: %q", got)
	}
	if got := app.MaskEmail("élodie@example.org"); got != "é•••@example.org" {
		t.Errorf("MaskEmail: %q", got)
	}
}

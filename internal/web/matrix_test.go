package web_test

import (
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/testkit"
)

// The personas of the authorization matrix, in the order of each row's
// expectation string. Denied personas run first and the permitted last,
// so a permitted write (a delete) cannot hide a wrongly permitted one.
//
// "partner" is an administrator of BETA, a partner of ACME that ACME
// shares the fixture's scorecard with (read-only); it requests the same
// ids under its own instance, /i/BETA/…, where shared content lives for it.
var personas = []string{"anon", "other", "inactive", "partner", "presenter", "dataentry", "builder", "custom", "admin"}

// Expectations: A allowed (any answer but 401/403/404 or a redirect to
// sign-in), F forbidden (403), N not found (404), L sent to sign in.
var matrix = map[string]string{
	"GET /healthz":         "AAAAAAAAA",
	"GET /readyz":          "AAAAAAAAA",
	"GET /metrics":         "AAAAAAAAA",
	"GET /static/":         "NNNNNNNNN",
	"GET /{$}":             "LAAAAAAAA",
	"GET /setup":           "NNNNNNNNN",
	"POST /setup":          "NNNNNNNNN",
	"GET /login":           "AAAAAAAAA",
	"POST /login":          "AAAAAAAAA",
	"POST /logout":         "LLLLLLLLL",
	"GET /api/v1/docs":     "AAAAAAAAA",
	"GET /forgot":          "AAAAAAAAA",
	"POST /forgot":         "AAAAAAAAA",
	"GET /reset/{token}":   "NNNNNNNNN",
	"POST /reset/{token}":  "NNNNNNNNN",
	"GET /signin/{token}":  "NNNNNNNNN",
	"POST /signin/{token}": "NNNNNNNNN",

	"GET /account/password":  "LAAAAAAAA",
	"POST /account/password": "LAAAAAAAA",
	"GET /instances":         "LAAAAAAAA",
	"GET /account":           "LAAAAAAAA",
	"POST /account":          "LAAAAAAAA",
	"POST /account/email":    "LAAAAAAAA",
	"GET /email/{token}":     "NNNNNNNNN",
	"POST /email/{token}":    "NNNNNNNNN",
	// A digest's unsubscribe link: the token is the key, whoever holds it
	// (the fixture's, of the spare member's weekly digest; a used one still
	// answers 200, saying so). Bad tokens: unsubscribe_test.go.
	"GET /unsubscribe/{token}":  "AAAAAAAAA",
	"POST /unsubscribe/{token}": "AAAAAAAAA",

	// {id}: DELTA's invitation of the admin account; every other account's is 404.
	"GET /invitations":               "LAAAAAAAA",
	"POST /invitations/{id}/accept":  "LNNNNNNNA",
	"POST /invitations/{id}/decline": "LNNNNNNNA",

	"GET /i/{code}/{$}":          "LNNAAAAAA",
	"GET /i/{code}/preferences":  "LNNAAAAAA",
	"POST /i/{code}/preferences": "LNNAAAAAA",
	// A member's own notifications (issue 15); the partner reads its own
	// under BETA.
	"GET /i/{code}/notifications":       "LNNAAAAAA",
	"POST /i/{code}/notifications/read": "LNNAAAAAA",
	"GET /i/{code}/scorecards":          "LNNAAAAAA",
	"GET /i/{code}/scorecards/new":      "LNNAFFAFA",
	// The scorecard switcher and favourite scorecards (issue 28): any member.
	"GET /i/{code}/scorecards/jump":                            "LNNAAAAAA",
	"POST /i/{code}/scorecards/{id}/star":                      "LNNAAAAAA",
	"POST /i/{code}/scorecards/{id}/lock":                      "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}/dividers":                  "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}/dividers/{divider}":        "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}/dividers/{divider}/move":   "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}/dividers/{divider}/delete": "LNNFFFAFA",
	"POST /i/{code}/scorecards":                                "LNNAFFAFA",
	"GET /i/{code}/scorecards/{id}":                            "LNNAAAAAA",
	"GET /i/{code}/scorecards/{id}/scores":                     "LNNAAAAAA",
	"GET /i/{code}/scorecards/{id}/edit":                       "LNNFFFAFA",
	// History tabs (issue 28): a partner sees the content, not its log.
	"GET /i/{code}/scorecards/{id}/history":  "LNNFAAAAA",
	"GET /i/{code}/scorecards/{id}/copy":     "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}/copy":    "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}":         "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}/delete":  "LNNFFFAFA",
	"POST /i/{code}/scorecards/{id}/members": "LNNAFFFAA",
	// Embed codes: the switch needs objects.edit and embed; the codes
	// embed. A partner may not embed what it is shared (403); {id} of
	// /embeds/ is the fixture's code of the measure, another instance's
	// id to the partner (404).
	"POST /i/{code}/scorecards/{id}/embed":  "LNNFFFAFA",
	"GET /i/{code}/scorecards/{id}/embeds":  "LNNFFFAFA",
	"POST /i/{code}/on/{on}/{id}/embeds":    "LNNFFFAFA",
	"POST /i/{code}/embeds/{id}/regenerate": "LNNNFFAFA",
	"POST /i/{code}/embeds/{id}/revoke":     "LNNNFFAFA",
	"GET /i/{code}/objects":                 "LNNAAAAAA",
	"GET /i/{code}/objects/new":             "LNNAFFAFA",
	"POST /i/{code}/objects":                "LNNAFFAFA",
	"GET /i/{code}/objects/{id}":            "LNNAAAAAA",
	"GET /i/{code}/objects/{id}/edit":       "LNNFFFAFA",
	"GET /i/{code}/objects/{id}/history":    "LNNFAAAAA",
	"POST /i/{code}/objects/{id}":           "LNNFFFAFA",
	"POST /i/{code}/objects/{id}/delete":    "LNNFFFAFA",
	"POST /i/{code}/objects/{id}/data":      "LNNFFAAAA",
	"POST /i/{code}/objects/{id}/paste":     "LNNFFAAAA",
	"POST /i/{code}/objects/{id}/baseline":  "LNNFFFAFA",
	"POST /i/{code}/objects/{id}/graph":     "LNNFFFAFA",
	"POST /i/{code}/objects/{id}/star":      "LNNAAAAAA",
	// Calculated measures (issue 22): objects.edit on an own measure; a
	// partner's is read-only (403). Clearing the fixture's measure, not
	// calculated, is a 409 for those allowed.
	"GET /i/{code}/objects/{id}/calculation":        "LNNFFFAFA",
	"POST /i/{code}/objects/{id}/calculation":       "LNNFFFAFA",
	"POST /i/{code}/objects/{id}/calculation/clear": "LNNFFFAFA",
	"POST /i/{code}/links":                          "LNNFFFAFA",
	"POST /i/{code}/links/unlink":                   "LNNFFFAFA",
	"POST /i/{code}/links/move":                     "LNNFFFAFA",

	"GET /i/{code}/admin/users":                  "LNNAFFFAA",
	"GET /i/{code}/admin/users/new":              "LNNAFFFAA",
	"POST /i/{code}/admin/users":                 "LNNAFFFAA",
	"POST /i/{code}/admin/users/existing":        "LNNAFFFAA",
	"GET /i/{code}/admin/users/{id}":             "LNNNFFFAA",
	"POST /i/{code}/admin/users/{id}":            "LNNNFFFAA",
	"POST /i/{code}/admin/users/{id}/deactivate": "LNNNFFFAA",
	"POST /i/{code}/admin/users/{id}/reactivate": "LNNNFFFAA",
	"POST /i/{code}/admin/users/{id}/reset":      "LNNNFFFAA",
	"GET /i/{code}/admin/billing":                "LNNAFFFFA",
	"GET /i/{code}/admin/dashboard":              "LNNAFFFFA",
	// ACME's Multi-Site Tools are off: its admin sees the page saying so,
	// and the forms are refused (internal/app's tests cover them on).
	"GET /i/{code}/admin/multisite":               "LNNAFFFFA",
	"POST /i/{code}/admin/multisite/children":     "LNNFFFFFF",
	"POST /i/{code}/admin/multisite/admins":       "LNNFFFFFF",
	"GET /i/{code}/admin/multisite/copy":          "LNNFFFFFF",
	"POST /i/{code}/admin/multisite/copy":         "LNNFFFFFF",
	"GET /i/{code}/admin/api":                     "LNNAFFFFA",
	"POST /i/{code}/admin/api":                    "LNNAFFFFA",
	"POST /i/{code}/admin/api/{id}/revoke":        "LNNNFFFFA",
	"GET /i/{code}/admin/xref":                    "LNNAFFFFA",
	"GET /i/{code}/admin/xref.csv":                "LNNAFFFFA",
	"GET /i/{code}/admin/activity":                "LNNAFFFFA",
	"GET /i/{code}/admin/activity.xlsx":           "LNNAFFFFA",
	"GET /i/{code}/admin/activity.pdf":            "LNNAFFFFA",
	"GET /i/{code}/admin/import":                  "LNNAFFFFA",
	"GET /i/{code}/admin/import/template.csv":     "LNNAFFFFA",
	"POST /i/{code}/admin/import":                 "LNNAFFFFA",
	"GET /i/{code}/admin/import/{id}":             "LNNNFFFFN",
	"POST /i/{code}/admin/import/{id}/run":        "LNNNFFFFN",
	"GET /i/{code}/admin/import/{id}/results.csv": "LNNNFFFFN",
	// Import Data: import (and, in the use case, data entry); an upload is
	// its member's alone, so the fixture's {id} is no one's (404). A
	// partner's scorecard takes no import here (403).
	"GET /i/{code}/admin/data-import":                  "LNNAFFFFA",
	"POST /i/{code}/admin/data-import":                 "LNNAFFFFA",
	"GET /i/{code}/scorecards/{id}/data-import":        "LNNFFFFFA",
	"POST /i/{code}/scorecards/{id}/data-import":       "LNNFFFFFA",
	"GET /i/{code}/admin/data-import/{id}":             "LNNNFFFFN",
	"POST /i/{code}/admin/data-import/{id}/run":        "LNNNFFFFN",
	"GET /i/{code}/admin/data-import/{id}/results.csv": "LNNNFFFFN",
	// The template is for an import (import); the export of values is
	// anyone's who sees the scorecard, but not a partner's (403).
	"GET /i/{code}/scorecards/{id}/data-template.xlsx": "LNNFFFFFA",
	"GET /i/{code}/scorecards/{id}/data-template.csv":  "LNNFFFFFA",
	"GET /i/{code}/scorecards/{id}/data-values.xlsx":   "LNNFAAAAA",
	"GET /i/{code}/scorecards/{id}/data-values.csv":    "LNNFAAAAA",
	// The scorecard's own download: whoever may open the scorecard.
	"GET /i/{code}/scorecards/{id}/export.csv":  "LNNAAAAAA",
	"GET /i/{code}/scorecards/{id}/export.xlsx": "LNNAAAAAA",
	"GET /i/{code}/scorecards/{id}/export.pdf":  "LNNAAAAAA",

	"GET /i/{code}/admin/types":                    "LNNAFFFFA",
	"POST /i/{code}/admin/types":                   "LNNAFFFFA",
	"POST /i/{code}/admin/types/{id}":              "LNNNFFFFA",
	"POST /i/{code}/admin/types/{id}/delete":       "LNNNFFFFA",
	"GET /i/{code}/admin/frequencies":              "LNNAFFFFA",
	"POST /i/{code}/admin/frequencies":             "LNNAFFFFA",
	"POST /i/{code}/admin/frequencies/{id}/delete": "LNNNFFFFA",
	"GET /i/{code}/admin/bands":                    "LNNAFFFFA",

	// Administration, General Settings, Common Terms, the logo (ACME has
	// one; BETA, the partner's own instance, has none) and the Compyle
	// link (the test server has an address) (issue 18).
	"GET /i/{code}/admin":                       "LNNAAAAAA",
	"GET /i/{code}/admin/settings":              "LNNAFFFFA",
	"POST /i/{code}/admin/settings":             "LNNAFFFFA",
	"POST /i/{code}/admin/settings/logo":        "LNNAFFFFA",
	"POST /i/{code}/admin/settings/logo/delete": "LNNAFFFFA",
	"GET /i/{code}/admin/terms":                 "LNNAFFFFA",
	"POST /i/{code}/admin/terms":                "LNNAFFFFA",
	"GET /i/{code}/logo":                        "LNNNAAAAA",
	"GET /i/{code}/compyle":                     "LNNAFFAFA",

	// {id}: a custom note type of ACME.
	"GET /i/{code}/admin/action-fields":              "LNNAFFFFA",
	"POST /i/{code}/admin/action-fields":             "LNNAFFFFA",
	"GET /i/{code}/admin/action-fields/{id}":         "LNNNFFFFA",
	"POST /i/{code}/admin/action-fields/{id}":        "LNNNFFFFA",
	"POST /i/{code}/admin/action-fields/{id}/move":   "LNNNFFFFA",
	"GET /i/{code}/admin/action-fields/{id}/delete":  "LNNNFFFFA",
	"POST /i/{code}/admin/action-fields/{id}/delete": "LNNNFFFFA",
	"GET /i/{code}/admin/notes":                      "LNNAFFFFA",
	"POST /i/{code}/admin/notes":                     "LNNAFFFFA",
	"POST /i/{code}/admin/notes/order":               "LNNAFFFFA",
	"GET /i/{code}/admin/notes/{id}":                 "LNNNFFFFA",
	"POST /i/{code}/admin/notes/{id}":                "LNNNFFFFA",
	"POST /i/{code}/admin/notes/{id}/move":           "LNNNFFFFA",
	"GET /i/{code}/admin/notes/{id}/delete":          "LNNNFFFFA",
	"POST /i/{code}/admin/notes/{id}/delete":         "LNNNFFFFA",

	// The measure's Story Behind the Curve (one saved version) and the
	// administrator's comment on it. The partner reads notes and history
	// (read-only) and may neither write a note nor comment; another
	// instance's comment id is 404 to it.
	"GET /i/{code}/on/{on}/{id}/notes/{type}/edit":                 "LNNFFFAFA",
	"POST /i/{code}/on/{on}/{id}/notes/{type}":                     "LNNFFFAFA",
	"GET /i/{code}/on/{on}/{id}/notes/{type}/history":              "LNNAAAAAA",
	"GET /i/{code}/on/{on}/{id}/notes/{type}/history/{v}":          "LNNAAAAAA",
	"POST /i/{code}/on/{on}/{id}/notes/{type}/history/{v}/restore": "LNNFFFAFA",
	"POST /i/{code}/on/{on}/{id}/sections":                         "LNNFFFAFA",
	"GET /i/{code}/on/{on}/{id}/notes/{type}/remove":               "LNNFFFAFA",
	"POST /i/{code}/on/{on}/{id}/notes/{type}/remove":              "LNNFFFAFA",
	"POST /i/{code}/on/{on}/{id}/comments":                         "LNNFAAAAA",
	"GET /i/{code}/comments/{id}/edit":                             "LNNNFFFFA",
	"POST /i/{code}/comments/{id}":                                 "LNNNFFFFA",
	"POST /i/{code}/comments/{id}/delete":                          "LNNNFFFFA",
	"GET /i/{code}/actions":                                        "LNNAAAAAA",
	"GET /i/{code}/actions.xlsx":                                   "LNNAAAAAA",
	"GET /i/{code}/actions.csv":                                    "LNNAAAAAA",
	"GET /i/{code}/actions/gantt":                                  "LNNAAAAAA",
	"GET /i/{code}/actions/new":                                    "LNNAAAAAA",
	"POST /i/{code}/actions":                                       "LNNAAAAAA",
	"GET /i/{code}/actions/link":                                   "LNNFAAAAA",
	"GET /i/{code}/actions/{id}":                                   "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/link":                             "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/unlink":                           "LNNNAAAAA",
	"GET /i/{code}/actions/{id}/edit":                              "LNNNAAAAA",
	"POST /i/{code}/actions/{id}":                                  "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/delete":                           "LNNNFFAFA",
	"POST /i/{code}/actions/{id}/schedule":                         "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/updates":                          "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/todos":                            "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/todos/{todo}":                     "LNNNAAAAA",
	"GET /i/{code}/actions/{id}/todos/{todo}/edit":                 "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/todos/{todo}/edit":                "LNNNAAAAA",
	"POST /i/{code}/actions/{id}/todos/{todo}/delete":              "LNNNAAAAA",
	"POST /i/{code}/admin/bands":                                   "LNNAFFFFA",

	// Reports (issue 23): reports.view opens them (Scorecard Builder and
	// Administration; the partner in its own instance), reports.edit
	// saves; {id}: the administrator's saved report of ACME.
	"GET /i/{code}/reports":              "LNNAFFAFA",
	"GET /i/{code}/reports/new":          "LNNAFFAFA",
	"POST /i/{code}/reports":             "LNNAFFAFA",
	"GET /i/{code}/reports/run":          "LNNAFFAFA",
	"GET /i/{code}/reports/run.csv":      "LNNAFFAFA",
	"GET /i/{code}/reports/run.xlsx":     "LNNAFFAFA",
	"GET /i/{code}/reports/run.pdf":      "LNNAFFAFA",
	"GET /i/{code}/reports/{id}":         "LNNNFFAFA",
	"GET /i/{code}/reports/{id}/edit":    "LNNNFFAFA",
	"POST /i/{code}/reports/{id}":        "LNNNFFAFA",
	"POST /i/{code}/reports/{id}/delete": "LNNNFFAFA",

	"GET /signup/{token}":  "NNNNNNNNN",
	"POST /signup/{token}": "NNNNNNNNN",

	// {id}: GAMMA's pending request to ACME; the channel on which ACME shares with BETA.
	"GET /i/{code}/admin/partners":                        "LNNAFFFFA",
	"POST /i/{code}/admin/partners":                       "LNNAFFFFA",
	"POST /i/{code}/admin/partners/refer":                 "LNNAFFFFA",
	"POST /i/{code}/admin/partners/requests/{id}/accept":  "LNNNFFFFA",
	"POST /i/{code}/admin/partners/requests/{id}/decline": "LNNNFFFFA",
	"POST /i/{code}/admin/partners/requests/{id}/cancel":  "LNNNFFFFF",
	"GET /i/{code}/admin/partners/channels/{id}":          "LNNFFFFFA",
	"POST /i/{code}/admin/partners/channels/{id}":         "LNNFFFFFA",
	"GET /i/{code}/admin/partners/channels/{id}/revoke":   "LNNAFFFFA",
	"POST /i/{code}/admin/partners/channels/{id}/revoke":  "LNNAFFFFA",
}

// fixture is the content every matrix row acts on.
type fixture struct {
	e                       *env
	result, measure         model.Object
	sc                      model.Scorecard
	typeID, freqID, spareID int64
	periodKey               string
	requestID, channelID    int64
	invitationID            int64
	keyID                   int64
	actionID, todoID        int64
	noteTypeID, sbcTypeID   int64 // a custom note type; Story Behind the Curve
	fieldID                 int64 // an Action Custom Field
	commentID               int64 // the administrator's comment on the measure
	embedID                 int64 // the administrator's embed code of the measure (the scorecard is embed-enabled)
	dividerID               int64 // a divider on the scorecard
	embedToken              string
	unsubToken              string // the unsubscribe link of the spare member's weekly digest
	reportID                int64  // the administrator's saved Measure data report
	cookies                 map[string]string
}

// newFixture is the fixture on SQLite: a copy of one built once per
// process, since the matrix alone needs hundreds (one per row and one after
// every permitted write).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, built := fixtureTemplate.Copy(t, func(db *testkit.DB) *fixture { return newFixtureIn(t, newEnv(t, db)) })
	f := *built
	f.e, f.cookies = newEnv(t, db), maps.Clone(built.cookies)
	return &f
}

var fixtureTemplate testkit.SQLiteTemplate[*fixture]

// newFixtureIn builds the fixture in e.
func newFixtureIn(t *testing.T, e *env) *fixture {
	t.Helper()
	in := e.instance("ACME", "Acme")
	beta := e.instance("BETA", "Beta")
	f := &fixture{e: e, cookies: map[string]string{}}
	adminAcct, _ := e.member(in, "admin@example.org", access.PresetAdministration)
	admin, err := e.app.ActorFor(ctx, app.Session{Account: adminAcct}, "ACME", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	f.sc, err = e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Community"})
	if err != nil {
		t.Fatal(err)
	}
	types, _ := e.app.Types(ctx, admin, "")
	freqs, _ := e.app.Frequencies(ctx, admin)
	var resultT, indicatorT int64
	for _, ty := range types {
		switch ty.Name {
		case "Result":
			resultT = ty.ID
		case "Indicator":
			indicatorT = ty.ID
		}
	}
	f.result, err = e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindContainer, TypeID: resultT, Title: "Ready"}, app.Placement{ScorecardID: f.sc.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.measure, err = e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: indicatorT, Title: "Readiness",
		Decimals: "0", Polarity: "higher", FrequencyID: freqs[1].ID}, app.Placement{ParentID: f.result.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.periodKey = app.FrequencyOf(freqs[1]).Key(app.FrequencyOf(freqs[1]).At(e.db.Clock.Now()))
	ty, err := e.app.CreateType(ctx, admin, app.TypeInput{Kind: model.KindContainer, Name: "Goal", Plural: "Goals", Color: "#123456", Badge: "G"})
	if err != nil {
		t.Fatal(err)
	}
	f.typeID = ty.ID
	fr, err := e.app.CreateFrequency(ctx, admin, app.FrequencyInput{Title: "Weekly", PeriodsPerYear: "52", StartMonth: "1", StartDay: "1", LabelPrefix: "W"})
	if err != nil {
		t.Fatal(err)
	}
	f.freqID = fr.ID
	noteTypes, err := e.app.NoteTypes(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	f.sbcTypeID = noteTypes[1].ID
	if _, err := e.app.SaveNote(ctx, admin, app.OnObject, f.measure.ID, f.sbcTypeID, 0, "<p>Why the curve bends</p>"); err != nil {
		t.Fatal(err)
	}
	nt, err := e.app.CreateNoteType(ctx, admin, app.NoteTypeInput{Name: "Budget", OnMeasures: true})
	if err != nil {
		t.Fatal(err)
	}
	f.noteTypeID = nt.ID
	cm, err := e.app.AddComment(ctx, admin, app.OnObject, f.measure.ID, "First look")
	if err != nil {
		t.Fatal(err)
	}
	f.commentID = cm.ID
	act, err := e.app.CreateAction(ctx, admin, app.ActionInput{Title: "Reading circles", Status: "On Track", Percent: "20",
		StartDate: "2026-01-01", EndDate: "2026-06-30"}, app.OnObject, f.measure.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.actionID = act.ID
	field, err := e.app.CreateActionField(ctx, admin, app.ActionFieldInput{Name: "Funding source", Kind: "select", Options: "Grant\nCity budget"})
	if err != nil {
		t.Fatal(err)
	}
	f.fieldID = field.ID
	if act, err = e.app.UpdateAction(ctx, admin, act.ID, act.Version, app.ActionInput{Title: act.Title, Status: act.Status, Percent: "20",
		StartDate: act.StartDate, EndDate: act.EndDate, Fields: map[int64]string{field.ID: "Grant"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.app.AddActionUpdate(ctx, admin, act.ID, act.Version, "Two libraries signed up", "On Track", "30"); err != nil {
		t.Fatal(err)
	}
	todo, err := e.app.AddTodo(ctx, admin, act.ID, app.TodoInput{Title: "Print flyers", DueDate: "2026-02-01"})
	if err != nil {
		t.Fatal(err)
	}
	f.todoID = todo.ID
	_, spare := e.member(in, "spare@example.org", access.PresetPresenter)
	f.spareID = spare.ID
	f.unsubToken = unsubscribeToken(t, e, in.ID, spare.ID)
	key, err := e.app.CreateAPIKey(ctx, admin, app.APIKeyInput{Name: "Warehouse", Permissions: []string{"data.enter"}})
	if err != nil {
		t.Fatal(err)
	}
	f.keyID = key.Key.ID
	if _, err := e.store.DB().Exec(`UPDATE scorecards SET embed_enabled = TRUE WHERE id = $1`, f.sc.ID); err != nil {
		t.Fatal(err)
	}
	em, err := e.app.CreateEmbed(ctx, admin, app.OnObject, f.measure.ID, app.EmbedInput{EmbedOptions: app.EmbedOptions{ShowTargets: true,
		NoteTypes: []int64{f.sbcTypeID}}})
	if err != nil {
		t.Fatal(err)
	}
	f.embedID, f.embedToken = em.Code.ID, em.Token
	dv, err := e.app.AddDivider(ctx, admin, f.sc.ID, "Section")
	if err != nil {
		t.Fatal(err)
	}
	f.dividerID = dv.ID
	if err := e.app.SetLogo(ctx, admin, testPNG(t, 40, 20)); err != nil {
		t.Fatal(err)
	}
	report, err := e.app.CreateSavedReport(ctx, admin, app.SavedReportInput{Name: "Board pack", Kind: app.ReportMeasureData})
	if err != nil {
		t.Fatal(err)
	}
	f.reportID = report.ID

	custom := access.MustPreset(access.PresetPresenter)
	custom[access.UsersManage], custom[access.DataEnter] = true, true
	members := map[string]string{"presenter": access.PresetPresenter, "dataentry": access.PresetDataEntry,
		"builder": access.PresetScorecardBuilder, "custom": "", "inactive": access.PresetAdministration}
	for name, preset := range members {
		acct, m := e.member(in, name+"@example.org", preset)
		if name == "custom" {
			setPerms(t, e, m.ID, custom)
		}
		if name == "presenter" || name == "dataentry" || name == "custom" {
			if err := e.store.Q().SetMembershipScorecards(ctx, in.ID, m.ID, []int64{f.sc.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if name == "inactive" {
			if _, err := e.store.DB().Exec(`UPDATE memberships SET active = FALSE WHERE id = $1`, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		f.cookies[name] = f.session(t, acct.ID)
	}
	f.cookies["admin"] = f.session(t, adminAcct.ID)
	otherAcct, _ := e.member(beta, "other@example.org", access.PresetAdministration)
	f.cookies["other"] = f.session(t, otherAcct.ID)

	// BETA is ACME's partner and receives the scorecard; GAMMA asks to connect.
	// Not "partner@…": the account's name would be a default term in the
	// pages that show it (TestCommonTermsEveryPage).
	partnerAcct, _ := e.member(beta, "ally@example.org", access.PresetAdministration)
	f.cookies["partner"] = f.session(t, partnerAcct.ID)
	partner, err := e.app.ActorFor(ctx, app.Session{Account: partnerAcct}, "BETA", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.app.RequestPartner(ctx, partner, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.AnswerPartnerRequest(ctx, admin, r.ID, true); err != nil {
		t.Fatal(err)
	}
	page, err := e.app.PartnerPage(ctx, admin)
	if err != nil || len(page.Sharing) != 1 {
		t.Fatalf("partner page: %v %+v", err, page)
	}
	f.channelID = page.Sharing[0].ID
	if err := e.app.SaveShares(ctx, admin, f.channelID, []app.ShareChoice{{ScorecardID: f.sc.ID}}); err != nil {
		t.Fatal(err)
	}
	gamma := e.instance("GAMMA", "Gamma")
	gammaAcct, _ := e.member(gamma, "gamma@example.org", access.PresetAdministration)
	g, err := e.app.ActorFor(ctx, app.Session{Account: gammaAcct}, "GAMMA", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = e.app.RequestPartner(ctx, g, "ACME"); err != nil {
		t.Fatal(err)
	}
	f.requestID = r.ID

	// DELTA invites ACME's administrator: only that account may answer.
	delta := e.instance("DELTA", "Delta")
	deltaAcct, _ := e.member(delta, "delta@example.org", access.PresetAdministration)
	d, err := e.app.ActorFor(ctx, app.Session{Account: deltaAcct}, "DELTA", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.AddExistingUser(ctx, d, "admin@example.org"); err != nil {
		t.Fatal(err)
	}
	inv, err := e.app.Invitations(ctx, app.Session{Account: adminAcct})
	if err != nil || len(inv) != 1 {
		t.Fatalf("invitations of admin: %v %+v", err, inv)
	}
	f.invitationID = inv[0].ID

	// The administrator's notifications (issue 15): a digest, read, then
	// an action and a to-do assigned, unread, so the bell counts two and
	// the page shows both states.
	adminM := admin.Membership
	notify := func(kind, title, path string) {
		t.Helper()
		if err := e.store.Q().AddNotifications(ctx, []model.Notification{{InstanceID: in.ID, MembershipID: adminM.ID, Kind: kind,
			Title: title, Path: path}}); err != nil {
			t.Fatal(err)
		}
	}
	actionURL := "/i/ACME/actions/" + strconv.FormatInt(f.actionID, 10)
	notify(model.NotifyDigestWeekly, "Weekly digest", "/i/ACME/")
	if err := e.store.Q().MarkNotificationsRead(ctx, in.ID, adminM.ID, 1<<62); err != nil {
		t.Fatal(err)
	}
	notify(model.NotifyActionAssigned, "Reading circles", actionURL)
	notify(model.NotifyTodoAssigned, "Print flyers", actionURL)
	return f
}

// session signs an account in without the (deliberately slow) password
// check, by writing a session the way the app does.
func (f *fixture) session(t *testing.T, accountID int64) string {
	t.Helper()
	token := password.Token()
	if err := f.e.store.Q().CreateSession(ctx, model.Session{IDHash: password.HashSecret(token), AccountID: accountID}); err != nil {
		t.Fatal(err)
	}
	return token
}

// request turns a pattern into a concrete request with a plausible form.
func (f *fixture) request(pattern string) (method, path string, form url.Values) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "{$}", "")
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	replace := map[string]string{"{code}": "ACME", "{token}": "not-a-token"}
	if strings.HasPrefix(path, "/unsubscribe/") {
		replace["{token}"] = f.unsubToken
	}
	switch {
	case strings.Contains(path, "/on/{on}/{id}"):
		replace["{on}"], replace["{id}"] = "objects", id(f.measure.ID)
		replace["{type}"], replace["{v}"] = id(f.sbcTypeID), "1"
	case strings.Contains(path, "/reports/{id}"):
		replace["{id}"] = id(f.reportID)
	case strings.Contains(path, "/embeds/{id}"):
		replace["{id}"] = id(f.embedID)
	case strings.Contains(path, "/actions/{id}"):
		replace["{id}"], replace["{todo}"] = id(f.actionID), id(f.todoID)
	case strings.Contains(path, "/comments/{id}"):
		replace["{id}"] = id(f.commentID)
	case strings.Contains(path, "/admin/action-fields/{id}"):
		replace["{id}"] = id(f.fieldID)
	case strings.Contains(path, "/admin/notes/{id}"):
		replace["{id}"] = id(f.noteTypeID)
	case strings.Contains(path, "/scorecards/{id}"):
		replace["{id}"], replace["{divider}"] = id(f.sc.ID), id(f.dividerID)
	case strings.Contains(path, "/objects/{id}"):
		replace["{id}"] = id(f.measure.ID)
	case strings.Contains(path, "/admin/types/{id}"):
		replace["{id}"] = id(f.typeID)
	case strings.Contains(path, "/admin/frequencies/{id}"):
		replace["{id}"] = id(f.freqID)
	case strings.Contains(path, "/admin/users/{id}"):
		replace["{id}"] = id(f.spareID)
	case strings.Contains(path, "/admin/partners/requests/{id}"):
		replace["{id}"] = id(f.requestID)
	case strings.Contains(path, "/admin/partners/channels/{id}"):
		replace["{id}"] = id(f.channelID)
	case strings.Contains(path, "/admin/api/{id}"):
		replace["{id}"] = id(f.keyID)
	case strings.HasPrefix(path, "/invitations/{id}"):
		replace["{id}"] = id(f.invitationID)
	}
	for k, v := range replace {
		path = strings.ReplaceAll(path, k, v)
	}
	if path == "/static/" {
		path = "/static/nope/app.css"
	}
	form = url.Values{
		"title": {"Matrix"}, "version": {"1"}, "kind": {"container"}, "scorecard": {id(f.sc.ID)}, "child": {id(f.result.ID)},
		"key": {f.periodKey}, "actual": {"5"}, "start": {f.periodKey}, "column": {"actual"}, "paste": {"5"},
		"graph_type": {"bar"}, "graph_periods": {"4"}, "on": {"1"}, "email": {"new@example.org"}, "first_name": {"New"},
		"last_name": {"Person"}, "name": {"Matrix"}, "time_zone": {"UTC"}, "password": {"x"},
		"base": {"1"}, "body": {"<p>Matrix</p>"}, "type": {id(f.noteTypeID)}, "dir": {"up"}, "confirm": {"1"},
	}
	if strings.Contains(path, "/actions") {
		form.Del("on") // a new action's host; the star's "on" means something else
	}
	switch {
	case strings.HasSuffix(path, "/actions/link"): // Add Existing Action on the scorecard
		path += "?on=scorecards&id=" + id(f.sc.ID)
	case strings.HasSuffix(path, "/link"): // the action, to the scorecard
		form.Set("on", "scorecards")
		form.Set("id", id(f.sc.ID))
	case strings.HasSuffix(path, "/unlink"): // from the measure it was made on
		form.Set("on", "objects")
		form.Set("id", id(f.measure.ID))
	}
	return method, path, form
}

func TestAuthorizationMatrix(t *testing.T) {
	probe := newSQLiteEnv(t)
	registered := map[string]bool{}
	for _, rt := range probe.web.Routes() {
		if rt.Transport != "pages" {
			continue // the API's own matrix (api_matrix_test.go)
		}
		registered[rt.Pattern] = true
		if _, ok := matrix[rt.Pattern]; !ok {
			t.Errorf("route %q is missing from the authorization matrix", rt.Pattern)
		}
	}
	for pattern := range matrix {
		if !registered[pattern] {
			t.Errorf("matrix row %q matches no registered route", pattern)
		}
	}
	for pattern, want := range matrix {
		if !registered[pattern] {
			continue
		}
		t.Run(pattern, func(t *testing.T) {
			f := newFixture(t)
			for i, who := range personas {
				method, path, form := f.request(pattern)
				if who == "partner" {
					path = strings.Replace(path, "/i/ACME/", "/i/BETA/", 1)
				}
				c := f.e.client()
				if token := f.cookies[who]; token != "" {
					c.setCookie(token)
				}
				before := fingerprint(t, f.e)
				var r resp
				if method == "GET" {
					r = c.get(path)
				} else {
					r = c.do(method, path, form)
				}
				got := classify(r)
				if got != want[i] {
					t.Errorf("%s %s as %s: got %c (status %d → %q), want %c", method, path, who, got, r.Status, r.Location, want[i])
				}
				if method == "POST" && want[i] != 'A' && pattern != "POST /logout" && pattern != "POST /login" {
					if after := fingerprint(t, f.e); after != before {
						t.Errorf("%s %s as %s was refused but changed the database:\n%s\n%s", method, path, who, before, after)
					}
				}
				if method == "POST" && want[i] == 'A' {
					// A permitted write (a delete, a deactivation) must not
					// decide what the next persona meets.
					f = newFixture(t)
				}
			}
		})
	}
}

func classify(r resp) byte {
	switch {
	case r.Status == http.StatusForbidden:
		return 'F'
	case r.Status == http.StatusNotFound:
		return 'N'
	case r.Status == http.StatusUnauthorized:
		return 'U'
	case r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/login"):
		return 'L'
	case r.Status >= 500:
		return 'E'
	}
	return 'A'
}

// fingerprint summarizes every table a refused write could touch.
func fingerprint(t *testing.T, e *env) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM scorecards`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM objects`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM data_values`,
		`SELECT COUNT(*) FROM object_links`, `SELECT COUNT(*) FROM scorecard_links`, `SELECT COUNT(*) FROM scorecard_objects`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM memberships`,
		`SELECT COUNT(*) FROM membership_scorecards`, `SELECT COUNT(*) FROM favorites`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(name), '') FROM object_types`, `SELECT COUNT(*) FROM frequencies`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(green + yellow), 0) FROM color_bands`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM accounts`, `SELECT COUNT(*) FROM outbox`,
		`SELECT COUNT(*) FROM instances`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM saved_reports`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(status), '') FROM partner_requests`,
		`SELECT COUNT(*) || ':' || COUNT(revoked_at) FROM partner_channels`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(scorecard_id), 0) || ':' || COUNT(CASE WHEN contribute THEN 1 END) FROM partner_shares`,
		`SELECT COUNT(*) FROM partner_referrals`,
		`SELECT COUNT(*) || ':' || COUNT(used_at) FROM email_changes`,
		`SELECT COUNT(*) || ':' || COUNT(revoked_at) FROM api_keys`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) || ':' || COUNT(CASE WHEN removed THEN 1 END) FROM notes`,
		`SELECT COUNT(*) FROM note_versions`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(body), '') || ':' || COUNT(edited_at) FROM comments`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(name), '') || ':' || COALESCE(SUM(position * id), 0) FROM note_types`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM actions`, `SELECT COUNT(*) FROM action_links`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(position), 0) FROM action_fields`, `SELECT COUNT(*) FROM action_field_values`,
		`SELECT COUNT(*) FROM action_updates`, `SELECT COUNT(*) || ':' || COUNT(CASE WHEN done THEN 1 END) FROM action_todos`,
		`SELECT COUNT(*) || ':' || COUNT(revoked_at) || ':' || COALESCE(MAX(token_hash), '') FROM embed_tokens`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(token_hash), '') FROM embed_token_keys`, `SELECT COUNT(*) FROM embed_views`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(embed_origins), '') FROM scorecards WHERE embed_enabled`,
		`SELECT COUNT(*) || ':' || COUNT(link_used_at) FROM digest_sends`,
		`SELECT COUNT(*) || ':' || COUNT(read_at) FROM notifications`,
	} {
		var v string
		if err := e.store.DB().QueryRow(q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, v)
	}
	return strings.Join(out, " ")
}

package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
	"yardstick/internal/terms"
	"yardstick/internal/testkit"
)

// wide is one character of each multi-byte UTF-8 length. A limit counts
// each as one character; a cut by bytes would split it, which PostgreSQL
// refuses (SQLSTATE 22021) and SQLite stores broken.
var wide = []struct{ name, c string }{
	{"2-byte", "ж"},
	{"3-byte", "語"},
	{"4-byte", "😀"},
}

// upTo is limit characters: "A" then limit−1 × c, so that the byte length
// is odd for every width and a byte cut anywhere splits a character.
func upTo(c string, limit int) string {
	if limit == 1 {
		return c
	}
	return "A" + strings.Repeat(c, limit-1)
}

// limitsFixture is an instance with an administrator, a scorecard, a
// container and a measure, for the length limits of every field.
type limitsFixture struct {
	t       *testing.T
	ctx     context.Context
	db      *testkit.DB
	app     *app.App
	in      model.Instance
	admin   model.Account
	sc      model.Scorecard
	box     model.Object
	measure model.Object
	types   map[string]int64
	freq    int64
	keys    []string // periods of the measure, one used per saved comment
	n       int      // makes names and codes unique
}

func newLimitsFixture(t *testing.T, db *testkit.DB) *limitsFixture {
	t.Helper()
	f := &limitsFixture{t: t, ctx: context.Background(), db: db, types: map[string]int64{},
		app: app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", Signup: true}, nil, nil)}
	f.in = testkit.MustCreateInstance(t, db.Store, "ACME", "Acme Community")
	f.admin, _ = testkit.MustCreateMember(t, db.Store, f.in, "ada@example.org", access.PresetAdministration)
	actor := f.actor()
	types, err := f.app.Types(f.ctx, actor, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		f.types[ty.Name] = ty.ID
	}
	freqs, err := f.app.Frequencies(f.ctx, actor)
	if err != nil || len(freqs) == 0 {
		t.Fatalf("frequencies: %v", err)
	}
	for _, fr := range freqs {
		if fr.Title == "Monthly" {
			f.freq = fr.ID
		}
	}
	if f.freq == 0 {
		f.freq = freqs[0].ID
	}
	if f.sc, err = f.app.CreateScorecard(f.ctx, actor, app.ScorecardInput{Title: "Limits"}); err != nil {
		t.Fatal(err)
	}
	if f.box, err = f.app.CreateObject(f.ctx, actor, app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"],
		Title: "Box"}, app.Placement{ScorecardID: f.sc.ID}); err != nil {
		t.Fatal(err)
	}
	f.measure = f.newMeasure(app.ObjectInput{Title: "Gauge"})
	page, err := f.app.MeasurePage(f.ctx, actor, f.measure.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Grid {
		f.keys = append(f.keys, r.Key)
	}
	return f
}

// actor is a fresh actor for the administrator, as a new request has.
func (f *limitsFixture) actor() *app.Actor {
	f.t.Helper()
	a, err := f.app.ActorFor(f.ctx, app.Session{Account: f.admin}, f.in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *limitsFixture) next() int { f.n++; return f.n }

func (f *limitsFixture) q() *store.Q { return f.db.Store.Q() }

// newMeasure creates a measure under the box with in's texts.
func (f *limitsFixture) newMeasure(in app.ObjectInput) model.Object {
	f.t.Helper()
	in.Kind, in.TypeID, in.Decimals, in.Polarity, in.FrequencyID = model.KindMeasure, f.types["Indicator"], "0", "higher", f.freq
	m, err := f.app.CreateObject(f.ctx, f.actor(), in, app.Placement{ParentID: f.box.ID})
	if err != nil {
		f.t.Fatalf("measure %q: %v", in.Title, err)
	}
	return m
}

func (f *limitsFixture) object(id int64) model.Object {
	f.t.Helper()
	o, err := f.app.Object(f.ctx, f.actor(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

// logged returns the object name of the newest log entry of an activity
// about objectID (0: any object).
func (f *limitsFixture) logged(activity string, objectID int64) string {
	f.t.Helper()
	page, err := f.q().ListActivity(f.ctx, f.in.ID, store.ActivityFilter{From: testkit.Epoch.Add(-time.Hour),
		To: testkit.Epoch.Add(time.Hour), Activity: activity, Limit: 500})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, e := range page.Entries {
		if objectID == 0 || (e.ObjectID != nil && *e.ObjectID == objectID) {
			return e.ObjectName
		}
	}
	f.t.Fatalf("no %s entry about object %d", activity, objectID)
	return ""
}

// limitedField is a length-limited text field: save stores v through its
// use case and returns how to read back what was stored.
type limitedField struct {
	name  string
	limit int
	field string // the field key of the refusal one past the limit
	save  func(f *limitsFixture, v string) (read func() string, err error)
	// normal is what a stored value reads back as (nil: unchanged).
	normal func(string) string
	// pastStored, when set, is what one past the limit is stored as
	// instead of being refused.
	pastStored string
}

// limitedFields is every length-limited text field a person types in the
// web app, with its use case. Names in Add New User and Edit User are
// checked by the same textcheck.Line (see TestLineCountsCharacters); the
// importer's in internal/importer.
var limitedFields = []limitedField{
	{name: "scorecard title", limit: 200, field: "title", save: func(f *limitsFixture, v string) (func() string, error) {
		sc, err := f.app.CreateScorecard(f.ctx, f.actor(), app.ScorecardInput{Title: v})
		return func() string {
			got, err := f.app.Scorecard(f.ctx, f.actor(), sc.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			return got.Title
		}, err
	}},
	{name: "scorecard title in the activity log", limit: 200, field: "title", save: func(f *limitsFixture, v string) (func() string, error) {
		sc, err := f.app.CreateScorecard(f.ctx, f.actor(), app.ScorecardInput{Title: v})
		return func() string { return f.logged(app.ActCreate, sc.ID) }, err
	}},
	{name: "scorecard description", limit: 5000, field: "description", save: func(f *limitsFixture, v string) (func() string, error) {
		sc, err := f.app.CreateScorecard(f.ctx, f.actor(), app.ScorecardInput{Title: "Described", Description: v})
		return func() string {
			got, err := f.app.Scorecard(f.ctx, f.actor(), sc.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			return got.Description
		}, err
	}},
	{name: "object title", limit: 200, field: "title", save: func(f *limitsFixture, v string) (func() string, error) {
		o, err := f.app.CreateObject(f.ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: v},
			app.Placement{ScorecardID: f.sc.ID})
		return func() string { return f.object(o.ID).Title }, err
	}},
	{name: "object title in the activity log", limit: 200, field: "title", save: func(f *limitsFixture, v string) (func() string, error) {
		o, err := f.app.CreateObject(f.ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: v},
			app.Placement{ScorecardID: f.sc.ID})
		return func() string { return f.logged(app.ActCreate, o.ID) }, err
	}},
	{name: "object description", limit: 5000, field: "description", save: func(f *limitsFixture, v string) (func() string, error) {
		o, err := f.app.CreateObject(f.ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"],
			Title: "Described", Description: v}, app.Placement{ScorecardID: f.sc.ID})
		return func() string { return f.object(o.ID).Description }, err
	}},
	{name: "tag", limit: 40, field: "tags", save: func(f *limitsFixture, v string) (func() string, error) {
		o, err := f.app.CreateObject(f.ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"],
			Title: "Tagged", Tags: "first, " + v}, app.Placement{ScorecardID: f.sc.ID})
		return func() string {
			tags := f.object(o.ID).Tags
			if len(tags) != 2 {
				f.t.Fatalf("tags = %q, want two", tags)
			}
			return tags[1]
		}, err
	}},
	{name: "unit", limit: 20, field: "unit", save: func(f *limitsFixture, v string) (func() string, error) {
		m, err := f.createMeasure(app.ObjectInput{Title: "Unit", Unit: v})
		return func() string { return f.object(m.ID).Unit }, err
	}},
	{name: "data source", limit: 300, field: "data_source", save: func(f *limitsFixture, v string) (func() string, error) {
		m, err := f.createMeasure(app.ObjectInput{Title: "Sourced", DataSource: v})
		return func() string { return f.object(m.ID).DataSource }, err
	}},
	{name: "graph title", limit: 200, field: "graph_title", save: func(f *limitsFixture, v string) (func() string, error) {
		m := f.newMeasure(app.ObjectInput{Title: "Graphed"})
		err := f.app.SetGraph(f.ctx, f.actor(), m.ID, m.Version, app.GraphInput{Title: v, Type: "line", Periods: "12"})
		return func() string { return f.object(m.ID).GraphTitle }, err
	}},
	{name: "data comment", limit: 255, field: "", save: func(f *limitsFixture, v string) (func() string, error) {
		if len(f.keys) == 0 {
			f.t.Fatal("no periods left for comments")
		}
		key := f.keys[0]
		f.keys = f.keys[1:]
		_, err := f.app.SaveData(f.ctx, f.actor(), f.measure.ID, []app.DataEntry{{PeriodKey: key, Actual: "1", Comment: v}})
		return func() string {
			vals, err := f.q().DataValues(f.ctx, f.in.ID, f.measure.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			for _, dv := range vals {
				if dv.PeriodKey == key {
					return dv.Comment
				}
			}
			f.t.Fatalf("no value stored for %s", key)
			return ""
		}, err
	}},
	{name: "type name", limit: 40, field: "name", save: func(f *limitsFixture, v string) (func() string, error) {
		ty, err := f.app.CreateType(f.ctx, f.actor(), app.TypeInput{Kind: model.KindContainer, Name: v, Plural: "Plural", Color: "#1f6f8b", Badge: "Q"})
		return func() string { return f.objectType(ty.ID).Name }, err
	}},
	{name: "type plural", limit: 40, field: "plural", save: func(f *limitsFixture, v string) (func() string, error) {
		ty, err := f.app.CreateType(f.ctx, f.actor(), app.TypeInput{Kind: model.KindContainer, Name: fmt.Sprintf("Type %d", f.next()),
			Plural: v, Color: "#1f6f8b", Badge: "Q"})
		return func() string { return f.objectType(ty.ID).Plural }, err
	}},
	{name: "type badge", limit: 1, field: "badge", normal: strings.ToUpper, save: func(f *limitsFixture, v string) (func() string, error) {
		ty, err := f.app.CreateType(f.ctx, f.actor(), app.TypeInput{Kind: model.KindMeasure, Name: fmt.Sprintf("Badged %d", f.next()),
			Plural: "Badged", Color: "#1f6f8b", Badge: v})
		return func() string { return f.objectType(ty.ID).Badge }, err
	}},
	{name: "frequency title", limit: 60, field: "title", save: func(f *limitsFixture, v string) (func() string, error) {
		fr, err := f.app.CreateFrequency(f.ctx, f.actor(), app.FrequencyInput{Title: v, PeriodsPerYear: "5", StartMonth: "1", StartDay: "1", LabelPrefix: "F"})
		return func() string { return f.frequency(fr.ID).Title }, err
	}},
	{name: "frequency label prefix", limit: 20, field: "label_prefix", save: func(f *limitsFixture, v string) (func() string, error) {
		fr, err := f.app.CreateFrequency(f.ctx, f.actor(), app.FrequencyInput{Title: fmt.Sprintf("Prefixed %d", f.next()),
			PeriodsPerYear: "5", StartMonth: "1", StartDay: "1", LabelPrefix: v})
		return func() string { return f.frequency(fr.ID).LabelPrefix }, err
	}},
	{name: "own name (account page)", limit: 120, field: "name", save: func(f *limitsFixture, v string) (func() string, error) {
		acct, _ := testkit.MustCreateMember(f.t, f.db.Store, f.in, fmt.Sprintf("own%d@example.org", f.next()), "")
		err := f.app.UpdateProfile(f.ctx, app.Session{Account: acct}, v, "Europe/Berlin")
		return func() string { return f.account(acct.ID).Name }, err
	}},
	{name: "organization name (new instance)", limit: 100, field: "name", save: func(f *limitsFixture, v string) (func() string, error) {
		n := f.next()
		out, err := f.app.CreateInstance(f.ctx, app.NewInstance{Code: fmt.Sprintf("ORG%d", n), Name: v,
			AdminEmail: fmt.Sprintf("org%d@example.org", n), AdminName: "Admin"})
		return func() string { return f.instance(out.Instance.Code).Name }, err
	}},
	{name: "administrator name (new instance)", limit: 100, field: "admin_name", save: func(f *limitsFixture, v string) (func() string, error) {
		n := f.next()
		out, err := f.app.CreateInstance(f.ctx, app.NewInstance{Code: fmt.Sprintf("ADM%d", n), Name: "Org",
			AdminEmail: fmt.Sprintf("adm%d@example.org", n), AdminName: v})
		return func() string { return f.account(out.Admin.ID).Name }, err
	}},
	{name: "license type", limit: 50, field: "type", save: func(f *limitsFixture, v string) (func() string, error) {
		err := f.app.SetLicense(f.ctx, "ACME", v, 100)
		return func() string { return f.instance("ACME").LicenseType }, err
	}},
	{name: "referred organization", limit: app.MaxReferredName, field: "organization", save: func(f *limitsFixture, v string) (func() string, error) {
		err := f.app.Refer(f.ctx, f.actor(), app.ReferInput{Organization: v, Email: fmt.Sprintf("ref%d@example.net", f.next())})
		return func() string { return f.logged(app.ActPartnerRefer, 0) }, err
	}},
	{name: "import file name", limit: 200, pastStored: "upload.csv", save: func(f *limitsFixture, v string) (func() string, error) {
		csv := "username,first_name,last_name,role_group,send_email\nzoe@example.org,Zoe,Lee,User,false\n"
		plan, err := f.app.UploadImport(f.ctx, f.actor(), v, strings.NewReader(csv))
		return func() string { return plan.FileName }, err
	}},
}

func (f *limitsFixture) createMeasure(in app.ObjectInput) (model.Object, error) {
	in.Kind, in.TypeID, in.Decimals, in.Polarity, in.FrequencyID = model.KindMeasure, f.types["Indicator"], "0", "higher", f.freq
	return f.app.CreateObject(f.ctx, f.actor(), in, app.Placement{ParentID: f.box.ID})
}

func (f *limitsFixture) objectType(id int64) model.ObjectType {
	f.t.Helper()
	ty, err := f.q().TypeByID(f.ctx, f.in.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return ty
}

func (f *limitsFixture) frequency(id int64) model.Frequency {
	f.t.Helper()
	fr, err := f.q().FrequencyByID(f.ctx, f.in.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return fr
}

func (f *limitsFixture) account(id int64) model.Account {
	f.t.Helper()
	a, err := f.q().AccountByID(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *limitsFixture) instance(code string) model.Instance {
	f.t.Helper()
	in, err := f.q().InstanceByCode(f.ctx, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return in
}

// Every length limit counts characters: exactly at the limit, text of 2-,
// 3- and 4-byte characters is accepted, stored and read back intact (the
// activity log included); one character more is refused with a message
// naming the field. On both databases: PostgreSQL refused what SQLite
// stored broken.
func TestLimitsCountCharacters(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		for _, fd := range limitedFields {
			for _, w := range wide {
				t.Run(fd.name+"/"+w.name, func(t *testing.T) {
					f.t = t
					at := upTo(w.c, fd.limit)
					read, err := fd.save(f, at)
					if err != nil {
						t.Fatalf("%d characters (%d bytes): %v", fd.limit, len(at), err)
					}
					want := at
					if fd.normal != nil {
						want = fd.normal(at)
					}
					if got := read(); got != want {
						t.Errorf("stored %q (%d characters, valid UTF-8 %v), want %q", got, utf8.RuneCountInString(got), utf8.ValidString(got), want)
					}

					past := at + w.c
					read, err = fd.save(f, past)
					if fd.pastStored != "" {
						if err != nil {
							t.Fatalf("%d characters: %v", fd.limit+1, err)
						}
						if got := read(); got != fd.pastStored {
							t.Errorf("%d characters stored as %q, want %q", fd.limit+1, got, fd.pastStored)
						}
						return
					}
					e, ok := app.AsError(err)
					if !ok || e.Kind != app.Invalid {
						t.Fatalf("%d characters: err = %v, want a validation error", fd.limit+1, err)
					}
					msg := e.Fields[fd.field]
					if fd.field == "" { // keyed by something else (a period): the one message
						for _, m := range e.Fields {
							msg = m
						}
					}
					if !strings.Contains(msg, itoa(fd.limit)) && !strings.Contains(msg, "one letter") {
						t.Errorf("%d characters: field %q says %q (all: %v); want the limit named", fd.limit+1, fd.field, msg, e.Fields)
					}
				})
			}
		}
	})
}

func itoa(n int) string { return fmt.Sprint(n) }

// Text the system shortens rather than refuses is cut by characters, and
// the messages quoting a value keep it whole: a number, a period.
func TestQuotedValuesKeepCharactersWhole(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		for _, w := range wide {
			long := upTo(w.c, 30)
			if _, msg := app.ParseNumber(long, 0, terms.Defaults); msg != "“"+upTo(w.c, 20)+"” is not a number." {
				t.Errorf("%s: ParseNumber message %q", w.name, msg)
			}
			_, err := f.app.SaveData(f.ctx, f.actor(), f.measure.ID, []app.DataEntry{{PeriodKey: long, Actual: "1"}})
			e, ok := app.AsError(err)
			if !ok || e.Kind != app.Invalid {
				t.Fatalf("%s: unknown period: err = %v, want a validation error", w.name, err)
			}
			if msg := e.Fields[long]; !strings.Contains(msg, "“"+upTo(w.c, 20)+"”") || !utf8.ValidString(msg) {
				t.Errorf("%s: unknown period message %q", w.name, msg)
			}
		}
	})
}

// Passwords count characters too (SPEC §2: at least 64 allowed; 256 is the
// cap): 256 four-byte characters are a password, 257 are not.
func TestPasswordLimitCountsCharacters(t *testing.T) {
	for _, w := range wide {
		first, _ := utf8.DecodeRuneInString(w.c)
		var b strings.Builder
		for i := range password.MaxLength { // varied, so not "repetitive"
			b.WriteRune(first + rune(i%16))
		}
		at := b.String()
		if err := password.Check(at, "ada@example.org", "Ada"); err != nil {
			t.Errorf("%s: %d characters refused: %v", w.name, password.MaxLength, err)
		}
		if err := password.Check(at+w.c, "ada@example.org", "Ada"); err == nil {
			t.Errorf("%s: %d characters accepted", w.name, password.MaxLength+1)
		}
	}
}

package web_test

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// defaultsEnv is an instance ACME with an administrator (ada) and a
// Scorecard Builder (bob), who lacks both defaults and calendars.
type defaultsEnv struct {
	*env
	in    model.Instance
	admin *app.Actor
	ada   *client
	bob   *client
}

func newDefaultsEnv(t *testing.T, db *testkit.DB) *defaultsEnv {
	t.Helper()
	e := newEnv(t, db)
	in := e.instance("ACME", "Acme Community")
	acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
	e.member(in, "bob@example.org", access.PresetScorecardBuilder)
	admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	d := &defaultsEnv{env: e, in: in, admin: admin, ada: e.client(), bob: e.client()}
	d.ada.login("ada@example.org", testkit.Password)
	d.bob.login("bob@example.org", testkit.Password)
	return d
}

// defaultsState is everything the defaults pages can change.
type defaultsState struct {
	Types       []model.ObjectType
	Frequencies []model.Frequency
	Bands       map[string]model.BandSetting
}

func (d *defaultsEnv) state() defaultsState {
	d.t.Helper()
	types, err := d.app.TypesInUse(ctx, d.admin)
	if err != nil {
		d.t.Fatal(err)
	}
	freqs, err := d.app.Frequencies(ctx, d.admin)
	if err != nil {
		d.t.Fatal(err)
	}
	bands, err := d.app.GlobalBands(ctx, d.admin)
	if err != nil {
		d.t.Fatal(err)
	}
	return defaultsState{types, freqs, bands}
}

func (d *defaultsEnv) unchanged(what string, before defaultsState) {
	d.t.Helper()
	if after := d.state(); !reflect.DeepEqual(after, before) {
		d.t.Errorf("%s changed the defaults:\n got %+v\nwant %+v", what, after, before)
	}
}

func (d *defaultsEnv) typeID(name string) int64 {
	d.t.Helper()
	types, err := d.app.TypesInUse(ctx, d.admin)
	if err != nil {
		d.t.Fatal(err)
	}
	for _, t := range types {
		if t.Name == name {
			return t.ID
		}
	}
	d.t.Fatalf("no type %q", name)
	return 0
}

func (d *defaultsEnv) frequencyID(title string) int64 {
	d.t.Helper()
	list, err := d.app.Frequencies(ctx, d.admin)
	if err != nil {
		d.t.Fatal(err)
	}
	for _, f := range list {
		if f.Title == title {
			return f.ID
		}
	}
	d.t.Fatalf("no frequency %q", title)
	return 0
}

// measure creates an unlinked measure (the admin holds scorecards.all).
func (d *defaultsEnv) measure(title string, typeID, frequencyID int64) model.Object {
	d.t.Helper()
	o, err := d.app.CreateObject(ctx, d.admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID, Title: title,
		Decimals: "0", Polarity: "higher", FrequencyID: frequencyID}, app.Placement{})
	if err != nil {
		d.t.Fatalf("create measure %q: %v", title, err)
	}
	return o
}

// itoa formats an id for a path.
func (d *defaultsEnv) itoa(v int64) string { return strconv.FormatInt(v, 10) }

// TestDefaultsRoutesRefused: a Scorecard Builder lacks defaults and
// calendars, so every defaults route answers 403 and changes nothing.
func TestDefaultsRoutesRefused(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		d := newDefaultsEnv(t, db)
		custom, err := d.app.CreateType(ctx, d.admin, app.TypeInput{Kind: "container", Name: "Goal", Plural: "Goals", Color: "#aa3300", Badge: "G"})
		if err != nil {
			t.Fatal(err)
		}
		freq, err := d.app.CreateFrequency(ctx, d.admin, app.FrequencyInput{Title: "Terms", PeriodsPerYear: "3", StartMonth: "9", StartDay: "1", LabelPrefix: "T"})
		if err != nil {
			t.Fatal(err)
		}
		before := d.state()
		typ, fr := "/i/ACME/admin/types/"+d.itoa(custom.ID), "/i/ACME/admin/frequencies/"+d.itoa(freq.ID)
		for _, tc := range []struct {
			method, path string
			form         []string
		}{
			{"GET", "/i/ACME/admin/types", nil},
			{"POST", "/i/ACME/admin/types", []string{"kind", "measure", "name", "Output", "plural", "Outputs", "color", "#112233", "badge", "O"}},
			{"POST", typ, []string{"name", "Aim", "plural", "Aims", "color", "#112233", "badge", "A"}},
			{"POST", typ + "/delete", nil},
			{"GET", "/i/ACME/admin/frequencies", nil},
			{"POST", "/i/ACME/admin/frequencies", []string{"title", "Weeks", "periods_per_year", "52", "start_month", "1", "start_day", "1"}},
			{"POST", fr + "/delete", nil},
			{"GET", "/i/ACME/admin/bands", nil},
			{"POST", "/i/ACME/admin/bands", []string{"higher_green", "95", "higher_yellow", "80", "lower_green", "100", "lower_yellow", "120", "range_green", "3", "range_yellow", "8"}},
		} {
			what := "builder " + tc.method + " " + tc.path
			var r resp
			if tc.method == "GET" {
				r = d.bob.get(tc.path)
			} else {
				r = d.bob.post(tc.path, tc.form...)
			}
			expect(t, what, r, http.StatusForbidden)
			d.unchanged(what, before)
		}
	})
}

func TestTypesPage(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		d := newDefaultsEnv(t, db)
		expect(t, "types page", d.ada.get("/i/ACME/admin/types"), http.StatusOK,
			"Container types", "Measure types", "Result", "Programs", "Indicator", "Performance Measure", "built in", `type="color"`, "Add type")

		r := d.ada.post("/i/ACME/admin/types", "kind", "container", "name", "Goal", "plural", "Goals", "color", "#AA3300", "badge", "g")
		expect(t, "add type", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/admin/types?saved=added" {
			t.Errorf("add type redirected to %q", r.Location)
		}
		expect(t, "after add", d.ada.get(r.Location), http.StatusOK, "Added.", "Goals", `fill="#aa3300"`, `>G</text>`)

		// The flash is chosen from fixed messages, never echoed from the URL.
		if r := d.ada.get("/i/ACME/admin/types?saved=%3Cb%3Ehi"); strings.Contains(r.Body, `class="flash"`) {
			t.Errorf("unknown saved= value shown as a flash")
		}

		before := d.state()
		for _, tc := range []struct {
			name string
			form []string
			want []string
		}{
			{"badge and colour", []string{"kind", "measure", "name", "Output", "plural", "Outputs", "color", "red", "badge", "OU"},
				[]string{"The badge is one letter.", "Choose a colour like #1f6f8b."}},
			{"kind", []string{"kind", "scorecard", "name", "Output", "plural", "Outputs", "color", "#112233", "badge", "O"},
				[]string{"Choose container or measure."}},
			{"duplicate name", []string{"kind", "container", "name", "goal", "plural", "Outputs", "color", "#112233", "badge", "O"},
				[]string{"A type named “goal” already exists."}},
			{"long name", []string{"kind", "measure", "name", strings.Repeat("x", 10000), "plural", "Outputs", "color", "#112233", "badge", "O"},
				[]string{"Name is too long (at most 40 characters)."}},
			{"html", []string{"kind", "measure", "name", "<script>alert(1)</script>", "plural", "", "color", "#112233", "badge", "O"},
				[]string{"Plural is required.", "&lt;script&gt;alert(1)&lt;/script&gt;"}},
		} {
			r := d.ada.post("/i/ACME/admin/types", tc.form...)
			expect(t, "add type: "+tc.name, r, http.StatusUnprocessableEntity, tc.want...)
			if strings.Contains(r.Body, "<script>alert(1)") {
				t.Errorf("add type: %s: submitted HTML not escaped", tc.name)
			}
			d.unchanged("add type: "+tc.name, before)
		}
	})
}

func TestTypesRenameShowsOnObjects(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		d := newDefaultsEnv(t, db)
		indicator, monthly := d.typeID("Indicator"), d.frequencyID("Monthly")
		o := d.measure("Children reading at grade level", indicator, monthly)
		expect(t, "types page counts use", d.ada.get("/i/ACME/admin/types"), http.StatusOK, "<td>1</td>")

		path := "/i/ACME/admin/types/" + d.itoa(indicator)
		r := d.ada.post(path, "name", "Population Indicator", "plural", "Population Indicators", "color", "#336699", "badge", "p")
		expect(t, "rename", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/admin/types?saved=saved" {
			t.Errorf("rename redirected to %q", r.Location)
		}
		expect(t, "types page after rename", d.ada.get(r.Location), http.StatusOK, "Your changes were saved.", "Population Indicators", `fill="#336699"`)
		expect(t, "object after rename", d.ada.get("/i/ACME/objects/"+d.itoa(o.ID)), http.StatusOK, "Population Indicator")

		// A refused edit re-opens that row with the message and what was typed.
		before := d.state()
		r = d.ada.post(path, "name", "Population Indicator", "plural", "Population Indicators", "color", "#336699", "badge", "")
		expect(t, "edit without badge", r, http.StatusUnprocessableEntity, "The badge is one letter.", "<details open")
		d.unchanged("edit without badge", before)
		r = d.ada.post(path, "name", "performance measure", "plural", "Programs", "color", "#336699", "badge", "P")
		expect(t, "rename to an existing name", r, http.StatusUnprocessableEntity, "A type named “performance measure” already exists.")
		d.unchanged("rename to an existing name", before)
	})
}

func TestTypesDelete(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		d := newDefaultsEnv(t, db)
		used, err := d.app.CreateType(ctx, d.admin, app.TypeInput{Kind: "measure", Name: "Output", Plural: "Outputs", Color: "#112233", Badge: "O"})
		if err != nil {
			t.Fatal(err)
		}
		unused, err := d.app.CreateType(ctx, d.admin, app.TypeInput{Kind: "container", Name: "Goal", Plural: "Goals", Color: "#aa3300", Badge: "G"})
		if err != nil {
			t.Fatal(err)
		}
		d.measure("Meals served", used.ID, d.frequencyID("Monthly"))

		before := d.state()
		r := d.ada.post("/i/ACME/admin/types/" + d.itoa(used.ID) + "/delete")
		expect(t, "delete used type", r, http.StatusConflict, "“Output” is used by 1 objects", "Measure types", "Add type")
		d.unchanged("delete used type", before)

		r = d.ada.post("/i/ACME/admin/types/" + d.itoa(unused.ID) + "/delete")
		expect(t, "delete unused type", r, http.StatusSeeOther)
		expect(t, "after delete", d.ada.get(r.Location), http.StatusOK, "Deleted.")
		for _, ty := range d.state().Types {
			if ty.ID == unused.ID {
				t.Errorf("deleted type %q still listed", ty.Name)
			}
		}
	})
}

// TestDefaultsOtherInstance: ids of another instance are answered like
// missing ones and change nothing there.
func TestDefaultsOtherInstance(t *testing.T) {
	d := newDefaultsEnv(t, testkit.NewSQLite(t))
	other := d.instance("OTHER", "Other Org")
	acct, _ := d.member(other, "olga@example.org", access.PresetAdministration)
	olga, err := d.app.ActorFor(ctx, app.Session{Account: acct}, "OTHER", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	theirType, err := d.app.CreateType(ctx, olga, app.TypeInput{Kind: "container", Name: "Goal", Plural: "Goals", Color: "#aa3300", Badge: "G"})
	if err != nil {
		t.Fatal(err)
	}
	theirFreq, err := d.app.CreateFrequency(ctx, olga, app.FrequencyInput{Title: "Terms", PeriodsPerYear: "3", StartMonth: "9", StartDay: "1"})
	if err != nil {
		t.Fatal(err)
	}
	theirTypes, _ := d.app.TypesInUse(ctx, olga)
	theirFreqs, _ := d.app.Frequencies(ctx, olga)
	before := d.state()

	for _, tc := range []struct {
		path string
		form []string
	}{
		{"/i/ACME/admin/types/" + d.itoa(theirType.ID), []string{"name", "Aim", "plural", "Aims", "color", "#112233", "badge", "A"}},
		{"/i/ACME/admin/types/" + d.itoa(theirType.ID) + "/delete", nil},
		{"/i/ACME/admin/frequencies/" + d.itoa(theirFreq.ID) + "/delete", nil},
		{"/i/ACME/admin/types/abc", []string{"name", "Aim", "plural", "Aims", "color", "#112233", "badge", "A"}},
		{"/i/ACME/admin/types/99999999999999999999/delete", nil},
		{"/i/ACME/admin/frequencies/x1/delete", nil},
	} {
		expect(t, "POST "+tc.path, d.ada.post(tc.path, tc.form...), http.StatusNotFound)
	}
	d.unchanged("other instance's ids", before)
	if got, _ := d.app.TypesInUse(ctx, olga); !reflect.DeepEqual(got, theirTypes) {
		t.Errorf("other instance's types changed: %+v", got)
	}
	if got, _ := d.app.Frequencies(ctx, olga); !reflect.DeepEqual(got, theirFreqs) {
		t.Errorf("other instance's frequencies changed: %+v", got)
	}
}

func TestFrequenciesPage(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		d := newDefaultsEnv(t, db)
		loc, err := time.LoadLocation(d.in.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		quarter := app.FrequencyOf(model.Frequency{Kind: "Quarterly"})
		current := quarter.Label(quarter.At(d.app.Now().In(loc)))
		expect(t, "frequencies page", d.ada.get("/i/ACME/admin/frequencies"), http.StatusOK,
			"Monthly", "Quarterly", "Half Year", "Annual", "built in", "<td>"+current+"</td>",
			"Add custom frequency", "cannot be edited after it is created")

		r := d.ada.post("/i/ACME/admin/frequencies", "title", "Fiscal Periods", "periods_per_year", "13",
			"start_month", "7", "start_day", "1", "label_prefix", "P")
		expect(t, "add frequency", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/admin/frequencies?saved=added" {
			t.Errorf("add frequency redirected to %q", r.Location)
		}
		f, err := d.app.Frequencies(ctx, d.admin)
		if err != nil {
			t.Fatal(err)
		}
		pf := app.FrequencyOf(f[len(f)-1])
		expect(t, "after add", d.ada.get(r.Location), http.StatusOK, "Added.", "Fiscal Periods", "<td>13</td>", "<td>1 July</td>",
			"<td>"+pf.Label(pf.At(d.app.Now().In(loc)))+"</td>")

		before := d.state()
		form := func(kv ...string) []string {
			base := map[string]string{"title": "Weeks", "periods_per_year": "52", "start_month": "1", "start_day": "1", "label_prefix": "W"}
			for i := 0; i+1 < len(kv); i += 2 {
				base[kv[i]] = kv[i+1]
			}
			var out []string
			for k, v := range base {
				out = append(out, k, v)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			form []string
			want []string
		}{
			{"zero periods", form("periods_per_year", "0"), []string{"Periods per year must be between 1 and 366, got 0."}},
			{"367 periods", form("periods_per_year", "367"), []string{"Periods per year must be between 1 and 366, got 367."}},
			{"periods not a number", form("periods_per_year", "abc"), []string{"Periods per year must be a whole number from 1 to 366.", `value="abc"`}},
			{"31 February", form("start_month", "2", "start_day", "31"), []string{"Start day must be between 1 and 28 for February, got 31."}},
			{"no month", form("start_month", "13"), []string{"Choose the month the year starts in."}},
			{"duplicate title", form("title", "fiscal periods"), []string{"A frequency named “fiscal periods” already exists."}},
			{"built-in title", form("title", "Monthly"), []string{"A frequency named “Monthly” already exists."}},
			{"long title", form("title", strings.Repeat("x", 10000)), []string{"Title is too long (at most 60 characters)."}},
			{"no title", form("title", " "), []string{"Title is required."}},
			{"html title", form("title", "<script>alert(1)</script>", "periods_per_year", "abc"),
				[]string{"Periods per year must be a whole number", "&lt;script&gt;alert(1)&lt;/script&gt;"}},
			{"prefix ends in a digit", form("label_prefix", "W1"), []string{"Label prefix must not end with a digit."}},
		} {
			r := d.ada.post("/i/ACME/admin/frequencies", tc.form...)
			expect(t, "add frequency: "+tc.name, r, http.StatusUnprocessableEntity, append(tc.want, `role="alert"`)...)
			if strings.Contains(r.Body, "<script>alert(1)") {
				t.Errorf("add frequency: %s: submitted HTML not escaped", tc.name)
			}
			d.unchanged("add frequency: "+tc.name, before)
		}

		// A valid title with HTML in it is stored as text and shown escaped.
		r = d.ada.post("/i/ACME/admin/frequencies", form("title", "<script>alert(1)</script>")...)
		expect(t, "add html-titled frequency", r, http.StatusSeeOther)
		r = d.ada.get("/i/ACME/admin/frequencies")
		expect(t, "html-titled frequency listed", r, http.StatusOK, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>")
		if strings.Contains(r.Body, "<script>alert(1)") {
			t.Errorf("frequency title not escaped")
		}
	})
}

func TestFrequenciesDelete(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		d := newDefaultsEnv(t, db)
		used, err := d.app.CreateFrequency(ctx, d.admin, app.FrequencyInput{Title: "Terms", PeriodsPerYear: "3", StartMonth: "9", StartDay: "1", LabelPrefix: "T"})
		if err != nil {
			t.Fatal(err)
		}
		unused, err := d.app.CreateFrequency(ctx, d.admin, app.FrequencyInput{Title: "Weeks", PeriodsPerYear: "52", StartMonth: "1", StartDay: "1", LabelPrefix: "W"})
		if err != nil {
			t.Fatal(err)
		}
		d.measure("Attendance per term", d.typeID("Performance Measure"), used.ID)

		before := d.state()
		r := d.ada.post("/i/ACME/admin/frequencies/" + d.itoa(used.ID) + "/delete")
		expect(t, "delete used frequency", r, http.StatusConflict, "Terms is used by “Attendance per term”", "Add custom frequency")
		d.unchanged("delete used frequency", before)

		r = d.ada.post("/i/ACME/admin/frequencies/" + d.itoa(d.frequencyID("Monthly")) + "/delete")
		expect(t, "delete built-in frequency", r, http.StatusConflict, "Monthly is built in and cannot be deleted.")
		d.unchanged("delete built-in frequency", before)

		r = d.ada.post("/i/ACME/admin/frequencies/" + d.itoa(unused.ID) + "/delete")
		expect(t, "delete unused frequency", r, http.StatusSeeOther)
		expect(t, "after delete", d.ada.get(r.Location), http.StatusOK, "Deleted.", "Terms")
		for _, f := range d.state().Frequencies {
			if f.ID == unused.ID {
				t.Errorf("deleted frequency %q still listed", f.Title)
			}
		}
	})
}

func TestBandsPage(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		d := newDefaultsEnv(t, db)
		expect(t, "bands page", d.ada.get("/i/ACME/admin/bands"), http.StatusOK,
			"Changing the defaults affects measures created later.",
			`name="higher_green" value="100"`, `name="higher_yellow" value="90"`,
			`name="lower_green" value="100"`, `name="lower_yellow" value="110"`,
			`name="range_green" value="5"`, `name="range_yellow" value="10"`,
			"green at or above 100%, yellow at or above 90%, otherwise red",
			"green at or below 100%, yellow at or below 110%",
			"green within 5%, yellow within 10%")

		valid := map[string]string{"higher_green": "95", "higher_yellow": "80", "lower_green": "100", "lower_yellow": "120", "range_green": "2.5", "range_yellow": "8"}
		form := func(kv ...string) []string {
			m := map[string]string{}
			for k, v := range valid {
				m[k] = v
			}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			var out []string
			for k, v := range m {
				out = append(out, k, v)
			}
			return out
		}
		before := d.state()
		for _, tc := range []struct {
			name string
			form []string
			want []string
		}{
			{"higher: yellow above green", form("higher_green", "90", "higher_yellow", "95"),
				[]string{"When higher is better the yellow threshold (95%) must not be above the green threshold (90%).", `id="err-higher"`, `value="95"`}},
			{"lower: yellow below green", form("lower_yellow", "90"),
				[]string{"When lower is better the yellow threshold (90%) must not be below the green threshold (100%)."}},
			{"not a number", form("range_green", "five"), []string{"Colour band thresholds must be numbers (percent of target).", `value="five"`}},
			{"missing", form("range_green", "", "range_yellow", ""), []string{"Give both thresholds."}},
			{"negative", form("higher_yellow", "-1"), []string{"The yellow threshold must be between 0% and 1000%, got -1%."}},
		} {
			expect(t, "save bands: "+tc.name, d.ada.post("/i/ACME/admin/bands", tc.form...), http.StatusUnprocessableEntity,
				append(tc.want, "Please correct the highlighted bands.")...)
			d.unchanged("save bands: "+tc.name, before)
		}

		r := d.ada.post("/i/ACME/admin/bands", form()...)
		expect(t, "save bands", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/admin/bands?saved=saved" {
			t.Errorf("save bands redirected to %q", r.Location)
		}
		expect(t, "after save", d.ada.get(r.Location), http.StatusOK, "Your changes were saved.",
			`name="higher_green" value="95"`, `name="range_green" value="2.5"`, "green within 2.5%, yellow within 8%")
		want := map[string]model.BandSetting{
			"higher": {Polarity: "higher", Green: 95, Yellow: 80},
			"lower":  {Polarity: "lower", Green: 100, Yellow: 120},
			"range":  {Polarity: "range", Green: 2.5, Yellow: 8},
		}
		if got := d.state().Bands; !reflect.DeepEqual(got, want) {
			t.Errorf("bands = %+v, want %+v", got, want)
		}
	})
}

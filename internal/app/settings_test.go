package app_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
	"yardstick/internal/testkit"
)

// settingsEntries returns the instance's log entries about settings.
func settingsEntries(t *testing.T, w *pw, in model.Instance, name string) []model.Activity {
	t.Helper()
	page, err := w.q().ListActivity(w.ctx, in.ID, store.ActivityFilter{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []model.Activity
	for _, e := range page.Entries {
		if e.ObjectType == "settings" && e.ObjectName == name {
			out = append(out, e)
		}
	}
	return out
}

func changeOf(e model.Activity, field string) (model.Change, bool) {
	for _, c := range e.Changes {
		if c.Field == field {
			return c, true
		}
	}
	return model.Change{}, false
}

// TestSettingsSaveShowLogRefuse: each General Setting is saved, shown (on
// the settings page, the dashboard, the data grid's preselected period),
// logged with its value before and after, and refused without the
// permission with nothing changed.
func TestSettingsSaveShowLogRefuse(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		a, ctx := w.app, w.ctx
		s := w.site("ALPHA", "Alpha Org")
		s.member("admin", access.PresetAdministration)
		s.member("builder", access.PresetScorecardBuilder)
		admin := s.as("admin")
		in := app.SettingsInput{Name: "Alpha Foundation", TimeZone: "Pacific/Auckland", DataPeriod: app.PeriodPrevious,
			WelcomeMode: "link", Message: `<p>Our <strong>mission</strong></p><script>alert(1)</script><img src=x onerror=alert(1)>`}
		if err := a.SaveSettings(ctx, admin, in); err != nil {
			t.Fatal(err)
		}
		admin = s.as("admin")
		v, err := a.Settings(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		got := v.Instance
		if got.Name != in.Name || got.TimeZone != in.TimeZone || got.DataPeriod != in.DataPeriod || got.WelcomeMode != in.WelcomeMode {
			t.Errorf("saved settings = %+v", got)
		}
		if admin.Instance.Name != in.Name || admin.Location().String() != "Pacific/Auckland" {
			t.Errorf("a new request's instance = %+v, location %v", admin.Instance, admin.Location())
		}
		if v.Message != `<p>Our <strong>mission</strong></p>` {
			t.Errorf("message = %q, want it sanitised", v.Message)
		}
		dash, err := a.Dashboard(ctx, s.as("builder"))
		if err != nil || dash.Message != v.Message {
			t.Errorf("dashboard message = %q, %v", dash.Message, err)
		}
		entries := settingsEntries(t, w, s.in, "General Settings")
		if len(entries) != 1 {
			t.Fatalf("log entries = %+v", entries)
		}
		for _, c := range []model.Change{{Field: "name", Before: "Alpha Org", After: "Alpha Foundation"},
			{Field: "time zone", Before: "UTC", After: "Pacific/Auckland"}, {Field: "data-entry period", Before: "current", After: "previous"},
			{Field: "welcome mode", Before: "password", After: "link"}, {Field: "administrator message", Before: "", After: "Our mission"}} {
			if have, ok := changeOf(entries[0], c.Field); !ok || have != c {
				t.Errorf("logged %s = %+v, want %+v", c.Field, have, c)
			}
		}

		// Refused without the permission: nothing changes, the refusal
		// is an error of kind Forbidden.
		builder := s.as("builder")
		for name, try := range map[string]func() error{
			"settings": func() error {
				return a.SaveSettings(ctx, builder, app.SettingsInput{Name: "X", TimeZone: "UTC", DataPeriod: "current", WelcomeMode: "password"})
			},
			"logo":       func() error { return a.SetLogo(ctx, builder, pngOf(t, 10, 10)) },
			"no logo":    func() error { return a.RemoveLogo(ctx, builder) },
			"terms":      func() error { return a.SaveTerms(ctx, builder, terms.Overrides{"result": {"Goal", "Goals"}}) },
			"page":       func() error { _, err := a.Settings(ctx, builder); return err },
			"terms page": func() error { _, err := a.CommonTerms(ctx, builder); return err },
		} {
			if e, ok := app.AsError(try()); !ok || e.Kind != app.Forbidden {
				t.Errorf("%s by a builder: %v, want Forbidden", name, e)
			}
		}
		after, _ := w.q().InstanceByID(ctx, s.in.ID)
		if after.Name != in.Name || after.Terms != "" || after.LogoVersion != 0 {
			t.Errorf("after refusals: %+v", after)
		}

		// Refused input names its field and changes nothing.
		for field, bad := range map[string]app.SettingsInput{
			"name":         {Name: " ", TimeZone: "UTC", DataPeriod: "current", WelcomeMode: "password"},
			"time_zone":    {Name: "A", TimeZone: "Mars/Olympus", DataPeriod: "current", WelcomeMode: "password"},
			"data_period":  {Name: "A", TimeZone: "UTC", DataPeriod: "next", WelcomeMode: "password"},
			"welcome_mode": {Name: "A", TimeZone: "UTC", DataPeriod: "current", WelcomeMode: "pigeon"},
			"message":      {Name: "A", TimeZone: "UTC", DataPeriod: "current", WelcomeMode: "password", Message: strings.Repeat("x", app.MaxMessage+1)},
		} {
			e, ok := app.AsError(a.SaveSettings(ctx, s.as("admin"), bad))
			if !ok || e.Kind != app.Invalid || e.Fields[field] == "" {
				t.Errorf("bad %s: %v", field, e)
			}
		}
		if again, _ := w.q().InstanceByID(ctx, s.in.ID); again != after {
			t.Errorf("a refused save changed the instance: %+v", again)
		}

		// The data grid preselects the previous period.
		m := s.measure(s.as("admin"), "Readiness", app.Placement{})
		page, err := a.MeasurePage(ctx, s.as("admin"), m.ID, 0, 0)
		if err != nil || page.EntryKey == "" || len(page.Grid) < 2 || page.EntryKey != page.Grid[len(page.Grid)-2].Key {
			t.Errorf("entry key %q of grid %+v (%v)", page.EntryKey, page.Grid, err)
		}
	})
}

// TestCommonTermsSaved: terms are saved, read back, logged before/after,
// reset to the default, and refused when too long.
func TestCommonTermsSaved(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		a, ctx := w.app, w.ctx
		s := w.site("ALPHA", "Alpha Org")
		s.member("admin", access.PresetAdministration)
		if err := a.SaveTerms(ctx, s.as("admin"), terms.Overrides{"result": {"Goal", "Goals"}, "measure": {"Measure", ""}}); err != nil {
			t.Fatal(err)
		}
		admin := s.as("admin")
		set := terms.Parse(admin.Instance.Terms)
		if set.One(terms.Result) != "Goal" || set.Many(terms.Result) != "Goals" || set.LowMany(terms.Result) != "goals" || set.One(terms.Measure) != "Measure" {
			t.Errorf("terms = %q", admin.Instance.Terms)
		}
		if set.TypeName("Result") != "Goal" || set.TypeName("My Type") != "My Type" {
			t.Error("built-in type names do not follow the terms")
		}
		v, err := a.CommonTerms(ctx, admin)
		if err != nil || v.Rows[terms.Result].One != "Goal" || v.Rows[terms.Measure].One != "" {
			t.Errorf("terms page rows = %+v, %v", v.Rows[:7], err)
		}
		e := settingsEntries(t, w, s.in, "Common Terms")
		if len(e) != 1 {
			t.Fatalf("log = %+v", e)
		}
		if c, _ := changeOf(e[0], "Result (singular)"); c.Before != "Result" || c.After != "Goal" {
			t.Errorf("logged %+v", e[0].Changes)
		}
		if err := a.SaveTerms(ctx, admin, terms.Overrides{"result": {strings.Repeat("G", terms.MaxLen+1), ""}}); err == nil {
			t.Error("a term of 41 characters was accepted")
		}
		if err := a.SaveTerms(ctx, admin, terms.Overrides{}); err != nil {
			t.Fatal(err)
		}
		if got := s.as("admin").Instance.Terms; got != "" {
			t.Errorf("after reset, terms = %q", got)
		}
	})
}

// pngOf is a w × h PNG with a text chunk (metadata that must not survive).
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 13), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	// A tEXt chunk after IHDR (8-byte signature + 25-byte IHDR).
	data := b.Bytes()
	return append(append(append([]byte{}, data[:33]...), pngChunk("tEXt", []byte("Author\x00secret person"))...), data[33:]...)
}

func pngChunk(typ string, body []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	out = append(out, typ...)
	out = append(out, body...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), body...)))
}

// jpegWithExif is a JPEG with an EXIF segment naming a camera.
func jpegWithExif(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	exif := append([]byte("Exif\x00\x00"), []byte("MM\x00\x2a\x00\x00\x00\x08SecretCam GPS 51.5N")...)
	seg := append([]byte{0xFF, 0xE1}, byte((len(exif)+2)>>8), byte(len(exif)+2))
	seg = append(seg, exif...)
	data := b.Bytes()
	return append(append(append([]byte{}, data[:2]...), seg...), data[2:]...)
}

// bombPNG is a PNG whose header says 20,000 × 20,000 pixels (1.6 GB
// decoded) over a few bytes of data that are not even valid pixels: it
// must be refused from the header, before any pixel is decoded.
func bombPNG() []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, 20000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 20000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x01, 0x02})...)
	return append(out, pngChunk("IEND", nil)...)
}

func TestLogoUploads(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		a, ctx := w.app, w.ctx
		s := w.site("ALPHA", "Alpha Org")
		s.member("admin", access.PresetAdministration)

		good := []struct {
			name, typ string
			data      []byte
			w, h      int // expected size after scaling
		}{
			{"png", "image/png", pngOf(t, 120, 40), 120, 40},
			{"wide png", "image/png", pngOf(t, 1200, 100), 600, 50},
			{"jpeg with exif", "image/jpeg", jpegWithExif(t, 300, 900), 66, 200},
		}
		for _, c := range good {
			if err := a.SetLogo(ctx, s.as("admin"), c.data); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			l, err := a.InstanceLogo(ctx, s.as("admin"))
			if err != nil {
				t.Fatal(err)
			}
			if l.ContentType != c.typ || bytes.Equal(l.Body, c.data) {
				t.Errorf("%s: stored %s, same bytes %v", c.name, l.ContentType, bytes.Equal(l.Body, c.data))
			}
			for _, leak := range []string{"secret person", "SecretCam", "Exif", "tEXt"} {
				if bytes.Contains(l.Body, []byte(leak)) {
					t.Errorf("%s: stored logo still holds %q", c.name, leak)
				}
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(l.Body))
			if err != nil || cfg.Width != c.w || cfg.Height != c.h {
				t.Errorf("%s: stored %dx%d, want %dx%d (%v)", c.name, cfg.Width, cfg.Height, c.w, c.h, err)
			}
		}
		before, _ := a.InstanceLogo(ctx, s.as("admin"))
		version := s.as("admin").Instance.LogoVersion
		logged := len(settingsEntries(t, w, s.in, "General Settings"))

		valid := pngOf(t, 20, 20)
		big := append(append([]byte{}, valid...), make([]byte, app.MaxLogoBytes+1-len(valid))...)
		bad := []struct {
			name, data, want string
		}{
			{"svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "PNG or JPEG"},
			{"png with trailing html", string(valid) + "<html><script>alert(1)</script></html>", "data after its end"},
			{"1 MB + 1 byte", string(big), "larger than 1 MB"},
			{"decompression bomb", string(bombPNG()), "20000 × 20000"},
			{"text named .png", "just some text, named logo.png", "PNG or JPEG"},
			{"empty", "", "Choose a PNG or JPEG"},
			{"truncated png", string(valid[:40]), "PNG"},
		}
		for _, c := range bad {
			err := a.SetLogo(ctx, s.as("admin"), []byte(c.data))
			e, ok := app.AsError(err)
			if !ok || e.Kind != app.Invalid || !strings.Contains(e.Fields["logo"], c.want) {
				t.Errorf("%s: %v, want a refusal saying %q", c.name, err, c.want)
			}
		}
		after, _ := a.InstanceLogo(ctx, s.as("admin"))
		if !bytes.Equal(before.Body, after.Body) || s.as("admin").Instance.LogoVersion != version ||
			len(settingsEntries(t, w, s.in, "General Settings")) != logged {
			t.Error("a refused logo changed what is stored or logged")
		}

		if err := a.RemoveLogo(ctx, s.as("admin")); err != nil {
			t.Fatal(err)
		}
		if _, err := a.InstanceLogo(ctx, s.as("admin")); !errors.Is(err, err) || err == nil {
			t.Error("a removed logo is still served")
		}
		if v := s.as("admin").Instance.LogoVersion; v > 0 {
			t.Errorf("logo version after removal = %d", v)
		}
		if err := a.SetLogo(ctx, s.as("admin"), valid); err != nil || s.as("admin").Instance.LogoVersion <= version {
			t.Errorf("a logo after removal: %v, version %d (was %d)", err, s.as("admin").Instance.LogoVersion, version)
		}
	})
}

// TestActivityTimeZones: the same log entry shows at the right local time
// for an instance in Pacific/Auckland (for members without a zone of
// their own) and for a member in America/New_York, on both sides of each
// zone's daylight-saving change.
func TestActivityTimeZones(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		a, ctx := w.app, w.ctx
		s := w.site("ALPHA", "Alpha Org")
		s.member("admin", access.PresetAdministration)
		s.member("ny", access.PresetAdministration)
		if err := a.SaveSettings(ctx, s.as("admin"), app.SettingsInput{Name: "Alpha Org", TimeZone: "Pacific/Auckland", DataPeriod: "current", WelcomeMode: "password"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Store.DB().Exec(`UPDATE accounts SET time_zone = 'America/New_York' WHERE id = $1`, s.members["ny"].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Store.DB().Exec(`UPDATE accounts SET time_zone = '' WHERE id = $1`, s.members["admin"].ID); err != nil {
			t.Fatal(err)
		}
		for name, tz := range map[string]string{"admin": "", "ny": "America/New_York"} {
			acct := s.members[name]
			acct.TimeZone = tz
			s.members[name] = acct
		}
		// Auckland leaves daylight time on 2026-04-05 (03:00 NZDT →
		// 02:00 NZST); New York enters it on 2026-03-08 (02:00 EST →
		// 03:00 EDT).
		at := []time.Time{
			time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC), time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC),
			time.Date(2026, 4, 4, 13, 30, 0, 0, time.UTC), time.Date(2026, 4, 4, 14, 30, 0, 0, time.UTC),
		}
		for i, when := range at {
			e := model.Activity{InstanceID: s.in.ID, Activity: app.ActUpdate, ObjectType: "tz", ObjectName: "entry " + string(rune('A'+i)), At: when}
			if err := w.q().RecordActivity(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string][]string{
			"admin": {"2026-03-08 19:30", "2026-03-08 20:30", "2026-04-05 02:30", "2026-04-05 02:30"},
			"ny":    {"2026-03-08 01:30", "2026-03-08 03:30", "2026-04-04 09:30", "2026-04-04 10:30"},
		}
		for who, times := range want {
			v, err := a.ActivityLog(ctx, s.as(who), app.ActivityQuery{From: "2026-03-01", To: "2026-04-30"})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range v.Page.Entries {
				if e.ObjectType == "tz" {
					got[e.ObjectName] = e.At.In(v.Location).Format("2006-01-02 15:04")
				}
			}
			for i, w := range times {
				if name := "entry " + string(rune('A'+i)); got[name] != w {
					t.Errorf("%s sees %s at %s, want %s (zone %v)", who, name, got[name], w, v.Location)
				}
			}
		}
	})
}

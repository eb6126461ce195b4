package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// compyleURL is the Compyle address of the test servers (newEnv).
const compyleURL = "https://compyle.example.org/start"

// testPNG is a w × h PNG.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{uint8(40 + x%200), 90, uint8(120 + y%100), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadAs posts content as the multipart file field, as a browser does.
func (c *client) uploadAs(path, field, fileName string, content []byte) resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, fileName)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(content)
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.e.srv.URL+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

// TestSettingsWeb: the General Settings page saves and shows each
// setting, the logo is served, in the header and on the activity PDF,
// bad uploads are refused on the page with the field's message, the
// Compyle item follows the permission, and the Administration page lists
// what the member may open.
func TestSettingsWeb(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme Org")
		e.member(in, "ada@example.org", access.PresetAdministration)
		e.member(in, "pat@example.org", access.PresetPresenter)
		ada, pat := e.client(), e.client()
		ada.login("ada@example.org", testkit.Password)
		pat.login("pat@example.org", testkit.Password)

		expect(t, "settings page", ada.get("/i/ACME/admin/settings"), http.StatusOK, `id="instance-code">ACME<`, `value="Acme Org"`)
		r := ada.post("/i/ACME/admin/settings", "name", "Acme Foundation", "time_zone", "Pacific/Auckland", "data_period", "previous",
			"welcome_mode", "link", "message", "<p>Our mission: <b>kids ready for school</b></p><script>x()</script>")
		expect(t, "save", r, http.StatusSeeOther)
		expect(t, "saved page", ada.get("/i/ACME/admin/settings?saved=saved"), http.StatusOK, `value="Acme Foundation"`,
			`<option value="Pacific/Auckland" selected`, `value="previous" checked`, `value="link" checked`, "Your changes were saved.")
		dash := pat.get("/i/ACME/")
		expect(t, "dashboard", dash, http.StatusOK, `id="admin-message"`, "<b>kids ready for school</b>", "Acme Foundation")
		if strings.Contains(dash.Body, "x()") {
			t.Error("the administrator message kept a script")
		}
		expect(t, "bad zone", ada.post("/i/ACME/admin/settings", "name", "A", "time_zone", "Mars/Olympus", "data_period", "current", "welcome_mode", "password"),
			http.StatusUnprocessableEntity, `id="f-time_zone"`, "Choose a time zone from the list.")
		expect(t, "presenter refused", pat.post("/i/ACME/admin/settings", "name", "Hacked", "time_zone", "UTC", "data_period", "current", "welcome_mode", "password"),
			http.StatusForbidden)

		// The logo.
		expect(t, "svg refused", ada.uploadAs("/i/ACME/admin/settings/logo", "logo", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)),
			http.StatusUnprocessableEntity, "The logo must be a PNG or JPEG image", `id="f-logo"`)
		expect(t, "no logo yet", ada.get("/i/ACME/logo"), http.StatusNotFound)
		expect(t, "upload", ada.uploadAs("/i/ACME/admin/settings/logo", "logo", "logo.png", testPNG(t, 900, 150)), http.StatusSeeOther)
		dash = pat.get("/i/ACME/")
		expect(t, "header logo", dash, http.StatusOK, `id="instance-logo"`, `src="/i/ACME/logo?v=1"`, `alt="Acme Foundation"`)
		logo := pat.get("/i/ACME/logo?v=1")
		if logo.Status != http.StatusOK || logo.Header.Get("Content-Type") != "image/png" || logo.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("logo: %d %v", logo.Status, logo.Header)
		}
		if cfg, err := png.DecodeConfig(strings.NewReader(logo.Body)); err != nil || cfg.Width != 600 || cfg.Height != 100 {
			t.Errorf("served logo %dx%d, %v; want 600x100", cfg.Width, cfg.Height, err)
		}
		pdf := ada.get("/i/ACME/admin/activity.pdf")
		if pdf.Status != http.StatusOK {
			t.Fatalf("activity.pdf: %d %s", pdf.Status, excerpt(pdf.Body))
		}
		imgs, err := testkit.PDFImages([]byte(pdf.Body))
		if err != nil || len(imgs) != 1 || imgs[0].Width != 600 || imgs[0].Height != 100 || len(imgs[0].Data) != 600*100*3 {
			t.Errorf("activity PDF images = %v (%v)", summary(imgs), err)
		}
		lines, err := testkit.PDFLines([]byte(pdf.Body))
		if err != nil || len(lines) == 0 || !strings.Contains(strings.Join(lines[0], "\n"), "User Activity") {
			t.Errorf("activity PDF text: %v", err)
		}
		expect(t, "remove logo", ada.post("/i/ACME/admin/settings/logo/delete"), http.StatusSeeOther)
		if strings.Contains(pat.get("/i/ACME/").Body, `id="instance-logo"`) {
			t.Error("the header still shows a removed logo")
		}

		// Compyle: in the menu for whoever has the permission.
		if !strings.Contains(ada.get("/i/ACME/").Body, `id="nav-compyle"`) || strings.Contains(pat.get("/i/ACME/").Body, `id="nav-compyle"`) {
			t.Error("the Compyle item does not follow the permission")
		}
		r = ada.get("/i/ACME/compyle")
		if r.Status != http.StatusSeeOther || r.Location != compyleURL {
			t.Errorf("compyle: %d to %q", r.Status, r.Location)
		}
		expect(t, "compyle refused", pat.get("/i/ACME/compyle"), http.StatusForbidden)

		// The Administration page: grouped, with descriptions; a presenter
		// is told it opens none.
		expect(t, "admin page", ada.get("/i/ACME/admin"), http.StatusOK, "<h2>Organization</h2>", "General Settings", "Common Terms",
			"<h2>Scorecard defaults</h2>", "<h2>Users</h2>", "<h2>Instance</h2>", "Rename the product")
		expect(t, "admin page of a presenter", pat.get("/i/ACME/admin"), http.StatusOK, `id="no-admin-pages"`)

		// Common Terms: saved, refused when too long, reset.
		expect(t, "terms page", ada.get("/i/ACME/admin/terms"), http.StatusOK, `name="result_one"`, `placeholder="Performance Measures"`)
		expect(t, "terms save", ada.post("/i/ACME/admin/terms", "result_one", "Goal", "result_many", "Goals", "scorecard_many", "Dashboards"), http.StatusSeeOther)
		expect(t, "terms shown", ada.get("/i/ACME/admin/terms"), http.StatusOK, `value="Goal"`, `value="Goals"`, `id="nav-scorecards">Dashboards<`)
		expect(t, "term too long", ada.post("/i/ACME/admin/terms", "result_one", strings.Repeat("G", 41)), http.StatusUnprocessableEntity, `id="f-result_one"`)
		expect(t, "reset one", ada.post("/i/ACME/admin/terms", "result_one", "Goal", "result_many", "Goals", "scorecard_many", "Dashboards", "reset", "result"), http.StatusSeeOther)
		r = ada.get("/i/ACME/admin/terms")
		if strings.Contains(r.Body, `value="Goal"`) || !strings.Contains(r.Body, `value="Dashboards"`) {
			t.Error("reset to default of one term did not reset exactly that one")
		}
		expect(t, "terms refused", pat.post("/i/ACME/admin/terms", "result_one", "Hack"), http.StatusForbidden)
	})
}

func summary(imgs []testkit.PDFImage) []string {
	var out []string
	for _, i := range imgs {
		out = append(out, fmt.Sprintf("%s %dx%d", i.Name, i.Width, i.Height))
	}
	return out
}

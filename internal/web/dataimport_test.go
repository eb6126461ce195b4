package web_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/dataimport"
)

var dataImportLocation = regexp.MustCompile(`^/i/ACME/admin/data-import/(\d+)$`)

// Import Data through its pages (issue 21): from the scorecard's menu,
// upload, a preview with the errors first and the counts, a run refused
// without the explicit choice of the valid rows (the field says so), the
// run, its results file; a file over 20 MB is a field error.
func TestDataImportPages(t *testing.T) {
	f := newFixture(t)
	c := f.e.client()
	c.setCookie(f.cookies["admin"])
	sc := "/i/ACME/scorecards/" + strconv.FormatInt(f.sc.ID, 10)
	expect(t, "scorecard menu", c.get(sc), http.StatusOK, `href="`+sc+`/data-import"`)
	expect(t, "admin menu", c.get("/i/ACME/admin/users"), http.StatusOK, `href="/i/ACME/admin/data-import"`)
	expect(t, "upload page", c.get(sc+"/data-import"), http.StatusOK, `id="data-import-form"`, `action="`+sc+`/data-import"`)

	label := f.periodKey // a date inside the period (the measure is quarterly)
	file := "\ufeffMeasure;Period;Actual;Comment\r\n" +
		f.measure.Title + ";" + label + ";1.234;from the sheet\r\n" +
		"No such thing;" + label + ";1;\r\n"
	r := c.upload(sc+"/data-import", "march.csv", []byte(file))
	m := dataImportLocation.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("upload: %d %q %s", r.Status, r.Location, excerpt(r.Body))
	}
	preview := c.get(r.Location)
	expect(t, "preview", preview, http.StatusOK, "march.csv", "<strong>1</strong> error", "Unknown measure “No such thing”.",
		`name="valid_only"`)
	if !strings.Contains(preview.Body, "<strong>1</strong> new") && !strings.Contains(preview.Body, "<strong>1</strong> update") {
		t.Errorf("the measure's row is neither new nor an update")
	}
	if strings.Index(preview.Body, "Unknown measure") > strings.Index(preview.Body, `<tr class="outcome-new"`)+strings.Index(preview.Body, `<tr class="outcome-update"`)+1 {
		t.Errorf("the error row is not first")
	}
	token := importToken.FindStringSubmatch(preview.Body)
	if token == nil {
		t.Fatalf("no token in %s", excerpt(preview.Body))
	}
	run := r.Location + "/run"
	expect(t, "run without the choice", c.post(run, "token", token[1]), http.StatusUnprocessableEntity,
		"Nothing was imported: 1 row with errors", `aria-invalid="true"`)
	expect(t, "results before the run", c.get(r.Location+"/results.csv"), http.StatusNotFound)
	done := c.post(run, "token", token[1], "valid_only", "1")
	if done.Status != http.StatusSeeOther || done.Location != r.Location+"?done=ran" {
		t.Fatalf("run: %d %q %s", done.Status, done.Location, excerpt(done.Body))
	}
	expect(t, "after the run", c.get(done.Location), http.StatusOK, "Import done", "values written: 1", `id="data-import-results"`)
	res := c.get(r.Location + "/results.csv")
	if res.Status != http.StatusOK || !bytes.Contains([]byte(res.Body), []byte("\r\n3,error,Unknown measure “No such thing”.\r\n")) {
		t.Errorf("results: %d %q", res.Status, res.Body)
	}
	expect(t, "second run", c.post(run, "token", token[1], "valid_only", "1"), http.StatusConflict, "imported already")

	// The template and the export, read back as an import reads them.
	for _, path := range []string{"/data-template.xlsx", "/data-template.csv", "/data-values.xlsx", "/data-values.csv",
		"/data-template.csv?from=2025-01-01&to=2025-12-31"} {
		r := c.get(sc + path)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %q", path, r.Status, r.Header.Get("Content-Disposition"))
			continue
		}
		file, err := dataimport.Parse(strings.NewReader(r.Body), dataimport.Options{})
		if err != nil || len(file.Rows) == 0 {
			t.Errorf("%s: %d rows, %v", path, len(file.Rows), err)
		}
	}
	expect(t, "a range without its end", c.get(sc+"/data-template.csv?from=2025-01-01"), http.StatusUnprocessableEntity)

	// Too large, and refused as a whole: field errors on the form.
	big := bytes.Repeat([]byte("x"), 21<<20)
	expect(t, "21 MB", c.upload("/i/ACME/admin/data-import", "big.csv", big), http.StatusUnprocessableEntity, "larger than 20 MB")
	expect(t, "not a table", c.upload("/i/ACME/admin/data-import", "x.csv", []byte("hello")), http.StatusUnprocessableEntity,
		"The first row must be the header row", `aria-invalid="true"`)
}

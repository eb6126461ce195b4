package web_test

import (
	"html"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/terms"
	"yardstick/internal/testkit"
)

// markerTerms overrides every term of the catalogue with a marker word:
// "Mkresultone" and "Mkresultmany" for Result.
func markerTerms() terms.Overrides {
	o := terms.Overrides{}
	for _, k := range terms.All() {
		id := strings.ReplaceAll(terms.Default(k).ID, "_", "")
		o[terms.Default(k).ID] = [2]string{"Mk" + id + "one", "Mk" + id + "many"}
	}
	return o
}

// defaultWords finds a default term of the catalogue as a word, in either
// case.
var defaultWords = func() *regexp.Regexp {
	var alts []string
	for _, k := range terms.All() {
		d := terms.Default(k)
		alts = append(alts, regexp.QuoteMeta(d.Many), regexp.QuoteMeta(d.One))
	}
	sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	return regexp.MustCompile(`(?i)\b(` + strings.Join(alts, "|") + `)\b`)
}()

var (
	scriptsAndStyles = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	namedAttrs       = regexp.MustCompile(`(?i)\s(?:aria-label|placeholder|title|alt)="([^"]*)"`)
	anyTag           = regexp.MustCompile(`(?s)<[^>]*>`)
)

// visibleText is what a page shows or reads out: its text, and the
// labels, placeholders, titles and alternative texts of its elements.
func visibleText(page string) string {
	page = scriptsAndStyles.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range namedAttrs.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]))
		b.WriteString("\n")
	}
	b.WriteString(html.UnescapeString(anyTag.ReplaceAllString(page, "\n")))
	return b.String()
}

// productNames are phrases that name a feature, a setting or a method,
// not a term of the catalogue: they stay as they are whatever the
// instance's words.
var productNames = []string{"Partner Connect", "Story Behind the Curve", "Action Plan", "Notes types", "Global Color Bands", "Results-Based Accountability"}

// notTerms are phrases where a default word has its ordinary sense, not
// the catalogue's: the users list names each row's menu of operations so
// (users_test.go looks for it).
var notTerms = []string{"More actions for"}

// storedContent is what a page shows as it was stored, never rewritten:
// a log entry's recorded changes (a Common Terms change records the
// default words it replaced) and a membership's stored role; and the
// column names of an import file (Import Data's "measure", "actual"),
// which are the file's format, read whatever the instance's words.
var storedContent = regexp.MustCompile(`(?s)<ul class="changes">.*?</ul>|<td class="user-role">[^<]*</td>|<code class="file-column">[^<]*</code>`)

// defaultsIn lists the default terms s holds, each once, sorted.
func defaultsIn(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range defaultWords.FindAllString(s, -1) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// termsShowDefaults are pages that show the default terms by design: the
// Common Terms page names each term it renames.
var termsShowDefaults = map[string]bool{"GET /i/{code}/admin/terms": true}

// TestCommonTermsEveryPage renders every page of the route table as the
// fixture's administrator with every term renamed to a marker word: no
// default term remains in the visible text outside user content (the
// fixture's content avoids the default words; note type names, which the
// Notes page renames, are content), and each term's marker appears
// somewhere.
func TestCommonTermsEveryPage(t *testing.T) {
	f := newFixture(t)
	c := f.e.client()
	c.setCookie(f.cookies["admin"])
	var form []string
	for id, v := range markerTerms() {
		form = append(form, id+"_one", v[0], id+"_many", v[1])
	}
	expect(t, "markers saved", c.post("/i/ACME/admin/terms", form...), 303)
	// Note types are named on the Notes page ("Partners" is one): content.
	noteTypes, err := f.e.store.DB().Query(`SELECT name FROM note_types`)
	if err != nil {
		t.Fatal(err)
	}
	var content []string
	for noteTypes.Next() {
		var n string
		noteTypes.Scan(&n)
		content = append(content, n)
	}
	noteTypes.Close()
	sort.Slice(content, func(i, j int) bool { return len(content[i]) > len(content[j]) })
	seen := strings.Builder{}
	// pageText is a page's visible text outside stored and user content.
	pageText := func(body string) string {
		text := visibleText(storedContent.ReplaceAllString(body, " "))
		for _, p := range append(append(productNames, notTerms...), content...) {
			text = strings.ReplaceAll(text, p, " ")
		}
		return text
	}
	for _, rt := range f.e.web.Routes() {
		if !strings.HasPrefix(rt.Pattern, "GET ") || rt.Transport != "pages" || notPages[rt.Pattern] != "" || !strings.Contains(rt.Pattern, "{code}") ||
			termsShowDefaults[rt.Pattern] {
			continue
		}
		_, path, _ := f.request(rt.Pattern)
		r := c.get(path)
		if r.Status != 200 {
			continue // a route the fixture's ids do not open (an import preview)
		}
		// Markers count anywhere visible: Forecast, which no feature uses
		// yet, shows only in the log's record of the terms' change.
		seen.WriteString(visibleText(r.Body))
		text := pageText(r.Body)
		words := defaultsIn(text)
		if len(words) == 0 {
			continue
		}
		t.Errorf("%s (%s) still says %q", rt.Pattern, path, words)
		if os.Getenv("TERMS_DEBUG") != "" {
			for _, loc := range defaultWords.FindAllStringIndex(text, -1) {
				t.Logf("\t…%s…", strings.ReplaceAll(text[max(0, loc[0]-50):min(len(text), loc[1]+30)], "\n", " "))
			}
		}
	}
	// The public embed page of the fixture's measure, outside /i/{code}:
	// in its instance's words too (no session: the code is the key).
	anon := f.e.client()
	if r := anon.get("/embed/" + f.embedToken); r.Status != 200 {
		t.Errorf("embed page: %d", r.Status)
	} else if words := defaultsIn(pageText(r.Body)); len(words) > 0 || !strings.Contains(strings.ToLower(r.Body), "mkactualone") {
		t.Errorf("the embed page still says %q (marker for Actual shown: %v)", words, strings.Contains(strings.ToLower(r.Body), "mkactualone"))
	}
	// The page of a digest's unsubscribe link, also public and outside
	// /i/{code}: in the words of the link's instance.
	if r := anon.get("/unsubscribe/" + f.unsubToken); r.Status != 200 {
		t.Errorf("unsubscribe page: %d", r.Status)
	} else if words := defaultsIn(pageText(r.Body)); len(words) > 0 || !strings.Contains(r.Body, "mkfavouriteone mkmeasuremany and open mkactionmany") {
		t.Errorf("the unsubscribe page still says %q, or lacks the markers: %s", words, excerpt(r.Body))
	}
	// Flashes and a refusal of the route's permission, in the same words.
	presenter := f.e.client()
	presenter.setCookie(f.cookies["presenter"])
	id := strconv.FormatInt
	for _, x := range []struct {
		c          *client
		path, want string
		status     int
		post       bool
	}{
		{c, "/i/ACME/actions?done=action-saved", "Mkactionone saved.", 200, false},
		{c, "/i/ACME/actions/" + id(f.actionID, 10) + "?done=todo-saved", "Mktodoone saved.", 200, false},
		{c, "/i/ACME/objects/" + id(f.measure.ID, 10) + "?done=note-saved", "Mknoteone saved.", 200, false},
		{c, "/i/ACME/admin/users/" + id(f.spareID, 10) + "?done=added", "choose their permissions and mkscorecardmany here", 200, false},
		{presenter, "/i/ACME/scorecards", `You need the "Add/Edit Mkscorecardone Objects" permission`, 403, true},
	} {
		var r resp
		if x.post {
			r = x.c.post(x.path, "title", "Denied")
		} else {
			r = x.c.get(x.path)
		}
		text := pageText(r.Body)
		if r.Status != x.status || !strings.Contains(text, x.want) || len(defaultsIn(text)) > 0 {
			t.Errorf("%s: %d, want %d saying %q; still says %q", x.path, r.Status, x.status, x.want, defaultsIn(text))
		}
	}
	// An export: the Action Manager's CSV header.
	csv := c.get("/i/ACME/actions.csv")
	header, _, _ := strings.Cut(strings.TrimPrefix(csv.Body, "\ufeff"), "\n")
	if csv.Status != 200 || !strings.Contains(header, "Mkactionone") || !strings.Contains(header, "Mktagmany") || defaultWords.MatchString(header) {
		t.Errorf("actions.csv header %q (%d)", header, csv.Status)
	}
	seen.WriteString(header)
	// The User Activity exports: the XLSX's header, and every entry's
	// activity and object type (its other cells are recorded content).
	x := c.get("/i/ACME/admin/activity.xlsx")
	book, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatalf("activity.xlsx (%d): %v", x.Status, err)
	}
	rows, err := book.GetRows("User Activity")
	if err != nil || len(rows) < 2 {
		t.Fatalf("activity.xlsx rows %q: %v", rows, err)
	}
	cols := map[string]int{}
	for i, title := range rows[0] {
		cols[title] = i
	}
	if left := defaultsIn(strings.Join(rows[0], " ")); len(left) > 0 {
		t.Errorf("activity.xlsx header %q still says %q", rows[0], left)
	}
	var kinds strings.Builder
	for _, row := range rows[1:] {
		for _, col := range []string{"Activity", "Object type"} {
			if i, ok := cols[col]; ok && i < len(row) {
				kinds.WriteString(row[i] + "\n")
			}
		}
	}
	for _, want := range []string{"Viewed a mkscorecardone", "Accepted a mkpartnerone connection", "mkmeasureone", "mkcontainerone", "mkactionone", "mktodoone", "mknoteone"} {
		if !strings.Contains(kinds.String(), want) {
			t.Errorf("activity.xlsx has no %q in its activities and object types:\n%s", want, kinds.String())
		}
	}
	if left := defaultsIn(kinds.String()); len(left) > 0 {
		t.Errorf("activity.xlsx activities and object types still say %q:\n%s", left, kinds.String())
	}
	// The PDF of entries that record no changes: all of its text.
	for activity, marker := range map[string]string{"view_scorecard": "mkscorecardone", "view_measure": "mkmeasureone", "partner_accept": "mkpartnerone"} {
		p := c.get("/i/ACME/admin/activity.pdf?activity=" + activity)
		pages, err := testkit.PDFLines([]byte(p.Body))
		if err != nil {
			t.Fatalf("activity.pdf (%d): %v", p.Status, err)
		}
		var all []string
		for _, pg := range pages {
			all = append(all, pg...)
		}
		text := strings.Join(all, "\n")
		if !strings.Contains(text, "When | Who | Email | Activity | Outcome | Object type") || !strings.Contains(text, marker) || len(defaultsIn(text)) > 0 {
			t.Errorf("activity.pdf of %s still says %q:\n%s", activity, defaultsIn(text), text)
		}
	}
	all := strings.ToLower(seen.String())
	for _, k := range terms.All() {
		id := strings.ReplaceAll(terms.Default(k).ID, "_", "")
		if !strings.Contains(all, "mk"+id+"one") && !strings.Contains(all, "mk"+id+"many") {
			t.Errorf("no page shows the term %s (marker Mk%sone or Mk%smany)", terms.Default(k).One, id, id)
		}
	}
}

// TestCommonTermsMails writes every mail with every term renamed to a
// marker word: none says a default term outside the product's names, and
// those that name a term use the instance's.
func TestCommonTermsMails(t *testing.T) {
	const base, to, link = "http://yardstick.test", "ada@example.org", "http://yardstick.test/signin/secret-token"
	words := terms.Parse(terms.Encode(markerTerms()))
	for _, m := range []struct {
		msg    model.OutboxMessage
		marker string // "" for a mail that names no term
	}{
		{mail.Welcome(base, "Acme", "ACME", to, "temp-Secret-1"), ""},
		{mail.WelcomeLink(base, "Acme", "ACME", to, link), ""},
		{mail.PasswordReset(base, to, link), ""},
		{mail.AdminReset(base, "Acme", to, "temp-Secret-1", ""), ""},
		{mail.AdminReset(base, "Acme", to, "", link), ""},
		{mail.PasswordChanged(base, to), ""},
		{mail.AddedToInstance(base, "Acme", "ACME", to), ""},
		{mail.Invitation(base, "Acme", "ACME", to), ""},
		{mail.EmailChangeConfirm(base, to, "new@example.org", link), ""},
		{mail.EmailChangeNotice(base, to, "new@example.org"), ""},
		{mail.EmailChanged(base, to, "new@example.org"), ""},
		// Partner Connect: in the receiving instance's words, and a
		// referral in the referring one's.
		{mail.PartnerRequest(base, "Beta", "BETA", "Acme", "ACME", to, words), "mkscorecardmany"},
		{mail.PartnerReferral(base, "Acme", "ACME", "Gamma Trust", to, link, words), "mkscorecardmany"},
		{mail.PartnerReferral(base, "Acme", "ACME", "Gamma Trust", to, "", words), "mkscorecardmany"},
		{mail.OperatorReferral(base, "Acme", "ACME", "Gamma Trust", to, "operator@example.org"), ""},
	} {
		text := regexp.MustCompile(`https?://\S+`).ReplaceAllString(m.msg.Subject+"\n"+m.msg.Body, "")
		for _, p := range productNames {
			text = strings.ReplaceAll(text, p, " ")
		}
		if left := defaultsIn(text); len(left) > 0 || !strings.Contains(strings.ToLower(text), m.marker) {
			t.Errorf("%s mail still says %q (want %q):\n%s", m.msg.Kind, left, m.marker, m.msg.Body)
		}
	}
}

package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"yardstick/internal/testkit"
)

// focused describes the element that has focus.
type focused struct {
	Tag, ID, Class, Name, Text, Invalid, DescribedBy, Description, Key, Col string
	InView                                                                  bool
}

func uiFocused(t *testing.T, ctx context.Context) focused {
	t.Helper()
	f, err := chromedp.Run(ctx, chromedp.Evaluate[focused](`(() => {
		const e = document.activeElement, r = e.getBoundingClientRect();
		const d = e.getAttribute('aria-describedby');
		const desc = d ? d.split(/\s+/).map(id => (document.getElementById(id) || {textContent: ''}).textContent.trim()).join(' ') : '';
		const row = e.closest('tr');
		return {Tag: e.tagName.toLowerCase(), ID: e.id, Class: e.className || '', Name: e.getAttribute('name') || '',
			Text: (e.innerText || '').trim(), Invalid: e.getAttribute('aria-invalid') || '', DescribedBy: d || '', Description: desc,
			Key: row ? row.dataset.key || '' : '', Col: e.dataset.col || '',
			InView: r.top >= 0 && r.bottom <= window.innerHeight};
	})()`))
	if err != nil {
		t.Fatalf("focused element: %v", err)
	}
	return f
}

// uiKeys presses keys and, when the page navigates, waits for it and
// returns its status (0 when it did not navigate).
func uiKeysNavigate(t *testing.T, ctx context.Context, keys string) int64 {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(keys))
	if err != nil {
		t.Fatalf("press %q: %v", keys, err)
	}
	return res.Status
}

func uiKeys(t *testing.T, ctx context.Context, keys string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
		t.Fatalf("press %q: %v", keys, err)
	}
}

// statusInView reads the status message and whether it is on screen.
func statusInView(t *testing.T, ctx context.Context) (string, bool) {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Text string
		In   bool
	}](`(() => { const e = document.querySelector('#status-message[role=status]'); if (!e) return {Text: '', In: false};
		const r = e.getBoundingClientRect(); return {Text: e.textContent.trim(), In: r.top >= 0 && r.bottom <= window.innerHeight}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	return s.Text, s.In
}

// TestBrowserKeyboardDataEntryErrors is the data-entry keyboard journey of
// finding 3 (WCAG 3.3.1, 1.3.1, 4.1.3): a bad value typed into the grid
// and Enter; focus lands on the error summary at the top of the form; Tab
// reaches its link, Enter puts focus in the exact bad cell, which is marked
// invalid and described by its message; a good value and Enter save, and
// "Saved." is on screen in a status region.
func TestBrowserKeyboardDataEntryErrors(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) { keyboardDataEntryErrors(t, newBandFixtureIn(t, newEnv(t, db))) })
}

func keyboardDataEntryErrors(t *testing.T, f *bandFixture) {
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f.fixture, "admin")
	open(t, ctx, f.fixture, "/i/ACME/objects/"+strconv.FormatInt(f.yellow.ID, 10))
	checkAxe(t, ctx, "measure")

	// An empty actual cell, reached as a keyboard user would land in it.
	key, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#data-grid tbody tr')].
		find(tr => tr.querySelector('input[data-col=actual]') && tr.querySelector('input[data-col=actual]').value === '').dataset.key`))
	if err != nil || key == "" {
		t.Fatalf("an empty grid row: %q %v", key, err)
	}
	cell := `#data-grid tr[data-key="` + key + `"] input[data-col=actual]`
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(cell))); err != nil {
		t.Fatal(err)
	}
	uiKeys(t, ctx, "abc")
	if got := uiKeysNavigate(t, ctx, kb.Enter); got != http.StatusUnprocessableEntity {
		t.Fatalf("Enter with \"abc\" in a cell answered %d, want 422", got)
	}
	checkAxe(t, ctx, "data grid refused")

	// Focus is on the summary, which is on screen and names the cell.
	fo := uiFocused(t, ctx)
	if !strings.Contains(fo.Class, "error-summary") || !fo.InView {
		t.Fatalf("after the refused save focus is on <%s id=%q class=%q> (in view %v), want the error summary in view", fo.Tag, fo.ID, fo.Class, fo.InView)
	}
	if !strings.Contains(fo.Text, "actual") {
		t.Errorf("the error summary reads %q, want it to say which cell", fo.Text)
	}
	testkit.Screenshot(t, ctx, "error-summary-focus")

	// Tab: the summary's link to the cell; Enter: the cell itself.
	uiKeys(t, ctx, kb.Tab)
	fo = uiFocused(t, ctx)
	if fo.Tag != "a" || !strings.Contains(fo.Text, "actual") {
		t.Fatalf("Tab from the summary reached <%s> %q, want its link to the bad cell", fo.Tag, fo.Text)
	}
	uiKeys(t, ctx, kb.Enter)
	fo = uiFocused(t, ctx)
	if fo.Key != key || fo.Col != "actual" {
		t.Fatalf("the summary link put focus on <%s name=%q> in row %q column %q, want the actual cell of %s", fo.Tag, fo.Name, fo.Key, fo.Col, key)
	}
	if fo.Invalid != "true" || fo.Description == "" || !strings.Contains(fo.Description, "actual") || !fo.InView {
		t.Errorf("the bad cell has aria-invalid %q, description %q (in view %v); want true and the message", fo.Invalid, fo.Description, fo.InView)
	}
	if n := uiCount(t, ctx, `#data-grid [aria-invalid=true]`); n != 1 {
		t.Errorf("%d grid cells are marked invalid, want only the bad one", n)
	}
	if lbl := uiAttr(t, ctx, cell, "aria-label"); strings.Contains(lbl, "number") || strings.Contains(lbl, "not") {
		t.Errorf("the cell's name %q carries the error; want it in the description only", lbl)
	}

	// Fix it from the keyboard and save.
	uiClear(t, ctx, cell)
	uiKeys(t, ctx, "7")
	if got := uiKeysNavigate(t, ctx, kb.Enter); got != http.StatusOK {
		t.Fatalf("saving a good value answered %d, want 200", got)
	}
	checkAxe(t, ctx, "data saved")
	if text, in := statusInView(t, ctx); text != "Saved." || !in {
		t.Errorf("after saving the status message is %q (in view %v), want \"Saved.\" on screen", text, in)
	}
}

// TestBrowserKeyboardEditUserErrors is the Edit User keyboard journey of
// finding 3: an emptied name and Enter; focus on the summary; its link
// puts focus in the name field, described by its message; a preset chosen
// with the keyboard is announced; Save shows "Saved." on screen.
func TestBrowserKeyboardEditUserErrors(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) { keyboardEditUserErrors(t, newBandFixtureIn(t, newEnv(t, db))) })
}

func keyboardEditUserErrors(t *testing.T, f *bandFixture) {
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f.fixture, "admin")
	open(t, ctx, f.fixture, "/i/ACME/admin/users/"+strconv.FormatInt(f.spareID, 10))
	checkAxe(t, ctx, "Edit User")

	name := `#user-form input[name=name]`
	uiClear(t, ctx, name)
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(name))); err != nil {
		t.Fatal(err)
	}
	if got := uiKeysNavigate(t, ctx, kb.Enter); got != http.StatusUnprocessableEntity {
		t.Fatalf("Enter with an empty name answered %d, want 422", got)
	}
	checkAxe(t, ctx, "Edit User refused")
	fo := uiFocused(t, ctx)
	if !strings.Contains(fo.Class, "error-summary") || !fo.InView || !strings.Contains(fo.Text, "Name") {
		t.Fatalf("after the refused save focus is on <%s class=%q> %q (in view %v), want the error summary naming the Name field", fo.Tag, fo.Class, fo.Text, fo.InView)
	}
	uiKeys(t, ctx, kb.Tab)
	if fo = uiFocused(t, ctx); fo.Tag != "a" {
		t.Fatalf("Tab from the summary reached <%s> %q, want its link", fo.Tag, fo.Text)
	}
	uiKeys(t, ctx, kb.Enter)
	fo = uiFocused(t, ctx)
	if fo.Name != "name" || fo.Invalid != "true" || !strings.Contains(fo.Description, "Name") || !fo.InView {
		t.Fatalf("the summary link put focus on <%s name=%q> invalid %q description %q (in view %v), want the name field, invalid, described by its message",
			fo.Tag, fo.Name, fo.Invalid, fo.Description, fo.InView)
	}
	// The message is the field's description, not part of its label.
	if lbl, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#user-form input[name=name]').closest('label').textContent.trim()`)); err != nil || lbl != "Name" {
		t.Errorf("the name field's label reads %q (%v), want just \"Name\"", lbl, err)
	}
	uiKeys(t, ctx, "Spare Person")

	// A preset from the keyboard: focus stays on it and the change is said.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#presets button[value="Data Entry"]`))); err != nil {
		t.Fatal(err)
	}
	uiKeys(t, ctx, kb.Enter)
	if fo = uiFocused(t, ctx); fo.Text != "Data Entry" {
		t.Errorf("after choosing a preset focus is on %q, want it to stay on the preset", fo.Text)
	}
	if said := testkit.Text(t, ctx, "#preset-status[role=status]"); !strings.Contains(said, "Data Entry preset applied") {
		t.Errorf("the preset's status reads %q, want it to say the preset was applied", said)
	}
	checkAxe(t, ctx, "preset applied")

	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#user-save-bottom`))); err != nil {
		t.Fatal(err)
	}
	if got := uiKeysNavigate(t, ctx, kb.Enter); got != http.StatusOK {
		t.Fatalf("Save answered %d, want 200", got)
	}
	checkAxe(t, ctx, "Edit User saved")
	if text, in := statusInView(t, ctx); !strings.HasPrefix(text, "Saved") || !in {
		t.Errorf("after saving the status message is %q (in view %v), want \"Saved.\" on screen", text, in)
	}
}

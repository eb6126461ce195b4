package app

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Report kinds (issue 23, SPEC §14). Each is a table built from the same
// visibility-aware store filters as the pages that show its rows: a
// report never shows more than its viewer may see.
const (
	ReportMeasureData = "measure_data"
	ReportMissingData = "missing_data"
	ReportNotes       = "notes"
	ReportActions     = "actions"
	ReportUserAccess  = "user_access"
	ReportPartnerData = "partner_data"
)

// ReportKinds lists the kinds in the order the forms offer them.
var ReportKinds = []string{ReportMeasureData, ReportMissingData, ReportNotes, ReportActions, ReportUserAccess, ReportPartnerData}

// ReportKindTitle names a kind for people, in the instance's terms.
func (a *Actor) ReportKindTitle(kind string) string {
	w := a.Words()
	switch kind {
	case ReportMeasureData:
		return w.Expand("{measure} data")
	case ReportMissingData:
		return "Missing data"
	case ReportNotes:
		return w.Expand("{note:many} completeness")
	case ReportActions:
		return w.Expand("{action:many}")
	case ReportUserAccess:
		return "User access"
	case ReportPartnerData:
		return w.Expand("{partner} data")
	}
	return kind
}

// Sites a report reads.
const (
	SiteOwn      = "own"
	SitePartners = "partners"
)

// ReportFilters are a report's filters; which apply depends on its kind
// (ReportColumns.Filters).
type ReportFilters struct {
	ScorecardID   int64  `json:"scorecard_id,omitempty"`
	SubScorecards bool   `json:"sub_scorecards,omitempty"` // the scorecard's sub-scorecards too
	TypeID        int64  `json:"type_id,omitempty"`
	Tag           string `json:"tag,omitempty"`
	From          string `json:"from,omitempty"` // YYYY-MM-DD
	To            string `json:"to,omitempty"`
	Site          string `json:"site,omitempty"`     // own (default) or partners
	Assignee      string `json:"assignee,omitempty"` // a member's email
	Status        string `json:"status,omitempty"`
}

// ReportSpec is a report's question: filters, chosen and ordered columns
// (none: the kind's defaults) and sort (a sortable column's key; "": the
// kind's first).
type ReportSpec struct {
	Filters ReportFilters `json:"filters"`
	Columns []string      `json:"columns,omitempty"`
	Sort    string        `json:"sort,omitempty"`
	Desc    bool          `json:"desc,omitempty"`
	// Graphs shows each measure's graph with a Measure data report of at
	// most MaxReportGraphs measures (the HTML page and its PDF).
	Graphs bool `json:"graphs,omitempty"`
}

// ReportQuery asks for one page of a report.
type ReportQuery struct {
	Kind string
	ReportSpec
	After string // cursor of the previous page
	Limit int    // rows a page; 0: 50, at most 500
}

// ReportColumn is one column a report can show.
type ReportColumn struct {
	Key      string
	Title    string
	Number   bool // right-aligned, a number in exports
	Date     bool // a date in exports
	Sortable bool // every column is (issue 23: "sortable by every column")
	// Indexed: the store pages by it (keyset on an index). Another
	// column sorts the report's rows in memory, MaxSortedRows at most.
	Indexed bool
}

// ReportCell is one cell: Text for the page, Value for exports (nil,
// string, float64, int or time.Time).
type ReportCell struct {
	Text  string
	Value any
	// Sort, when set, orders the cell in place of Value: a period by its
	// start (not its label), a band from red to green.
	Sort any
}

// periodCell is a period's label, sorting by its key (its start date).
func periodCell(label, key string) ReportCell {
	return ReportCell{Text: label, Value: label, Sort: key}
}

// bandCell is a band's word, sorting red, yellow, green (no band last).
func bandCell(c calc.Color) ReportCell {
	w := bandWord(c)
	if w == "" {
		return ReportCell{}
	}
	return ReportCell{Text: w, Value: w, Sort: map[string]int{"Red": 0, "Yellow": 1, "Green": 2}[w]}
}

// ReportRow is one row; Ref names what it shows ("m:12", "m:12:2026-01-01",
// "a:7", "u:3"), Link the page it comes from ("" when none).
type ReportRow struct {
	Ref   string
	Link  string
	Cells []ReportCell
}

// ReportPage is one page of a report.
type ReportPage struct {
	Kind    string
	Columns []ReportColumn // the shown columns, in order
	Rows    []ReportRow
	Next    string
}

// MaxReportYears is the longest date range a report accepts.
const MaxReportYears = 20

// maxReportPage caps a report page, maxExportPage an export's pages (the
// store's most).
const (
	maxReportPage = 500
	maxExportPage = 1000
)

// ReportColumns lists the columns a kind can show, in default order, and
// which filters apply to it.
func (a *Actor) ReportColumns(kind string) (cols []ReportColumn, filters []string) {
	w := a.Words()
	c := func(key, title string, opts ...string) ReportColumn {
		col := ReportColumn{Key: key, Title: w.Expand(title), Sortable: true}
		for _, o := range opts {
			switch o {
			case "num":
				col.Number = true
			case "date":
				col.Date = true
			case "sort":
				col.Indexed = true
			}
		}
		return col
	}
	objectCols := []ReportColumn{c("measure", "{measure}", "sort"), c("type", "Type"), c("tags", "{tag:many}"), c("scorecards", "{scorecard:many}")}
	objectFilters := []string{"scorecard", "type", "tag", "site"}
	switch kind {
	case ReportMeasureData:
		return append(objectCols, c("period", "Period", "sort"), c("actual", "{actual}", "num"), c("target", "{target}", "num"),
				c("variance", "Variance", "num"), c("band", "Band"), c("comment", "Comment")),
			append(objectFilters, "from", "to", "graphs")
	case ReportMissingData:
		return append(objectCols, c("owner", "Owner"), c("frequency", "Reporting frequency"), c("period", "Period due"), c("due", "Due since", "date"),
			c("overdue", "Days overdue", "num"), c("last", "Latest {actual:lower}")), objectFilters
	case ReportNotes:
		return append(objectCols, c("filled", "{note:many} filled", "num"), c("filled_types", "Filled"), c("missing_types", "Empty"),
			c("edited", "Last edited", "date")), objectFilters
	case ReportActions:
		return []ReportColumn{c("action", "{action}", "sort"), c("status", "Status"), c("percent", "Percent complete", "num"),
				c("assignee", "Assigned to"), c("start", "Start date", "date"), c("end", "End date", "date", "sort"), c("tags", "{tag:many}"),
				c("update", "Last status update"), c("updated", "Status updated", "date")},
			[]string{"scorecard", "tag", "from", "to", "assignee", "status"}
	case ReportUserAccess:
		return []ReportColumn{c("name", "Name", "sort"), c("email", "Email", "sort"), c("role", "Role", "sort"), c("status", "Status", "sort"),
			c("scorecards", "{scorecard:many} they can see")}, nil
	case ReportPartnerData:
		return append([]ReportColumn{c("partner", "{partner}")}, append(objectCols, c("period", "Latest period"),
			c("actual", "{actual}", "num"), c("target", "{target}", "num"), c("band", "Band"))...), []string{"scorecard", "tag"}
	}
	return nil, nil
}

// checkedReport is a query checked for its actor: the shown columns, the
// store filter and what else the kind needs.
type checkedReport struct {
	kind    string
	sort    string       // the sort column's key
	sortCol ReportColumn // the sort column
	cols    []ReportColumn
	vis     store.Visibility
	sf      store.ReportFilter // objects' kinds
	af      store.ActionFilter // actions
	owners  []int64            // partners' content: the owners; nil: own
	now     time.Time
	// Read once per report, not per page (an export reads hundreds).
	freqs  map[int64]model.Frequency
	bands  map[int64]map[string]model.BandSetting
	labels map[string]string // period labels by frequency and key
	export bool              // rows for a download: numbers need no text
}

// checkReport checks a query against the actor's permissions and
// visibility: unknown kinds, columns and sorts and bad filters are
// Invalid with a field; a scorecard the actor cannot see is NotFound,
// exactly like a missing one.
func (a *App) checkReport(ctx context.Context, actor *Actor, qy ReportQuery) (checkedReport, error) {
	if err := actor.Require(access.ReportsView); err != nil {
		return checkedReport{}, err
	}
	if !slices.Contains(ReportKinds, qy.Kind) {
		return checkedReport{}, fieldError("kind", "Choose a kind of report from the list.")
	}
	if qy.Kind == ReportUserAccess {
		if err := actor.Require(access.UsersManage); err != nil {
			return checkedReport{}, err
		}
	}
	all, applies := actor.ReportColumns(qy.Kind)
	c := checkedReport{kind: qy.Kind, now: a.Now()}
	fields := map[string]string{}
	byKey := map[string]ReportColumn{}
	for _, col := range all {
		byKey[col.Key] = col
	}
	if len(qy.Columns) == 0 {
		c.cols = all
	}
	for _, k := range qy.Columns {
		col, ok := byKey[k]
		if !ok {
			fields["columns"] = "Choose the columns from the list; “" + clipText(k, 40) + "” is not a column of this report."
			break
		}
		if !slices.ContainsFunc(c.cols, func(x ReportColumn) bool { return x.Key == k }) {
			c.cols = append(c.cols, col)
		}
	}
	if len(qy.Columns) > len(all) {
		fields["columns"] = "Choose each column once."
	}
	sort := qy.Sort
	if sort == "" {
		sort = all[slices.IndexFunc(all, func(c ReportColumn) bool { return c.Indexed })].Key
	}
	if col, ok := byKey[sort]; !ok || !col.Sortable {
		fields["sort"] = "This report sorts by one of: " + sortableTitles(all) + "."
	} else {
		c.sortCol = col
	}
	f := qy.Filters
	on := func(name string) bool { return slices.Contains(applies, name) }
	if f.Site != "" && f.Site != SiteOwn && f.Site != SitePartners {
		fields["site"] = "Choose this organization or its partners."
	}
	if !on("site") && f.Site == SitePartners {
		fields["site"] = "This report covers this organization's own content only."
	}
	from, to := dayRange(f.From, f.To, fields)
	if from != "" && to != "" && fields["to"] == "" {
		ft, _ := time.Parse(time.DateOnly, from)
		tt, _ := time.Parse(time.DateOnly, to)
		if tt.After(ft.AddDate(MaxReportYears, 0, 0)) {
			fields["to"] = "A report covers at most " + strconv.Itoa(MaxReportYears) + " years; choose a shorter range."
		}
	}
	if (from != "" || to != "") && !on("from") {
		fields["from"] = "This report has no date range."
	}
	if qy.Graphs && !on("graphs") {
		fields["graphs"] = actor.Words().Expand("Graphs are shown with a {measure:lower} data report only.")
	}
	if f.Status != "" && (!on("status") || !model.ActionStatusValid(f.Status)) {
		fields["status"] = "Choose a status from the list."
	}
	if f.ScorecardID != 0 && !on("scorecard") {
		fields["scorecard"] = actor.Words().Expand("This report has no {scorecard:lower} filter.")
	}
	if f.Tag != "" && !on("tag") {
		fields["tag"] = actor.Words().Expand("This report has no {tag:lower} filter.")
	}
	if f.Assignee != "" && !on("assignee") {
		fields["assignee"] = "This report has no assignee filter."
	}
	if f.TypeID != 0 {
		t, err := a.store.Q().ObjectType(ctx, actor.Instance.ID, f.TypeID)
		switch {
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return c, err
		case err != nil || !on("type"):
			fields["type"] = "Choose a type from the list."
		case t.Kind != model.KindMeasure:
			fields["type"] = actor.Words().Expand("Choose a {measure:lower} type.")
		case f.Site == SitePartners:
			// Types are each organization's own.
			fields["type"] = actor.Words().Expand("The type filter applies to this organization's {measure:lowmany} only.")
		}
	}
	tag := strings.TrimSpace(f.Tag)
	if utf8.RuneCountInString(tag) > 40 {
		fields["tag"] = actor.Words().Expand("A {tag:lower} has at most 40 characters.")
	}
	if utf8.RuneCountInString(f.Assignee) > 254 {
		fields["assignee"] = "Enter an email address of at most 254 characters."
	}
	if len(fields) > 0 {
		return c, invalid("Check the report: "+summarize(fields), fields)
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return c, err
	}
	c.vis = v
	partners := qy.Kind == ReportPartnerData || f.Site == SitePartners
	if partners {
		owners, err := actor.sharingOwners(ctx, a.store.Q())
		if err != nil {
			return c, err
		}
		c.owners = append([]int64{}, owners...)
	}
	var scorecards []int64
	if f.ScorecardID != 0 {
		if scorecards, err = a.reportScorecards(ctx, actor, v, c.owners, partners, f.ScorecardID, f.SubScorecards); err != nil {
			return c, err
		}
	}
	c.sf = store.ReportFilter{Owners: c.owners, Kind: model.KindMeasure, ScorecardIDs: scorecards, TypeID: f.TypeID, Tag: tag,
		From: from, To: to, Desc: qy.Desc, After: qy.After, Limit: qy.Limit}
	if partners && c.sf.Owners == nil {
		c.sf.Owners = []int64{}
	}
	if sort == "period" && c.sortCol.Indexed {
		c.sf.Sort = "period"
	}
	if qy.Kind == ReportActions {
		c.af = store.ActionFilter{Status: f.Status, Tag: tag, From: from, To: to, Desc: qy.Desc, After: qy.After, Limit: qy.Limit}
		if sort == "end" {
			c.af.Sort = "end"
		}
		if f.ScorecardID != 0 {
			// The scorecard's own actions and its objects' (action_reach);
			// with sub-scorecards, each of theirs is read in turn.
			c.af.Within = f.ScorecardID
			if len(scorecards) > 1 {
				return c, fieldError("sub_scorecards", actor.Words().Expand("An {action:lower} report covers one {scorecard:lower}; clear “with sub-scorecards”."))
			}
		}
		if who := strings.TrimSpace(f.Assignee); who != "" {
			m, err := assigneeOf(ctx, a.store.Q(), actor.Instance.ID, who)
			switch {
			case errors.Is(err, store.ErrNotFound):
				return c, fieldError("assignee", "No member of this organization has that email address.")
			case err != nil:
				return c, err
			}
			c.af.AssigneeID = m.ID
		}
	}
	c.sort = sort
	return c, nil
}

// reportScorecards is the scorecard filter: the scorecard, which the
// actor must see (else NotFound), and with sub, its sub-scorecards the
// actor sees.
func (a *App) reportScorecards(ctx context.Context, actor *Actor, v store.Visibility, owners []int64, partners bool, id int64, sub bool) ([]int64, error) {
	q := a.store.Q()
	var list []model.Scorecard
	var err error
	if partners {
		if _, err := q.SharedScorecardByID(ctx, owners, id, v); err != nil {
			return nil, mapNotFound(err)
		}
		if !sub {
			return []int64{id}, nil
		}
		list, err = q.ListSharedScorecards(ctx, owners, v)
	} else {
		if _, err := q.ScorecardByID(ctx, actor.Instance.ID, id, v); err != nil {
			return nil, mapNotFound(err)
		}
		if !sub {
			return []int64{id}, nil
		}
		list, err = q.ListScorecards(ctx, actor.Instance.ID, v)
	}
	if err != nil {
		return nil, err
	}
	children := map[int64][]int64{}
	for _, s := range list {
		if s.ParentID != nil {
			children[*s.ParentID] = append(children[*s.ParentID], s.ID)
		}
	}
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		for _, ch := range children[out[i]] {
			if !slices.Contains(out, ch) {
				out = append(out, ch)
			}
		}
	}
	return out, nil
}

func sortableTitles(cols []ReportColumn) string {
	var out []string
	for _, c := range cols {
		if c.Sortable {
			out = append(out, c.Title)
		}
	}
	return strings.Join(out, ", ")
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// filterText is the filters as the log shows them.
func filterText(f ReportFilters) string {
	var parts []string
	add := func(k, v string) {
		if v != "" && v != "0" && v != "false" {
			parts = append(parts, k+"="+v)
		}
	}
	add("scorecard", strconv.FormatInt(f.ScorecardID, 10))
	add("sub_scorecards", strconv.FormatBool(f.SubScorecards))
	add("type", strconv.FormatInt(f.TypeID, 10))
	add("tag", f.Tag)
	add("from", f.From)
	add("to", f.To)
	add("site", f.Site)
	add("assignee", f.Assignee)
	add("status", f.Status)
	return strings.Join(parts, " ")
}

// Report returns one page of a report for the actor: only rows it may see.
func (a *App) Report(ctx context.Context, actor *Actor, qy ReportQuery) (ReportPage, error) {
	if qy.Limit <= 0 {
		qy.Limit = 50
	}
	qy.Limit = min(qy.Limit, maxReportPage)
	c, err := a.checkReport(ctx, actor, qy)
	if err != nil {
		return ReportPage{}, err
	}
	page, err := a.reportPage(ctx, actor, &c)
	if errors.Is(err, store.ErrBadCursor) {
		return ReportPage{}, invalid("That page link is no longer valid; start from the first page.", nil)
	}
	return page, err
}

// reportPage reads the page c's filter names and advances the filter's
// cursor to the next one.
func (a *App) reportPage(ctx context.Context, actor *Actor, c *checkedReport) (ReportPage, error) {
	if !c.sortCol.Indexed {
		return a.sortedReportPage(ctx, actor, c)
	}
	var rows []reportRow
	var next string
	var err error
	switch c.kind {
	case ReportMeasureData:
		rows, next, err = a.measureDataRows(ctx, actor, c)
	case ReportMissingData:
		rows, next, err = a.missingDataRows(ctx, actor, c)
	case ReportNotes:
		rows, next, err = a.notesRows(ctx, actor, c)
	case ReportActions:
		rows, next, err = a.actionRows(ctx, actor, c)
	case ReportUserAccess:
		rows, next, err = a.userAccessRows(ctx, actor, c)
	case ReportPartnerData:
		rows, next, err = a.partnerDataRows(ctx, actor, c)
	}
	if err != nil {
		return ReportPage{}, err
	}
	page := ReportPage{Kind: c.kind, Columns: c.cols, Next: next}
	for _, r := range rows {
		out := ReportRow{Ref: r.ref, Link: r.link, Cells: r.direct}
		if out.Cells == nil {
			out.Cells = make([]ReportCell, len(c.cols))
			for i, col := range c.cols {
				out.Cells[i] = r.cells[col.Key]
			}
		}
		page.Rows = append(page.Rows, out)
	}
	c.sf.After, c.af.After = next, next
	return page, nil
}

// reportRow is a row with every column of its kind, by key, or with the
// shown columns' cells in order (direct).
type reportRow struct {
	ref, link string
	cells     map[string]ReportCell
	direct    []ReportCell
}

// number is a number cell; an export's has no text (it writes the value).
func (c *checkedReport) number(v *float64, o model.Object) ReportCell {
	if c.export {
		if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
			return ReportCell{}
		}
		return ReportCell{Value: *v}
	}
	return number(v, o.Decimals, o.Unit, o.UnitBefore)
}

func text(s string) ReportCell { return ReportCell{Text: s, Value: s} }

func number(v *float64, decimals int, unit string, before bool) ReportCell {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return ReportCell{}
	}
	return ReportCell{Text: calc.FormatValue(v, decimals, unit, before), Value: *v}
}

func count(n int) ReportCell { return ReportCell{Text: strconv.Itoa(n), Value: n} }

func day(s string) ReportCell {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return text(s)
	}
	return ReportCell{Text: s, Value: t}
}

func when(t time.Time, loc *time.Location) ReportCell {
	if t.IsZero() {
		return ReportCell{}
	}
	return ReportCell{Text: t.In(loc).Format(time.DateOnly), Value: t.In(loc)}
}

// objectCells are the cells every object kind shares.
func objectCells(w *terms.Set, o model.Object, scorecards []string) map[string]ReportCell {
	return map[string]ReportCell{
		"measure": text(o.Title), "type": text(w.TypeName(o.TypeName)), "tags": text(strings.Join(o.Tags, ", ")),
		"scorecards": text(strings.Join(scorecards, ", ")),
	}
}

func measureLink(o model.Object) string { return "/objects/" + strconv.FormatInt(o.ID, 10) }

// instancesOf are the instances whose content a report reads.
func (c *checkedReport) instances(own int64) []int64 {
	if c.sf.Owners != nil {
		return c.sf.Owners
	}
	return []int64{own}
}

// reportFrequencies reads the frequencies of the instances a report
// reads, by id, once a report.
func (a *App) reportFrequencies(ctx context.Context, c *checkedReport, instances []int64) (map[int64]model.Frequency, error) {
	if c.freqs != nil {
		return c.freqs, nil
	}
	out := map[int64]model.Frequency{}
	c.freqs = out
	for _, in := range instances {
		list, err := a.store.Q().ListFrequencies(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, f := range list {
			out[f.ID] = f
		}
	}
	return out, nil
}

// reportBands reads the global colour bands of the instances read, once
// a report.
func (a *App) reportBands(ctx context.Context, c *checkedReport, instances []int64) (map[int64]map[string]model.BandSetting, error) {
	if c.bands != nil {
		return c.bands, nil
	}
	out := map[int64]map[string]model.BandSetting{}
	c.bands = out
	for _, in := range instances {
		b, err := a.store.Q().Bands(ctx, in)
		if err != nil {
			return nil, err
		}
		out[in] = b
	}
	return out, nil
}

func objectIDs(list []model.Object) []int64 {
	ids := make([]int64, len(list))
	for i, o := range list {
		ids[i] = o.ID
	}
	return ids
}

func (a *App) measureDataRows(ctx context.Context, actor *Actor, c *checkedReport) ([]reportRow, string, error) {
	q := a.store.Q()
	page, err := q.ListMeasureData(ctx, actor.Instance.ID, c.sf, c.vis)
	if err != nil {
		return nil, "", err
	}
	var ids []int64
	for _, r := range page.Rows {
		ids = append(ids, r.Measure.ID)
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	insts := c.instances(actor.Instance.ID)
	freqs, err := a.reportFrequencies(ctx, c, insts)
	if err != nil {
		return nil, "", err
	}
	bands, err := a.reportBands(ctx, c, insts)
	if err != nil {
		return nil, "", err
	}
	sc, err := q.ReportScorecards(ctx, actor.Instance.ID, c.sf.Owners, ids, c.vis)
	if err != nil {
		return nil, "", err
	}
	// The cells are made in the shown columns' order, only those shown:
	// an export runs this for every value of the instance.
	w := actor.Words()
	if c.labels == nil {
		c.labels = map[string]string{}
	}
	rows := make([]reportRow, 0, len(page.Rows))
	for _, r := range page.Rows {
		o, v := r.Measure, r.Value
		cells := make([]ReportCell, len(c.cols))
		for i, col := range c.cols {
			switch col.Key {
			case "measure":
				cells[i] = text(o.Title)
			case "type":
				cells[i] = text(w.TypeName(o.TypeName))
			case "tags":
				cells[i] = text(strings.Join(o.Tags, ", "))
			case "scorecards":
				cells[i] = text(strings.Join(sc[o.ID], ", "))
			case "period":
				k := strconv.FormatInt(derefID(o.FrequencyID), 10) + "|" + v.PeriodKey
				label, ok := c.labels[k]
				if !ok {
					label = periodLabel(freqs, o, v.PeriodKey)
					c.labels[k] = label
				}
				cells[i] = periodCell(label, v.PeriodKey)
			case "actual":
				cells[i] = c.number(v.Actual, o)
			case "target":
				cells[i] = c.number(v.Target, o)
			case "variance":
				if v.Actual != nil && v.Target != nil {
					d := *v.Actual - *v.Target
					cells[i] = c.number(&d, o)
				}
			case "band":
				cells[i] = bandCell(calc.ColorOf(calc.Polarity(o.Polarity), MeasureBands(o, bands[o.InstanceID]), v.Actual, v.Target))
			case "comment":
				cells[i] = text(v.Comment)
			}
		}
		rows = append(rows, reportRow{ref: "m:" + strconv.FormatInt(o.ID, 10) + ":" + v.PeriodKey, link: measureLink(o), direct: cells})
	}
	return rows, page.Next, nil
}

func periodLabel(freqs map[int64]model.Frequency, o model.Object, key string) string {
	f, ok := freqs[derefID(o.FrequencyID)]
	if !ok {
		return key
	}
	pf := FrequencyOf(f)
	p, err := pf.FromKey(key)
	if err != nil {
		return key
	}
	return pf.Label(p)
}

func bandWord(c calc.Color) string {
	switch c {
	case calc.Green:
		return "Green"
	case calc.Yellow:
		return "Yellow"
	case calc.Red:
		return "Red"
	}
	return ""
}

// reportObjects reads pages of the report's measures until at least half
// a page of rows came out of keep (or the list ended, or a bounded number
// of store pages were read), handing each store page to keep.
func (a *App) reportObjects(ctx context.Context, actor *Actor, c *checkedReport,
	keep func([]model.Object) ([]reportRow, error)) ([]reportRow, string, error) {
	f := c.sf
	var rows []reportRow
	for range 20 {
		page, err := a.store.Q().ListReportObjects(ctx, actor.Instance.ID, f, c.vis)
		if err != nil {
			return nil, "", err
		}
		got, err := keep(page.Objects)
		if err != nil {
			return nil, "", err
		}
		rows = append(rows, got...)
		if page.Next == "" || len(rows) >= max(1, f.Limit/2) {
			return rows, page.Next, nil
		}
		f.After = page.Next
	}
	return rows, f.After, nil
}

func (a *App) missingDataRows(ctx context.Context, actor *Actor, c *checkedReport) ([]reportRow, string, error) {
	insts := c.instances(actor.Instance.ID)
	freqs, err := a.reportFrequencies(ctx, c, insts)
	if err != nil {
		return nil, "", err
	}
	return a.reportObjects(ctx, actor, c, func(list []model.Object) ([]reportRow, error) {
		q := a.store.Q()
		ids := objectIDs(list)
		values, err := a.valuesOf(ctx, insts, ids)
		if err != nil {
			return nil, err
		}
		sc, err := q.ReportScorecards(ctx, actor.Instance.ID, c.sf.Owners, ids, c.vis)
		if err != nil {
			return nil, err
		}
		var rows []reportRow
		owners := map[int]int64{} // row → the account that entered its latest actual
		for _, o := range list {
			f, ok := freqs[derefID(o.FrequencyID)]
			if !ok {
				continue
			}
			pf := FrequencyOf(f)
			due := pf.Prev(pf.At(c.now))
			key := pf.Key(due)
			var latest string
			var by int64
			has := false
			for _, v := range values[o.ID] {
				if v.Actual == nil {
					continue
				}
				if v.PeriodKey == key {
					has = true
				}
				if v.PeriodKey <= key {
					latest = v.PeriodKey
					by = 0
					if v.UpdatedBy != nil {
						by = *v.UpdatedBy
					}
				}
			}
			if has {
				continue
			}
			cells := objectCells(actor.Words(), o, sc[o.ID])
			if by != 0 && o.InstanceID == actor.Instance.ID {
				// The owner: the member of this organization who
				// entered its latest actual (named below, a page at once).
				owners[len(rows)] = by
			}
			cells["frequency"] = text(f.Title)
			cells["period"] = periodCell(pf.Label(due), key)
			cells["due"] = ReportCell{Text: due.End.Format(time.DateOnly), Value: due.End}
			cells["overdue"] = count(int(c.now.Sub(due.End).Hours() / 24))
			if latest != "" {
				cells["last"] = periodCell(periodLabel(freqs, o, latest), latest)
			}
			rows = append(rows, reportRow{ref: "m:" + strconv.FormatInt(o.ID, 10), link: measureLink(o), cells: cells})
		}
		if len(owners) > 0 {
			accts := slices.Compact(slices.Sorted(maps.Values(owners)))
			names, err := q.MemberNamesOfAccounts(ctx, actor.Instance.ID, accts)
			if err != nil {
				return nil, err
			}
			for i, acct := range owners {
				if n, ok := names[acct]; ok {
					rows[i].cells["owner"] = text(n)
				}
			}
		}
		return rows, nil
	})
}

// valuesOf reads the data values of measures of the instances named, one
// statement an instance.
func (a *App) valuesOf(ctx context.Context, insts, ids []int64) (map[int64][]model.DataValue, error) {
	out := map[int64][]model.DataValue{}
	for _, in := range insts {
		m, err := a.store.Q().ValuesOf(ctx, in, ids)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

func (a *App) notesRows(ctx context.Context, actor *Actor, c *checkedReport) ([]reportRow, string, error) {
	insts := c.instances(actor.Instance.ID)
	// The note types that apply to measures, of each instance read.
	typesOf := map[int64][]model.NoteType{}
	for _, in := range insts {
		list, err := a.store.Q().ListNoteTypes(ctx, in, false)
		if err != nil {
			return nil, "", err
		}
		for _, t := range list {
			if t.OnMeasures {
				typesOf[in] = append(typesOf[in], t)
			}
		}
	}
	loc := viewerLocation(actor)
	return a.reportObjects(ctx, actor, c, func(list []model.Object) ([]reportRow, error) {
		q := a.store.Q()
		ids := objectIDs(list)
		fills, err := q.FilledNotes(ctx, insts, ids)
		if err != nil {
			return nil, err
		}
		filled := map[int64]map[int64]bool{}
		edited := map[int64]time.Time{}
		for _, f := range fills {
			if filled[f.ObjectID] == nil {
				filled[f.ObjectID] = map[int64]bool{}
			}
			filled[f.ObjectID][f.TypeID] = true
			if f.UpdatedAt.After(edited[f.ObjectID]) {
				edited[f.ObjectID] = f.UpdatedAt
			}
		}
		sc, err := q.ReportScorecards(ctx, actor.Instance.ID, c.sf.Owners, ids, c.vis)
		if err != nil {
			return nil, err
		}
		var rows []reportRow
		for _, o := range list {
			var have, miss []string
			for _, t := range typesOf[o.InstanceID] {
				if filled[o.ID][t.ID] {
					have = append(have, t.Name)
				} else {
					miss = append(miss, t.Name)
				}
			}
			cells := objectCells(actor.Words(), o, sc[o.ID])
			cells["filled"] = ReportCell{Text: strconv.Itoa(len(have)) + " of " + strconv.Itoa(len(have)+len(miss)), Value: len(have)}
			cells["filled_types"] = text(strings.Join(have, ", "))
			cells["missing_types"] = text(strings.Join(miss, ", "))
			cells["edited"] = when(edited[o.ID], loc)
			rows = append(rows, reportRow{ref: "m:" + strconv.FormatInt(o.ID, 10), link: measureLink(o), cells: cells})
		}
		return rows, nil
	})
}

func (a *App) partnerDataRows(ctx context.Context, actor *Actor, c *checkedReport) ([]reportRow, string, error) {
	insts := c.instances(actor.Instance.ID)
	freqs, err := a.reportFrequencies(ctx, c, insts)
	if err != nil {
		return nil, "", err
	}
	bands, err := a.reportBands(ctx, c, insts)
	if err != nil {
		return nil, "", err
	}
	sites, err := a.store.Q().Sites(ctx, actor.Instance.ID)
	if err != nil {
		return nil, "", err
	}
	siteName := map[int64]string{}
	for _, s := range sites {
		siteName[s.ID] = s.Label()
	}
	return a.reportObjects(ctx, actor, c, func(list []model.Object) ([]reportRow, error) {
		q := a.store.Q()
		ids := objectIDs(list)
		values, err := a.valuesOf(ctx, insts, ids)
		if err != nil {
			return nil, err
		}
		sc, err := q.ReportScorecards(ctx, actor.Instance.ID, c.sf.Owners, ids, c.vis)
		if err != nil {
			return nil, err
		}
		var rows []reportRow
		for _, o := range list {
			cells := objectCells(actor.Words(), o, sc[o.ID])
			cells["partner"] = text(siteName[o.InstanceID])
			var last *model.DataValue
			for i := range values[o.ID] {
				if values[o.ID][i].Actual != nil {
					last = &values[o.ID][i]
				}
			}
			if last != nil {
				cells["period"] = periodCell(periodLabel(freqs, o, last.PeriodKey), last.PeriodKey)
				cells["actual"] = number(last.Actual, o.Decimals, o.Unit, o.UnitBefore)
				cells["target"] = number(last.Target, o.Decimals, o.Unit, o.UnitBefore)
				cells["band"] = bandCell(calc.ColorOf(calc.Polarity(o.Polarity), MeasureBands(o, bands[o.InstanceID]), last.Actual, last.Target))
			}
			rows = append(rows, reportRow{ref: "m:" + strconv.FormatInt(o.ID, 10), link: measureLink(o), cells: cells})
		}
		return rows, nil
	})
}

func (a *App) actionRows(ctx context.Context, actor *Actor, c *checkedReport) ([]reportRow, string, error) {
	q := a.store.Q()
	page, err := q.ListActions(ctx, actor.Instance.ID, c.af, c.vis)
	if err != nil {
		return nil, "", err
	}
	ids := make([]int64, len(page.Actions))
	for i, x := range page.Actions {
		ids[i] = x.ID
	}
	updates, err := q.LatestActionUpdates(ctx, actor.Instance.ID, ids)
	if err != nil {
		return nil, "", err
	}
	loc := viewerLocation(actor)
	var rows []reportRow
	for _, x := range page.Actions {
		cells := map[string]ReportCell{
			"action": text(x.Title), "status": text(x.Status), "percent": count(x.Percent), "assignee": text(x.Assignee),
			"start": day(x.StartDate), "end": day(x.EndDate), "tags": text(strings.Join(x.Tags, ", ")),
		}
		if x.StartDate == "" {
			cells["start"] = ReportCell{}
		}
		if x.EndDate == "" {
			cells["end"] = ReportCell{}
		}
		if u, ok := updates[x.ID]; ok {
			cells["update"] = text(u.Body)
			cells["updated"] = when(u.CreatedAt, loc)
		}
		rows = append(rows, reportRow{ref: "a:" + strconv.FormatInt(x.ID, 10), link: "/actions/" + strconv.FormatInt(x.ID, 10), cells: cells})
	}
	return rows, page.Next, nil
}

func (a *App) userAccessRows(ctx context.Context, actor *Actor, c *checkedReport) ([]reportRow, string, error) {
	q := a.store.Q()
	page, err := q.ListMembers(ctx, actor.Instance.ID, store.MemberFilter{Sort: c.memberSort(c.sort), Desc: c.sf.Desc, After: c.sf.After, Limit: c.sf.Limit})
	if err != nil {
		return nil, "", err
	}
	ids := make([]int64, len(page.Members))
	for i, m := range page.Members {
		ids[i] = m.ID
	}
	acc, err := q.MembersAccess(ctx, actor.Instance.ID, ids)
	if err != nil {
		return nil, "", err
	}
	w := actor.Words()
	var rows []reportRow
	for _, m := range page.Members {
		var see string
		if ma := acc[m.ID]; ma != nil {
			scope := access.ScopeOf(ma.Perms, len(ma.Own)+ma.Partners > 0)
			switch scope {
			case access.ScopeAll:
				see = w.Expand("Every {scorecard:lower}, and those {partner:lowmany} share")
			case access.ScopeLinked:
				see = w.Expand("Every {scorecard:lower} of this organization")
			case access.ScopeAssigned:
				see = strings.Join(ma.Own, ", ")
				if ma.Partners > 0 {
					if see != "" {
						see += "; "
					}
					see += strconv.Itoa(ma.Partners) + w.Expand(" {partner:lower} {scorecard:lowmany}")
				}
			default:
				see = "None"
			}
		}
		status := "Active"
		if !m.Active {
			status = "Inactive"
		}
		role := access.PresetTitle(m.Role)
		if role == "" {
			role = m.Role
		}
		cells := map[string]ReportCell{"name": text(m.Name), "email": text(m.Email), "role": text(role), "status": text(status), "scorecards": text(see)}
		rows = append(rows, reportRow{ref: "u:" + strconv.FormatInt(m.ID, 10), link: "/admin/users/" + strconv.FormatInt(m.ID, 10), cells: cells})
	}
	return rows, page.Next, nil
}

// memberSort is a User access report's sort as the users list names it.
func (c *checkedReport) memberSort(key string) string {
	if key == "role" || key == "status" || key == "email" || key == "name" {
		return key
	}
	return "name"
}

// ReportEach hands every row of a report the actor may see to fn, a page
// of the store at a time (memory stays flat however many there are),
// checking the actor's access first, as every export does; it returns
// the columns before the first row through cols and the number of rows.
func (a *App) ReportEach(ctx context.Context, actor *Actor, qy ReportQuery, cols func([]ReportColumn) error, fn func(ReportRow) error) (int, error) {
	qy.After, qy.Limit = "", maxExportPage
	c, err := a.checkReport(ctx, actor, qy)
	if err != nil {
		return 0, err
	}
	c.export = true
	if err := cols(c.cols); err != nil {
		return 0, err
	}
	// The next page is read while this one is written: one page ahead,
	// so memory stays at two pages whatever the size.
	type result struct {
		page ReportPage
		err  error
	}
	pages := make(chan result, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(pages)
		for {
			page, err := a.reportPage(ctx, actor, &c)
			select {
			case pages <- result{page, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || page.Next == "" {
				return
			}
		}
	}()
	n := 0
	for r := range pages {
		if r.err != nil {
			return n, r.err
		}
		for _, row := range r.page.Rows {
			if err := fn(row); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// ExportReport is ReportEach for an export in format (csv, xlsx, pdf) of
// a saved report (id, name) or an unsaved one (0, ""): afterwards the
// export is logged with the kind, the filters and the row count.
func (a *App) ExportReport(ctx context.Context, actor *Actor, id int64, name string, qy ReportQuery, format string,
	cols func([]ReportColumn) error, fn func(ReportRow) error) (int, error) {
	n, err := a.ReportEach(ctx, actor, qy, cols, fn)
	if err != nil {
		return n, err
	}
	if name == "" {
		name = actor.ReportKindTitle(qy.Kind)
	}
	return n, a.store.InTx(ctx, func(q *store.Q) error {
		return record(ctx, q, entry(actor, ActExport, "report", id, name+" ("+format+")",
			model.Change{Field: "kind", After: qy.Kind}, model.Change{Field: "filters", After: filterText(qy.Filters)},
			model.Change{Field: "rows", After: strconv.Itoa(n)}))
	})
}

// SavedReportInput is what the report form saves.
type SavedReportInput struct {
	Name     string
	Kind     string
	Spec     ReportSpec
	Schedule string // "", DigestWeekly or DigestMonthly: mailed as XLSX to its creator
}

// SavedReportView is a saved report with its question decoded.
type SavedReportView struct {
	model.SavedReport
	Spec ReportSpec
}

// savedView decodes a saved report's spec; a spec that no longer reads
// (it never should) opens as the kind's defaults.
func savedView(r model.SavedReport) SavedReportView {
	v := SavedReportView{SavedReport: r}
	_ = json.Unmarshal([]byte(r.Spec), &v.Spec)
	return v
}

// SavedReports pages through the instance's saved reports, by name
// (reports.view): every member with it sees every saved report, and
// opening one shows only the rows it may see.
func (a *App) SavedReports(ctx context.Context, actor *Actor, after string) ([]SavedReportView, string, error) {
	if err := actor.Require(access.ReportsView); err != nil {
		return nil, "", err
	}
	page, err := a.store.Q().ListReports(ctx, actor.Instance.ID, after, 100)
	if errors.Is(err, store.ErrBadCursor) {
		return nil, "", invalid("That page link is no longer valid; start from the first page.", nil)
	}
	var out []SavedReportView
	for _, r := range page.Reports {
		out = append(out, savedView(r))
	}
	return out, page.Next, err
}

// SavedReport opens a saved report (reports.view; a User access report
// also needs users.manage).
func (a *App) SavedReport(ctx context.Context, actor *Actor, id int64) (SavedReportView, error) {
	if err := actor.Require(access.ReportsView); err != nil {
		return SavedReportView{}, err
	}
	r, err := a.store.Q().ReportByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return SavedReportView{}, mapNotFound(err)
	}
	if r.Kind == ReportUserAccess {
		if err := actor.Require(access.UsersManage); err != nil {
			return SavedReportView{}, err
		}
	}
	return savedView(r), nil
}

// checkSaved checks a report to save: its name, and its question as the
// saver would run it.
func (a *App) checkSaved(ctx context.Context, actor *Actor, in *SavedReportInput) (string, error) {
	name, msg := cleanText(in.Name, "Name", 1, 100)
	if msg != "" {
		return "", fieldError("name", msg)
	}
	if in.Schedule != "" && in.Schedule != DigestWeekly && in.Schedule != DigestMonthly {
		return "", fieldError("schedule", "Choose no delivery, weekly or monthly.")
	}
	if _, err := a.checkReport(ctx, actor, ReportQuery{Kind: in.Kind, ReportSpec: in.Spec, Limit: 1}); err != nil {
		return "", err
	}
	return name, nil
}

func nameTaken(err error) error {
	if errors.Is(err, store.ErrNameTaken) {
		return fieldError("name", "A saved report already has this name; choose another.")
	}
	return err
}

// CreateSavedReport saves a new report (reports.edit).
func (a *App) CreateSavedReport(ctx context.Context, actor *Actor, in SavedReportInput) (model.SavedReport, error) {
	if err := actor.Require(access.ReportsEdit); err != nil {
		return model.SavedReport{}, err
	}
	name, err := a.checkSaved(ctx, actor, &in)
	if err != nil {
		return model.SavedReport{}, err
	}
	spec, _ := json.Marshal(in.Spec)
	r := model.SavedReport{InstanceID: actor.Instance.ID, Name: name, Kind: in.Kind, Spec: string(spec), CreatedBy: actor.Membership.ID,
		Schedule: in.Schedule}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		if r, err = q.CreateReport(ctx, r); err != nil {
			return nameTaken(err)
		}
		changes := []model.Change{{Field: "kind", After: r.Kind}, {Field: "spec", After: r.Spec}}
		if r.Schedule != "" {
			changes = append(changes, model.Change{Field: "schedule", After: r.Schedule})
		}
		return record(ctx, q, entry(actor, ActCreate, "report", r.ID, r.Name, changes...))
	})
	return r, err
}

// UpdateSavedReport saves an edited report from version (reports.edit).
func (a *App) UpdateSavedReport(ctx context.Context, actor *Actor, id int64, version int, in SavedReportInput) error {
	if err := actor.Require(access.ReportsEdit); err != nil {
		return err
	}
	before, err := a.SavedReport(ctx, actor, id)
	if err != nil {
		return err
	}
	name, err := a.checkSaved(ctx, actor, &in)
	if err != nil {
		return err
	}
	spec, _ := json.Marshal(in.Spec)
	r := before.SavedReport
	r.Name, r.Kind, r.Spec, r.Version, r.Schedule = name, in.Kind, string(spec), version, in.Schedule
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.UpdateReport(ctx, r); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errConflict("Someone changed this report since you opened it; reload it and make your changes again.")
			}
			return nameTaken(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, "report", r.ID, r.Name,
			changed("name", before.Name, r.Name, "kind", before.Kind, r.Kind, "spec", before.SavedReport.Spec, r.Spec,
				"schedule", before.Schedule, r.Schedule)...))
	})
}

// DeleteSavedReport deletes a saved report (reports.edit).
func (a *App) DeleteSavedReport(ctx context.Context, actor *Actor, id int64) error {
	if err := actor.Require(access.ReportsEdit); err != nil {
		return err
	}
	r, err := a.store.Q().ReportByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return mapNotFound(err)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.DeleteReport(ctx, actor.Instance.ID, id); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "report", r.ID, r.Name,
			model.Change{Field: "kind", Before: r.Kind}, model.Change{Field: "spec", Before: r.Spec}))
	})
}

// ReportChoices are what a report's filters offer: the scorecards the
// actor sees, its instance's and its partners', and the measure types.
type ReportChoices struct {
	Scorecards []model.Scorecard
	Shared     []model.Scorecard
	Types      []model.ObjectType
}

// ReportChoices reads the filters' choices (reports.view).
func (a *App) ReportChoices(ctx context.Context, actor *Actor) (ReportChoices, error) {
	var c ReportChoices
	if err := actor.Require(access.ReportsView); err != nil {
		return c, err
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return c, err
	}
	q := a.store.Q()
	if c.Scorecards, err = q.ListScorecards(ctx, actor.Instance.ID, v); err != nil {
		return c, err
	}
	owners, err := actor.sharingOwners(ctx, q)
	if err != nil {
		return c, err
	}
	if c.Shared, err = q.ListSharedScorecards(ctx, owners, v); err != nil {
		return c, err
	}
	c.Types, err = q.ListTypes(ctx, actor.Instance.ID, model.KindMeasure, false)
	return c, err
}

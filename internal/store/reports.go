package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
)

// ReportFilter selects the objects a report reads (issue 23). It is the
// objects list's filter (ListObjects) widened to several scorecards (a
// scorecard with its sub-scorecards) and to partners' shared content,
// under the same visibility conditions (objectFilter, sharedObjectFilter).
type ReportFilter struct {
	// Owners, when not nil, reads the partners' content these instances
	// share with the viewer's instance instead of the instance's own.
	Owners       []int64
	Kind         string  // container or measure
	ScorecardIDs []int64 // nil: anywhere; else under any of these
	TypeID       int64   // 0: any type
	Tag          string  // "": any tag
	From, To     string  // period keys (YYYY-MM-DD) of ListMeasureData; "": open
	Sort         string  // ListMeasureData: "measure" (default) or "period"
	Desc         bool
	After        string
	Limit        int
}

// errNoOwners is a partners' report filter with no partner sharing: it
// matches nothing.
var errNoOwners = errors.New("no owners")

// reportWhere is the conditions on objects aliased o and object types t:
// the instance ($1, already in a) or the partners, the visibility, the
// filter.
func (f ReportFilter) where(v Visibility, a *args) ([]string, error) {
	var where []string
	if f.Owners != nil {
		if len(f.Owners) == 0 {
			return nil, errNoOwners
		}
		where = append(where, "o.instance_id IN ("+a.list(f.Owners)+")", "o.instance_id <> $1", v.sharedObjectFilter(a))
	} else {
		where = append(where, "o.instance_id = $1", v.objectFilter(a))
	}
	where = append(where, "o.kind = "+a.add(f.Kind))
	if f.ScorecardIDs != nil {
		where = append(where, "o.id IN (SELECT sf.object_id FROM scorecard_objects sf WHERE sf.instance_id = o.instance_id AND sf.scorecard_id IN ("+
			a.list(f.ScorecardIDs)+"))")
	}
	if f.TypeID != 0 {
		where = append(where, "o.type_id = "+a.add(f.TypeID))
	}
	if f.Tag != "" {
		where = append(where, "EXISTS (SELECT 1 FROM object_tags ot WHERE ot.instance_id = o.instance_id AND ot.object_id = o.id AND ot.tag_key = "+a.add(Key(f.Tag))+")")
	}
	return where, nil
}

func reportLimit(n int) int {
	if n <= 0 || n > 1000 {
		return 50
	}
	return n
}

// ListReportObjects pages through the objects a report reads, by keyset
// on (title, id).
func (q *Q) ListReportObjects(ctx context.Context, instanceID int64, f ReportFilter, v Visibility) (ObjectPage, error) {
	f.Limit = reportLimit(f.Limit)
	a := args{instanceID}
	where, err := f.where(v, &a)
	if errors.Is(err, errNoOwners) {
		return ObjectPage{}, nil
	}
	op, dir := ">", "ASC"
	if f.Desc {
		op, dir = "<", "DESC"
	}
	if f.After != "" {
		key, id, ok := decodeCursor(f.After)
		if !ok {
			return ObjectPage{}, ErrBadCursor
		}
		where = append(where, "(o.title_key, o.id) "+op+" ("+a.add(key)+", "+a.add(id)+")")
	}
	list, err := collect(ctx, q, scanObject, `SELECT `+objectCols+objectFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY o.title_key `+dir+`, o.id `+dir+` LIMIT `+strconv.Itoa(f.Limit+1), a...)
	if err != nil {
		return ObjectPage{}, err
	}
	page := ObjectPage{Objects: list}
	if len(list) > f.Limit {
		page.Objects = list[:f.Limit]
		last := page.Objects[f.Limit-1]
		page.Next = encodeCursor(Key(last.Title), last.ID)
	}
	return page, nil
}

// MeasureDataRow is one data value of a measure data report.
type MeasureDataRow struct {
	Measure model.Object
	Value   model.DataValue
}

// MeasureDataPage is one page of a measure data report.
type MeasureDataPage struct {
	Rows []MeasureDataRow
	Next string
}

// dataCursor is a measure data page's position: (sort key, measure id,
// period key).
type dataCursor struct {
	Key    string `json:"k"`
	ID     int64  `json:"i"`
	Period string `json:"p"`
}

// ListMeasureData pages through the data values, of the periods from
// f.From through f.To, of the measures a report reads, by keyset on
// (title, measure, period) or (period, title, measure). By measure (the
// default), the measures come a batch at a time from the objects list's
// index, with the visibility applied as there, and then their values from
// the values' key: two statements a batch, each an index range. By period
// the values of every visible measure are sorted in one statement.
func (q *Q) ListMeasureData(ctx context.Context, instanceID int64, f ReportFilter, v Visibility) (MeasureDataPage, error) {
	f.Limit = reportLimit(f.Limit)
	f.Kind = model.KindMeasure
	if f.Sort != "period" {
		return q.measureDataByMeasure(ctx, instanceID, f, v)
	}
	a := args{instanceID}
	where, err := f.where(v, &a)
	if errors.Is(err, errNoOwners) {
		return MeasureDataPage{}, nil
	}
	if f.From != "" {
		where = append(where, "dv.period_key >= "+a.add(f.From))
	}
	if f.To != "" {
		where = append(where, "dv.period_key <= "+a.add(f.To))
	}
	op, dir := ">", "ASC"
	if f.Desc {
		op, dir = "<", "DESC"
	}
	order := "o.title_key " + dir + ", o.id " + dir + ", dv.period_key " + dir
	tuple := "(o.title_key, o.id, dv.period_key)"
	if f.Sort == "period" {
		order = "dv.period_key " + dir + ", o.title_key " + dir + ", o.id " + dir
		tuple = "(dv.period_key, o.title_key, o.id)"
	}
	c, err := decodeDataCursor(f.After)
	if err != nil {
		return MeasureDataPage{}, err
	}
	if c != nil {
		vals := []any{c.Key, c.ID, c.Period}
		if f.Sort == "period" {
			vals = []any{c.Period, c.Key, c.ID}
		}
		where = append(where, tuple+" "+op+" ("+a.add(vals[0])+", "+a.add(vals[1])+", "+a.add(vals[2])+")")
	}
	rows, err := q.query(ctx, `SELECT `+objectCols+`, `+dataCols+objectFrom+`
		JOIN data_values dv ON dv.instance_id = o.instance_id AND dv.measure_id = o.id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT `+strconv.Itoa(f.Limit+1), a...)
	if err != nil {
		return MeasureDataPage{}, err
	}
	defer rows.Close()
	var page MeasureDataPage
	for rows.Next() {
		var r MeasureDataRow
		var act, tgt, fc sql.NullFloat64
		var by sql.NullInt64
		dv := &r.Value
		o, err := scanObject(extraScan{rows, []any{&dv.MeasureID, &dv.PeriodKey, &act, &tgt, &fc, &dv.Comment, &by, &dv.UpdatedAt, &dv.Version}})
		if err != nil {
			return MeasureDataPage{}, err
		}
		r.Measure = o
		dv.Actual, dv.Target, dv.Forecast = nullFloat(act), nullFloat(tgt), nullFloat(fc)
		if by.Valid {
			dv.UpdatedBy = &by.Int64
		}
		page.Rows = append(page.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return MeasureDataPage{}, err
	}
	page.cut(f.Limit)
	return page, nil
}

// cut keeps limit rows, the cursor of the last as Next when there were
// more.
func (page *MeasureDataPage) cut(limit int) {
	if len(page.Rows) > limit {
		page.Rows = page.Rows[:limit]
		last := page.Rows[limit-1]
		b, _ := json.Marshal(dataCursor{Key: Key(last.Measure.Title), ID: last.Measure.ID, Period: last.Value.PeriodKey})
		page.Next = base64.RawURLEncoding.EncodeToString(b)
	}
}

func decodeDataCursor(after string) (*dataCursor, error) {
	if after == "" {
		return nil, nil
	}
	var c dataCursor
	b, err := base64.RawURLEncoding.DecodeString(after)
	if err != nil || json.Unmarshal(b, &c) != nil {
		return nil, ErrBadCursor
	}
	return &c, nil
}

// measureDataByMeasure is ListMeasureData in measure order.
func (q *Q) measureDataByMeasure(ctx context.Context, instanceID int64, f ReportFilter, v Visibility) (MeasureDataPage, error) {
	cur, err := decodeDataCursor(f.After)
	if err != nil {
		return MeasureDataPage{}, err
	}
	insts := f.Owners
	if insts == nil {
		insts = []int64{instanceID}
	}
	var page MeasureDataPage
	of := f
	// A few measures first, more while the page is not full: a page of
	// 50 rows of measures with years of values needs only a few.
	of.After, of.Limit = "", min(4, f.Limit+1)
	inclusive, seen := false, 0
	if cur != nil {
		// The cursor's measure may have values left: start at it.
		of.After, inclusive = encodeCursor(cur.Key, cur.ID), true
	}
	for len(page.Rows) <= f.Limit {
		objs, err := q.reportObjectBatch(ctx, instanceID, of, v, inclusive)
		if err != nil || len(objs) == 0 {
			return page, err
		}
		ids := objectIDs(objs)
		a := args{}
		where := []string{"dv.instance_id IN (" + a.list(insts) + ")", "dv.measure_id IN (" + a.idSet(q.s.dialect, ids) + ")"}
		if f.From != "" {
			where = append(where, "dv.period_key >= "+a.add(f.From))
		}
		if f.To != "" {
			where = append(where, "dv.period_key <= "+a.add(f.To))
		}
		vals, err := collect(ctx, q, scanReportValue, `SELECT dv.measure_id, dv.period_key, dv.actual, dv.target, dv.comment
			FROM data_values dv WHERE `+strings.Join(where, " AND ")+` ORDER BY dv.measure_id, dv.period_key`, a...)
		if err != nil {
			return page, err
		}
		byMeasure := map[int64][]model.DataValue{}
		for _, dv := range vals {
			byMeasure[dv.MeasureID] = append(byMeasure[dv.MeasureID], dv)
		}
		for _, o := range objs {
			list := byMeasure[o.ID]
			for i := range list {
				dv := list[i]
				if f.Desc {
					dv = list[len(list)-1-i]
				}
				if cur != nil && o.ID == cur.ID && Key(o.Title) == cur.Key &&
					((!f.Desc && dv.PeriodKey <= cur.Period) || (f.Desc && dv.PeriodKey >= cur.Period)) {
					continue
				}
				page.Rows = append(page.Rows, MeasureDataRow{Measure: o, Value: dv})
			}
		}
		if len(objs) < of.Limit {
			break
		}
		last := objs[len(objs)-1]
		of.After, inclusive = encodeCursor(Key(last.Title), last.ID), false
		// The next batch: as many measures as the rows still wanted need
		// at the rate so far, so a page reads little more than it shows.
		seen += len(objs)
		perMeasure := max(1, len(page.Rows)) / seen
		of.Limit = min(max(1, (f.Limit+1-len(page.Rows))/max(1, perMeasure)+1), f.Limit+1)
	}
	page.cut(f.Limit)
	return page, nil
}

// scanReportValue scans what a report shows of a data value.
func scanReportValue(sc interface{ Scan(...any) error }) (model.DataValue, error) {
	var v model.DataValue
	var a, t sql.NullFloat64
	err := sc.Scan(&v.MeasureID, &v.PeriodKey, &a, &t, &v.Comment)
	v.Actual, v.Target = nullFloat(a), nullFloat(t)
	return v, err
}

// reportObjectBatch is a batch of ListReportObjects from of.After,
// including the object at the cursor when inclusive.
func (q *Q) reportObjectBatch(ctx context.Context, instanceID int64, of ReportFilter, v Visibility, inclusive bool) ([]model.Object, error) {
	a := args{instanceID}
	where, err := of.where(v, &a)
	if errors.Is(err, errNoOwners) {
		return nil, nil
	}
	op, dir := ">", "ASC"
	if of.Desc {
		op, dir = "<", "DESC"
	}
	if inclusive {
		op += "="
	}
	if of.After != "" {
		key, id, _ := decodeCursor(of.After)
		where = append(where, "(o.title_key, o.id) "+op+" ("+a.add(key)+", "+a.add(id)+")")
	}
	return collect(ctx, q, scanObject, `SELECT `+objectCols+objectFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY o.title_key `+dir+`, o.id `+dir+` LIMIT `+strconv.Itoa(of.Limit), a...)
}

func objectIDs(list []model.Object) []int64 {
	ids := make([]int64, len(list))
	for i, o := range list {
		ids[i] = o.ID
	}
	return ids
}

// ReportScorecards returns, for each of objectIDs (of the instance, or of
// owners when not nil), the titles of the scorecards it sits under that
// the visibility allows, by title: one statement.
func (q *Q) ReportScorecards(ctx context.Context, instanceID int64, owners, objectIDs []int64, v Visibility) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(objectIDs) == 0 || (owners != nil && len(owners) == 0) {
		return out, nil
	}
	a := args{instanceID}
	var cond string
	if owners != nil {
		cond = "so.instance_id IN (" + a.list(owners) + ") AND so.instance_id <> $1 AND " + v.sharedScorecardFilter(&a)
	} else {
		cond = "so.instance_id = $1 AND " + v.scorecardFilter(&a)
	}
	rows, err := q.query(ctx, `SELECT so.object_id, s.title FROM scorecard_objects so JOIN scorecards s ON s.instance_id = so.instance_id AND s.id = so.scorecard_id
		WHERE `+cond+` AND so.object_id IN (`+a.list(objectIDs)+`) ORDER BY so.object_id, s.title_key, s.id`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		out[id] = append(out[id], title)
	}
	return out, rows.Err()
}

// NoteFill is a filled note section of an object.
type NoteFill struct {
	ObjectID  int64
	TypeID    int64
	UpdatedAt time.Time
}

// FilledNotes returns the note sections with text of the objects (of
// the instances named), in one statement.
func (q *Q) FilledNotes(ctx context.Context, instances, objectIDs []int64) ([]NoteFill, error) {
	if len(objectIDs) == 0 || len(instances) == 0 {
		return nil, nil
	}
	var a args
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (NoteFill, error) {
		var n NoteFill
		err := sc.Scan(&n.ObjectID, &n.TypeID, &n.UpdatedAt)
		return n, err
	}, `SELECT object_id, type_id, updated_at FROM notes WHERE instance_id IN (`+a.list(instances)+`) AND object_id IN (`+a.list(objectIDs)+`)
		AND NOT removed AND body <> '' ORDER BY object_id, type_id`, a...)
}

// LatestActionUpdates returns each action's newest status update, for
// the actions of the instance among ids: one statement.
func (q *Q) LatestActionUpdates(ctx context.Context, instanceID int64, ids []int64) (map[int64]model.ActionUpdate, error) {
	out := map[int64]model.ActionUpdate{}
	if len(ids) == 0 {
		return out, nil
	}
	a := args{instanceID}
	rows, err := q.query(ctx, `SELECT u.action_id, u.body, u.status, u.percent, u.created_at FROM action_updates u
		WHERE u.instance_id = $1 AND u.action_id IN (`+a.list(ids)+`)
		AND u.id = (SELECT MAX(u2.id) FROM action_updates u2 WHERE u2.instance_id = u.instance_id AND u2.action_id = u.action_id)`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u model.ActionUpdate
		if err := rows.Scan(&u.ActionID, &u.Body, &u.Status, &u.Percent, &u.CreatedAt); err != nil {
			return nil, err
		}
		out[u.ActionID] = u
	}
	return out, rows.Err()
}

// MemberAccess is what a User access report shows of a member: its
// permissions, the titles of its own instance's assigned scorecards and
// how many partner scorecards are assigned to it.
type MemberAccess struct {
	Perms    access.Set
	Own      []string
	Partners int
}

// MembersAccess reads MemberAccess for members of the instance, in two
// statements.
func (q *Q) MembersAccess(ctx context.Context, instanceID int64, ids []int64) (map[int64]*MemberAccess, error) {
	out := map[int64]*MemberAccess{}
	if len(ids) == 0 {
		return out, nil
	}
	a := args{instanceID}
	in := a.list(ids)
	rows, err := q.query(ctx, `SELECT id, permissions FROM memberships WHERE instance_id = $1 AND id IN (`+in+`)`, a...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var perms string
		if err := rows.Scan(&id, &perms); err != nil {
			rows.Close()
			return nil, err
		}
		set, _ := access.NewSet(splitPermissions(perms)...)
		out[id] = &MemberAccess{Perms: set}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT ms.membership_id, s.title FROM membership_scorecards ms
			JOIN scorecards s ON s.instance_id = ms.instance_id AND s.id = ms.scorecard_id
			WHERE ms.instance_id = $1 AND ms.membership_id IN (`+in+`)
		UNION ALL SELECT pa.membership_id, '' FROM partner_assignments pa WHERE pa.instance_id = $1 AND pa.membership_id IN (`+in+`)
		ORDER BY 1, 2`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		m := out[id]
		if m == nil {
			continue
		}
		if title == "" {
			m.Partners++
		} else {
			m.Own = append(m.Own, title)
		}
	}
	return out, rows.Err()
}

var reportCols = reportColsOf("")

// reportColsOf is the columns scanReport reads, of the table aliased t
// ("" unqualified, "r." in a join).
func reportColsOf(t string) string {
	return t + "id, " + t + "instance_id, " + t + "name, " + t + "kind, " + t + "spec, COALESCE(" + t + "created_by, 0), " +
		t + "created_at, " + t + "updated_at, " + t + "version, " + t + "schedule, " + t + "schedule_period"
}

func scanReport(sc interface{ Scan(...any) error }) (model.SavedReport, error) {
	var r model.SavedReport
	err := sc.Scan(&r.ID, &r.InstanceID, &r.Name, &r.Kind, &r.Spec, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &r.Version, &r.Schedule, &r.SchedulePeriod)
	return r, err
}

// ErrNameTaken is a saved report name already used in the instance.
var ErrNameTaken = errors.New("name taken")

// CreateReport saves a new report.
func (q *Q) CreateReport(ctx context.Context, r model.SavedReport) (model.SavedReport, error) {
	now := q.Now()
	r.CreatedAt, r.UpdatedAt, r.Version = now, now, 1
	err := q.row(ctx, `INSERT INTO saved_reports (instance_id, name, name_key, kind, spec, created_by, created_at, updated_at, version, schedule)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1, $8) RETURNING id`,
		r.InstanceID, r.Name, Key(r.Name), r.Kind, r.Spec, r.CreatedBy, now, r.Schedule).Scan(&r.ID)
	if isUniqueViolation(err) {
		return r, ErrNameTaken
	}
	return r, err
}

// UpdateReport saves a report edited from r.Version; one changed since
// is ErrConflict.
func (q *Q) UpdateReport(ctx context.Context, r model.SavedReport) error {
	res, err := q.exec(ctx, `UPDATE saved_reports SET name = $1, name_key = $2, kind = $3, spec = $4, updated_at = $5, version = version + 1, schedule = $9
		WHERE instance_id = $6 AND id = $7 AND version = $8`, r.Name, Key(r.Name), r.Kind, r.Spec, q.Now(), r.InstanceID, r.ID, r.Version, r.Schedule)
	if isUniqueViolation(err) {
		return ErrNameTaken
	}
	if err := affectedOne(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return ErrConflict
		}
		return err
	}
	return nil
}

// DeleteReport deletes a saved report.
func (q *Q) DeleteReport(ctx context.Context, instanceID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM saved_reports WHERE instance_id = $1 AND id = $2`, instanceID, id)
	return affectedOne(res, err)
}

// ReportByID returns a saved report of the instance.
func (q *Q) ReportByID(ctx context.Context, instanceID, id int64) (model.SavedReport, error) {
	r, err := scanReport(q.row(ctx, `SELECT `+reportCols+` FROM saved_reports WHERE instance_id = $1 AND id = $2`, instanceID, id))
	return r, notFound(err)
}

// ReportPage is a page of saved reports.
type ReportPage struct {
	Reports []model.SavedReport
	Next    string
}

// ListReports pages through the instance's saved reports by name, by
// keyset on (name_key, id), which the unique index serves.
func (q *Q) ListReports(ctx context.Context, instanceID int64, after string, limit int) (ReportPage, error) {
	limit = reportLimit(limit)
	a := args{instanceID}
	where := "instance_id = $1"
	if after != "" {
		key, id, ok := decodeCursor(after)
		if !ok {
			return ReportPage{}, ErrBadCursor
		}
		where += " AND (name_key, id) > (" + a.add(key) + ", " + a.add(id) + ")"
	}
	list, err := collect(ctx, q, scanReport, `SELECT `+reportCols+` FROM saved_reports WHERE `+where+
		` ORDER BY name_key, id LIMIT `+strconv.Itoa(limit+1), a...)
	if err != nil {
		return ReportPage{}, err
	}
	page := ReportPage{Reports: list}
	if len(list) > limit {
		page.Reports = list[:limit]
		last := page.Reports[limit-1]
		page.Next = encodeCursor(Key(last.Name), last.ID)
	}
	return page, nil
}

// MemberNamesOfAccounts returns the names (the email when an account has
// none) of those of accounts that are members of the instance, by account
// id, in one query per batch: a Missing data report names who entered
// each measure's latest actual, and only a member of the viewer's own
// organization is named.
func (q *Q) MemberNamesOfAccounts(ctx context.Context, instanceID int64, accountIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(accountIDs); start += 1000 {
		batch := accountIDs[start:min(start+1000, len(accountIDs))]
		a := args{instanceID}
		rows, err := q.query(ctx, `SELECT m.account_id, a.name, a.email FROM memberships m JOIN accounts a ON a.id = m.account_id
			WHERE m.instance_id = $1 AND m.account_id IN (`+a.list(batch)+`)`, a...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name, email string
			if err := rows.Scan(&id, &name, &email); err != nil {
				rows.Close()
				return nil, err
			}
			if strings.TrimSpace(name) == "" {
				name = email
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ScheduledReport is a saved report with a delivery schedule and the time
// zones its due time is read in: its creator's ("" when the creator is no
// longer a member), else its instance's.
type ScheduledReport struct {
	model.SavedReport
	CreatorTZ, InstanceTZ string
}

// ScheduledReports pages through the saved reports of every instance
// that have a delivery schedule, by (instance, id) after the pair given
// (0, 0 for the first page): the delivery run reads them a page at a
// time whatever their number, with the time zones that say whether each
// is due, so only a due one costs more reads.
func (q *Q) ScheduledReports(ctx context.Context, afterInstance, afterID int64, limit int) ([]ScheduledReport, error) {
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (ScheduledReport, error) {
		var r ScheduledReport
		var err error
		r.SavedReport, err = scanReport(extraScan{sc, []any{&r.CreatorTZ, &r.InstanceTZ}})
		return r, err
	}, `SELECT `+reportColsOf("r.")+`, COALESCE(a.time_zone, ''), i.time_zone FROM saved_reports r
		JOIN instances i ON i.id = r.instance_id
		LEFT JOIN memberships m ON m.instance_id = r.instance_id AND m.id = r.created_by
		LEFT JOIN accounts a ON a.id = m.account_id
		WHERE r.schedule <> '' AND (r.instance_id > $1 OR (r.instance_id = $1 AND r.id > $2))
		ORDER BY r.instance_id, r.id LIMIT `+strconv.Itoa(max(1, limit)), afterInstance, afterID)
}

// ClaimReportPeriod records that the saved report's delivery for period
// is written, unless it already was: false then. Call it in the mail's
// own transaction, so a period gets one mail however many runs look.
// The report's version is not changed (an open edit form stays valid).
func (q *Q) ClaimReportPeriod(ctx context.Context, instanceID, id int64, period string) (bool, error) {
	res, err := q.exec(ctx, `UPDATE saved_reports SET schedule_period = $1 WHERE instance_id = $2 AND id = $3 AND schedule_period <> $1 AND schedule <> ''`,
		period, instanceID, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

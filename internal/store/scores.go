package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/model"
)

// Accountability scores (issue 28, point 7). The app computes a
// scorecard's counts from ScoreInputs (three set-based queries for any
// number of scorecards) and keeps them in scorecard_scores (0044) until a
// write moves the row's gen on (StaleScores and its kin, called by the
// writes themselves) or the period they were computed in ends.

// ScoreCounts are how many of a scorecard's measures meet each factor.
type ScoreCounts struct {
	Measures    int // the measures counted (each once, however often linked)
	NotesFilled int // with a non-empty note
	NotesFresh  int // whose latest note edit is later than their latest data value
	Forecasts   int // with a forecast for the coming period
	Actuals     int // with an actual for the last completed period
	Trending    int // trending in the good direction, or flat
	Baseline    int // at or better than their baseline
}

// ScoreRow is a scorecard's kept counts.
type ScoreRow struct {
	InstanceID, ScorecardID int64
	Gen                     int64 // moved on by every write the counts depend on
	DoneGen                 int64 // the gen the counts were computed at; -1: never
	ValidUntil              time.Time
	ScoreCounts
}

// Current reports whether the kept counts can be shown at now.
func (r ScoreRow) Current(now time.Time) bool { return r.DoneGen == r.Gen && now.Before(r.ValidUntil) }

// pack writes counts as scorecard_scores.counts holds them.
func (c ScoreCounts) pack() string {
	b := make([]byte, 0, 24)
	for i, n := range []int{c.Measures, c.NotesFilled, c.NotesFresh, c.Forecasts, c.Actuals, c.Trending, c.Baseline} {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(b)
}

// unpackCounts reads scorecard_scores.counts; ok is false for anything
// else (a row never computed holds "").
func unpackCounts(s string) (c ScoreCounts, ok bool) {
	fields := []*int{&c.Measures, &c.NotesFilled, &c.NotesFresh, &c.Forecasts, &c.Actuals, &c.Trending, &c.Baseline}
	for i, f := range fields {
		part := s
		if j := strings.IndexByte(s, ','); j >= 0 {
			part, s = s[:j], s[j+1:]
		} else if i < len(fields)-1 {
			return c, false
		} else {
			s = ""
		}
		n, err := strconv.Atoi(part)
		if err != nil {
			return c, false
		}
		*f = n
	}
	return c, true
}

// ScoreRows reads the kept counts of scorecards of owner: one query. A
// scorecard without a row is left out.
func (q *Q) ScoreRows(ctx context.Context, owner int64, ids []int64) (map[int64]ScoreRow, error) {
	out := map[int64]ScoreRow{}
	if len(ids) == 0 {
		return out, nil
	}
	a := args{owner}
	rows, err := q.query(ctx, `SELECT scorecard_id, gen, done_gen, valid_until, counts FROM scorecard_scores
		WHERE instance_id = $1 AND scorecard_id IN (`+a.idSet(q.s.dialect, ids)+`)`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r := ScoreRow{InstanceID: owner}
		var until int64
		var counts string
		if err := rows.Scan(&r.ScorecardID, &r.Gen, &r.DoneGen, &until, &counts); err != nil {
			return nil, err
		}
		r.ValidUntil = time.Unix(until, 0)
		if c, ok := unpackCounts(counts); ok {
			r.ScoreCounts = c
		} else {
			r.DoneGen = -1 // unreadable: computed again
		}
		out[r.ScorecardID] = r
	}
	return out, rows.Err()
}

// OpenScoreRows gives scorecards of owner a row (gen 0, nothing computed)
// where they have none, before their counts are first computed: a write
// that lands while they are computed then moves gen on, and SaveScoreRows
// keeps nothing computed from the data before it.
func (q *Q) OpenScoreRows(ctx context.Context, owner int64, ids []int64) error {
	rows := make([][]any, len(ids))
	for i, id := range ids {
		rows[i] = []any{owner, id}
	}
	return q.insertRows(ctx, `INSERT INTO scorecard_scores (instance_id, scorecard_id)`,
		`ON CONFLICT (instance_id, scorecard_id) DO NOTHING`, rows)
}

// SaveScoreRows keeps computed counts, each only where its row's gen is
// still the one it was computed at (r.Gen): one statement for thousands.
func (q *Q) SaveScoreRows(ctx context.Context, owner int64, list []ScoreRow) error {
	rows := make([][]any, len(list))
	for i, r := range list {
		rows[i] = []any{owner, r.ScorecardID, r.Gen, r.Gen, r.ValidUntil.Unix(), r.ScoreCounts.pack()}
	}
	return q.insertRows(ctx, `INSERT INTO scorecard_scores (instance_id, scorecard_id, gen, done_gen, valid_until, counts)`,
		`ON CONFLICT (instance_id, scorecard_id) DO UPDATE SET done_gen = excluded.done_gen, valid_until = excluded.valid_until,
		counts = excluded.counts WHERE scorecard_scores.gen = excluded.gen`, rows)
}

// ListScorecardsKept is ListScorecards with, for each scorecard whose
// score counts are kept and current at now, those counts: read in the
// same query (a join on the key), so a list of hundreds of scored
// scorecards costs no second statement.
func (q *Q) ListScorecardsKept(ctx context.Context, instanceID int64, v Visibility, now time.Time) ([]model.Scorecard, map[int64]ScoreCounts, error) {
	a := args{instanceID, now.Unix()}
	rows, err := q.query(ctx, `SELECT `+scorecardCols+`, CASE WHEN ss.done_gen = ss.gen AND ss.valid_until > $2 THEN ss.counts ELSE '' END
		FROM scorecards s LEFT JOIN scorecard_scores ss ON ss.instance_id = s.instance_id AND ss.scorecard_id = s.id
		WHERE s.instance_id = $1 AND `+v.scorecardFilter(&a)+` ORDER BY s.title_key, s.id LIMIT 5000`, a...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var list []model.Scorecard
	kept := map[int64]ScoreCounts{}
	var counts sql.NullString
	scan := scanFrom(rows, &counts)
	for rows.Next() {
		s, err := scanScorecard(scan)
		if err != nil {
			return nil, nil, err
		}
		list = append(list, s)
		if c, ok := unpackCounts(counts.String); ok && s.ScoresOn {
			kept[s.ID] = c
		}
	}
	return list, kept, rows.Err()
}

// scanFrom is a scanner of rows whose last columns go to extra, after
// those a scan function reads.
func scanFrom(rows *sql.Rows, extra ...any) interface{ Scan(...any) error } {
	return extraScanner{rows, extra}
}

type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }

// StaleScores moves on the gen of the scorecards that objects of the
// instance sit under: their data, notes or settings changed. One
// statement; a scorecard whose scores were never computed has no row and
// costs nothing.
func (q *Q) StaleScores(ctx context.Context, instanceID int64, objectIDs []int64) error {
	if len(objectIDs) == 0 {
		return nil
	}
	a := args{instanceID}
	_, err := q.exec(ctx, `UPDATE scorecard_scores SET gen = gen + 1 WHERE instance_id = $1 AND scorecard_id IN
		(SELECT so.scorecard_id FROM scorecard_objects so WHERE so.instance_id = $1 AND so.object_id IN (`+a.idSet(q.s.dialect, objectIDs)+`))`, a...)
	return err
}

// StaleScorecardScores moves on the gen of scorecards whose tree changed.
func (q *Q) StaleScorecardScores(ctx context.Context, instanceID int64, scorecardIDs []int64) error {
	if len(scorecardIDs) == 0 {
		return nil
	}
	a := args{instanceID}
	_, err := q.exec(ctx, `UPDATE scorecard_scores SET gen = gen + 1 WHERE instance_id = $1 AND scorecard_id IN (`+
		a.idSet(q.s.dialect, scorecardIDs)+`)`, a...)
	return err
}

// StaleInstanceScores moves on the gen of every scorecard of the
// instance: after a change that reaches all of them (its time zone, a
// deleted note type, a copy into it).
func (q *Q) StaleInstanceScores(ctx context.Context, instanceID int64) error {
	_, err := q.exec(ctx, `UPDATE scorecard_scores SET gen = gen + 1 WHERE instance_id = $1`, instanceID)
	return err
}

// ScoreMeasure is a measure counted in scores: what its factors need.
type ScoreMeasure struct {
	ID          int64
	Polarity    string
	FrequencyID *int64
	BaselineKey string
	CreatedAt   time.Time
}

// ScoreInput is what the scores of some scorecards of one instance are
// computed from.
type ScoreInput struct {
	On       map[int64][]int64           // scorecard → its measures the viewer may see, each once
	Measures map[int64]ScoreMeasure      // by id
	Values   map[int64][]model.DataValue // by measure, in period order, with UpdatedAt
	NotesAt  map[int64]time.Time         // by measure: its latest edit of a non-empty note; absent: none
}

// ScoreInputs reads what the scores of scorecards of owner are computed
// from, restricted to the measures v may see (a partner's visibility when
// owner is not v's instance): the scorecards' measures from the reach
// table (a measure linked twice is one row), their values and their notes'
// latest edits. Three queries, whatever the number of scorecards and
// measures.
func (q *Q) ScoreInputs(ctx context.Context, owner int64, scorecardIDs []int64, v Visibility) (ScoreInput, error) {
	in := ScoreInput{On: map[int64][]int64{}, Measures: map[int64]ScoreMeasure{}, Values: map[int64][]model.DataValue{},
		NotesAt: map[int64]time.Time{}}
	if len(scorecardIDs) == 0 {
		return in, nil
	}
	a := args{owner}
	var filter string
	if v.InstanceID != 0 && v.InstanceID != owner {
		filter = v.sharedObjectFilter(&a)
	} else {
		filter = v.objectFilter(&a)
	}
	rows, err := q.query(ctx, `SELECT so.scorecard_id, o.id, o.polarity, o.frequency_id, o.baseline_key, `+q.timeText("o.created_at")+`
		FROM scorecard_objects so JOIN objects o ON o.instance_id = so.instance_id AND o.id = so.object_id
		WHERE so.instance_id = $1 AND so.scorecard_id IN (`+a.idSet(q.s.dialect, scorecardIDs)+`) AND o.kind = 'measure' AND `+filter+`
		ORDER BY so.scorecard_id, o.id`, a...)
	if err != nil {
		return in, err
	}
	for rows.Next() {
		var sc int64
		var m ScoreMeasure
		var freq sql.NullInt64
		var at textTime
		if err := rows.Scan(&sc, &m.ID, &m.Polarity, &freq, &m.BaselineKey, &at); err != nil {
			rows.Close()
			return in, err
		}
		if freq.Valid {
			m.FrequencyID = &freq.Int64
		}
		m.CreatedAt = at.t
		in.On[sc] = append(in.On[sc], m.ID)
		in.Measures[m.ID] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(in.Measures) == 0 {
		return in, err
	}
	ids := make([]int64, 0, len(in.Measures))
	for id := range in.Measures {
		ids = append(ids, id)
	}
	a = args{owner}
	rows, err = q.query(ctx, `SELECT dv.measure_id, dv.period_key, dv.actual, dv.target, dv.forecast, `+q.timeText("dv.updated_at")+`
		FROM data_values dv WHERE dv.instance_id = $1 AND dv.measure_id IN (`+a.idSet(q.s.dialect, ids)+`) ORDER BY dv.measure_id, dv.period_key`, a...)
	if err != nil {
		return in, err
	}
	for rows.Next() {
		var dv model.DataValue
		var ac, tg, fc sql.NullFloat64
		var at textTime
		if err := rows.Scan(&dv.MeasureID, &dv.PeriodKey, &ac, &tg, &fc, &at); err != nil {
			rows.Close()
			return in, err
		}
		dv.Actual, dv.Target, dv.Forecast, dv.UpdatedAt = nullFloat(ac), nullFloat(tg), nullFloat(fc), at.t
		in.Values[dv.MeasureID] = append(in.Values[dv.MeasureID], dv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	a = args{owner}
	rows, err = q.query(ctx, `SELECT n.object_id, `+q.timeText("MAX(n.updated_at)")+` FROM notes n
		WHERE n.instance_id = $1 AND n.object_id IN (`+a.idSet(q.s.dialect, ids)+`) AND NOT n.removed AND n.version > 0 AND n.body <> ''
		GROUP BY n.object_id`, a...)
	if err != nil {
		return in, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at textTime
		if err := rows.Scan(&id, &at); err != nil {
			return in, err
		}
		in.NotesAt[id] = at.t
	}
	return in, rows.Err()
}

// InstanceCounts are the Instance dashboard's counts.
type InstanceCounts struct {
	Active, Inactive, Invited        int // memberships
	Scorecards, Containers, Measures int
	RecentValues                     int // data values entered or changed since the given time
	Partners                         int // instances with an open channel to or from this one
}

// CountInstance counts an instance's members, content and recent data:
// four indexed COUNT queries naming the instance, and one of the
// partner channels (a reference table).
func (q *Q) CountInstance(ctx context.Context, instanceID int64, since time.Time) (InstanceCounts, error) {
	var c InstanceCounts
	if err := q.row(ctx, `SELECT COALESCE(SUM(CASE WHEN active THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN NOT active AND NOT invited THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN invited THEN 1 ELSE 0 END), 0)
		FROM memberships WHERE instance_id = $1`, instanceID).Scan(&c.Active, &c.Inactive, &c.Invited); err != nil {
		return c, err
	}
	if err := q.row(ctx, `SELECT COUNT(*) FROM scorecards WHERE instance_id = $1`, instanceID).Scan(&c.Scorecards); err != nil {
		return c, err
	}
	if err := q.row(ctx, `SELECT COALESCE(SUM(CASE WHEN kind = 'container' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN kind = 'measure' THEN 1 ELSE 0 END), 0)
		FROM objects WHERE instance_id = $1`, instanceID).Scan(&c.Containers, &c.Measures); err != nil {
		return c, err
	}
	if err := q.row(ctx, `SELECT COUNT(*) FROM data_values WHERE instance_id = $1 AND updated_at >= $2`, instanceID, since).Scan(&c.RecentValues); err != nil {
		return c, err
	}
	err := q.row(ctx, `SELECT COUNT(DISTINCT CASE WHEN owner_instance = $1 THEN partner_instance ELSE owner_instance END)
		FROM partner_channels WHERE revoked_at IS NULL AND (owner_instance = $1 OR partner_instance = $1)`, instanceID).Scan(&c.Partners)
	return c, err
}

// MeasureDue is a measure of the instance on some scorecard, with the
// latest period it has an actual for ("" for none): what the Instance
// dashboard judges its lateness by.
type MeasureDue struct {
	ID          int64
	FrequencyID int64
	CreatedAt   time.Time
	LastActual  string
}

// MeasuresDue lists the instance's measures that sit on a scorecard and
// have a frequency, each with its latest actual's period: one query (an
// index range of each measure's values, newest first).
func (q *Q) MeasuresDue(ctx context.Context, instanceID int64) ([]MeasureDue, error) {
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (MeasureDue, error) {
		var m MeasureDue
		var at textTime
		var last sql.NullString
		err := sc.Scan(&m.ID, &m.FrequencyID, &at, &last)
		m.CreatedAt, m.LastActual = at.t, last.String
		return m, err
	}, `SELECT o.id, o.frequency_id, `+q.timeText("o.created_at")+`,
			(SELECT MAX(dv.period_key) FROM data_values dv WHERE dv.instance_id = $1 AND dv.measure_id = o.id AND dv.actual IS NOT NULL)
		FROM objects o WHERE o.instance_id = $1 AND o.kind = 'measure' AND o.frequency_id IS NOT NULL
			AND EXISTS (SELECT 1 FROM scorecard_objects so WHERE so.instance_id = $1 AND so.object_id = o.id)`, instanceID)
}

// ScorecardMeasures lists, for the instance's scorecards v may see, the
// measures in their trees (scorecard id, measure id): one query.
func (q *Q) ScorecardMeasures(ctx context.Context, instanceID int64, v Visibility) ([][2]int64, error) {
	a := args{instanceID}
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) ([2]int64, error) {
		var p [2]int64
		return p, sc.Scan(&p[0], &p[1])
	}, `SELECT so.scorecard_id, so.object_id FROM scorecard_objects so
		JOIN scorecards s ON s.instance_id = so.instance_id AND s.id = so.scorecard_id
		JOIN objects o ON o.instance_id = so.instance_id AND o.id = so.object_id
		WHERE so.instance_id = $1 AND o.kind = 'measure' AND `+v.scorecardFilter(&a), a...)
}

// ScoredScorecards lists the ids of the instance's scorecards v may see
// that show their scores.
func (q *Q) ScoredScorecards(ctx context.Context, instanceID int64, v Visibility) ([]int64, error) {
	a := args{instanceID}
	return q.ids(ctx, `SELECT s.id FROM scorecards s WHERE s.instance_id = $1 AND s.scores_on AND `+v.scorecardFilter(&a)+` ORDER BY s.id`, a...)
}

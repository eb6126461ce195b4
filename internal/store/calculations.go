package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"yardstick/internal/model"
)

// Calculated measures (issue 22, 0039): their definitions and inputs, the
// writes of their calculated values (the measures' own data_values rows)
// and the periods marked "input no longer shared".

// Calculations returns every calculation of an instance with its inputs
// in order and its measure's frequency, by measure: the graph a save's
// recompute orders, read in one statement.
func (q *Q) Calculations(ctx context.Context, instanceID int64) (map[int64]*model.Calculation, error) {
	rows, err := q.query(ctx, `SELECT c.measure_id, c.method, c.formula, c.partial, c.calc_targets, c.updated_at,
			ci.input_instance, ci.input_id, f.id, f.kind, f.periods_per_year, f.start_month, f.start_day, f.label_prefix
		FROM calculations c
		JOIN calc_inputs ci ON ci.instance_id = c.instance_id AND ci.measure_id = c.measure_id
		JOIN objects o ON o.instance_id = c.instance_id AND o.id = c.measure_id
		LEFT JOIN frequencies f ON f.instance_id = o.instance_id AND f.id = o.frequency_id
		WHERE c.instance_id = $1 ORDER BY c.measure_id, ci.position`, instanceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*model.Calculation{}
	for rows.Next() {
		var c model.Calculation
		var in model.CalcInput
		var fid, per, month, day sql.NullInt64
		var kind, prefix sql.NullString
		if err := rows.Scan(&c.MeasureID, &c.Method, &c.Formula, &c.Partial, &c.CalcTargets, &c.UpdatedAt,
			&in.InstanceID, &in.MeasureID, &fid, &kind, &per, &month, &day, &prefix); err != nil {
			return nil, err
		}
		have := out[c.MeasureID]
		if have == nil {
			c.InstanceID = instanceID
			if fid.Valid {
				c.Frequency = &model.Frequency{ID: fid.Int64, InstanceID: instanceID, Kind: kind.String, PeriodsPerYear: int(per.Int64),
					StartMonth: int(month.Int64), StartDay: int(day.Int64), LabelPrefix: prefix.String}
			}
			have = &c
			out[c.MeasureID] = have
		}
		have.Inputs = append(have.Inputs, in)
	}
	return out, rows.Err()
}

// Calculation returns one measure's calculation, ErrNotFound when it is
// not calculated.
func (q *Q) Calculation(ctx context.Context, instanceID, measureID int64) (model.Calculation, error) {
	c := model.Calculation{InstanceID: instanceID, MeasureID: measureID}
	err := q.row(ctx, `SELECT method, formula, partial, calc_targets, updated_at FROM calculations WHERE instance_id = $1 AND measure_id = $2`,
		instanceID, measureID).Scan(&c.Method, &c.Formula, &c.Partial, &c.CalcTargets, &c.UpdatedAt)
	if err != nil {
		return c, notFound(err)
	}
	rows, err := q.query(ctx, `SELECT input_instance, input_id FROM calc_inputs WHERE instance_id = $1 AND measure_id = $2 ORDER BY position`,
		instanceID, measureID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var in model.CalcInput
		if err := rows.Scan(&in.InstanceID, &in.MeasureID); err != nil {
			return c, err
		}
		c.Inputs = append(c.Inputs, in)
	}
	return c, rows.Err()
}

// CalculatedAmong returns which of the measures are calculated, each with
// whether its targets are calculated too.
func (q *Q) CalculatedAmong(ctx context.Context, instanceID int64, measureIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(measureIDs) == 0 {
		return out, nil
	}
	a := args{instanceID}
	rows, err := q.query(ctx, `SELECT measure_id, calc_targets FROM calculations WHERE instance_id = $1 AND measure_id IN (`+a.list(measureIDs)+`)`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t bool
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// SetCalculation writes a measure's calculation and its inputs, replacing
// any it had. Run it in a transaction.
func (q *Q) SetCalculation(ctx context.Context, c model.Calculation) error {
	now := q.Now()
	if _, err := q.exec(ctx, `INSERT INTO calculations (instance_id, measure_id, method, formula, partial, calc_targets, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (instance_id, measure_id) DO UPDATE SET method = excluded.method,
		formula = excluded.formula, partial = excluded.partial, calc_targets = excluded.calc_targets, updated_at = excluded.updated_at`,
		c.InstanceID, c.MeasureID, c.Method, c.Formula, c.Partial, c.CalcTargets, now); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `DELETE FROM calc_inputs WHERE instance_id = $1 AND measure_id = $2`, c.InstanceID, c.MeasureID); err != nil {
		return err
	}
	if len(c.Inputs) == 0 {
		return nil
	}
	a := args{c.InstanceID, c.MeasureID}
	rows := make([]string, len(c.Inputs))
	for i, in := range c.Inputs {
		rows[i] = "($1, $2, " + a.add(i) + ", " + a.add(in.InstanceID) + ", " + a.add(in.MeasureID) + ")"
	}
	_, err := q.exec(ctx, `INSERT INTO calc_inputs (instance_id, measure_id, position, input_instance, input_id) VALUES `+
		listMark+strings.Join(rows, ", "), a...)
	return err
}

// DeleteCalculation makes a measure a plain one again; its values and
// marks stay (they become typed values). ErrNotFound when it was not
// calculated.
func (q *Q) DeleteCalculation(ctx context.Context, instanceID, measureID int64) error {
	res, err := q.exec(ctx, `DELETE FROM calculations WHERE instance_id = $1 AND measure_id = $2`, instanceID, measureID)
	return affectedOne(res, err)
}

// PartnerCalculators lists the other instances with a calculation fed by
// any of owner's measures (calc_feeds, on owner's shard): their recompute
// follows owner's save.
func (q *Q) PartnerCalculators(ctx context.Context, owner int64, measureIDs []int64) ([]int64, error) {
	if len(measureIDs) == 0 {
		return nil, nil
	}
	a := args{owner}
	return q.ids(ctx, `SELECT DISTINCT calc_instance FROM calc_feeds WHERE instance_id = $1
		AND measure_id IN (`+a.list(measureIDs)+`) ORDER BY calc_instance`, a...)
}

// SetFeeds replaces the partner inputs a calculation is fed by, mirrored
// on each partner's shard: before names the partners of its inputs until
// now, inputs those from now on. Run it in a transaction.
func (q *Q) SetFeeds(ctx context.Context, c model.Calculation, before []int64) error {
	for _, p := range before {
		if p == c.InstanceID {
			continue
		}
		if _, err := q.exec(ctx, `DELETE FROM calc_feeds WHERE instance_id = $1 AND calc_instance = $2 AND calc_measure = $3`,
			p, c.InstanceID, c.MeasureID); err != nil {
			return err
		}
	}
	for _, in := range c.Inputs {
		if in.InstanceID == c.InstanceID {
			continue
		}
		if _, err := q.exec(ctx, `INSERT INTO calc_feeds (instance_id, measure_id, calc_instance, calc_measure) VALUES ($1, $2, $3, $4)
			ON CONFLICT (instance_id, measure_id, calc_instance, calc_measure) DO NOTHING`, in.InstanceID, in.MeasureID, c.InstanceID, c.MeasureID); err != nil {
			return err
		}
	}
	return nil
}

// SharedMeasuresWith returns which of owner's measures sit under a
// scorecard owner shares with viewer's instance on an active channel: a
// calculation's partner inputs it may still read.
func (q *Q) SharedMeasuresWith(ctx context.Context, viewer, owner int64, measureIDs []int64) ([]int64, error) {
	if len(measureIDs) == 0 || viewer == owner {
		return nil, nil
	}
	a := args{owner, viewer}
	return q.ids(ctx, `SELECT DISTINCT so.object_id FROM scorecard_objects so
		JOIN partner_shares ps ON ps.instance_id = so.instance_id AND ps.scorecard_id = so.scorecard_id
		WHERE so.instance_id = $1 AND ps.partner_instance = $2 AND so.object_id IN (`+a.list(measureIDs)+`)
		AND EXISTS (SELECT 1 FROM partner_channels pc WHERE pc.owner_instance = $1 AND pc.partner_instance = $2 AND pc.revoked_at IS NULL)`, a...)
}

// DataSeries returns every value of the measures (an accumulation reads
// its input from the start).
func (q *Q) DataSeries(ctx context.Context, instanceID int64, measureIDs []int64) ([]model.DataValue, error) {
	if len(measureIDs) == 0 {
		return nil, nil
	}
	a := args{instanceID}
	return collect(ctx, q, scanData, `SELECT `+dataCols+` FROM data_values dv WHERE dv.instance_id = $1
		AND dv.measure_id IN (`+a.list(measureIDs)+`) ORDER BY dv.measure_id, dv.period_key`, a...)
}

// CalcWrite is one calculated period to store: the actual and, when
// Target is set, the target (a measure whose targets are typed keeps its
// own).
type CalcWrite struct {
	MeasureID      int64
	PeriodKey      string
	Actual, Target *float64
	WithTarget     bool
}

// WriteCalculated stores calculated values, insertChunk to a statement:
// a period with no row gets one, a period with a row gets the new actual
// (and target), its version moving on; then rows left with nothing (no
// actual, target or comment) are deleted in one statement. Run it in a
// transaction.
func (q *Q) WriteCalculated(ctx context.Context, instanceID int64, ws []CalcWrite) error {
	now := q.Now()
	var withT, without []CalcWrite
	for _, w := range ws {
		if w.WithTarget {
			withT = append(withT, w)
		} else {
			without = append(without, w)
		}
	}
	for _, part := range []struct {
		ws  []CalcWrite
		set string
	}{{withT, "actual = excluded.actual, target = excluded.target"}, {without, "actual = excluded.actual"}} {
		for start := 0; start < len(part.ws); start += insertChunk {
			chunk := part.ws[start:min(start+insertChunk, len(part.ws))]
			var a args
			rows := make([]string, len(chunk))
			for i, w := range chunk {
				var ph [6]string
				for j, x := range []any{instanceID, w.MeasureID, w.PeriodKey, w.Actual, w.Target, now} {
					ph[j] = a.next(q.s.dialect, x)
				}
				rows[i] = "(" + strings.Join(ph[:], ", ") + ", '', NULL, 1)"
			}
			if _, err := q.exec(ctx, `INSERT INTO data_values (instance_id, measure_id, period_key, actual, target, updated_at, comment, updated_by, version)
				VALUES `+listMark+strings.Join(rows, ", ")+`
				ON CONFLICT (instance_id, measure_id, period_key) DO UPDATE SET `+part.set+`, updated_at = excluded.updated_at,
				version = data_values.version + 1`, a...); err != nil {
				return err
			}
		}
	}
	if len(ws) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(ws))
	keys := make([]string, 0, len(ws))
	seen := map[string]bool{}
	for _, w := range ws {
		ids = append(ids, w.MeasureID)
		if !seen[w.PeriodKey] {
			seen[w.PeriodKey] = true
			keys = append(keys, w.PeriodKey)
		}
	}
	a := args{instanceID}
	_, err := q.exec(ctx, `DELETE FROM data_values WHERE instance_id = $1 AND measure_id IN (`+a.list(ids)+`)
		AND period_key IN (`+a.texts(keys)+`) AND actual IS NULL AND target IS NULL AND comment = ''`, a...)
	return err
}

// MarkUnshared marks "input no longer shared" every stored period of the
// instance's calculations fed by a measure of from (a revoked share), and
// returns how many periods it marked.
func (q *Q) MarkUnshared(ctx context.Context, instanceID, from int64) (int, error) {
	res, err := q.exec(ctx, `INSERT INTO calc_marks (instance_id, measure_id, period_key)
		SELECT dv.instance_id, dv.measure_id, dv.period_key FROM data_values dv
		WHERE dv.instance_id = $1 AND dv.measure_id IN (SELECT ci.measure_id FROM calc_inputs ci WHERE ci.instance_id = $1 AND ci.input_instance = $2)
		ON CONFLICT (instance_id, measure_id, period_key) DO NOTHING`, instanceID, from)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// UnsharedFeeds returns partner's calculations fed by a measure of owner
// that no scorecard owner still shares with partner reaches (after an
// unshare). It reads owner's shard only.
func (q *Q) UnsharedFeeds(ctx context.Context, owner, partner int64) ([]int64, error) {
	return q.ids(ctx, `SELECT DISTINCT cf.calc_measure FROM calc_feeds cf
		WHERE cf.instance_id = $1 AND cf.calc_instance = $2 AND NOT EXISTS (
			SELECT 1 FROM scorecard_objects so JOIN partner_shares ps ON ps.instance_id = so.instance_id AND ps.scorecard_id = so.scorecard_id
			WHERE so.instance_id = cf.instance_id AND so.object_id = cf.measure_id AND ps.partner_instance = $2)
		ORDER BY cf.calc_measure`, owner, partner)
}

// MarkCalculations marks every stored period of the measures "input no
// longer shared".
func (q *Q) MarkCalculations(ctx context.Context, instanceID int64, measureIDs []int64) error {
	if len(measureIDs) == 0 {
		return nil
	}
	a := args{instanceID}
	_, err := q.exec(ctx, `INSERT INTO calc_marks (instance_id, measure_id, period_key)
		SELECT dv.instance_id, dv.measure_id, dv.period_key FROM data_values dv
		WHERE dv.instance_id = $1 AND dv.measure_id IN (`+a.list(measureIDs)+`)
		ON CONFLICT (instance_id, measure_id, period_key) DO NOTHING`, a...)
	return err
}

// ClearMarks removes the marks of a recomputed measure's periods (its
// inputs are shared again).
func (q *Q) ClearMarks(ctx context.Context, instanceID int64, measureIDs []int64, keys []string) error {
	if len(measureIDs) == 0 || len(keys) == 0 {
		return nil
	}
	a := args{instanceID}
	_, err := q.exec(ctx, `DELETE FROM calc_marks WHERE instance_id = $1 AND measure_id IN (`+a.list(measureIDs)+`)
		AND period_key IN (`+a.texts(keys)+`)`, a...)
	return err
}

// CalcMarks returns the marked periods of a measure.
func (q *Q) CalcMarks(ctx context.Context, instanceID, measureID int64) (map[string]bool, error) {
	rows, err := q.query(ctx, `SELECT period_key FROM calc_marks WHERE instance_id = $1 AND measure_id = $2`, instanceID, measureID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// SharedObjectsByIDs returns the objects among ids of the owners that sit
// under a scorecard shared with the viewer within its scope, in one
// statement; the others are left out.
func (q *Q) SharedObjectsByIDs(ctx context.Context, owners, ids []int64, v Visibility) ([]model.Object, error) {
	if len(owners) == 0 || len(ids) == 0 {
		return nil, nil
	}
	a := args{v.InstanceID}
	return collect(ctx, q, scanObject, `SELECT `+objectCols+objectFrom+` WHERE o.instance_id IN (`+a.list(owners)+`)
		AND o.instance_id <> $1 AND o.id IN (`+a.list(ids)+`) AND `+v.sharedObjectFilter(&a)+` ORDER BY o.id`, a...)
}

// ValuesAcross returns the values of measures of several instances at any
// of the keys (all their values when keys is nil), in one statement.
func (q *Q) ValuesAcross(ctx context.Context, owners, measureIDs []int64, keys []string) ([]model.DataValue, error) {
	if len(owners) == 0 || len(measureIDs) == 0 {
		return nil, nil
	}
	var a args
	where := ""
	if keys != nil {
		if len(keys) == 0 {
			return nil, nil
		}
		where = ` AND dv.period_key IN (` + a.texts(keys) + `)`
	}
	return collect(ctx, q, scanData, `SELECT `+dataCols+` FROM data_values dv WHERE dv.instance_id `+a.owners(owners)+`
		AND dv.measure_id IN (`+a.list(measureIDs)+`)`+where, a...)
}

// LatestAcross returns each measure's latest value with an actual, for
// measures of several instances, in one statement.
func (q *Q) LatestAcross(ctx context.Context, owners, measureIDs []int64) ([]model.DataValue, error) {
	if len(owners) == 0 || len(measureIDs) == 0 {
		return nil, nil
	}
	var a args
	inner := `SELECT l.instance_id, l.measure_id, MAX(l.period_key) AS k FROM data_values l WHERE l.instance_id ` + a.owners(owners) +
		` AND l.measure_id IN (` + a.list(measureIDs) + `) AND l.actual IS NOT NULL GROUP BY l.instance_id, l.measure_id`
	return collect(ctx, q, scanData, `SELECT `+dataCols+` FROM data_values dv JOIN (`+inner+`) x
		ON x.instance_id = dv.instance_id AND x.measure_id = dv.measure_id AND x.k = dv.period_key
		WHERE dv.instance_id `+a.owners(owners), a...)
}

// CalcCandidates lists the measures a calculation of the viewer's
// instance may read, by title, at most limit of each kind: its own the
// visibility allows, and those of owners shared with it; each with its
// frequency.
func (q *Q) CalcCandidates(ctx context.Context, owners []int64, v Visibility, limit int) ([]model.Object, error) {
	a := args{v.InstanceID, limit}
	own, err := collect(ctx, q, scanOneObject, `SELECT `+oneObjectCols+oneObjectFrom+` WHERE o.instance_id = $1
		AND o.kind = 'measure' AND `+v.objectFilter(&a)+` ORDER BY o.title, o.id LIMIT $2`, a...)
	if err != nil || len(owners) == 0 {
		return own, err
	}
	a = args{v.InstanceID, limit}
	shared, err := collect(ctx, q, scanOneObject, `SELECT `+oneObjectCols+oneObjectFrom+` WHERE o.instance_id IN (`+a.list(owners)+`)
		AND o.instance_id <> $1 AND o.kind = 'measure' AND `+v.sharedObjectFilter(&a)+` ORDER BY o.instance_id, o.title, o.id LIMIT $2`, a...)
	return append(own, shared...), err
}

// owners is the condition on an instance column naming the owners: "= $n"
// for one (Citus routes it to one shard), "IN (…)" for several.
func (a *args) owners(ids []int64) string {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 1 {
		return "= " + a.add(ids[0])
	}
	return "IN (" + a.list(ids) + ")"
}

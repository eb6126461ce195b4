package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"yardstick/internal/model"
)

const dataCols = `dv.measure_id, dv.period_key, dv.actual, dv.target, dv.forecast, dv.comment, dv.updated_by, dv.updated_at, dv.version`

func scanData(sc interface{ Scan(...any) error }) (model.DataValue, error) {
	var v model.DataValue
	var a, t, f sql.NullFloat64
	var by sql.NullInt64
	err := sc.Scan(&v.MeasureID, &v.PeriodKey, &a, &t, &f, &v.Comment, &by, &v.UpdatedAt, &v.Version)
	v.Actual, v.Target, v.Forecast = nullFloat(a), nullFloat(t), nullFloat(f)
	if by.Valid {
		v.UpdatedBy = &by.Int64
	}
	return v, err
}

// DataValues returns a measure's values by period.
func (q *Q) DataValues(ctx context.Context, instanceID, measureID int64) ([]model.DataValue, error) {
	return collect(ctx, q, scanData, `SELECT `+dataCols+` FROM data_values dv WHERE dv.instance_id = $1 AND dv.measure_id = $2
		ORDER BY dv.period_key`, instanceID, measureID)
}

// DataValuesBetween returns a measure's values of the periods starting
// from from through to (period keys, YYYY-MM-DD), by period, at most limit.
func (q *Q) DataValuesBetween(ctx context.Context, instanceID, measureID int64, from, to string, limit int) ([]model.DataValue, error) {
	return collect(ctx, q, scanData, `SELECT `+dataCols+` FROM data_values dv WHERE dv.instance_id = $1 AND dv.measure_id = $2
		AND dv.period_key >= $3 AND dv.period_key <= $4 ORDER BY dv.period_key LIMIT $5`, instanceID, measureID, from, to, limit)
}

// SaveDataValue writes one period's value if the row is still at
// v.Version (0: no row yet). A row changed or created by someone else
// since is ErrConflict: no update is lost.
func (q *Q) SaveDataValue(ctx context.Context, instanceID int64, v model.DataValue) (model.DataValue, error) {
	now := q.Now()
	v.UpdatedAt = now
	if v.Version == 0 {
		res, err := q.exec(ctx, `INSERT INTO data_values (instance_id, measure_id, period_key, actual, target, forecast, comment, updated_by, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $9, $6, $7, $8, 1) ON CONFLICT (instance_id, measure_id, period_key) DO NOTHING`,
			instanceID, v.MeasureID, v.PeriodKey, v.Actual, v.Target, v.Comment, v.UpdatedBy, now, v.Forecast)
		if err := affectedOne(res, err); err != nil {
			if errors.Is(err, ErrNotFound) {
				return v, ErrConflict
			}
			return v, err
		}
		v.Version = 1
		return v, nil
	}
	res, err := q.exec(ctx, `UPDATE data_values SET actual = $1, target = $2, forecast = $10, comment = $3, updated_by = $4, updated_at = $5, version = version + 1
		WHERE instance_id = $6 AND measure_id = $7 AND period_key = $8 AND version = $9`,
		v.Actual, v.Target, v.Comment, v.UpdatedBy, now, instanceID, v.MeasureID, v.PeriodKey, v.Version, v.Forecast)
	if err := affectedOne(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return v, ErrConflict
		}
		return v, err
	}
	v.Version++
	return v, nil
}

// insertChunk is how many values one INSERT of InsertDataValues writes
// (nine parameters each, within SQLite's 32,766).
const insertChunk = 500

// InsertDataValues writes new values (version 1) of one instance's
// measures, insertChunk to a statement, and returns the positions in vs of
// those a value already stood at (someone saved that period meanwhile):
// those are not written. Run it in a transaction.
func (q *Q) InsertDataValues(ctx context.Context, instanceID int64, vs []model.DataValue) (taken []int, err error) {
	now := q.Now()
	type key struct {
		m int64
		p string
	}
	ins, plain := chunkStmt{q: q}, chunkStmt{q: q}
	defer ins.close()
	defer plain.close()
	for start := 0; start < len(vs); start += insertChunk {
		chunk := vs[start:min(start+insertChunk, len(vs))]
		reuse := len(chunk) == insertChunk && len(vs) >= 2*insertChunk
		var a args
		rows := make([]string, len(chunk))
		for i, v := range chunk {
			var ph [9]string
			for j, x := range []any{instanceID, v.MeasureID, v.PeriodKey, v.Actual, v.Target, v.Forecast, v.Comment, v.UpdatedBy, now} {
				ph[j] = a.next(q.s.dialect, x)
			}
			rows[i] = "(" + strings.Join(ph[:], ", ") + ", 1)"
		}
		insert := `INSERT INTO data_values (instance_id, measure_id, period_key, actual, target, forecast, comment, updated_by, updated_at, version)
			VALUES ` + listMark + strings.Join(rows, ", ")
		if q.s.dialect == SQLite && q.inTx {
			// BEGIN IMMEDIATE: no one wrote since the caller read, so the
			// plain INSERT (a fifth cheaper than one that returns its rows)
			// succeeds unless the caller did not read first. Then SQLite
			// undoes the statement alone, and the checked INSERT says which.
			_, err := plain.exec(ctx, insert, reuse, a...)
			if err == nil {
				continue
			}
			if !isUniqueViolation(err) {
				return nil, err
			}
		}
		res, err := ins.query(ctx, insert+`
			ON CONFLICT (instance_id, measure_id, period_key) DO NOTHING RETURNING measure_id, period_key`, reuse, a...)
		if err != nil {
			return nil, err
		}
		written := make(map[key]bool, len(chunk))
		for res.Next() {
			var k key
			if err := res.Scan(&k.m, &k.p); err != nil {
				res.Close()
				return nil, err
			}
			written[k] = true
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, err
		}
		for i, v := range chunk {
			if !written[key{v.MeasureID, v.PeriodKey}] {
				taken = append(taken, start+i)
			}
		}
	}
	return taken, nil
}

// DeleteDataValue removes one period's value if still at version.
func (q *Q) DeleteDataValue(ctx context.Context, instanceID, measureID int64, periodKey string, version int64) error {
	res, err := q.exec(ctx, `DELETE FROM data_values WHERE instance_id = $1 AND measure_id = $2 AND period_key = $3 AND version = $4`,
		instanceID, measureID, periodKey, version)
	if err := affectedOne(res, err); errors.Is(err, ErrNotFound) {
		return ErrConflict
	} else {
		return err
	}
}

// DataValuesOf returns the values of any of the measures at any of the
// period keys, in one statement (a bulk write of 100 measures read them
// one measure at a time, 100 statements). Both lists may hold up to 10,000
// entries: their placeholders are "?" on SQLite, whose "$n" names cost a
// search of all of a statement's names each.
func (q *Q) DataValuesOf(ctx context.Context, instanceID int64, measureIDs []int64, keys []string) ([]model.DataValue, error) {
	if len(measureIDs) == 0 || len(keys) == 0 {
		return nil, nil
	}
	var a args
	inst := a.next(q.s.dialect, instanceID)
	ms := make([]string, len(measureIDs))
	for i, id := range measureIDs {
		ms[i] = a.next(q.s.dialect, id)
	}
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = a.next(q.s.dialect, k)
	}
	return collect(ctx, q, scanData, `SELECT `+dataCols+` FROM data_values dv WHERE dv.instance_id = `+inst+`
		AND dv.measure_id IN (`+listMark+strings.Join(ms, ", ")+`) AND dv.period_key IN (`+strings.Join(ks, ", ")+`)`, a...)
}

// DataValuesAt returns a measure's values of the given periods only (a
// save reads what it is about to change, not the whole series).
func (q *Q) DataValuesAt(ctx context.Context, instanceID, measureID int64, keys []string) ([]model.DataValue, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	a := args{instanceID, measureID}
	ph := make([]string, len(keys))
	for i, k := range keys {
		ph[i] = a.add(k)
	}
	return collect(ctx, q, scanData, `SELECT `+dataCols+` FROM data_values dv WHERE dv.instance_id = $1 AND dv.measure_id = $2
		AND dv.period_key IN (`+strings.Join(ph, ", ")+`) ORDER BY dv.period_key`, a...)
}

package store

import (
	"context"

	"yardstick/internal/model"
)

var builtinFrequencies = []model.Frequency{
	{Title: "Monthly", Kind: "Monthly", PeriodsPerYear: 12, StartMonth: 1, StartDay: 1, Builtin: true},
	{Title: "Quarterly", Kind: "Quarterly", PeriodsPerYear: 4, StartMonth: 1, StartDay: 1, Builtin: true},
	{Title: "Half Year", Kind: "Half Year", PeriodsPerYear: 2, StartMonth: 1, StartDay: 1, Builtin: true},
	{Title: "Annual", Kind: "Annual", PeriodsPerYear: 1, StartMonth: 1, StartDay: 1, Builtin: true},
}

const frequencyCols = `id, instance_id, title, kind, periods_per_year, start_month, start_day, label_prefix, builtin, created_at`

func scanFrequency(sc interface{ Scan(...any) error }) (model.Frequency, error) {
	var f model.Frequency
	err := sc.Scan(&f.ID, &f.InstanceID, &f.Title, &f.Kind, &f.PeriodsPerYear, &f.StartMonth, &f.StartDay, &f.LabelPrefix, &f.Builtin, &f.CreatedAt)
	return f, err
}

// CreateFrequency adds a frequency; a taken title is ErrConflict.
// Frequencies are never edited afterwards: data is keyed by their periods.
func (q *Q) CreateFrequency(ctx context.Context, f model.Frequency) (model.Frequency, error) {
	f.CreatedAt = q.Now()
	err := q.row(ctx, `INSERT INTO frequencies (instance_id, title, title_key, kind, periods_per_year, start_month, start_day, label_prefix, builtin, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		f.InstanceID, f.Title, Key(f.Title), f.Kind, f.PeriodsPerYear, f.StartMonth, f.StartDay, f.LabelPrefix, f.Builtin, f.CreatedAt).Scan(&f.ID)
	if isUniqueViolation(err) {
		return f, ErrConflict
	}
	return f, err
}

// ListFrequencies lists an instance's frequencies, built-ins first.
func (q *Q) ListFrequencies(ctx context.Context, instanceID int64) ([]model.Frequency, error) {
	return collect(ctx, q, scanFrequency, `SELECT `+frequencyCols+` FROM frequencies WHERE instance_id = $1 ORDER BY builtin DESC, id`, instanceID)
}

// FrequencyByID returns one frequency of the instance.
func (q *Q) FrequencyByID(ctx context.Context, instanceID, id int64) (model.Frequency, error) {
	f, err := scanFrequency(q.row(ctx, `SELECT `+frequencyCols+` FROM frequencies WHERE instance_id = $1 AND id = $2`, instanceID, id))
	return f, notFound(err)
}

// FrequencyByTitle finds a frequency by title, any case.
func (q *Q) FrequencyByTitle(ctx context.Context, instanceID int64, title string) (model.Frequency, error) {
	f, err := scanFrequency(q.row(ctx, `SELECT `+frequencyCols+` FROM frequencies WHERE instance_id = $1 AND title_key = $2`, instanceID, Key(title)))
	return f, notFound(err)
}

// MeasuresUsingFrequency returns up to limit titles of measures that use
// a frequency, for the message refusing its deletion.
func (q *Q) MeasuresUsingFrequency(ctx context.Context, instanceID, id int64, limit int) ([]string, int, error) {
	var total int
	if err := q.row(ctx, `SELECT COUNT(*) FROM objects WHERE instance_id = $1 AND frequency_id = $2`, instanceID, id).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.query(ctx, `SELECT title FROM objects WHERE instance_id = $1 AND frequency_id = $2 ORDER BY title_key, id LIMIT $3`, instanceID, id, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, 0, err
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// DeleteFrequency removes a custom frequency.
func (q *Q) DeleteFrequency(ctx context.Context, instanceID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM frequencies WHERE instance_id = $1 AND id = $2 AND NOT builtin`, instanceID, id)
	return affectedOne(res, err)
}

package store

import (
	"context"

	"yardstick/internal/model"
)

// defaultBands are a new instance's global colour bands (percent of target).
var defaultBands = []model.BandSetting{
	{Polarity: "higher", Green: 100, Yellow: 90},
	{Polarity: "lower", Green: 100, Yellow: 110},
	{Polarity: "range", Green: 5, Yellow: 10},
}

// SetBands stores the global bands of one polarity.
func (q *Q) SetBands(ctx context.Context, instanceID int64, b model.BandSetting) error {
	_, err := q.exec(ctx, `INSERT INTO color_bands (instance_id, polarity, green, yellow, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (instance_id, polarity) DO UPDATE SET green = $3, yellow = $4, updated_at = $5`,
		instanceID, b.Polarity, b.Green, b.Yellow, q.Now())
	return err
}

// Bands returns the instance's global bands by polarity.
func (q *Q) Bands(ctx context.Context, instanceID int64) (map[string]model.BandSetting, error) {
	rows, err := q.query(ctx, `SELECT polarity, green, yellow FROM color_bands WHERE instance_id = $1`, instanceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]model.BandSetting{}
	for rows.Next() {
		var b model.BandSetting
		if err := rows.Scan(&b.Polarity, &b.Green, &b.Yellow); err != nil {
			return nil, err
		}
		out[b.Polarity] = b
	}
	return out, rows.Err()
}

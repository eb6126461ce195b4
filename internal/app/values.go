package app

import (
	"context"
	"time"

	"yardstick/internal/model"
)

// MaxValuesRead bounds the values one read returns (a weekly measure has
// 52 a year).
const MaxValuesRead = 10000

// PeriodValue is one period's stored data of a measure, as the API reads it.
type PeriodValue struct {
	PeriodKey string // YYYY-MM-DD, the first day of the period
	Label     string // the period as the measure's frequency names it
	Actual    *float64
	Target    *float64
	Forecast  *float64
	Comment   string
	Version   int64 // for optimistic writes
	UpdatedAt time.Time
}

// MeasureValues returns the stored values of a measure the actor can see
// (its own instance's, or a partner's shared one: the values are the
// owner's) for the periods starting from from through to (YYYY-MM-DD,
// both optional), oldest first, at most MaxValuesRead.
func (a *App) MeasureValues(ctx context.Context, actor *Actor, measureID int64, from, to string) ([]PeriodValue, error) {
	fields := map[string]string{}
	if from == "" {
		from = "0001-01-01"
	} else if _, err := time.Parse("2006-01-02", from); err != nil {
		fields["from"] = "Give the first period's start as YYYY-MM-DD."
	}
	if to == "" {
		to = "9999-12-31"
	} else if _, err := time.Parse("2006-01-02", to); err != nil {
		fields["to"] = "Give the last period's start as YYYY-MM-DD."
	}
	if len(fields) == 0 && to < from {
		fields["to"] = "The range ends before it starts."
	}
	if len(fields) > 0 {
		return nil, invalid("Please correct the period range.", fields)
	}
	m, err := a.ViewObject(ctx, actor, measureID)
	if err != nil {
		return nil, err
	}
	if m.Kind != model.KindMeasure {
		return nil, errNotFound()
	}
	values, err := a.store.Q().DataValuesBetween(ctx, m.InstanceID, m.ID, from, to, MaxValuesRead)
	if err != nil {
		return nil, err
	}
	label := func(key string) string { return key }
	if m.FrequencyID != nil {
		if f, err := a.measureFrequency(ctx, m.InstanceID, m, ""); err == nil {
			pf := FrequencyOf(f)
			label = func(key string) string {
				if p, err := pf.FromKey(key); err == nil {
					return pf.Label(p)
				}
				return key
			}
		}
	}
	out := make([]PeriodValue, len(values))
	for i, v := range values {
		out[i] = PeriodValue{PeriodKey: v.PeriodKey, Label: label(v.PeriodKey), Actual: v.Actual, Target: v.Target, Forecast: v.Forecast, Comment: v.Comment,
			Version: v.Version, UpdatedAt: v.UpdatedAt.UTC()}
	}
	return out, nil
}

package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// parseBands reads a measure's band override. Both empty means "use the
// default"; otherwise both must be numbers valid for the polarity.
func parseBands(green, yellow, polarity string, w *terms.Set) (*float64, *float64, string) {
	green, yellow = strings.TrimSpace(green), strings.TrimSpace(yellow)
	if green == "" && yellow == "" {
		return nil, nil, ""
	}
	if green == "" || yellow == "" {
		return nil, nil, "Give both the green and the yellow threshold, or leave both empty."
	}
	g, err1 := strconv.ParseFloat(green, 64)
	y, err2 := strconv.ParseFloat(yellow, 64)
	if err1 != nil || err2 != nil || !finite(g) || !finite(y) {
		return nil, nil, "Colour band thresholds must be numbers (percent of " + w.LowOne(terms.Target) + ")."
	}
	if err := (calc.Bands{Green: g, Yellow: y}).Validate(calc.Polarity(polarity)); err != nil {
		return nil, nil, bandMessage(err)
	}
	return &g, &y, ""
}

// finite refuses NaN and the infinities ParseFloat reads from "NaN" and
// "Inf": no threshold compares with them.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func bandMessage(err error) string {
	var fe *calc.FieldError
	if errors.As(err, &fe) {
		return upperFirst(fe.Message) + "."
	}
	return err.Error()
}

// GlobalBands returns the instance's default bands per polarity.
func (a *App) GlobalBands(ctx context.Context, actor *Actor) (map[string]model.BandSetting, error) {
	return a.store.Q().Bands(ctx, actor.Instance.ID)
}

// SetGlobalBands changes the default bands of the three polarities that
// have them (defaults). Existing measures keep theirs.
func (a *App) SetGlobalBands(ctx context.Context, actor *Actor, values map[string][2]string) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	fields := map[string]string{}
	var settings []model.BandSetting
	for _, p := range []string{"higher", "lower", "range"} {
		v := values[p]
		g, y, msg := parseBands(v[0], v[1], p, actor.Words())
		if msg == "" && g == nil {
			msg = "Give both thresholds."
		}
		if msg != "" {
			fields[p] = msg
			continue
		}
		settings = append(settings, model.BandSetting{Polarity: p, Green: *g, Yellow: *y})
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted bands.", fields)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		old, err := q.Bands(ctx, actor.Instance.ID)
		if err != nil {
			return err
		}
		var changes []model.Change
		for _, b := range settings {
			if err := q.SetBands(ctx, actor.Instance.ID, b); err != nil {
				return err
			}
			o := old[b.Polarity]
			changes = append(changes, changed(b.Polarity+" green", fmtF(o.Green), fmtF(b.Green), b.Polarity+" yellow", fmtF(o.Yellow), fmtF(b.Yellow))...)
		}
		return record(ctx, q, entry(actor, ActUpdate, "color bands", 0, "Global Color Bands", changes...))
	})
}

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// TypeInput is the object type form.
type TypeInput struct {
	Kind, Name, Plural, Color, Badge string
}

func (in *TypeInput) validate(words *terms.Set) error {
	fields := map[string]string{}
	var msg string
	if in.Name, msg = cleanText(in.Name, "Name", 1, 40); msg != "" {
		fields["name"] = msg
	}
	if in.Plural, msg = cleanText(in.Plural, "Plural", 1, 40); msg != "" {
		fields["plural"] = msg
	}
	if !colorPattern.MatchString(in.Color) {
		fields["color"] = "Choose a colour like #1f6f8b."
	}
	in.Badge = strings.ToUpper(strings.TrimSpace(in.Badge))
	if len([]rune(in.Badge)) != 1 {
		fields["badge"] = "The badge is one letter."
	}
	if in.Kind != model.KindContainer && in.Kind != model.KindMeasure {
		fields["kind"] = words.Expand("Choose {container:lower} or {measure:lower}.")
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return nil
}

// CreateType adds a container or measure type (defaults).
func (a *App) CreateType(ctx context.Context, actor *Actor, in TypeInput) (model.ObjectType, error) {
	if err := actor.Require(access.Defaults); err != nil {
		return model.ObjectType{}, err
	}
	if err := in.validate(actor.Words()); err != nil {
		return model.ObjectType{}, err
	}
	if taken, err := a.store.Q().TypeNameTaken(ctx, actor.Instance.ID, in.Name, 0); err != nil || taken {
		if err == nil {
			err = fieldError("name", "A type named “"+in.Name+"” already exists.")
		}
		return model.ObjectType{}, err
	}
	var t model.ObjectType
	err := a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		t, err = q.CreateType(ctx, model.ObjectType{InstanceID: actor.Instance.ID, Kind: in.Kind, Name: in.Name,
			Plural: in.Plural, Color: strings.ToLower(in.Color), Badge: in.Badge})
		if errors.Is(err, store.ErrConflict) {
			return fieldError("name", "A type named “"+in.Name+"” already exists.")
		}
		if err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActCreate, "object type", t.ID, t.Name))
	})
	return t, err
}

// UpdateType renames or recolours a type (defaults); every page shows the
// new name at once because objects refer to the type.
func (a *App) UpdateType(ctx context.Context, actor *Actor, id int64, in TypeInput) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	t, err := a.store.Q().TypeByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return mapNotFound(err)
	}
	in.Kind = t.Kind
	if err := in.validate(actor.Words()); err != nil {
		return err
	}
	if taken, err := a.store.Q().TypeNameTaken(ctx, actor.Instance.ID, in.Name, id); err != nil || taken {
		if err == nil {
			err = fieldError("name", "A type named “"+in.Name+"” already exists.")
		}
		return err
	}
	before := t
	t.Name, t.Plural, t.Color, t.Badge = in.Name, in.Plural, strings.ToLower(in.Color), in.Badge
	return a.store.InTx(ctx, func(q *store.Q) error {
		err := q.UpdateType(ctx, t)
		if errors.Is(err, store.ErrConflict) {
			return fieldError("name", "A type named “"+in.Name+"” already exists.")
		}
		if err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, "object type", t.ID, t.Name, changed("name", before.Name, t.Name,
			"plural", before.Plural, t.Plural, "color", before.Color, t.Color, "badge", before.Badge, t.Badge)...))
	})
}

// DeleteType deletes an unused type (defaults).
func (a *App) DeleteType(ctx context.Context, actor *Actor, id int64) error {
	if err := actor.Require(access.Defaults); err != nil {
		return err
	}
	t, err := a.store.Q().TypeByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return mapNotFound(err)
	}
	if t.Builtin {
		return errConflict("“%s” is built in and cannot be deleted; you can rename it.", t.Name)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		err := q.DeleteType(ctx, actor.Instance.ID, id)
		if errors.Is(err, store.ErrConflict) {
			return errConflict("“%s” is used by %d objects; change their type before deleting it.", t.Name, max(t.InUse, 1))
		}
		if err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "object type", id, t.Name))
	})
}

// FrequencyInput is the custom reporting frequency form.
type FrequencyInput struct {
	Title, PeriodsPerYear, StartMonth, StartDay, LabelPrefix string
}

// CreateFrequency adds a custom reporting frequency (calendars). It can
// never be edited: data is keyed by its periods.
func (a *App) CreateFrequency(ctx context.Context, actor *Actor, in FrequencyInput) (model.Frequency, error) {
	if err := actor.Require(access.Calendars); err != nil {
		return model.Frequency{}, err
	}
	fields := map[string]string{}
	title, msg := cleanText(in.Title, "Title", 1, 60)
	if msg != "" {
		fields["title"] = msg
	}
	n, err1 := strconv.Atoi(strings.TrimSpace(in.PeriodsPerYear))
	m, err2 := strconv.Atoi(strings.TrimSpace(in.StartMonth))
	d, err3 := strconv.Atoi(strings.TrimSpace(in.StartDay))
	switch {
	case err1 != nil:
		fields["periods_per_year"] = "Periods per year must be a whole number from 1 to 366."
	case err2 != nil || m < 1 || m > 12:
		fields["start_month"] = "Choose the month the year starts in."
	case err3 != nil:
		fields["start_day"] = "The start day must be a whole number."
	default:
		f, err := period.NewCustom(n, time.Month(m), d, strings.TrimSpace(in.LabelPrefix))
		if err != nil {
			field := map[string]string{"PeriodsPerYear": "periods_per_year", "StartMonth": "start_month", "StartDay": "start_day", "LabelPrefix": "label_prefix"}
			var fe *period.FieldError
			if errors.As(err, &fe) {
				fields[field[fe.Field]] = upperFirst(fe.Message) + "."
			} else {
				fields["periods_per_year"] = err.Error()
			}
		} else {
			in.LabelPrefix = f.LabelPrefix
		}
	}
	if len(fields) > 0 {
		return model.Frequency{}, invalid("Please correct the highlighted fields.", fields)
	}
	var f model.Frequency
	err := a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		f, err = q.CreateFrequency(ctx, model.Frequency{InstanceID: actor.Instance.ID, Title: title, Kind: "Custom",
			PeriodsPerYear: n, StartMonth: m, StartDay: d, LabelPrefix: in.LabelPrefix})
		if errors.Is(err, store.ErrConflict) {
			return fieldError("title", "A frequency named “"+title+"” already exists.")
		}
		if err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActCreate, "frequency", f.ID, f.Title))
	})
	return f, err
}

// DeleteFrequency deletes a custom frequency no measure uses (calendars).
// The refusal names the measures that use it.
func (a *App) DeleteFrequency(ctx context.Context, actor *Actor, id int64) error {
	if err := actor.Require(access.Calendars); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		f, err := q.FrequencyByID(ctx, actor.Instance.ID, id)
		if err != nil {
			return mapNotFound(err)
		}
		if f.Builtin {
			return errConflict("%s is built in and cannot be deleted.", f.Title)
		}
		titles, total, err := q.MeasuresUsingFrequency(ctx, actor.Instance.ID, id, 5)
		if err != nil {
			return err
		}
		if total > 0 {
			names := "“" + strings.Join(titles, "”, “") + "”"
			if total > len(titles) {
				names += fmt.Sprintf(" and %d more", total-len(titles))
			}
			return errConflict("%s is used by %s. Change their frequency before deleting it.", f.Title, names)
		}
		if err := q.DeleteFrequency(ctx, actor.Instance.ID, id); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActDelete, "frequency", id, f.Title))
	})
}

// FrequencyOf turns a stored frequency into period arithmetic.
func FrequencyOf(f model.Frequency) period.Frequency {
	switch f.Kind {
	case "Monthly":
		return period.Monthly()
	case "Quarterly":
		return period.Quarterly()
	case "Half Year":
		return period.HalfYear()
	case "Annual":
		return period.Annual()
	}
	return period.Frequency{Kind: period.KindCustom, PeriodsPerYear: f.PeriodsPerYear,
		StartMonth: time.Month(f.StartMonth), StartDay: f.StartDay, LabelPrefix: f.LabelPrefix}
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

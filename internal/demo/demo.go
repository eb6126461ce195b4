package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/store"
)

// The demo instance.
const (
	Code       = "DEMO"
	Name       = "Riverside Children's Alliance"
	AdminEmail = "admin@demo.yardstick.test"
	AdminName  = "Dana Rivera"
)

// seed fixes the noise of every curve, so every load gives the same data.
const seed = 20260302

// ErrExists means an instance with the demo's code already exists; Load
// wrote nothing.
var ErrExists = errors.New("demo instance " + Code + " already exists")

// Result reports what Load created.
type Result struct {
	Code            string
	Name            string
	AdminEmail      string
	TempPassword    string // empty when the admin account already existed
	ExistingAccount bool   // the admin email had an account; it keeps its password
	ScorecardIDs    []int64
	Scorecards      int
	Containers      int
	Measures        int
	DataValues      int
}

// Load creates the demo instance and its content through the app's use
// cases. It returns ErrExists when the instance is already there. A
// failure part way leaves the instance with part of its content; since
// codes are never reused, the demo then needs a fresh database.
func Load(ctx context.Context, a *app.App) (Result, error) {
	// Checked first so that an existing demo is reported plainly rather
	// than as a validation error about the code.
	if _, err := a.Store().Q().InstanceByCode(ctx, Code); err == nil {
		return Result{}, ErrExists
	} else if !errors.Is(err, store.ErrNotFound) {
		return Result{}, err
	}
	out, err := a.CreateInstance(ctx, app.NewInstance{Code: Code, Name: Name, AdminEmail: AdminEmail, AdminName: AdminName})
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid && e.Fields["code"] != "" {
		return Result{}, ErrExists // created by someone else since the check
	}
	if err != nil {
		return Result{}, fmt.Errorf("demo: create instance: %w", err)
	}
	res := Result{Code: out.Instance.Code, Name: out.Instance.Name, AdminEmail: out.Admin.Email,
		TempPassword: out.TempPassword, ExistingAccount: out.ExistingAccount}
	actor, err := a.ActorFor(ctx, app.Session{Account: out.Admin}, Code, app.Client{})
	if err != nil {
		return res, fmt.Errorf("demo: act as the administrator: %w", err)
	}
	l, err := newLoader(ctx, a, actor)
	if err != nil {
		return res, err
	}
	if err := l.load(ctx, &res); err != nil {
		return res, fmt.Errorf("demo: instance %s created, but loading its content failed: %w", Code, err)
	}
	return res, nil
}

// loader holds what creating the content needs: the acting administrator
// and the built-in types and frequencies, by name.
type loader struct {
	a      *app.App
	actor  *app.Actor
	now    time.Time
	types  map[string]int64
	freqs  map[string]model.Frequency
	nextID uint64 // numbers the measures, giving each its own noise stream
}

func newLoader(ctx context.Context, a *app.App, actor *app.Actor) (*loader, error) {
	l := &loader{a: a, actor: actor, now: a.Now(), types: map[string]int64{}, freqs: map[string]model.Frequency{}}
	types, err := a.Types(ctx, actor, "")
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if t.Builtin {
			l.types[t.Name] = t.ID
		}
	}
	freqs, err := a.Frequencies(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, f := range freqs {
		if f.Builtin {
			l.freqs[f.Kind] = f
		}
	}
	return l, nil
}

func (l *loader) load(ctx context.Context, res *Result) error {
	containers := map[string]int64{}
	var parent int64
	for _, sc := range story {
		in := app.ScorecardInput{Title: sc.title, Description: sc.description}
		if sc.child {
			in.ParentID = parent
		}
		s, err := l.a.CreateScorecard(ctx, l.actor, in)
		if err != nil {
			return fmt.Errorf("scorecard %q: %w", sc.title, err)
		}
		if parent == 0 {
			parent = s.ID
			// The top scorecard shows its accountability scores, so the
			// demo shows what they look like.
			in.ScoresOn, in.SetScores = true, true
			if err := l.a.UpdateScorecard(ctx, l.actor, s.ID, s.Version, in); err != nil {
				return fmt.Errorf("scores on %q: %w", sc.title, err)
			}
		}
		res.ScorecardIDs = append(res.ScorecardIDs, s.ID)
		res.Scorecards++
		for _, c := range sc.containers {
			id, err := l.container(ctx, app.Placement{ScorecardID: s.ID}, c, res)
			if err != nil {
				return err
			}
			containers[c.key] = id
		}
	}
	// Links come last, after every container exists, and so sit after the
	// container's own measures.
	for _, sc := range story {
		for _, c := range sc.containers {
			for _, key := range c.links {
				child, ok := containers[key]
				if !ok {
					return fmt.Errorf("container %q links unknown %q", c.title, key)
				}
				if err := l.a.Link(ctx, l.actor, app.Placement{ParentID: containers[c.key]}, child); err != nil {
					return fmt.Errorf("link %q under %q: %w", key, c.title, err)
				}
			}
		}
	}
	return nil
}

func (l *loader) container(ctx context.Context, at app.Placement, c containerSpec, res *Result) (int64, error) {
	o, err := l.a.CreateObject(ctx, l.actor, app.ObjectInput{Kind: model.KindContainer, TypeID: l.types[c.typ],
		Title: c.title, Description: c.description, Tags: c.tags}, at)
	if err != nil {
		return 0, fmt.Errorf("container %q: %w", c.title, err)
	}
	res.Containers++
	for _, m := range c.measures {
		if err := l.measure(ctx, o.ID, m, res); err != nil {
			return 0, fmt.Errorf("measure %q: %w", m.title, err)
		}
	}
	return o.ID, nil
}

func (l *loader) measure(ctx context.Context, parentID int64, m measureSpec, res *Result) error {
	freq, ok := l.freqs[m.frequency]
	if !ok {
		return fmt.Errorf("no built-in frequency %q", m.frequency)
	}
	o, err := l.a.CreateObject(ctx, l.actor, app.ObjectInput{Kind: model.KindMeasure, TypeID: l.types[m.typ],
		Title: m.title, Description: m.description, Tags: m.tags, Unit: m.unit, UnitBefore: m.unitBefore,
		Decimals: strconv.Itoa(m.decimals), Polarity: m.polarity, FrequencyID: freq.ID, PMCategory: m.category,
		DataSource: m.source}, app.Placement{ParentID: parentID})
	if err != nil {
		return err
	}
	res.Measures++
	l.nextID++
	pf := app.FrequencyOf(freq)
	entries := series(m, pf, l.now, rand.New(rand.NewPCG(seed, l.nextID)))
	n, err := l.a.SaveData(ctx, l.actor, o.ID, entries)
	if err != nil {
		return err
	}
	res.DataValues += n
	if m.baselineAgo > 0 {
		key := pf.Key(pf.Add(pf.At(l.now), -m.baselineAgo))
		if err := l.a.SetBaseline(ctx, l.actor, o.ID, o.Version, key); err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
	}
	return nil
}

// series computes a measure's data: m.periods periods ending with the one
// containing now.
func series(m measureSpec, pf period.Frequency, now time.Time, rng *rand.Rand) []app.DataEntry {
	last := pf.At(now)
	out := make([]app.DataEntry, 0, m.periods)
	for i := range m.periods {
		ago := m.periods - 1 - i
		p := pf.Add(last, -ago)
		progress := float64(i) / float64(max(m.periods-1, 1))
		actual := m.from + (m.to-m.from)*progress + m.noise*rng.NormFloat64() + m.bumps[ago] + m.seasonal[p.Start.Month()]
		if m.unit == "%" {
			actual = min(actual, 100)
		}
		actual = max(actual, 0)
		target := m.targets[max(len(m.targets)-1-(last.Year-p.Year), 0)]
		out = append(out, app.DataEntry{
			PeriodKey: pf.Key(p),
			Actual:    format(actual, m.decimals),
			Target:    format(target, m.decimals),
			Comment:   m.comments[ago],
		})
	}
	return out
}

// format writes v with exactly the measure's decimals, which SaveData
// accepts (it refuses more).
func format(v float64, decimals int) string {
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

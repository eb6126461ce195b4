package app

import (
	"context"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Dividers (issue 28, point 4): titled separators among a scorecard's
// top-level rows, for grouping results into sections. They are part of the
// scorecard's structure: objects.edit on an own scorecard, refused under a
// structure lock, logged like the scorecard's other changes.

// MaxDividers bounds a scorecard's dividers.
const MaxDividers = 100

// dividerObject is how the log names what a divider change is about.
const dividerObject = "scorecard"

// withDividers places a scorecard's dividers among its rows: before the
// first top-level row whose link comes after them, the rest at the end.
func withDividers(rows []Row, links []store.Link, dividers []model.Divider) []Row {
	if len(dividers) == 0 {
		return rows
	}
	var top []int // the top-level links' positions, in row order
	for _, l := range links {
		if l.ParentID == 0 {
			top = append(top, l.Position)
		}
	}
	out := make([]Row, 0, len(rows)+len(dividers))
	next, t := 0, 0
	for _, r := range rows {
		if r.Depth == 0 && t < len(top) {
			for next < len(dividers) && dividers[next].Position < top[t] {
				d := dividers[next]
				out = append(out, Row{Divider: &d})
				next++
			}
			t++
		}
		out = append(out, r)
	}
	for ; next < len(dividers); next++ {
		d := dividers[next]
		out = append(out, Row{Divider: &d})
	}
	return out
}

// structureTarget opens an own scorecard for a change of its structure:
// objects.edit, and refused under a structure lock.
func (a *App) structureTarget(ctx context.Context, actor *Actor, scorecardID int64) (model.Scorecard, error) {
	s, err := a.Scorecard(ctx, actor, scorecardID)
	if err != nil {
		return s, err
	}
	if err := actor.Require(access.ObjectsEdit); err != nil {
		return s, err
	}
	return s, checkScorecardLock(actor, s, access.StructureLocked)
}

func dividerTitle(title string) (string, error) {
	t, msg := cleanText(title, "The divider's title", 1, 200)
	if msg != "" {
		return "", fieldError("divider_title", msg)
	}
	return t, nil
}

// AddDivider puts a titled divider last among a scorecard's top-level rows.
func (a *App) AddDivider(ctx context.Context, actor *Actor, scorecardID int64, title string) (model.Divider, error) {
	s, err := a.structureTarget(ctx, actor, scorecardID)
	if err != nil {
		return model.Divider{}, err
	}
	if title, err = dividerTitle(title); err != nil {
		return model.Divider{}, err
	}
	var d model.Divider
	err = a.store.InTx(ctx, func(q *store.Q) error {
		n, err := q.CountDividers(ctx, s.InstanceID, s.ID)
		if err != nil {
			return err
		}
		if n >= MaxDividers {
			return fieldError("divider_title", actor.Words().Expand("A {scorecard:lower} holds at most 100 dividers."))
		}
		if d, err = q.AddDivider(ctx, model.Divider{InstanceID: s.InstanceID, ScorecardID: s.ID, Title: title}); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, dividerObject, s.ID, s.Title, changed("divider", "", title)...))
	})
	return d, err
}

// RenameDivider changes a divider's title.
func (a *App) RenameDivider(ctx context.Context, actor *Actor, scorecardID, id int64, title string) error {
	s, err := a.structureTarget(ctx, actor, scorecardID)
	if err != nil {
		return err
	}
	if title, err = dividerTitle(title); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		d, err := q.Divider(ctx, s.InstanceID, s.ID, id)
		if err != nil {
			return mapNotFound(err)
		}
		if err := q.RenameDivider(ctx, s.InstanceID, s.ID, id, title); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, dividerObject, s.ID, s.Title, changed("divider", d.Title, title)...))
	})
}

// DeleteDivider removes a divider; the rows stay where they are.
func (a *App) DeleteDivider(ctx context.Context, actor *Actor, scorecardID, id int64) error {
	s, err := a.structureTarget(ctx, actor, scorecardID)
	if err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		d, err := q.Divider(ctx, s.InstanceID, s.ID, id)
		if err != nil {
			return mapNotFound(err)
		}
		if err := q.DeleteDivider(ctx, s.InstanceID, s.ID, id); err != nil {
			return mapNotFound(err)
		}
		return record(ctx, q, entry(actor, ActUpdate, dividerObject, s.ID, s.Title, changed("divider", d.Title, "")...))
	})
}

// MoveDivider moves a divider up (delta -1) or down (+1) among the
// scorecard's top-level rows.
func (a *App) MoveDivider(ctx context.Context, actor *Actor, scorecardID, id int64, delta int) error {
	s, err := a.structureTarget(ctx, actor, scorecardID)
	if err != nil {
		return err
	}
	if err := checkMoveDelta(delta); err != nil {
		return err
	}
	return mapNotFound(a.store.InTx(ctx, func(q *store.Q) error {
		return moveSteps(delta, func(step int) error { return q.MoveDivider(ctx, s.InstanceID, s.ID, id, step) })
	}))
}

package app

import (
	"context"

	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// loadedTree is a scorecard's tree with what its rows were computed from.
type loadedTree struct {
	store.Tree
	rows  []Row
	freqs map[int64]model.Frequency
	bands map[string]model.BandSetting
}

// loadTree reads a scorecard's tree, the frequencies and bands of its
// instance, and computes its rows: a fixed number of queries.
func (a *App) loadTree(ctx context.Context, instanceID, scorecardID int64) (loadedTree, error) {
	q := a.store.Q()
	var t loadedTree
	var err error
	if t.Tree, err = q.ScorecardTree(ctx, instanceID, scorecardID); err != nil {
		return t, err
	}
	freqs, err := q.ListFrequencies(ctx, instanceID)
	if err != nil {
		return t, err
	}
	if t.bands, err = q.Bands(ctx, instanceID); err != nil {
		return t, err
	}
	t.freqs = map[int64]model.Frequency{}
	for _, f := range freqs {
		t.freqs[f.ID] = f
	}
	children := map[int64][]int64{}
	for _, l := range t.Links {
		children[l.ParentID] = append(children[l.ParentID], l.ChildID)
	}
	t.rows = treeRows(t.Tree, children, t.freqs, t.bands)
	return t, nil
}

// treeRows walks a scorecard's tree depth first into rows, computing the
// columns of every measure; a shared object's subtree is shown once.
func treeRows(tree store.Tree, children map[int64][]int64, byID map[int64]model.Frequency, bands map[string]model.BandSetting) []Row {
	var rows []Row
	shown := map[int64]bool{}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, cid := range children[parent] {
			o, ok := tree.Objects[cid]
			if !ok {
				continue
			}
			r := Row{Object: o, Depth: depth, ParentID: parent, Repeat: shown[cid]}
			if o.Kind == model.KindMeasure {
				pts := Points(byID, o, tree.Values[o.ID])
				r.Summary = calc.Summarize(pts, o.BaselineKey, calc.Polarity(o.Polarity), MeasureBands(o, bands))
				r.HasData = len(tree.Values[o.ID]) > 0
			}
			rows = append(rows, r)
			if !shown[cid] {
				shown[cid] = true
				walk(cid, depth+1)
			}
		}
	}
	walk(0, 0)
	return rows
}

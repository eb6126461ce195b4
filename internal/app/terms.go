package app

import (
	"context"

	"yardstick/internal/access"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Common Terms (issue 18, SPEC §13): the instance's own words for the
// product's vocabulary.

// TermRow is one term of the Common Terms page.
type TermRow struct {
	Key       terms.Key
	Default   terms.Term
	One, Many string // the instance's own forms, "" for the default
}

// TermsView is the Common Terms page.
type TermsView struct{ Rows []TermRow }

// CommonTerms opens the Common Terms page (language).
func (a *App) CommonTerms(ctx context.Context, actor *Actor) (TermsView, error) {
	if err := actor.Require(access.Language); err != nil {
		return TermsView{}, err
	}
	in, err := a.store.Q().InstanceByID(ctx, actor.Instance.ID)
	if err != nil {
		return TermsView{}, err
	}
	o := terms.Decode(in.Terms)
	var v TermsView
	for _, k := range terms.All() {
		d := terms.Default(k)
		v.Rows = append(v.Rows, TermRow{Key: k, Default: d, One: o[d.ID][0], Many: o[d.ID][1]})
	}
	return v, nil
}

// SaveTerms saves the instance's terms (language): in holds, by term id,
// the singular and plural typed; an empty form (or one equal to the
// default) keeps the default. Each changed form is logged before/after.
func (a *App) SaveTerms(ctx context.Context, actor *Actor, in terms.Overrides) error {
	if err := actor.Require(access.Language); err != nil {
		return err
	}
	fields := map[string]string{}
	next := terms.Overrides{}
	for _, k := range terms.All() {
		d := terms.Default(k)
		v := in[d.ID]
		var forms [2]string
		for i, label := range []string{d.One + " (singular)", d.One + " (plural)"} {
			text := terms.Clean(v[i])
			name := d.ID + []string{"_one", "_many"}[i]
			clean, msg := cleanText(text, label, 0, terms.MaxLen)
			if msg != "" {
				fields[name] = msg
				continue
			}
			if clean == []string{d.One, d.Many}[i] {
				clean = ""
			}
			forms[i] = clean
		}
		if forms != [2]string{} {
			next[d.ID] = forms
		}
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted terms.", fields)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		cur, err := q.InstanceByID(ctx, actor.Instance.ID)
		if err != nil {
			return err
		}
		old := terms.Decode(cur.Terms)
		stored := terms.Encode(next)
		if err := q.SetTerms(ctx, actor.Instance.ID, stored); err != nil {
			return err
		}
		var pairs []string
		for _, k := range terms.All() {
			d := terms.Default(k)
			o, n := old[d.ID], next[d.ID]
			pairs = append(pairs, d.One+" (singular)", or(o[0], d.One), or(n[0], d.One), d.One+" (plural)", or(o[1], d.Many), or(n[1], d.Many))
		}
		changes := changed(pairs...)
		if len(changes) == 0 {
			return nil
		}
		return record(ctx, q, entry(actor, ActUpdate, "settings", 0, "Common Terms", changes...))
	})
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// External ids (issue 16): an optional id of an integrator's choosing on a
// scorecard, container or measure, which the API accepts as `ext:ID`
// wherever it takes an id, and the API cross-reference lists.
//
// Rules, the same on the forms and the API: trimmed; empty is none; 1–100
// characters of one line (no control characters, so no NUL, and no bidi
// overrides: cleanText); compared as written (case-sensitive). Unique per
// instance within scorecards, and within containers and measures together
// (one table): a scorecard and a measure may carry the same one, since an
// API path says which of the two it names. A taken one is a field error on
// ext_id.

// ExtPrefix marks an external id where an id is expected (`ext:ID`).
const ExtPrefix = "ext:"

const maxExtID = 100

func cleanExtID(s string) (string, string) {
	return cleanText(s, "External id", 0, maxExtID)
}

// extTaken turns the store's ErrExtIDTaken into the field error of the
// forms and the API; kind is "scorecard" or "object".
func extTaken(err error, actor *Actor, kind string) error {
	if !errors.Is(err, store.ErrExtIDTaken) {
		return err
	}
	what := "{scorecard:lower}"
	if kind != "scorecard" {
		what = "{container:lower} or {measure:lower}"
	}
	return fieldError("ext_id", actor.Words().Expand("Another "+what+" has this external id; external ids are unique."))
}

// ExtKind names the table an `ext:ID` is looked up in.
type ExtKind int

const (
	ExtScorecard ExtKind = iota // scorecards
	ExtObject                   // containers and measures
)

// ResolveID reads an id as the API's paths carry it: a positive number, or
// `ext:` and an external id of the actor's instance (another instance's is
// NotFound, like a missing one). It says nothing of visibility: the use case
// the id is then given to reads the object through the actor's.
func (a *App) ResolveID(ctx context.Context, actor *Actor, kind ExtKind, s string) (int64, error) {
	if ext, ok := strings.CutPrefix(s, ExtPrefix); ok {
		ext, msg := cleanExtID(ext)
		if msg != "" || ext == "" {
			return 0, errNotFound()
		}
		var id int64
		var err error
		if kind == ExtScorecard {
			id, err = a.store.Q().ScorecardIDByExt(ctx, actor.Instance.ID, ext)
		} else {
			id, err = a.store.Q().ObjectIDByExt(ctx, actor.Instance.ID, ext)
		}
		return id, mapNotFound(err)
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound()
	}
	return id, nil
}

// XrefQuery pages the API cross-reference.
type XrefQuery struct {
	Text  string
	After string
	Limit int
}

// Xref is the API cross-reference (instance.admin): the ids an integration
// needs (frequencies, object types, polarities and statuses come with
// XrefIDs) and a page of every scorecard, container and measure of the
// instance with its external id. An administrator's list, it is not
// narrowed by the visibility of scorecards.
func (a *App) Xref(ctx context.Context, actor *Actor, q XrefQuery) (XrefPage, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return XrefPage{}, err
	}
	text, msg := cleanText(q.Text, "Search", 0, 200)
	if msg != "" {
		return XrefPage{}, fieldError("q", msg)
	}
	page, err := a.store.Q().Xref(ctx, actor.Instance.ID, store.XrefFilter{Text: text, After: q.After, Limit: q.Limit})
	if errors.Is(err, store.ErrBadCursor) {
		return XrefPage{}, fieldError("cursor", "This page link is out of date; start from the first page.")
	}
	if err != nil {
		return XrefPage{}, err
	}
	out := XrefPage{Rows: make([]XrefRow, len(page.Rows)), Next: page.Next}
	for i, r := range page.Rows {
		out.Rows[i] = XrefRow{Kind: r.Kind, ID: r.ID, Title: r.Title, ExtID: r.ExtID}
	}
	return out, nil
}

// XrefRow is a scorecard, container or measure of the cross-reference.
type XrefRow struct {
	Kind  string // scorecard, container or measure
	ID    int64
	Title string
	ExtID string // "": none
}

// XrefPage is a page of the cross-reference, by kind (scorecards,
// containers, measures), then title.
type XrefPage struct {
	Rows []XrefRow
	Next string // cursor of the next page; "" on the last
}

// XrefIDs are the fixed ids of the cross-reference: what an integration
// sends for a measure's frequency, type, polarity, and reads as a status.
type XrefIDs struct {
	Code           string
	Frequencies    []model.Frequency // built-in and custom
	Types          []model.ObjectType
	Polarities     []string
	Statuses       []string // a measure's status colour for a period ("" is none, written "none")
	ActionStatuses []string
}

// MeasureStatuses are the status values of a measure's period, as the API
// and the cross-reference write them.
var MeasureStatuses = []string{"green", "yellow", "red", "none"}

// XrefIDs is the fixed part of the cross-reference (instance.admin).
func (a *App) XrefIDs(ctx context.Context, actor *Actor) (XrefIDs, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return XrefIDs{}, err
	}
	out := XrefIDs{Code: actor.Instance.Code, Polarities: Polarities, Statuses: MeasureStatuses, ActionStatuses: model.ActionStatuses}
	var err error
	if out.Frequencies, err = a.store.Q().ListFrequencies(ctx, actor.Instance.ID); err != nil {
		return out, err
	}
	out.Types, err = a.store.Q().ListTypes(ctx, actor.Instance.ID, "", false)
	return out, err
}

// ExportXref writes every row of the cross-reference that matches text,
// a page at a time, to fn (the CSV download), after logging the export.
func (a *App) ExportXref(ctx context.Context, actor *Actor, text string, fn func(XrefRow) error) error {
	q := XrefQuery{Text: text, Limit: 200}
	page, err := a.Xref(ctx, actor, q) // refused before anything is logged or written
	if err != nil {
		return err
	}
	if err := a.store.InTx(ctx, func(tx *store.Q) error {
		return record(ctx, tx, entry(actor, ActExport, "api xref", 0, "API cross-reference (csv)"))
	}); err != nil {
		return err
	}
	for {
		for _, r := range page.Rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		q.After = page.Next
		if page, err = a.Xref(ctx, actor, q); err != nil {
			return err
		}
	}
}

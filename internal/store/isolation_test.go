package store_test

import (
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestDatabaseRefusesRowsJoiningTwoInstances writes raw rows, past the
// store and internal/access, that join a row of one instance to a row of
// another: the database's own keys must refuse each (issue 27), while the
// same row within one instance is accepted.
func TestDatabaseRefusesRowsJoiningTwoInstances(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		a := newContent(t, db)
		q := db.Store.Q()
		other := testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
		types, err := q.ListTypes(ctx, other.ID, "", true)
		must(t, err)
		var bMeasureT int64
		for _, ty := range types {
			if ty.Name == "Indicator" {
				bMeasureT = ty.ID
			}
		}
		bScorecard, err := q.CreateScorecard(ctx, model.Scorecard{InstanceID: other.ID, Title: "Beta card"})
		must(t, err)
		bMeasure, err := q.CreateObject(ctx, model.Object{InstanceID: other.ID, Kind: model.KindMeasure, TypeID: bMeasureT,
			Title: "Beta measure", Polarity: "higher", GraphType: "line"})
		must(t, err)
		_, aMember := testkit.MustCreateMember(t, db.Store, a.in, "ann@example.org", access.PresetDataEntry)
		_, bMember := testkit.MustCreateMember(t, db.Store, other, "bob@example.org", access.PresetDataEntry)
		third := testkit.MustCreateInstance(t, db.Store, "GAMMA", "Gamma")
		now := db.Clock.Now()
		channel := func(owner, partner int64) int64 {
			var id int64
			must(t, db.Store.DB().QueryRowContext(ctx, `INSERT INTO partner_channels (owner_instance, partner_instance, created_at)
				VALUES ($1, $2, $3) RETURNING id`, owner, partner, now).Scan(&id))
			return id
		}
		aToB, bToA, cToB := channel(a.in.ID, other.ID), channel(other.ID, a.in.ID), channel(third.ID, other.ID)

		type row struct {
			what  string
			query string
			args  []any
		}
		refused := []row{
			{"link of another instance's object under a container", `INSERT INTO object_links (instance_id, parent_id, child_id, position) VALUES ($1, $2, $3, 9)`,
				[]any{a.in.ID, a.r.ID, bMeasure.ID}},
			{"link claimed by the other instance", `INSERT INTO object_links (instance_id, parent_id, child_id, position) VALUES ($1, $2, $3, 9)`,
				[]any{other.ID, a.r.ID, bMeasure.ID}},
			{"link of another instance's object on a scorecard", `INSERT INTO scorecard_links (instance_id, scorecard_id, object_id, position) VALUES ($1, $2, $3, 9)`,
				[]any{a.in.ID, a.s1.ID, bMeasure.ID}},
			{"reach row across instances", `INSERT INTO scorecard_objects (instance_id, scorecard_id, object_id, kind) VALUES ($1, $2, $3, 'measure')`,
				[]any{a.in.ID, a.s1.ID, bMeasure.ID}},
			{"assignment of another instance's scorecard", `INSERT INTO membership_scorecards (instance_id, membership_id, scorecard_id) VALUES ($1, $2, $3)`,
				[]any{a.in.ID, aMember.ID, bScorecard.ID}},
			{"assignment to another instance's member", `INSERT INTO membership_scorecards (instance_id, membership_id, scorecard_id) VALUES ($1, $2, $3)`,
				[]any{a.in.ID, bMember.ID, a.s1.ID}},
			{"partner assignment to another instance's member", `INSERT INTO partner_assignments (instance_id, membership_id, owner_instance, scorecard_id) VALUES ($1, $2, $3, $4)`,
				[]any{a.in.ID, bMember.ID, other.ID, bScorecard.ID}},
			{"favourite of another instance's measure", `INSERT INTO favorites (instance_id, membership_id, measure_id, created_at) VALUES ($1, $2, $3, $4)`,
				[]any{a.in.ID, aMember.ID, bMeasure.ID, now}},
			{"favourite of another instance's member", `INSERT INTO favorites (instance_id, membership_id, measure_id, created_at) VALUES ($1, $2, $3, $4)`,
				[]any{a.in.ID, bMember.ID, a.m.ID, now}},
			{"partner favourite of another instance's member", `INSERT INTO partner_favorites (instance_id, membership_id, owner_instance, measure_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
				[]any{a.in.ID, bMember.ID, other.ID, bMeasure.ID, now}},
			{"share of another instance's scorecard", `INSERT INTO partner_shares (instance_id, channel_id, partner_instance, scorecard_id, contribute, created_at) VALUES ($1, $2, $3, $4, FALSE, $5)`,
				[]any{a.in.ID, aToB, other.ID, bScorecard.ID, now}},
			{"share on another owner's channel", `INSERT INTO partner_shares (instance_id, channel_id, partner_instance, scorecard_id, contribute, created_at) VALUES ($1, $2, $3, $4, FALSE, $5)`,
				[]any{a.in.ID, cToB, other.ID, a.s1.ID, now}},
			{"share on the reverse channel", `INSERT INTO partner_shares (instance_id, channel_id, partner_instance, scorecard_id, contribute, created_at) VALUES ($1, $2, $3, $4, FALSE, $5)`,
				[]any{a.in.ID, bToA, other.ID, a.s1.ID, now}},
			{"data value of another instance's measure", `INSERT INTO data_values (instance_id, measure_id, period_key, actual, updated_at) VALUES ($1, $2, '2026', 1, $3)`,
				[]any{a.in.ID, bMeasure.ID, now}},
			{"tag of another instance's object", `INSERT INTO object_tags (instance_id, object_id, tag_key, position) VALUES ($1, $2, 'x', 9)`,
				[]any{a.in.ID, bMeasure.ID}},
			{"object of another instance's type", `INSERT INTO objects (instance_id, kind, type_id, title, title_key, created_at, updated_at) VALUES ($1, 'measure', $2, 'x', 'x', $3, $3)`,
				[]any{a.in.ID, bMeasureT, now}},
			{"API key created by another instance's member", `INSERT INTO api_keys (instance_id, name, prefix, secret_hash, permissions, created_by, created_at) VALUES ($1, 'k', 'ys_', 'h1', '', $2, $3)`,
				[]any{a.in.ID, bMember.ID, now}},
			{"notification to another instance's member", `INSERT INTO notifications (instance_id, membership_id, kind, created_at) VALUES ($1, $2, 'action_assigned', $3)`,
				[]any{a.in.ID, bMember.ID, now}},
			{"scorecard under another instance's scorecard", `INSERT INTO scorecards (instance_id, title, title_key, parent_id, created_at, updated_at) VALUES ($1, 'x', 'x', $2, $3, $3)`,
				[]any{a.in.ID, bScorecard.ID, now}},
		}
		for _, r := range refused {
			_, err := db.Store.DB().ExecContext(ctx, r.query, r.args...)
			if err == nil {
				t.Errorf("%s: accepted", r.what)
			} else if !isConstraintError(err) {
				t.Errorf("%s: refused, but not by a constraint: %v", r.what, err)
			}
		}
		// The same rows within one instance are accepted, so the refusals
		// above are the keys' doing.
		accepted := []row{
			{"link", `INSERT INTO object_links (instance_id, parent_id, child_id, position) VALUES ($1, $2, $3, 9)`, []any{a.in.ID, a.r.ID, a.orphan.ID}},
			{"assignment", `INSERT INTO membership_scorecards (instance_id, membership_id, scorecard_id) VALUES ($1, $2, $3)`, []any{a.in.ID, aMember.ID, a.s1.ID}},
			{"partner assignment", `INSERT INTO partner_assignments (instance_id, membership_id, owner_instance, scorecard_id) VALUES ($1, $2, $3, $4)`,
				[]any{other.ID, bMember.ID, a.in.ID, a.s1.ID}},
			{"favourite", `INSERT INTO favorites (instance_id, membership_id, measure_id, created_at) VALUES ($1, $2, $3, $4)`, []any{a.in.ID, aMember.ID, a.m.ID, now}},
			{"share", `INSERT INTO partner_shares (instance_id, channel_id, partner_instance, scorecard_id, contribute, created_at) VALUES ($1, $2, $3, $4, FALSE, $5)`,
				[]any{a.in.ID, aToB, other.ID, a.s1.ID, now}},
			{"API key", `INSERT INTO api_keys (instance_id, name, prefix, secret_hash, permissions, created_by, created_at) VALUES ($1, 'k', 'ys_', 'h2', '', $2, $3)`,
				[]any{a.in.ID, aMember.ID, now}},
			{"notification", `INSERT INTO notifications (instance_id, membership_id, kind, created_at) VALUES ($1, $2, 'action_assigned', $3)`,
				[]any{a.in.ID, aMember.ID, now}},
			{"data value", `INSERT INTO data_values (instance_id, measure_id, period_key, actual, updated_at) VALUES ($1, $2, '2026', 1, $3)`, []any{a.in.ID, a.m.ID, now}},
		}
		for _, r := range accepted {
			if _, err := db.Store.DB().ExecContext(ctx, r.query, r.args...); err != nil {
				t.Errorf("%s within one instance: %v", r.what, err)
			}
		}
	})
}

// isConstraintError recognises a foreign key, check or not-null refusal
// in SQLite, PostgreSQL and Citus.
func isConstraintError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "constraint failed") || // SQLite: FOREIGN KEY / CHECK / NOT NULL constraint failed
		strings.Contains(msg, "SQLSTATE 23503") || strings.Contains(msg, "SQLSTATE 23514") || strings.Contains(msg, "SQLSTATE 23502") ||
		strings.Contains(msg, "violates foreign key constraint")
}

package store_test

import (
	"errors"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestAPIKeys: a key is found by its hash only in its own instance, keeps
// its permissions and creator, and is revoked once.
func TestAPIKeys(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		other := testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
		_, ada := testkit.MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
		_, bob := testkit.MustCreateMember(t, db.Store, other, "bob@example.org", access.PresetAdministration)
		q := db.Store.Q()
		exp := db.Clock.Now().Add(24 * time.Hour)
		k, err := q.CreateAPIKey(ctx, store.APIKey{InstanceID: in.ID, Name: "warehouse", Prefix: "ys_1_abc", SecretHash: "h-a",
			Permissions: []string{"data.enter", "objects.edit"}, CreatedBy: ada.ID, ExpiresAt: &exp})
		must(t, err)
		if _, err := q.CreateAPIKey(ctx, store.APIKey{InstanceID: other.ID, Name: "b", Prefix: "ys_2_x", SecretHash: "h-b", CreatedBy: bob.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := q.CreateAPIKey(ctx, store.APIKey{InstanceID: in.ID, Name: "dup", Prefix: "ys_1_d", SecretHash: "h-a", CreatedBy: ada.ID}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second key with the same hash: %v, want ErrConflict", err)
		}
		got, err := q.APIKeyByHash(ctx, in.ID, "h-a")
		must(t, err)
		if got.ID != k.ID || got.Name != "warehouse" || len(got.Permissions) != 2 || got.CreatorEmail != "ada@example.org" || !got.CreatorActive ||
			got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) || got.RevokedAt != nil || got.LastUsedAt != nil {
			t.Errorf("key by hash: %+v", got)
		}
		if _, err := q.APIKeyByHash(ctx, other.ID, "h-a"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("key by hash in another instance: %v, want ErrNotFound", err)
		}
		if _, err := q.APIKeyByID(ctx, other.ID, k.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("key by id in another instance: %v, want ErrNotFound", err)
		}
		must(t, q.TouchAPIKey(ctx, in.ID, k.ID))
		if err := q.RevokeAPIKey(ctx, other.ID, k.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke from another instance: %v, want ErrNotFound", err)
		}
		must(t, q.RevokeAPIKey(ctx, in.ID, k.ID, ada.ID))
		if err := q.RevokeAPIKey(ctx, in.ID, k.ID, ada.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second revoke: %v, want ErrNotFound", err)
		}
		list, err := q.APIKeys(ctx, in.ID)
		must(t, err)
		if len(list) != 1 || list[0].RevokedAt == nil || list[0].RevokedBy != ada.ID || list[0].LastUsedAt == nil {
			t.Errorf("list: %+v", list)
		}
		n, err := q.CountLiveAPIKeys(ctx, in.ID)
		must(t, err)
		if n != 0 {
			t.Errorf("live keys after revoke: %d", n)
		}
	})
}

package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// The import preview looks its rows' emails up in one query whose length
// follows the file. Such a statement must not be kept prepared: a run of
// previews of different sizes once filled the cache to its cap, after
// which the hot queries ran unprepared (issue "one home for the content
// rules", item 5). The cache must grow by a handful of fixed queries at
// most, whatever the sizes.
func TestImportPreviewKeepsStatementCacheBounded(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a := app.New(db.Store, app.Config{BaseURL: "http://yardstick.test"}, nil, nil)
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme Community")
		admin, _ := testkit.MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
		actor, err := a.ActorFor(ctx, app.Session{Account: admin}, in.Code, app.Client{Addr: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		upload := func(rows int) {
			t.Helper()
			var b strings.Builder
			b.WriteString("username,first_name,last_name,role_group,send_email\n")
			for i := range rows {
				fmt.Fprintf(&b, "p%d-%d@example.org,P,%d,User,false\n", rows, i, i)
			}
			plan, err := a.UploadImport(ctx, actor, "people.csv", strings.NewReader(b.String()))
			if err != nil {
				t.Fatalf("upload of %d rows: %v", rows, err)
			}
			if _, err := a.PreviewImport(ctx, actor, plan.ID); err != nil {
				t.Fatalf("preview of %d rows: %v", rows, err)
			}
		}
		upload(1)
		before := db.Store.PreparedStatements()
		const sizes = 60
		for rows := 2; rows <= sizes+1; rows++ {
			upload(rows)
		}
		if grew := db.Store.PreparedStatements() - before; grew > 5 {
			t.Errorf("%d previews of different sizes added %d prepared statements; want a handful at most", sizes, grew)
		}
	})
}

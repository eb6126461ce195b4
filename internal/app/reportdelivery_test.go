package app_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/app"
	ymail "yardstick/internal/mail"
	"yardstick/internal/testkit"
)

// attachmentOf returns the name and bytes of the first attachment of a
// raw message, walking its multipart tree.
func attachmentOf(t *testing.T, raw []byte) (string, []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ct string, body io.Reader) (string, []byte)
	walk = func(ct string, body io.Reader) (string, []byte) {
		mt, params, _ := mime.ParseMediaType(ct)
		if !strings.HasPrefix(mt, "multipart/") {
			return "", nil
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable; base64 below
			if err != nil {
				return "", nil
			}
			if name := p.FileName(); name != "" {
				var r io.Reader = p
				if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
					r = testkitBase64(p)
				}
				b, err := io.ReadAll(r)
				if err != nil {
					t.Fatal(err)
				}
				return name, b
			}
			if n, b := walk(p.Header.Get("Content-Type"), p); n != "" {
				return n, b
			}
		}
	}
	return walk(msg.Header.Get("Content-Type"), msg.Body)
}

// TestScheduledReportDelivery is issue 23's scheduled delivery: a saved
// report with a weekly or monthly schedule is mailed once per period, at
// 07:00 in its creator's zone, as XLSX, to its creator, with exactly the
// rows the creator sees then; a creator who lost View Reports or whose
// membership is inactive gets nothing; each delivery is logged. On
// SQLite, PostgreSQL and Citus.
func TestScheduledReportDelivery(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		r := newReportWorld(t, db)
		w := r.w
		admin := r.A.as("admin")
		r.A.setPerms(admin, "assigned", append(reportViewer, access.ReportsEdit)...)
		save := func(actor *app.Actor, name, kind, schedule string) {
			t.Helper()
			if _, err := w.app.CreateSavedReport(w.ctx, actor, app.SavedReportInput{Name: name, Kind: kind, Schedule: schedule}); err != nil {
				t.Fatal(err)
			}
		}
		save(admin, "All data", app.ReportMeasureData, app.DigestWeekly)
		save(r.A.as("assigned"), "My data", app.ReportMeasureData, app.DigestWeekly)
		save(r.A.as("assigned"), "My missing", app.ReportMissingData, app.DigestMonthly)
		save(admin, "Not scheduled", app.ReportMeasureData, "")
		// A schedule that is none of the choices is refused, tied to its field.
		_, err := w.app.CreateSavedReport(w.ctx, admin, app.SavedReportInput{Name: "Bad", Kind: app.ReportMeasureData, Schedule: "hourly"})
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || e.Fields["schedule"] == "" {
			t.Fatalf("schedule hourly: %v", err)
		}
		run := func(want int) app.DeliveryResult {
			t.Helper()
			res, err := w.app.RunReportDeliveries(w.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Sent != want {
				t.Fatalf("at %s: %d sent, want %d (%+v)", db.Clock.Now(), res.Sent, want, res)
			}
			return res
		}
		// Monday 2 March 2026 09:00 UTC (testkit.Epoch): the weekly ones
		// are due, once; the monthly one (1 March 07:00) is past the
		// catch-up window.
		run(2)
		run(0)
		db.Clock.Advance(time.Hour)
		run(0)

		// The mails, through a real SMTP server: each creator's XLSX
		// holds exactly the rows the creator sees on the report's pages.
		smtp := testkit.StartSMTP(t)
		sender, err := ymail.NewSMTPSender(smtp.URL(), "Yardstick <noreply@yardstick.test>")
		if err != nil {
			t.Fatal(err)
		}
		worker := &ymail.Worker{Store: db.Store, Sender: sender}
		// (The outbox also holds the fixture's partner mails.)
		sent, failed, err := worker.RunOnce(w.ctx)
		if sent < 2 || failed != 0 || err != nil {
			t.Fatalf("worker: %d sent, %d failed, %v", sent, failed, err)
		}
		var msgs []testkit.CapturedMail
		for _, m := range smtp.WaitFor(t, sent, 10*time.Second) {
			if strings.HasPrefix(m.Subject, "Report ") {
				msgs = append(msgs, m)
			}
		}
		if len(msgs) != 2 {
			t.Fatalf("%d report mails delivered, want 2", len(msgs))
		}
		for _, who := range []string{"admin", "assigned"} {
			email := r.A.members[who].Email
			i := slices.IndexFunc(msgs, func(m testkit.CapturedMail) bool { return slices.Contains(m.To, email) })
			if i < 0 {
				t.Fatalf("no mail to %s among %d", email, len(msgs))
			}
			name, file := attachmentOf(t, msgs[i].Raw)
			if !strings.HasSuffix(name, ".xlsx") || len(file) == 0 {
				t.Fatalf("%s: attachment %q of %d bytes", who, name, len(file))
			}
			f, err := excelize.OpenReader(bytes.NewReader(file))
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			rows, err := f.GetRows(f.GetSheetList()[0])
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, row := range rows[1:] {
				got = append(got, row[0]+" | "+row[4])
			}
			// What the creator sees on the report's pages.
			var want []string
			qy := app.ReportQuery{Kind: app.ReportMeasureData, Limit: 2}
			for {
				page, err := w.app.Report(w.ctx, r.A.as(who), qy)
				if err != nil {
					t.Fatal(err)
				}
				if rows[0][0] != page.Columns[0].Title || rows[0][4] != page.Columns[4].Title {
					t.Fatalf("%s: header %v", who, rows[0])
				}
				for _, row := range page.Rows {
					want = append(want, row.Cells[0].Text+" | "+row.Cells[4].Text)
				}
				if qy.After = page.Next; qy.After == "" {
					break
				}
			}
			wantN := map[string]int{"admin": 5, "assigned": 2}[who]
			if !slices.Equal(sortedCopy(got), sortedCopy(want)) || len(got) != wantN {
				t.Errorf("%s's XLSX rows %q, the pages show %q (want %d rows)", who, got, want, wantN)
			}
			if !strings.Contains(msgs[i].Body, "/reports/") {
				t.Errorf("%s: the mail links no report: %s", who, msgs[i].Body)
			}
		}
		// Delivered: the outbox no longer holds the file.
		var held int
		if err := db.Store.DB().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM outbox WHERE attachment IS NOT NULL`).Scan(&held); err != nil || held != 0 {
			t.Errorf("%d delivered attachments still in the outbox (%v)", held, err)
		}
		// Each delivery is logged in the instance's activity log.
		var logged int
		if err := db.Store.DB().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM activity_log WHERE instance_id = `+strconv.FormatInt(r.A.in.ID, 10)+
			` AND activity = 'export' AND object_type = 'report' AND object_name LIKE '%weekly delivery%'`).Scan(&logged); err != nil || logged != 2 {
			t.Errorf("%d deliveries logged, want 2 (%v)", logged, err)
		}

		// Wednesday 1 April 08:00: the monthly one only.
		db.Clock.Set(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
		run(1)
		run(0)
		// Monday 6 April: "assigned" lost View Reports: only the admin's.
		r.A.setPerms(admin, "assigned", access.CommentaryAdd, access.ReportsEdit)
		db.Clock.Set(time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC))
		if res := run(1); res.Refused != 1 {
			t.Errorf("refused %d, want 1", res.Refused)
		}
		// Monday 13 April: "assigned" has it again but is inactive.
		r.A.setPerms(admin, "assigned", append(reportViewer, access.ReportsEdit)...)
		if err := w.app.SetActive(w.ctx, r.A.as("admin"), r.A.ms["assigned"].ID, false); err != nil {
			t.Fatal(err)
		}
		db.Clock.Set(time.Date(2026, 4, 13, 8, 0, 0, 0, time.UTC))
		run(1)
		// The creator's time zone: the admin in Honolulu (UTC−10) gets
		// Monday 20 April's at 07:00 there, 17:00 UTC.
		if err := db.Store.Q().UpdateAccountProfile(w.ctx, r.A.members["admin"].ID, r.A.members["admin"].Name, "Pacific/Honolulu"); err != nil {
			t.Fatal(err)
		}
		db.Clock.Set(time.Date(2026, 4, 20, 16, 0, 0, 0, time.UTC))
		run(0)
		db.Clock.Set(time.Date(2026, 4, 20, 17, 0, 0, 0, time.UTC))
		run(1)
		var mails int
		if err := db.Store.DB().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM outbox WHERE kind = 'report_delivery'`).Scan(&mails); err != nil || mails != 6 {
			t.Errorf("%d report mails, want 6 (%v)", mails, err)
		}
	})
}

func testkitBase64(r io.Reader) io.Reader { return base64.NewDecoder(base64.StdEncoding, r) }

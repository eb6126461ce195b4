package app

import (
	"bytes"
	"context"
	"errors"
	"strconv"

	"yardstick/internal/access"
	"yardstick/internal/export"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Scheduled delivery of saved reports (issue 23): a saved report with a
// schedule is mailed weekly (Mondays) or monthly (the 1st), at DigestHour
// in its creator's time zone (the account's, else the instance's) — the
// digests' rules, and their catch-up window — as an XLSX attachment, to
// its creator only. The report is run as the creator at send time, with
// the creator's permissions then: a creator whose membership is inactive
// or gone, or who lost View Reports (or, for User access, Manage Users),
// gets nothing. Each (report, period) is claimed in the mail's own
// transaction (store.ClaimReportPeriod), so a period gets one mail however
// many runs and processes look. The mail goes to a member of the
// instance, never to an outside address, so the outside-mail quota
// (mailquota.go) does not apply, as it does not to digests; what bounds
// it is one mail per report and period.
//
// The file is attached rather than linked: the outbox carries one
// attachment (migration 0045), dropped once delivered as secrets are, so
// no download token has to outlive the mail. An XLSX over
// MaxDeliveryBytes is not attached; the mail says so and links the report.
const (
	MaxDeliveryBytes = 10 << 20
	deliveryPage     = 100 // scheduled reports read at a time
)

// DeliveryResult counts a delivery run's work.
type DeliveryResult struct {
	Scheduled int // scheduled reports read
	Sent      int // mails written to the outbox
	Refused   int // creators who may no longer run the report (nothing sent)
}

// RunReportDeliveries mails every scheduled report due now and not yet
// mailed for its period.
func (a *App) RunReportDeliveries(ctx context.Context) (DeliveryResult, error) {
	var res DeliveryResult
	var afterInstance, afterID int64
	for {
		list, err := a.store.Q().ScheduledReports(ctx, afterInstance, afterID, deliveryPage)
		if err != nil {
			return res, err
		}
		for _, r := range list {
			res.Scheduled++
			afterInstance, afterID = r.InstanceID, r.ID
			// Due and not yet mailed, in the creator's time zone as the
			// page read it: only then is the creator resolved (four reads),
			// and deliverReport checks again as the creator acts now.
			key, _, due := DigestPeriod(r.Schedule, firstZone(r.CreatorTZ, r.InstanceTZ), a.store.Now())
			if !due || r.SchedulePeriod == key {
				continue
			}
			got, err := a.deliverReport(ctx, r.SavedReport)
			if err != nil {
				return res, err
			}
			switch got {
			case deliverySent:
				res.Sent++
			case deliveryRefused:
				res.Refused++
			}
		}
		if len(list) < deliveryPage {
			return res, nil
		}
	}
}

// What deliverReport did.
const (
	deliveryNone    = iota // not due, or already mailed for the period
	deliverySent           // mailed
	deliveryRefused        // due, but the creator may no longer run it
)

// deliveryActor is the creator of a saved report acting now, or nil when
// the creator is no active member of the instance.
func (a *App) deliveryActor(ctx context.Context, r model.SavedReport) (*Actor, error) {
	q := a.store.Q()
	if r.CreatedBy == 0 {
		return nil, nil
	}
	m, err := q.MembershipByID(ctx, r.InstanceID, r.CreatedBy)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	acct, err := q.AccountByID(ctx, m.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	in, err := q.InstanceByID(ctx, r.InstanceID)
	if err != nil {
		return nil, err
	}
	actor, err := a.ActorFor(ctx, Session{Account: acct}, in.Code, Client{Addr: "scheduled delivery"})
	if e, ok := AsError(err); ok && e.Kind == NotFound {
		return nil, nil // inactive
	}
	return actor, err
}

// deliverReport mails one scheduled report if its period is due and not
// yet mailed; it says what it did.
func (a *App) deliverReport(ctx context.Context, r model.SavedReport) (int, error) {
	actor, err := a.deliveryActor(ctx, r)
	if err != nil {
		return deliveryNone, err
	}
	if actor == nil {
		return deliveryRefused, nil
	}
	key, label, due := DigestPeriod(r.Schedule, actor.Location(), a.store.Now())
	if !due || r.SchedulePeriod == key {
		return deliveryNone, nil
	}
	if !actor.Perms.Has(access.ReportsView) || (r.Kind == ReportUserAccess && !actor.Perms.Has(access.UsersManage)) {
		return deliveryRefused, nil
	}
	view := savedView(r)
	var buf cappedBuffer
	buf.max = MaxDeliveryBytes
	var out *export.XLSXWriter
	defer func() {
		if out != nil {
			out.Abort()
		}
	}()
	n, err := a.ReportEach(ctx, actor, ReportQuery{Kind: r.Kind, ReportSpec: view.Spec},
		func(cols []ReportColumn) error {
			var err error
			out, err = export.NewXLSX(&buf, r.Name, ReportExportColumns(cols))
			return err
		},
		func(row ReportRow) error {
			vals := make([]any, len(row.Cells))
			for i, cell := range row.Cells {
				vals[i] = cell.Value
			}
			return out.WriteRow(vals...)
		})
	tooLarge := errors.Is(err, export.ErrTooLarge) || errors.Is(err, export.ErrTooManyRows)
	if e, ok := AsError(err); ok && (e.Kind == Forbidden || e.Kind == NotFound || e.Kind == Invalid) {
		// The creator may no longer run it as saved (a scorecard filter
		// they no longer see is NotFound): nothing is sent.
		return deliveryRefused, nil
	}
	if err != nil && !tooLarge {
		return deliveryNone, err
	}
	var file []byte
	if !tooLarge {
		cerr := out.Close()
		out = nil
		switch {
		case errors.Is(cerr, errTooBig):
		case cerr != nil:
			return deliveryNone, cerr
		default:
			file = buf.Bytes()
		}
	}
	fileName := "yardstick-report-" + actor.Instance.Code + "-" + strconv.FormatInt(r.ID, 10) + "-" + key + ".xlsx"
	reportURL := a.cfg.BaseURL + "/i/" + actor.Instance.Code + "/reports/" + strconv.FormatInt(r.ID, 10)
	msg := mail.ReportDelivery(reportURL, actor.Instance.Name, actor.Instance.Code, actor.Account.Email, r.Name, r.Schedule, label, n, fileName, file)
	msg.InstanceID = &actor.Instance.ID
	sent := deliveryNone
	err = a.store.InTx(ctx, func(q *store.Q) error {
		ok, err := q.ClaimReportPeriod(ctx, r.InstanceID, r.ID, key)
		if err != nil || !ok {
			return err
		}
		if _, err := q.EnqueueMail(ctx, msg); err != nil {
			return err
		}
		sent = deliverySent
		attached := "attached"
		if file == nil {
			attached = "too large to attach"
		}
		return record(ctx, q, entry(actor, ActExport, "report", r.ID, r.Name+" (xlsx, "+r.Schedule+" delivery)",
			model.Change{Field: "kind", After: r.Kind}, model.Change{Field: "filters", After: filterText(view.Spec.Filters)},
			model.Change{Field: "rows", After: strconv.Itoa(n)}, model.Change{Field: "delivery", After: r.Schedule + " for " + key + " to " + actor.Account.Email + ", " + attached}))
	})
	return sent, err
}

var errTooBig = errors.New("report delivery: file over MaxDeliveryBytes")

// cappedBuffer is a buffer that refuses to grow past max bytes.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errTooBig
	}
	return b.Buffer.Write(p)
}

// ReportExportColumns are a report's columns as an export's.
func ReportExportColumns(cols []ReportColumn) []export.Column {
	out := make([]export.Column, len(cols))
	for i, c := range cols {
		out[i] = export.Column{Title: c.Title, Width: 18}
		switch {
		case c.Number:
			out[i].Kind = export.Number
			out[i].Width = 12
		case c.Date:
			out[i].Kind = export.Date
			out[i].Width = 12
		}
	}
	return out
}

// ScheduleTitle names a delivery schedule for people.
func ScheduleTitle(schedule string) string {
	switch schedule {
	case DigestWeekly:
		return "Weekly, Mondays"
	case DigestMonthly:
		return "Monthly, on the 1st"
	}
	return "No delivery"
}

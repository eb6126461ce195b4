package model

import "time"

// SavedReport is a saved report question (issue 23, SPEC §14): its kind,
// and as JSON its filters, columns and sort. It never holds rows: each
// viewer's rows are computed with the viewer's visibility.
type SavedReport struct {
	ID         int64
	InstanceID int64
	Name       string
	Kind       string
	Spec       string // JSON: app.ReportSpec
	CreatedBy  int64
	Schedule   string // "", "weekly" or "monthly": mailed as XLSX to its creator
	// SchedulePeriod is the last period a delivery was written for.
	SchedulePeriod string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int
}

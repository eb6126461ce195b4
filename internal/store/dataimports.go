package store

import (
	"context"
	"database/sql"
	"time"
)

// DataImport is an uploaded Import Data file (issue 21), kept between its
// preview and its run.
type DataImport struct {
	ID           int64
	InstanceID   int64
	MembershipID int64
	ScorecardID  int64 // 0: uploaded from Administration
	FileName     string
	Sheet        string
	FileHash     string
	Content      []byte
	Results      string
	Written      int
	CreatedAt    time.Time
	RanAt        *time.Time
}

// CreateDataImport keeps an uploaded file.
func (q *Q) CreateDataImport(ctx context.Context, im DataImport) (DataImport, error) {
	im.CreatedAt = q.Now()
	err := q.row(ctx, `INSERT INTO data_imports (instance_id, membership_id, scorecard_id, file_name, sheet, file_hash, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		im.InstanceID, im.MembershipID, im.ScorecardID, im.FileName, im.Sheet, im.FileHash, im.Content, im.CreatedAt).Scan(&im.ID)
	return im, err
}

// DataImportByID returns a member's upload: another member's is not found.
func (q *Q) DataImportByID(ctx context.Context, instanceID, membershipID, id int64) (DataImport, error) {
	var im DataImport
	var ran sql.NullTime
	err := q.row(ctx, `SELECT id, instance_id, membership_id, scorecard_id, file_name, sheet, file_hash, content, results, written, created_at, ran_at
		FROM data_imports WHERE instance_id = $1 AND membership_id = $2 AND id = $3`, instanceID, membershipID, id).
		Scan(&im.ID, &im.InstanceID, &im.MembershipID, &im.ScorecardID, &im.FileName, &im.Sheet, &im.FileHash, &im.Content,
			&im.Results, &im.Written, &im.CreatedAt, &ran)
	if ran.Valid {
		t := ran.Time.UTC()
		im.RanAt = &t
	}
	return im, notFound(err)
}

// FinishDataImport stores a run's results; an upload runs once.
func (q *Q) FinishDataImport(ctx context.Context, instanceID, id int64, results string, written int) error {
	res, err := q.exec(ctx, `UPDATE data_imports SET results = $1, written = $2, ran_at = $3 WHERE instance_id = $4 AND id = $5 AND ran_at IS NULL`,
		results, written, q.Now(), instanceID, id)
	if err := affectedOne(res, err); err == ErrNotFound {
		return ErrConflict
	} else {
		return err
	}
}

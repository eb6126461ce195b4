package store

import (
	"context"
	"database/sql"

	"yardstick/internal/model"
)

const instanceCols = `id, code, name, license_type, seats, welcome_mode, time_zone, created_at, data_period, logo_version, terms, multi_site, parent_id`

func scanInstance(sc interface{ Scan(...any) error }) (model.Instance, error) {
	var in model.Instance
	err := sc.Scan(&in.ID, &in.Code, &in.Name, &in.LicenseType, &in.Seats, &in.WelcomeMode, &in.TimeZone, &in.CreatedAt, &in.DataPeriod, &in.LogoVersion, &in.Terms, &in.MultiSite, &in.ParentID)
	return in, err
}

// CreateInstance inserts an instance. The code must already be normalized
// (upper case); a taken code is ErrConflict.
func (q *Q) CreateInstance(ctx context.Context, in model.Instance) (model.Instance, error) {
	in.CreatedAt = q.Now()
	if in.LicenseType == "" {
		in.LicenseType = "Standard"
	}
	if in.WelcomeMode == "" {
		in.WelcomeMode = "password"
	}
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if in.DataPeriod == "" {
		in.DataPeriod = "current"
	}
	err := q.row(ctx, `INSERT INTO instances (code, name, license_type, seats, welcome_mode, time_zone, created_at, parent_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		in.Code, in.Name, in.LicenseType, in.Seats, in.WelcomeMode, in.TimeZone, in.CreatedAt, in.ParentID).Scan(&in.ID)
	if isUniqueViolation(err) {
		return in, ErrConflict
	}
	return in, err
}

// InstanceByCode finds an instance by its normalized code.
func (q *Q) InstanceByCode(ctx context.Context, code string) (model.Instance, error) {
	in, err := scanInstance(q.row(ctx, `SELECT `+instanceCols+` FROM instances WHERE code = $1`, code))
	return in, notFound(err)
}

// InstanceByID finds an instance by id.
func (q *Q) InstanceByID(ctx context.Context, id int64) (model.Instance, error) {
	in, err := scanInstance(q.row(ctx, `SELECT `+instanceCols+` FROM instances WHERE id = $1`, id))
	return in, notFound(err)
}

// ListInstances returns every instance, by code. Operator use only.
func (q *Q) ListInstances(ctx context.Context) ([]model.Instance, error) {
	return collect(ctx, q, scanInstance, `SELECT `+instanceCols+` FROM instances ORDER BY code`)
}

// CountInstances reports how many instances exist (0 means setup is open).
func (q *Q) CountInstances(ctx context.Context) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM instances`).Scan(&n)
	return n, err
}

// SetLicense sets an instance's license type and seat count.
func (q *Q) SetLicense(ctx context.Context, instanceID int64, licenseType string, seats int) error {
	res, err := q.exec(ctx, `UPDATE instances SET license_type = $1, seats = $2 WHERE id = $3`, licenseType, seats, instanceID)
	return affectedOne(res, err)
}

// affectedOne turns "no row matched" into ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// LockInstancesForSetup serializes first-run setup: on PostgreSQL it locks
// the instances table for the transaction; SQLite's immediate
// transactions already hold the write lock.
func (q *Q) LockInstancesForSetup(ctx context.Context) error {
	if q.s.dialect != Postgres {
		return nil
	}
	_, err := q.exec(ctx, `LOCK TABLE instances IN EXCLUSIVE MODE`)
	return err
}

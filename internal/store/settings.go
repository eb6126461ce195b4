package store

import (
	"context"
	"time"
)

// InstanceSettings are the General Settings kept on the instance row.
type InstanceSettings struct {
	Name, TimeZone, DataPeriod, WelcomeMode string
}

// SetInstanceSettings saves the General Settings of an instance.
func (q *Q) SetInstanceSettings(ctx context.Context, instanceID int64, s InstanceSettings) error {
	res, err := q.exec(ctx, `UPDATE instances SET name = $1, time_zone = $2, data_period = $3, welcome_mode = $4 WHERE id = $5`,
		s.Name, s.TimeZone, s.DataPeriod, s.WelcomeMode, instanceID)
	return affectedOne(res, err)
}

// SetTerms saves an instance's Common Terms overrides (JSON, or "").
func (q *Q) SetTerms(ctx context.Context, instanceID int64, terms string) error {
	res, err := q.exec(ctx, `UPDATE instances SET terms = $1 WHERE id = $2`, terms, instanceID)
	return affectedOne(res, err)
}

// InstanceFile is a stored file of an instance's settings (the logo, the
// administrator message).
type InstanceFile struct {
	ContentType string
	Body        []byte
	UpdatedAt   time.Time
}

// Names of instance files.
const (
	FileLogo    = "logo"
	FileMessage = "message"
)

// InstanceFile reads one file; ErrNotFound when the instance has none.
func (q *Q) InstanceFile(ctx context.Context, instanceID int64, name string) (InstanceFile, error) {
	var f InstanceFile
	err := q.row(ctx, `SELECT content_type, body, updated_at FROM instance_files WHERE instance_id = $1 AND name = $2`, instanceID, name).
		Scan(&f.ContentType, &f.Body, &f.UpdatedAt)
	return f, notFound(err)
}

// PutInstanceFile stores (or replaces) a file.
func (q *Q) PutInstanceFile(ctx context.Context, instanceID int64, name, contentType string, body []byte) error {
	_, err := q.exec(ctx, `INSERT INTO instance_files (instance_id, name, content_type, body, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (instance_id, name) DO UPDATE SET content_type = excluded.content_type, body = excluded.body, updated_at = excluded.updated_at`,
		instanceID, name, contentType, body, q.Now())
	return err
}

// DeleteInstanceFile removes a file, if there is one.
func (q *Q) DeleteInstanceFile(ctx context.Context, instanceID int64, name string) error {
	_, err := q.exec(ctx, `DELETE FROM instance_files WHERE instance_id = $1 AND name = $2`, instanceID, name)
	return err
}

// SetLogoVersion moves the instance's logo version: to the next one after
// a new logo; negative when it is removed (no logo, and the next one gets a
// number no earlier logo had, which browsers may have cached).
func (q *Q) SetLogoVersion(ctx context.Context, instanceID int64, present bool) (int, error) {
	var v int
	var err error
	if present {
		err = q.row(ctx, `UPDATE instances SET logo_version = CASE WHEN logo_version < 0 THEN 1 - logo_version ELSE logo_version + 1 END WHERE id = $1 RETURNING logo_version`, instanceID).Scan(&v)
	} else {
		err = q.row(ctx, `UPDATE instances SET logo_version = CASE WHEN logo_version > 0 THEN -logo_version ELSE logo_version END WHERE id = $1 RETURNING logo_version`, instanceID).Scan(&v)
	}
	return v, notFound(err)
}

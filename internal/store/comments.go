package store

import (
	"context"
	"database/sql"
	"math"

	"yardstick/internal/model"
)

// AddComment stores a comment and returns it with its id.
func (q *Q) AddComment(ctx context.Context, c model.Comment) (model.Comment, error) {
	col, id := targetCol(c.Target)
	c.CreatedAt = q.Now()
	err := q.row(ctx, `INSERT INTO comments (instance_id, `+col+`, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		c.InstanceID, id, nullID(c.AuthorID), c.Body, c.CreatedAt).Scan(&c.ID)
	return c, err
}

const commentCols = `c.id, c.instance_id, c.scorecard_id, c.object_id, COALESCE(c.author_id, 0), COALESCE(a.name, ''), c.body`

func (q *Q) scanComment(sc interface{ Scan(...any) error }) (model.Comment, error) {
	var c model.Comment
	var s, o sql.NullInt64
	var at, edited textTime
	var wasEdited bool
	err := sc.Scan(&c.ID, &c.InstanceID, &s, &o, &c.AuthorID, &c.AuthorName, &c.Body, &at, &edited, &wasEdited)
	c.Target = model.Target{ScorecardID: s.Int64, ObjectID: o.Int64}
	c.CreatedAt = at.t
	if wasEdited {
		c.EditedAt = &edited.t
	}
	return c, err
}

func (q *Q) commentTimes() string {
	return q.timeText("c.created_at") + ", " + q.timeText("COALESCE(c.edited_at, c.created_at)") + ", c.edited_at IS NOT NULL"
}

// Comments lists up to limit comments on the target with ids below
// before (0: from the newest), newest first: a keyset page, one query.
func (q *Q) Comments(ctx context.Context, instanceID int64, tg model.Target, before int64, limit int) ([]model.Comment, error) {
	col, id := targetCol(tg)
	if before <= 0 {
		before = math.MaxInt64
	}
	return collect(ctx, q, q.scanComment, `SELECT `+commentCols+`, `+q.commentTimes()+`
		FROM comments c LEFT JOIN accounts a ON a.id = c.author_id
		WHERE c.instance_id = $1 AND c.`+col+` = $2 AND c.id < $3 ORDER BY c.id DESC LIMIT $4`, instanceID, id, before, limit)
}

// CommentByID returns a comment of the instance.
func (q *Q) CommentByID(ctx context.Context, instanceID, id int64) (model.Comment, error) {
	c, err := q.scanComment(q.row(ctx, `SELECT `+commentCols+`, `+q.commentTimes()+`
		FROM comments c LEFT JOIN accounts a ON a.id = c.author_id WHERE c.instance_id = $1 AND c.id = $2`, instanceID, id))
	return c, notFound(err)
}

// UpdateComment replaces a comment's text and marks it edited.
func (q *Q) UpdateComment(ctx context.Context, instanceID, id int64, body string) error {
	res, err := q.exec(ctx, `UPDATE comments SET body = $1, edited_at = $2 WHERE instance_id = $3 AND id = $4`, body, q.Now(), instanceID, id)
	return affectedOne(res, err)
}

// DeleteComment deletes a comment.
func (q *Q) DeleteComment(ctx context.Context, instanceID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM comments WHERE instance_id = $1 AND id = $2`, instanceID, id)
	return affectedOne(res, err)
}

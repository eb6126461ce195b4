package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"yardstick/internal/app"
	"yardstick/internal/model"
)

// The writes of scorecards, containers and measures (issue 16). Each calls
// the use case the pages call (same permission checks, validation
// messages and activity-log entries, under the key's name); what is this
// transport's own is HTTP's: ETag/If-Match over the objects' versions and
// Idempotency-Key over app.CreateScorecardOnce / CreateObjectOnce.

// etag is the ETag of an object at version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// preconditionError is a refusal of HTTP's conditional requests: 412
// (the object changed since the ETag sent) or 428 (no If-Match). It is
// answered as a problem document by API.fail.
type preconditionError struct {
	status int
	msg    string
}

func (e *preconditionError) Error() string { return e.msg }

var errNoIfMatch = &preconditionError{http.StatusPreconditionRequired,
	"Send If-Match with the ETag of the object as you last read it (GET it first)."}

func errStale(what string) error {
	return &preconditionError{http.StatusPreconditionFailed,
		"The " + what + " changed since the ETag in If-Match was read; nothing was written. GET it again and decide again."}
}

// matchVersion is the version a write may go ahead at, given If-Match and
// the version read: that version when If-Match names it (or is *), a 412
// otherwise. The use case then writes only at that version, so a change
// between the read and the write is a Conflict, also 412 (stale).
func matchVersion(ifMatch *string, current int64, what string) (int64, error) {
	for _, tag := range strings.Split(*ifMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || tag == etag(current) {
			return current, nil
		}
	}
	// A weak ETag (W/"7") never matches: If-Match compares strongly.
	return 0, errStale(what)
}

// stale turns the use case's Conflict (a version changed between the read
// and the write) into the 412 of a conditional request.
func stale(err error, what string) error {
	if app.KindOf(err) == app.Conflict {
		return errStale(what)
	}
	return err
}

// apiFields renames the pages' form fields in a validation error to the
// document's names, keeping the use case's messages.
func apiFields(err error) error {
	e, ok := app.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	names := map[string]string{"type": "type_id", "frequency": "frequency_id", "parent": "parent_id"}
	out := &app.Error{Kind: e.Kind, Msg: e.Msg, RetryAfter: e.RetryAfter, Fields: map[string]string{}}
	for f, msg := range e.Fields {
		if n, ok := names[f]; ok {
			f = n
		}
		out.Fields[f] = msg
	}
	return out
}

// tagList joins the document's tag array as the forms send tags; a comma
// inside a tag would split it, so it is refused.
func tagList(tags *[]string) (string, error) {
	if tags == nil {
		return "", nil
	}
	for _, t := range *tags {
		if strings.Contains(t, ",") {
			msg := "A tag cannot contain a comma."
			return "", &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"tags": msg}}
		}
	}
	return strings.Join(*tags, ", "), nil
}

// answerOf renders a create's 201 answer, which an Idempotency-Key keeps.
func answerOf(location string, version int64, body any) (app.Answer, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return app.Answer{}, err
	}
	return app.Answer{Status: http.StatusCreated, Location: location, ETag: etag(version), Body: append(b, '\n')}, nil
}

// requestHash identifies a create's request for its Idempotency-Key: the
// operation and the decoded body, so spacing and key order do not count.
func requestHash(op string, body any) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(append([]byte(op+"\n"), b...))
	return hex.EncodeToString(sum[:]), nil
}

// created answers a create, the first time or as a replay, exactly as
// kept: it is the response object of all three create operations.
type created app.Answer

func (c created) write(w http.ResponseWriter) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if c.Location != "" { // a comment has no address and no version of its own
		h.Set("Location", c.Location)
	}
	if c.ETag != "" {
		h.Set("ETag", c.ETag)
	}
	if c.Replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(c.Status)
	_, err := w.Write(c.Body)
	return err
}

func (c created) VisitCreateScorecardResponse(w http.ResponseWriter) error { return c.write(w) }
func (c created) VisitCreateContainerResponse(w http.ResponseWriter) error { return c.write(w) }
func (c created) VisitCreateMeasureResponse(w http.ResponseWriter) error   { return c.write(w) }

func (h *handlers) location(actor *app.Actor, what string, id int64) string {
	return BasePath + "/i/" + actor.Instance.Code + "/" + what + "/" + strconv.FormatInt(id, 10)
}

// create runs a create with or without an Idempotency-Key.
func create[T any](op string, key *string, body any, plain func() (T, error),
	once func(app.Once, func(T) (app.Answer, error)) (app.Answer, error), answer func(T) (app.Answer, error)) (created, error) {
	if key == nil {
		v, err := plain()
		if err != nil {
			return created{}, apiFields(err)
		}
		a, err := answer(v)
		return created(a), err
	}
	hash, err := requestHash(op, body)
	if err != nil {
		return created{}, err
	}
	a, err := once(app.Once{Key: *key, RequestHash: hash}, answer)
	return created(a), apiFields(err)
}

func (h *handlers) CreateScorecard(ctx context.Context, req CreateScorecardRequestObject) (CreateScorecardResponseObject, error) {
	actor := actorOf(ctx)
	b := req.Body
	in := app.ScorecardInput{Title: b.Title, Description: deref(b.Description), ParentID: deref(b.ParentId), ExtID: deref(b.ExtId)}
	answer := func(s model.Scorecard) (app.Answer, error) {
		return answerOf(h.location(actor, "scorecards", s.ID), s.Version, scorecardOut(s))
	}
	return create("createScorecard", req.Params.IdempotencyKey, b,
		func() (model.Scorecard, error) { return h.app.CreateScorecard(ctx, actor, in) },
		func(o app.Once, ans func(model.Scorecard) (app.Answer, error)) (app.Answer, error) {
			return h.app.CreateScorecardOnce(ctx, actor, in, o, ans)
		}, answer)
}

func (h *handlers) UpdateScorecard(ctx context.Context, req UpdateScorecardRequestObject) (UpdateScorecardResponseObject, error) {
	if req.Params.IfMatch == nil {
		return nil, errNoIfMatch
	}
	actor := actorOf(ctx)
	s, err := h.app.ViewScorecard(ctx, actor, req.Id)
	if err != nil {
		return nil, err
	}
	version, err := matchVersion(req.Params.IfMatch, s.Version, "scorecard")
	if err != nil {
		return nil, err
	}
	b := req.Body
	in := app.ScorecardInput{Title: s.Title, Description: s.Description, ExtID: s.ExtID}
	if s.ParentID != nil {
		in.ParentID = *s.ParentID
	}
	if b.Title != nil {
		in.Title = *b.Title
	}
	if b.Description != nil {
		in.Description = *b.Description
	}
	if b.ParentId != nil {
		in.ParentID = *b.ParentId
	}
	setIf(&in.ExtID, b.ExtId)
	if b.ScoresOn != nil || b.ScoresShared != nil {
		in.SetScores, in.ScoresOn, in.ScoresShared = true, s.ScoresOn, s.ScoresShared
		setIf(&in.ScoresOn, b.ScoresOn)
		setIf(&in.ScoresShared, b.ScoresShared)
	}
	if err := h.app.UpdateScorecard(ctx, actor, req.Id, version, in); err != nil {
		return nil, apiFields(stale(err, "scorecard"))
	}
	if s, err = h.app.ViewScorecard(ctx, actor, req.Id); err != nil {
		return nil, err
	}
	return UpdateScorecard200JSONResponse{Body: scorecardOut(s), Headers: UpdateScorecard200ResponseHeaders{ETag: etag(s.Version)}}, nil
}

// deleteVersion is the version a delete goes ahead at: 0 (any) without
// If-Match.
func deleteVersion(ifMatch *string, current int64, what string) (int64, error) {
	if ifMatch == nil {
		return 0, nil
	}
	return matchVersion(ifMatch, current, what)
}

func (h *handlers) DeleteScorecard(ctx context.Context, req DeleteScorecardRequestObject) (DeleteScorecardResponseObject, error) {
	actor := actorOf(ctx)
	s, err := h.app.ViewScorecard(ctx, actor, req.Id)
	if err != nil {
		return nil, err
	}
	version, err := deleteVersion(req.Params.IfMatch, s.Version, "scorecard")
	if err != nil {
		return nil, err
	}
	if err := h.app.DeleteScorecardAt(ctx, actor, req.Id, version); err != nil {
		return nil, stale(err, "scorecard")
	}
	return DeleteScorecard204Response{}, nil
}

// viewKind reads an object the key can see, as the kind its path names:
// a measure at a container's address is missing, and the other way round.
func (h *handlers) viewKind(ctx context.Context, id int64, kind string) (model.Object, error) {
	o, err := h.app.ViewObject(ctx, actorOf(ctx), id)
	if err != nil {
		return o, err
	}
	if o.Kind != kind {
		return o, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	return o, nil
}

// objectInput is what the forms would send for o unchanged.
func objectInput(o model.Object) app.ObjectInput {
	in := app.ObjectInput{Kind: o.Kind, TypeID: o.TypeID, Title: o.Title, Description: o.Description, Tags: strings.Join(o.Tags, ", "),
		Unit: o.Unit, UnitBefore: o.UnitBefore, Decimals: strconv.Itoa(o.Decimals), Polarity: o.Polarity, PMCategory: o.PMCategory,
		DataSource: o.DataSource, ExtID: o.ExtID}
	if o.FrequencyID != nil {
		in.FrequencyID = *o.FrequencyID
	}
	return in
}

// updateObject is the update of both kinds: read, check If-Match, apply
// what the body changes onto what is stored, save at that version.
func (h *handlers) updateObject(ctx context.Context, id int64, kind string, ifMatch *string, change func(*app.ObjectInput) error) (model.Object, error) {
	if ifMatch == nil {
		return model.Object{}, errNoIfMatch
	}
	actor := actorOf(ctx)
	o, err := h.viewKind(ctx, id, kind)
	if err != nil {
		return o, err
	}
	version, err := matchVersion(ifMatch, o.Version, kind)
	if err != nil {
		return o, err
	}
	in := objectInput(o)
	if err := change(&in); err != nil {
		return o, err
	}
	if err := h.app.UpdateObject(ctx, actor, id, version, in); err != nil {
		return o, apiFields(stale(err, kind))
	}
	return h.app.ViewObject(ctx, actor, id)
}

func (h *handlers) deleteObject(ctx context.Context, id int64, kind string, ifMatch *string) error {
	o, err := h.viewKind(ctx, id, kind)
	if err != nil {
		return err
	}
	version, err := deleteVersion(ifMatch, o.Version, kind)
	if err != nil {
		return err
	}
	return stale(h.app.DeleteObjectAt(ctx, actorOf(ctx), id, version), kind)
}

func (h *handlers) CreateContainer(ctx context.Context, req CreateContainerRequestObject) (CreateContainerResponseObject, error) {
	actor := actorOf(ctx)
	b := req.Body
	tags, err := tagList(b.Tags)
	if err != nil {
		return nil, err
	}
	in := app.ObjectInput{Kind: model.KindContainer, TypeID: b.TypeId, Title: b.Title, Description: deref(b.Description), Tags: tags,
		ExtID: deref(b.ExtId)}
	at := app.Placement{ScorecardID: deref(b.ScorecardId), ParentID: deref(b.ParentId)}
	if at.ScorecardID != 0 && at.ParentID != 0 {
		msg := "Send scorecard_id or parent_id, not both: link it to more places afterwards."
		return nil, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"parent_id": msg}}
	}
	answer := func(o model.Object) (app.Answer, error) {
		return answerOf(h.location(actor, "containers", o.ID), o.Version, containerOut(o))
	}
	return create("createContainer", req.Params.IdempotencyKey, b,
		func() (model.Object, error) { return h.app.CreateObject(ctx, actor, in, at) },
		func(o app.Once, ans func(model.Object) (app.Answer, error)) (app.Answer, error) {
			return h.app.CreateObjectOnce(ctx, actor, in, at, o, ans)
		}, answer)
}

func (h *handlers) UpdateContainer(ctx context.Context, req UpdateContainerRequestObject) (UpdateContainerResponseObject, error) {
	b := req.Body
	o, err := h.updateObject(ctx, req.Id, model.KindContainer, req.Params.IfMatch, func(in *app.ObjectInput) error {
		setIf(&in.Title, b.Title)
		setIf(&in.Description, b.Description)
		setIf(&in.TypeID, b.TypeId)
		setIf(&in.ExtID, b.ExtId)
		if b.Tags != nil {
			tags, err := tagList(b.Tags)
			in.Tags = tags
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return UpdateContainer200JSONResponse{Body: containerOut(o), Headers: UpdateContainer200ResponseHeaders{ETag: etag(o.Version)}}, nil
}

func (h *handlers) DeleteContainer(ctx context.Context, req DeleteContainerRequestObject) (DeleteContainerResponseObject, error) {
	if err := h.deleteObject(ctx, req.Id, model.KindContainer, req.Params.IfMatch); err != nil {
		return nil, err
	}
	return DeleteContainer204Response{}, nil
}

func (h *handlers) CreateMeasure(ctx context.Context, req CreateMeasureRequestObject) (CreateMeasureResponseObject, error) {
	actor := actorOf(ctx)
	b := req.Body
	tags, err := tagList(b.Tags)
	if err != nil {
		return nil, err
	}
	polarity := "higher"
	setIf(&polarity, b.Polarity)
	in := app.ObjectInput{Kind: model.KindMeasure, TypeID: b.TypeId, Title: b.Title, Description: deref(b.Description), Tags: tags,
		Unit: deref(b.Unit), UnitBefore: deref(b.UnitBefore), Decimals: strconv.Itoa(deref(b.Decimals)), Polarity: polarity,
		FrequencyID: b.FrequencyId, PMCategory: deref(b.PmCategory), DataSource: deref(b.DataSource), ExtID: deref(b.ExtId)}
	at := app.Placement{ParentID: deref(b.ParentId)}
	answer := func(o model.Object) (app.Answer, error) {
		return answerOf(h.location(actor, "measures", o.ID), o.Version, measureOut(o))
	}
	return create("createMeasure", req.Params.IdempotencyKey, b,
		func() (model.Object, error) { return h.app.CreateObject(ctx, actor, in, at) },
		func(o app.Once, ans func(model.Object) (app.Answer, error)) (app.Answer, error) {
			return h.app.CreateObjectOnce(ctx, actor, in, at, o, ans)
		}, answer)
}

func (h *handlers) UpdateMeasure(ctx context.Context, req UpdateMeasureRequestObject) (UpdateMeasureResponseObject, error) {
	b := req.Body
	o, err := h.updateObject(ctx, req.Id, model.KindMeasure, req.Params.IfMatch, func(in *app.ObjectInput) error {
		setIf(&in.Title, b.Title)
		setIf(&in.Description, b.Description)
		setIf(&in.TypeID, b.TypeId)
		setIf(&in.Unit, b.Unit)
		setIf(&in.UnitBefore, b.UnitBefore)
		if b.Decimals != nil {
			in.Decimals = strconv.Itoa(*b.Decimals)
		}
		setIf(&in.Polarity, b.Polarity)
		setIf(&in.PMCategory, b.PmCategory)
		setIf(&in.FrequencyID, b.FrequencyId)
		setIf(&in.DataSource, b.DataSource)
		setIf(&in.ExtID, b.ExtId)
		if b.Tags != nil {
			tags, err := tagList(b.Tags)
			in.Tags = tags
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return UpdateMeasure200JSONResponse{Body: measureOut(o), Headers: UpdateMeasure200ResponseHeaders{ETag: etag(o.Version)}}, nil
}

func (h *handlers) DeleteMeasure(ctx context.Context, req DeleteMeasureRequestObject) (DeleteMeasureResponseObject, error) {
	if err := h.deleteObject(ctx, req.Id, model.KindMeasure, req.Params.IfMatch); err != nil {
		return nil, err
	}
	return DeleteMeasure204Response{}, nil
}

// setIf sets *dst to *v when the body sent v.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (h *handlers) LinkToScorecard(ctx context.Context, req LinkToScorecardRequestObject) (LinkToScorecardResponseObject, error) {
	if err := h.app.Link(ctx, actorOf(ctx), app.Placement{ScorecardID: req.Id}, req.ObjectId); err != nil {
		return nil, err
	}
	return LinkToScorecard204Response{}, nil
}

func (h *handlers) UnlinkFromScorecard(ctx context.Context, req UnlinkFromScorecardRequestObject) (UnlinkFromScorecardResponseObject, error) {
	if err := h.app.Unlink(ctx, actorOf(ctx), app.Placement{ScorecardID: req.Id}, req.ObjectId); err != nil {
		return nil, err
	}
	return UnlinkFromScorecard204Response{}, nil
}

func (h *handlers) LinkToContainer(ctx context.Context, req LinkToContainerRequestObject) (LinkToContainerResponseObject, error) {
	if err := h.app.Link(ctx, actorOf(ctx), app.Placement{ParentID: req.Id}, req.ObjectId); err != nil {
		return nil, err
	}
	return LinkToContainer204Response{}, nil
}

func (h *handlers) UnlinkFromContainer(ctx context.Context, req UnlinkFromContainerRequestObject) (UnlinkFromContainerResponseObject, error) {
	if err := h.app.Unlink(ctx, actorOf(ctx), app.Placement{ParentID: req.Id}, req.ObjectId); err != nil {
		return nil, err
	}
	return UnlinkFromContainer204Response{}, nil
}

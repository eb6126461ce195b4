package api

import (
	"context"

	"yardstick/internal/app"
	"yardstick/internal/model"
)

// handlers implements the operations (StrictServerInterface) over the same
// internal/app use cases as the pages: visibility, permission checks,
// validation messages and the activity log are theirs. The instance in the
// path is the key's (the transport answered 404 otherwise).
type handlers struct {
	app *app.App
}

var _ StrictServerInterface = (*handlers)(nil)

func (h *handlers) GetInstance(ctx context.Context, _ GetInstanceRequestObject) (GetInstanceResponseObject, error) {
	a := actorOf(ctx)
	return GetInstance200JSONResponse{Code: a.Instance.Code, Name: a.Instance.Name}, nil
}

func (h *handlers) ListScorecards(ctx context.Context, _ ListScorecardsRequestObject) (ListScorecardsResponseObject, error) {
	list, err := h.app.ListScorecards(ctx, actorOf(ctx))
	if err != nil {
		return nil, err
	}
	out := ListScorecards200JSONResponse{Items: make([]Scorecard, 0, len(list))}
	for _, s := range list {
		out.Items = append(out.Items, scorecardOut(s))
	}
	return out, nil
}

func (h *handlers) GetScorecard(ctx context.Context, req GetScorecardRequestObject) (GetScorecardResponseObject, error) {
	s, err := h.app.ViewScorecard(ctx, actorOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetScorecard200JSONResponse(scorecardOut(s)), nil
}

func scorecardOut(s model.Scorecard) Scorecard {
	return Scorecard{Id: s.ID, Title: s.Title, Description: s.Description, ParentId: s.ParentID, Version: s.Version,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

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
	// Read through the API like a view of its page, in the User Activity log.
	h.app.RecordView(ctx, actorOf(ctx), app.ActViewScorecard, "scorecard", s.ID, s.Title)
	return GetScorecard200JSONResponse{Body: scorecardOut(s), Headers: GetScorecard200ResponseHeaders{ETag: etag(s.Version)}}, nil
}

func scorecardOut(s model.Scorecard) Scorecard {
	return Scorecard{Id: s.ID, Title: s.Title, Description: s.Description, ParentId: s.ParentID, ExtId: extOut(s.ExtID), Version: s.Version,
		ScoresOn: s.ScoresOn, ScoresShared: s.ScoresShared, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

func (h *handlers) ListMeasures(ctx context.Context, req ListMeasuresRequestObject) (ListMeasuresResponseObject, error) {
	p := req.Params
	q := app.ObjectQuery{Kind: model.KindMeasure, Limit: deref(p.Limit), After: deref(p.Cursor), TypeID: deref(p.TypeId),
		Tag: deref(p.Tag), Text: deref(p.Q), ParentID: deref(p.ParentId), ScorecardID: deref(p.ScorecardId)}
	page, err := h.app.ListObjects(ctx, actorOf(ctx), q)
	if err != nil {
		return nil, err
	}
	out := ListMeasures200JSONResponse{Items: make([]Measure, 0, len(page.Objects))}
	for _, o := range page.Objects {
		out.Items = append(out.Items, measureOut(o))
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	return out, nil
}

func (h *handlers) GetMeasure(ctx context.Context, req GetMeasureRequestObject) (GetMeasureResponseObject, error) {
	o, err := h.app.ViewObject(ctx, actorOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	if o.Kind != model.KindMeasure {
		return nil, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	h.app.RecordView(ctx, actorOf(ctx), app.ActViewMeasure, "measure", o.ID, o.Title)
	return GetMeasure200JSONResponse{Body: measureOut(o), Headers: GetMeasure200ResponseHeaders{ETag: etag(o.Version)}}, nil
}

func measureOut(o model.Object) Measure {
	tags := o.Tags
	if tags == nil {
		tags = []string{}
	}
	return Measure{Id: o.ID, Title: o.Title, Description: o.Description, TypeId: o.TypeID, TypeName: o.TypeName, Tags: tags,
		Unit: o.Unit, UnitBefore: o.UnitBefore, Decimals: o.Decimals, Polarity: o.Polarity, FrequencyId: o.FrequencyID,
		DataSource: o.DataSource, PmCategory: o.PMCategory, ExtId: extOut(o.ExtID), Version: o.Version, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
}

// deref is a query parameter's value, or the zero value when it was not sent.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (h *handlers) ListMeasureValues(ctx context.Context, req ListMeasureValuesRequestObject) (ListMeasureValuesResponseObject, error) {
	values, err := h.app.MeasureValues(ctx, actorOf(ctx), req.Id, deref(req.Params.From), deref(req.Params.To))
	if err != nil {
		return nil, err
	}
	out := ListMeasureValues200JSONResponse{Items: make([]Value, len(values))}
	for i, v := range values {
		out.Items[i] = Value{Period: v.PeriodKey, Label: v.Label, Actual: v.Actual, Target: v.Target, Forecast: v.Forecast, Comment: v.Comment,
			Version: v.Version, UpdatedAt: v.UpdatedAt}
	}
	return out, nil
}

func (h *handlers) UpsertValues(ctx context.Context, req UpsertValuesRequestObject) (UpsertValuesResponseObject, error) {
	if req.Body == nil {
		return nil, &app.Error{Kind: app.Invalid, Msg: "Send the values as JSON.", Fields: map[string]string{"values": "Send the values as JSON."}}
	}
	rows := make([]app.ValueRow, len(req.Body.Values))
	for i, v := range req.Body.Values {
		rows[i] = app.ValueRow{MeasureID: v.MeasureId, PeriodKey: v.Period, Actual: v.Actual, Target: v.Target, Forecast: v.Forecast, Comment: deref(v.Comment), Version: v.Version}
	}
	saved, err := h.app.UpsertValues(ctx, actorOf(ctx), rows)
	if err != nil {
		return nil, err
	}
	return UpsertValues200JSONResponse{Saved: saved}, nil
}

func (h *handlers) ListFrequencies(ctx context.Context, _ ListFrequenciesRequestObject) (ListFrequenciesResponseObject, error) {
	list, err := h.app.Frequencies(ctx, actorOf(ctx))
	if err != nil {
		return nil, err
	}
	out := ListFrequencies200JSONResponse{Items: make([]Frequency, len(list))}
	for i, f := range list {
		out.Items[i] = Frequency{Id: f.ID, Title: f.Title, Kind: f.Kind, PeriodsPerYear: f.PeriodsPerYear, StartMonth: f.StartMonth,
			StartDay: f.StartDay, LabelPrefix: f.LabelPrefix, Builtin: f.Builtin}
	}
	return out, nil
}

func (h *handlers) ListObjectTypes(ctx context.Context, _ ListObjectTypesRequestObject) (ListObjectTypesResponseObject, error) {
	list, err := h.app.Types(ctx, actorOf(ctx), "")
	if err != nil {
		return nil, err
	}
	out := ListObjectTypes200JSONResponse{Items: make([]ObjectType, len(list))}
	for i, t := range list {
		out.Items[i] = ObjectType{Id: t.ID, Kind: ObjectTypeKind(t.Kind), Name: t.Name, Plural: t.Plural, Color: t.Color, Badge: t.Badge,
			Builtin: t.Builtin}
	}
	return out, nil
}

func (h *handlers) ListUsers(ctx context.Context, req ListUsersRequestObject) (ListUsersResponseObject, error) {
	p := req.Params
	list, err := h.app.ListUsers(ctx, actorOf(ctx), app.MemberQuery{Sort: "email", Search: deref(p.Q), HideInactive: deref(p.Active),
		After: deref(p.Cursor), Limit: deref(p.Limit)})
	if err != nil {
		return nil, err
	}
	out := ListUsers200JSONResponse{Items: make([]User, len(list.Page.Members))}
	for i, m := range list.Page.Members {
		out.Items[i] = User{Id: m.ID, Email: m.Email, Name: m.Name, Active: m.Active, Invited: m.Invited, Role: m.Role}
	}
	if list.Page.Next != "" {
		out.NextCursor = &list.Page.Next
	}
	return out, nil
}

func (h *handlers) ListContainers(ctx context.Context, req ListContainersRequestObject) (ListContainersResponseObject, error) {
	p := req.Params
	q := app.ObjectQuery{Kind: model.KindContainer, Limit: deref(p.Limit), After: deref(p.Cursor), TypeID: deref(p.TypeId),
		Tag: deref(p.Tag), Text: deref(p.Q), ParentID: deref(p.ParentId), ScorecardID: deref(p.ScorecardId)}
	page, err := h.app.ListObjects(ctx, actorOf(ctx), q)
	if err != nil {
		return nil, err
	}
	out := ListContainers200JSONResponse{Items: make([]Container, 0, len(page.Objects))}
	for _, o := range page.Objects {
		out.Items = append(out.Items, containerOut(o))
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	return out, nil
}

func (h *handlers) GetContainer(ctx context.Context, req GetContainerRequestObject) (GetContainerResponseObject, error) {
	o, err := h.app.ViewObject(ctx, actorOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	if o.Kind != model.KindContainer {
		return nil, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	return GetContainer200JSONResponse{Body: containerOut(o), Headers: GetContainer200ResponseHeaders{ETag: etag(o.Version)}}, nil
}

func containerOut(o model.Object) Container {
	tags := o.Tags
	if tags == nil {
		tags = []string{}
	}
	return Container{Id: o.ID, Title: o.Title, Description: o.Description, TypeId: o.TypeID, TypeName: o.TypeName, Tags: tags,
		ExtId: extOut(o.ExtID), Version: o.Version, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
}

// extOut is an external id as the document writes it: null for none.
func extOut(ext string) *string {
	if ext == "" {
		return nil
	}
	return &ext
}

func (h *handlers) GetXref(ctx context.Context, req GetXrefRequestObject) (GetXrefResponseObject, error) {
	actor := actorOf(ctx)
	ids, err := h.app.XrefIDs(ctx, actor)
	if err != nil {
		return nil, err
	}
	p := req.Params
	page, err := h.app.Xref(ctx, actor, app.XrefQuery{Text: deref(p.Q), After: deref(p.Cursor), Limit: deref(p.Limit)})
	if err != nil {
		return nil, err
	}
	out := GetXref200JSONResponse{Code: ids.Code, Polarities: ids.Polarities, Statuses: ids.Statuses, ActionStatuses: ids.ActionStatuses,
		Frequencies: make([]XrefFrequency, len(ids.Frequencies)), ObjectTypes: make([]XrefObjectType, len(ids.Types)),
		Items: make([]XrefItem, len(page.Rows))}
	for i, f := range ids.Frequencies {
		out.Frequencies[i] = XrefFrequency{Id: f.ID, Title: f.Title, Builtin: f.Builtin}
	}
	for i, t := range ids.Types {
		out.ObjectTypes[i] = XrefObjectType{Id: t.ID, Kind: XrefObjectTypeKind(t.Kind), Name: t.Name}
	}
	for i, r := range page.Rows {
		out.Items[i] = XrefItem{Kind: XrefItemKind(r.Kind), Id: r.ID, Title: r.Title, ExtId: extOut(r.ExtID)}
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	return out, nil
}

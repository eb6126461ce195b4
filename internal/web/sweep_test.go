package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// sweepFields names, for every route, the values its handler reads: form
// fields of a POST, query parameters of a GET (both where a handler reads
// FormValue), and the path's wildcards ("{id}", "{token}"; "{code}" is
// swept on the dashboard only). A route missing here fails the sweep, and
// so does a field name the handlers read that no route lists
// (TestSweepListsEveryField), so no value can be left out.
var sweepFields = map[string][]string{
	"GET /healthz":         nil,
	"GET /readyz":          nil,
	"GET /metrics":         nil,
	"GET /static/":         nil,
	"GET /{$}":             nil,
	"GET /setup":           nil,
	"POST /setup":          {"code", "name", "email", "admin_name", "password"},
	"GET /login":           {"next"},
	"POST /login":          {"email", "password", "next"},
	"POST /logout":         nil,
	"GET /api/v1/docs":     nil,
	"GET /forgot":          nil,
	"POST /forgot":         {"email"},
	"GET /reset/{token}":   {"{token}"},
	"POST /reset/{token}":  {"{token}", "password", "confirm"},
	"GET /signin/{token}":  {"{token}"},
	"POST /signin/{token}": {"{token}"},
	"GET /signup/{token}":  {"{token}"},
	"POST /signup/{token}": {"{token}", "code", "name", "email", "admin_name", "password"},

	"GET /account/password":  nil,
	"POST /account/password": {"current", "password", "confirm"},
	"GET /instances":         {"q"},
	"GET /account":           {"done"},
	"POST /account":          {"name", "time_zone"},
	"POST /account/email":    {"new_email", "email_password"},
	"GET /email/{token}":     {"{token}"},
	"POST /email/{token}":    {"{token}"},
	// The one-click body's field is not read (unsubscribe.go), but swept.
	"GET /unsubscribe/{token}":  {"{token}"},
	"POST /unsubscribe/{token}": {"{token}", "List-Unsubscribe"},

	"GET /invitations":               {"done"},
	"POST /invitations/{id}/accept":  {"{id}"},
	"POST /invitations/{id}/decline": {"{id}"},

	"GET /i/{code}/{$}":                 {"{code}"},
	"GET /i/{code}/preferences":         {"done"},
	"POST /i/{code}/preferences":        {"digest_weekly", "digest_monthly", "action_emails", "fav_remove"},
	"GET /i/{code}/notifications":       {"done"},
	"POST /i/{code}/notifications/read": {"up_to"},

	"GET /i/{code}/scorecards":                                 {"site", "done"},
	"GET /i/{code}/scorecards/new":                             {"parent"},
	"POST /i/{code}/scorecards":                                {"title", "description", "parent", "members_present", "offered", "member", "ext_id"},
	"GET /i/{code}/scorecards/{id}":                            {"{id}", "done", "comments_before", "levels"},
	"GET /i/{code}/scorecards/{id}/edit":                       {"{id}"},
	"GET /i/{code}/scorecards/{id}/history":                    {"{id}", "after"},
	"GET /i/{code}/scorecards/{id}/copy":                       {"{id}"},
	"POST /i/{code}/scorecards/{id}/copy":                      {"{id}", "step", "title", "mode", "data", "notes"},
	"GET /i/{code}/scorecards/jump":                            {"q"},
	"POST /i/{code}/scorecards/{id}/star":                      {"{id}", "on"},
	"GET /i/{code}/scorecards/{id}/scores":                     {"{id}"},
	"POST /i/{code}/scorecards/{id}/lock":                      {"{id}", "version", "lock_mode", "lock_reason"},
	"POST /i/{code}/scorecards/{id}/dividers":                  {"{id}", "divider_title"},
	"POST /i/{code}/scorecards/{id}/dividers/{divider}":        {"{id}", "{divider}", "divider_title"},
	"POST /i/{code}/scorecards/{id}/dividers/{divider}/move":   {"{id}", "{divider}", "delta"},
	"POST /i/{code}/scorecards/{id}/dividers/{divider}/delete": {"{id}", "{divider}"},
	"POST /i/{code}/scorecards/{id}": {"{id}", "version", "title", "description", "parent", "members_present", "offered", "member", "ext_id",
		"columns_present", "expand_depth", "col_period", "col_prior", "col_actual", "col_target", "col_variance", "col_pct_target",
		"col_next_target", "col_forecast", "col_trend", "col_baseline", "scores_present", "scores_on", "scores_shared"},
	"POST /i/{code}/scorecards/{id}/delete":  {"{id}"},
	"POST /i/{code}/scorecards/{id}/members": {"{id}", "members_present", "offered", "member"},
	"POST /i/{code}/scorecards/{id}/embed":   {"{id}", "version", "enabled", "embed_origins"},
	"GET /i/{code}/scorecards/{id}/embeds":   {"{id}", "before"},
	"POST /i/{code}/on/{on}/{id}/embeds":     {"{on}", "{id}", "periods", "chart", "note_type", "targets", "scorecard"},
	"POST /i/{code}/embeds/{id}/regenerate":  {"{id}"},
	"POST /i/{code}/embeds/{id}/revoke":      {"{id}"},
	"GET /i/{code}/objects":                  {"kind", "type", "tag", "q", "sort", "dir", "after"},
	"GET /i/{code}/objects/new":              {"kind", "scorecard", "parent"},
	"POST /i/{code}/objects": {"kind", "type", "title", "description", "tags", "unit", "unit_before", "decimals", "polarity",
		"frequency", "pm_category", "data_source", "band_green", "band_yellow", "scorecard", "parent", "ext_id"},
	"GET /i/{code}/objects/{id}":         {"{id}", "earlier", "later", "done", "comments_before"},
	"GET /i/{code}/objects/{id}/edit":    {"{id}", "scorecard", "parent"},
	"GET /i/{code}/objects/{id}/history": {"{id}", "after"},
	"POST /i/{code}/objects/{id}": {"{id}", "version", "type", "title", "description", "tags", "unit", "unit_before", "decimals",
		"polarity", "frequency", "pm_category", "data_source", "band_green", "band_yellow", "ext_id"},
	"POST /i/{code}/objects/{id}/delete": {"{id}"},
	"POST /i/{code}/objects/{id}/data": {"{id}", "key", "actual", "target", "comment", "orig_actual", "orig_target", "orig_comment",
		"forecast", "orig_forecast", "version", "earlier", "later"},
	"POST /i/{code}/objects/{id}/paste":    {"{id}", "column", "start", "paste"},
	"POST /i/{code}/objects/{id}/baseline": {"{id}", "version", "baseline"},
	"POST /i/{code}/objects/{id}/graph": {"{id}", "version", "graph_title", "graph_type", "graph_periods", "graph_ymin", "graph_ymax",
		"graph_targets"},
	"POST /i/{code}/objects/{id}/star":              {"{id}", "on"},
	"GET /i/{code}/objects/{id}/calculation":        {"{id}"},
	"POST /i/{code}/objects/{id}/calculation":       {"{id}", "method", "formula", "partial", "calc_targets", "input"},
	"POST /i/{code}/objects/{id}/calculation/clear": {"{id}"},
	"POST /i/{code}/links":                          {"scorecard", "parent", "child", "back"},
	"POST /i/{code}/links/unlink":                   {"scorecard", "parent", "child", "back"},
	"POST /i/{code}/links/move":                     {"scorecard", "parent", "child", "back", "delta"},

	"GET /i/{code}/admin/users":           {"q", "hide", "sort", "dir", "after", "done", "to"},
	"GET /i/{code}/admin/users/new":       {"existing"},
	"POST /i/{code}/admin/users":          {"email", "first_name", "last_name", "role"},
	"POST /i/{code}/admin/users/existing": {"email"},
	"GET /i/{code}/admin/users/{id}": {"{id}", "fav_type", "fav_tag", "fav_q", "fav_search", "from", "to", "activity", "after",
		"done"},
	"POST /i/{code}/admin/users/{id}": {"{id}", "version", "name", "email", "preset", "perm", "scorecard", "digest_weekly",
		"digest_monthly", "action_emails", "fav_add", "fav_remove", "fav_type", "fav_tag", "fav_q", "fav_search", "apply_preset"},
	"POST /i/{code}/admin/users/{id}/deactivate": {"{id}"},
	"POST /i/{code}/admin/users/{id}/reactivate": {"{id}"},
	"POST /i/{code}/admin/users/{id}/reset":      {"{id}"},
	"GET /i/{code}/admin/billing":                nil,
	"GET /i/{code}/admin/dashboard":              nil,
	"GET /i/{code}/admin/multisite":              {"done", "added", "already"},
	"POST /i/{code}/admin/multisite/children":    {"code", "name", "email"},
	"POST /i/{code}/admin/multisite/admins":      {"admin", "child"},
	"GET /i/{code}/admin/multisite/copy":         {"from"},
	"POST /i/{code}/admin/multisite/copy":        {"from", "scorecard", "to", "all", "step", "title", "mode", "data", "notes"},
	"GET /i/{code}/admin/api":                    {"saved"},
	"POST /i/{code}/admin/api":                   {"name", "expires", "perm", "scorecard"},
	"POST /i/{code}/admin/api/{id}/revoke":       {"{id}"},
	"GET /i/{code}/admin/xref":                   {"q", "after"},
	"GET /i/{code}/admin/xref.csv":               {"q"},

	"GET /i/{code}/admin/import":                  nil,
	"GET /i/{code}/admin/import/template.csv":     nil,
	"POST /i/{code}/admin/import":                 {"file"},
	"GET /i/{code}/admin/import/{id}":             {"{id}", "done"},
	"POST /i/{code}/admin/import/{id}/run":        {"{id}", "token"},
	"GET /i/{code}/admin/import/{id}/results.csv": {"{id}"},

	"GET /i/{code}/admin/data-import":                  nil,
	"POST /i/{code}/admin/data-import":                 {"file", "sheet"},
	"GET /i/{code}/scorecards/{id}/data-import":        {"{id}"},
	"POST /i/{code}/scorecards/{id}/data-import":       {"{id}", "file", "sheet"},
	"GET /i/{code}/admin/data-import/{id}":             {"{id}", "done"},
	"POST /i/{code}/admin/data-import/{id}/run":        {"{id}", "token", "valid_only"},
	"GET /i/{code}/admin/data-import/{id}/results.csv": {"{id}"},
	"GET /i/{code}/scorecards/{id}/data-template.xlsx": {"{id}", "from", "to"},
	"GET /i/{code}/scorecards/{id}/data-template.csv":  {"{id}", "from", "to"},
	"GET /i/{code}/scorecards/{id}/data-values.xlsx":   {"{id}"},
	"GET /i/{code}/scorecards/{id}/data-values.csv":    {"{id}"},
	"GET /i/{code}/scorecards/{id}/export.csv":         {"{id}"},
	"GET /i/{code}/scorecards/{id}/export.xlsx":        {"{id}"},
	"GET /i/{code}/scorecards/{id}/export.pdf":         {"{id}"},

	"GET /i/{code}/admin/activity":      {"from", "to", "member", "activity", "after"},
	"GET /i/{code}/admin/activity.xlsx": {"from", "to", "member", "activity"},
	"GET /i/{code}/admin/activity.pdf":  {"from", "to", "member", "activity"},

	"GET /i/{code}/admin/types":                    {"saved"},
	"POST /i/{code}/admin/types":                   {"kind", "name", "plural", "color", "badge"},
	"POST /i/{code}/admin/types/{id}":              {"{id}", "kind", "name", "plural", "color", "badge"},
	"POST /i/{code}/admin/types/{id}/delete":       {"{id}"},
	"GET /i/{code}/admin/frequencies":              {"saved"},
	"POST /i/{code}/admin/frequencies":             {"title", "periods_per_year", "start_month", "start_day", "label_prefix"},
	"POST /i/{code}/admin/frequencies/{id}/delete": {"{id}"},
	"GET /i/{code}/admin/bands":                    {"saved"},
	"POST /i/{code}/admin/bands":                   {"higher_green", "higher_yellow", "lower_green", "lower_yellow", "range_green", "range_yellow"},

	"GET /i/{code}/admin/action-fields":              {"saved"},
	"POST /i/{code}/admin/action-fields":             {"name", "kind", "options", "required"},
	"GET /i/{code}/admin/action-fields/{id}":         {"{id}"},
	"POST /i/{code}/admin/action-fields/{id}":        {"{id}", "name", "kind", "options", "required"},
	"POST /i/{code}/admin/action-fields/{id}/move":   {"{id}", "dir"},
	"GET /i/{code}/admin/action-fields/{id}/delete":  {"{id}"},
	"POST /i/{code}/admin/action-fields/{id}/delete": {"{id}", "confirm"},
	"GET /i/{code}/admin":                            nil,
	"GET /i/{code}/admin/settings":                   {"saved"},
	"POST /i/{code}/admin/settings":                  {"name", "time_zone", "data_period", "welcome_mode", "message"},
	"POST /i/{code}/admin/settings/logo":             nil,
	"POST /i/{code}/admin/settings/logo/delete":      nil,
	"GET /i/{code}/admin/terms":                      {"saved"},
	"POST /i/{code}/admin/terms":                     {"reset", "scorecard_one", "result_one", "result_many"},
	"GET /i/{code}/logo":                             nil,
	"GET /i/{code}/compyle":                          nil,

	"GET /i/{code}/admin/notes":              {"saved"},
	"POST /i/{code}/admin/notes":             {"name", "help_text", "default_text", "char_limit", "on_scorecards", "on_containers", "on_measures"},
	"POST /i/{code}/admin/notes/order":       {"order"},
	"GET /i/{code}/admin/notes/{id}":         {"{id}"},
	"POST /i/{code}/admin/notes/{id}":        {"{id}", "name", "help_text", "default_text", "char_limit", "on_scorecards", "on_containers", "on_measures"},
	"POST /i/{code}/admin/notes/{id}/move":   {"{id}", "dir"},
	"GET /i/{code}/admin/notes/{id}/delete":  {"{id}"},
	"POST /i/{code}/admin/notes/{id}/delete": {"{id}", "confirm"},

	"GET /i/{code}/on/{on}/{id}/notes/{type}/edit":                 {"{on}", "{id}", "{type}", "link_q"},
	"POST /i/{code}/on/{on}/{id}/notes/{type}":                     {"{on}", "{id}", "{type}", "base", "body"},
	"GET /i/{code}/on/{on}/{id}/notes/{type}/history":              {"{on}", "{id}", "{type}", "before"},
	"GET /i/{code}/on/{on}/{id}/notes/{type}/history/{v}":          {"{on}", "{id}", "{type}", "{v}"},
	"POST /i/{code}/on/{on}/{id}/notes/{type}/history/{v}/restore": {"{on}", "{id}", "{type}", "{v}", "base"},
	"POST /i/{code}/on/{on}/{id}/sections":                         {"{on}", "{id}", "type"},
	"GET /i/{code}/on/{on}/{id}/notes/{type}/remove":               {"{on}", "{id}", "{type}"},
	"POST /i/{code}/on/{on}/{id}/notes/{type}/remove":              {"{on}", "{id}", "{type}"},
	"POST /i/{code}/on/{on}/{id}/comments":                         {"{on}", "{id}", "body"},
	"GET /i/{code}/actions":                                        {"status", "open", "mine", "assignee", "tag", "from", "to", "sort", "dir", "after", "done", "on", "id"},
	"GET /i/{code}/actions.xlsx":                                   {"status", "open", "mine", "assignee", "tag", "from", "to", "sort", "dir", "after", "on", "id"},
	"GET /i/{code}/actions.csv":                                    {"status", "open", "mine", "assignee", "tag", "from", "to", "sort", "dir", "after", "on", "id"},
	"GET /i/{code}/actions/gantt":                                  {"on", "id", "zoom", "from", "to", "done"},
	"GET /i/{code}/actions/new":                                    {"on", "id"},
	"POST /i/{code}/actions":                                       {"title", "description", "start_date", "end_date", "status", "percent", "assignee", "tags", "version", "on", "id"},
	"GET /i/{code}/actions/link":                                   {"on", "id", "q", "after"},
	"GET /i/{code}/actions/{id}":                                   {"{id}", "done"},
	"POST /i/{code}/actions/{id}/link":                             {"{id}", "on", "id"},
	"POST /i/{code}/actions/{id}/unlink":                           {"{id}", "on", "id"},
	"GET /i/{code}/actions/{id}/edit":                              {"{id}"},
	"POST /i/{code}/actions/{id}": {"{id}", "title", "description", "start_date", "end_date", "status", "percent", "assignee", "tags", "version",
		"on", "id"},
	"POST /i/{code}/actions/{id}/delete":              {"{id}"},
	"POST /i/{code}/actions/{id}/updates":             {"{id}", "version", "update", "status", "percent"},
	"POST /i/{code}/actions/{id}/todos":               {"{id}", "todo", "todo_assignee", "due_date"},
	"POST /i/{code}/actions/{id}/todos/{todo}":        {"{id}", "{todo}", "done"},
	"GET /i/{code}/actions/{id}/todos/{todo}/edit":    {"{id}", "{todo}"},
	"POST /i/{code}/actions/{id}/todos/{todo}/edit":   {"{id}", "{todo}", "todo", "todo_assignee", "due_date"},
	"POST /i/{code}/actions/{id}/todos/{todo}/delete": {"{id}", "{todo}"},
	"GET /i/{code}/comments/{id}/edit":                {"{id}"},
	"POST /i/{code}/comments/{id}":                    {"{id}", "body"},
	"POST /i/{code}/comments/{id}/delete":             {"{id}"},
	"POST /i/{code}/actions/{id}/schedule":            {"{id}", "version", "start_date", "end_date", "percent", "back"},

	"GET /i/{code}/reports":              {"after", "done"},
	"GET /i/{code}/reports/new":          {"kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs"},
	"POST /i/{code}/reports":             {"name", "kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs", "schedule"},
	"GET /i/{code}/reports/run":          {"go", "after", "done", "kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs"},
	"GET /i/{code}/reports/run.csv":      {"report", "kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs"},
	"GET /i/{code}/reports/run.xlsx":     {"report", "kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs"},
	"GET /i/{code}/reports/run.pdf":      {"report", "kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs"},
	"GET /i/{code}/reports/{id}":         {"{id}", "go", "after", "done", "kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs"},
	"GET /i/{code}/reports/{id}/edit":    {"{id}", "kind"},
	"POST /i/{code}/reports/{id}":        {"{id}", "version", "name", "kind", "scorecard", "sub", "type", "tag", "from", "to", "site", "assignee", "status", "col", "sort", "dir", "graphs", "schedule"},
	"POST /i/{code}/reports/{id}/delete": {"{id}"},

	"GET /i/{code}/admin/partners":                        {"done"},
	"POST /i/{code}/admin/partners":                       {"code"},
	"POST /i/{code}/admin/partners/refer":                 {"organization", "email"},
	"POST /i/{code}/admin/partners/requests/{id}/accept":  {"{id}"},
	"POST /i/{code}/admin/partners/requests/{id}/decline": {"{id}"},
	"POST /i/{code}/admin/partners/requests/{id}/cancel":  {"{id}"},
	"GET /i/{code}/admin/partners/channels/{id}":          {"{id}"},
	"POST /i/{code}/admin/partners/channels/{id}":         {"{id}", "share", "contribute"},
	"GET /i/{code}/admin/partners/channels/{id}/revoke":   {"{id}"},
	"POST /i/{code}/admin/partners/channels/{id}/revoke":  {"{id}", "confirm"},
}

// hostileValues are what the sweep puts in each field and parameter:
// numbers out of every range, in other notations and other scripts'
// digits; text at and past the limits in multi-byte scripts, bidi and
// other invisible characters, control characters and bytes that are not
// UTF-8; dates that do not exist.
var hostileValues = []string{
	"", " ", "0", "-1", "-0", "+1", " 7 ", "1.5", "1,5", "2147483647", "2147483648", "-2147483649",
	"9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999",
	"1e309", "-1e309", "1e-400", "NaN", "-Inf", "Infinity", "0x10", "0b1", "1_000",
	"١٢٣", "۴۵", "１２", "Ⅻ",
	strings.Repeat("ж", 200), strings.Repeat("ж", 201), strings.Repeat("😀", 255), strings.Repeat("😀", 5001),
	strings.Repeat("x", 70000), "\u202eevil", "\ufeff", "a\u0301\u0301\u0301", "\u2028", "a\r\nb\tc",
	"<script>alert(1)</script>", "' OR 1=1 --", "%_\\", "../..",
	"2026-02-30", "0000-00-00", "9999-12-31", "10000-01-01", "2026-13-01",
	"\x00", "a\x00b", "\xff", "\xc3\x28",
}

// hostileSegments are the values of path wildcards ({id}, {token},
// {code}): none of them names a real row, so a delete route stays where
// the sweep left it.
var hostileSegments = []string{
	"0", "-1", "99999999999999999999", "9223372036854775808", "1e309", "NaN", "0x10", "١", "+99999",
	strings.Repeat("ж", 120), "😀", "%00", "%FF", "%C3%28", "a%20b", "%2e%2e",
}

// sweepLast are routes whose successful answer changes what later routes
// act on (deletes, answers, sign-out): they run after the others.
var sweepLast = regexp.MustCompile(`/delete$|/remove$|/decline$|/accept$|/cancel$|/revoke$|/deactivate$|/logout$`)

// A second round of hostile testing sent about 2,500 hostile values per
// database into every parameter of 12 GET routes and every field of 17
// forms: 21 answers were 500 on SQLite and 39 on PostgreSQL (a link to
// parent 0; "version=99999999999999999999" reaching an int4 column; NUL
// and bytes that are not UTF-8 in text fields). Every route of the table
// now takes every hostile value in every field it reads, signed in as an
// administrator of the fixture, and answers below 500, on both databases.
func TestHostileValuesNever5xx(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		start := time.Now()
		f := newFixtureIn(t, newEnv(t, db))
		admin, err := f.e.store.Q().AccountByEmail(ctx, "admin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		routes := slices.DeleteFunc(f.e.web.Routes(), func(rt web.RouteInfo) bool { return rt.Transport != "pages" }) // the API validates against its document
		slices.SortStableFunc(routes, func(a, b web.RouteInfo) int {
			return boolInt(sweepLast.MatchString(a.Pattern)) - boolInt(sweepLast.MatchString(b.Pattern))
		})
		registered := map[string]bool{}
		requests, fails := 0, 0
		for _, rt := range routes {
			registered[rt.Pattern] = true
			fields, ok := sweepFields[rt.Pattern]
			if !ok {
				t.Errorf("route %q is missing from sweepFields", rt.Pattern)
				continue
			}
			c := f.e.client()
			c.setCookie(f.session(t, admin.ID)) // a fresh session: an earlier route may have signed out
			method, path, form := f.request(rt.Pattern)
			reached := false // a field's value got to the handler: an answer other than 401, 403, 404 or sign-in
			for _, field := range fields {
				values := hostileValues
				if strings.HasPrefix(field, "{") {
					values = hostileSegments
				}
				for _, v := range values {
					p, q := path, url.Values{}
					var body url.Values
					switch {
					case strings.HasPrefix(field, "{"):
						p = sweepPath(rt.Pattern, field, v, path)
						if method == "POST" {
							body = form
						}
					case method == "GET":
						q.Set(field, v)
					default:
						body = url.Values{}
						for k, vs := range form {
							body[k] = vs
						}
						body.Set(field, v)
					}
					if len(q) > 0 {
						p += "?" + q.Encode()
					}
					r, err := sweepDo(c, method, p, body)
					requests++
					if err != nil {
						fails++
						if fails <= 40 {
							t.Errorf("%s %s with %s=%.40q: %v", method, path, field, v, err)
						}
						continue
					}
					if !strings.HasPrefix(field, "{") && r.Status != 401 && r.Status != 403 && r.Status != 404 && !strings.HasPrefix(r.Location, "/login") {
						reached = true
					}
					if r.Status >= 500 {
						fails++
						if fails <= 40 {
							t.Errorf("%s %s with %s=%.40q: %d; body %s", method, path, field, v, r.Status, excerpt(r.Body))
						}
					}
				}
			}
			if !reached && sweepReached(rt.Pattern, fields) {
				t.Errorf("%s: no hostile value got past the route's checks to its handler (all 401, 403, 404 or sign-in)", rt.Pattern)
			}
		}
		for pattern := range sweepFields {
			if !registered[pattern] {
				t.Errorf("sweepFields row %q matches no registered route", pattern)
			}
		}
		if fails > 0 {
			t.Errorf("%d of %d hostile requests answered 5xx", fails, requests)
		}
		t.Logf("%s: %d hostile requests over %d routes in %v", db.Name, requests, len(routes), time.Since(start).Round(time.Millisecond))
	})
}

// sweepReached says whether the administrator reaches the handler of a
// route with some value of a field that is not a path wildcard: a route
// of the instance, not one of a missing token or of setup (done).
func sweepReached(pattern string, fields []string) bool {
	if !strings.Contains(pattern, " /i/{code}/") {
		return false
	}
	for _, f := range fields {
		if !strings.HasPrefix(f, "{") {
			return true
		}
	}
	return false
}

// sweepDo is client.do with a failure to send or to read the answer (a
// Location header the client cannot parse) returned, not fatal.
func sweepDo(c *client, method, path string, form url.Values) (resp, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		return resp{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}, err
}

// sweepPath puts v in the path in place of the wildcard; the fixture's
// path has the other wildcards filled in.
func sweepPath(pattern, wildcard, v, path string) string {
	_, pat, _ := strings.Cut(pattern, " ")
	pat = strings.ReplaceAll(pat, "{$}", "")
	segs, fixed := strings.Split(pat, "/"), strings.Split(path, "/")
	if len(segs) != len(fixed) {
		return path
	}
	for i, s := range segs {
		if s == wildcard {
			fixed[i] = v
		}
	}
	return strings.Join(fixed, "/")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fieldRead matches the field and parameter names the handlers read.
var fieldRead = regexp.MustCompile(`^[a-z][a-z_]*$`)

// The handlers read no field the sweep leaves out: every string literal
// a handler passes to FormValue, PostFormValue, a url.Values Get, an index
// of r.Form or r.PostForm, or one of the number helpers is a field of
// some route in sweepFields.
func TestSweepListsEveryField(t *testing.T) {
	listed := map[string]bool{}
	for _, fields := range sweepFields {
		for _, f := range fields {
			listed[f] = true
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			var lit *ast.BasicLit
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				switch {
				case name == "FormValue" || name == "PostFormValue" || name == "Get" || name == "Has" || name == "col":
					if len(n.Args) > 0 {
						lit, _ = n.Args[0].(*ast.BasicLit)
					}
				case strings.HasPrefix(name, "form") || strings.HasPrefix(name, "query"):
					if len(n.Args) > 1 {
						lit, _ = n.Args[1].(*ast.BasicLit)
					}
				}
			case *ast.IndexExpr:
				switch x := n.X.(type) {
				case *ast.SelectorExpr:
					if x.Sel.Name == "PostForm" || x.Sel.Name == "Form" {
						lit, _ = n.Index.(*ast.BasicLit)
					}
				case *ast.Ident:
					if x.Name == "pf" || x.Name == "f" {
						lit, _ = n.Index.(*ast.BasicLit)
					}
				}
			}
			if lit == nil || lit.Kind != token.STRING {
				return true
			}
			field, err := strconv.Unquote(lit.Value)
			if err != nil || !fieldRead.MatchString(field) {
				return true
			}
			found++
			if !listed[field] {
				t.Errorf("%s: the handlers read %q, which no route of sweepFields lists", fset.Position(lit.Pos()), field)
			}
			return true
		})
	}
	if found < 50 {
		t.Errorf("found only %d field reads in the handlers; the scan has lost them", found)
	}
}

// The causes the hostile testing found, one by one: each is refused with
// a message (or, for a display setting, bounded), none answers 500.
func TestHostileValuesFoundBefore(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		c := f.e.client()
		c.setCookie(f.cookies["admin"])
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		measure, sc, result := "/i/ACME/objects/"+id(f.measure.ID), "/i/ACME/scorecards/"+id(f.sc.ID), id(f.result.ID)
		const notWhole = "must be a whole number from"
		tests := []struct {
			name   string
			method string
			path   string
			form   url.Values
			status int
			want   string
		}{
			{"link with a scorecard that is not a number and no parent", "POST", "/i/ACME/links",
				url.Values{"scorecard": {"abc"}, "child": {result}}, 422, "“scorecard” " + notWhole},
			{"link to neither a scorecard nor a parent", "POST", "/i/ACME/links",
				url.Values{"child": {result}}, 422, "Choose the scorecard or the result or program to link to."},
			{"graph version past int4", "POST", measure + "/graph", url.Values{"version": {"99999999999999999999"},
				"graph_type": {"bar"}, "graph_periods": {"4"}}, 422, "“version” " + notWhole},
			{"graph version just past int4", "POST", measure + "/graph", url.Values{"version": {"2147483648"},
				"graph_type": {"bar"}, "graph_periods": {"4"}}, 422, "“version” " + notWhole},
			{"baseline version past int4", "POST", measure + "/baseline", url.Values{"version": {"99999999999999999999"},
				"baseline": {f.periodKey}}, 422, "“version” " + notWhole},
			{"scorecard version past int4", "POST", sc, url.Values{"version": {"2147483648"}, "title": {"X"}}, 422, "“version” " + notWhole},
			{"object version NaN", "POST", measure, url.Values{"version": {"NaN"}, "title": {"X"}}, 422, "“version” " + notWhole},
			{"data row version 1e309", "POST", measure + "/data", url.Values{"key": {f.periodKey}, "actual": {"5"},
				"version": {"1e309"}}, 422, "“version” " + notWhole},
			{"data save with control characters in a display setting", "POST", measure + "/data", url.Values{"key": {f.periodKey},
				"actual": {"5"}, "version": {"0"}, "earlier": {"a\r\nb\tc"}}, 422, "“earlier” " + notWhole},
			{"measure page far back", "GET", measure + "?earlier=99999999999999999999&later=-5", nil, 200, "Add earlier periods"},
			{"objects list type in Arabic digits", "GET", "/i/ACME/objects?type=%D9%A1", nil, 422, "“type” " + notWhole},
			{"new object under parent 0x10", "GET", "/i/ACME/objects/new?kind=container&parent=0x10", nil, 422, "“parent” " + notWhole},
			{"NUL in the favourites search of Edit User", "GET", "/i/ACME/admin/users/" + id(f.spareID) + "?fav_q=%00&fav_tag=a%00",
				nil, 400, "This address contains a character that is not allowed"},
			{"NUL in a data comment", "POST", measure + "/data", url.Values{"key": {f.periodKey}, "comment": {"a\x00b"},
				"version": {"0"}}, 422, "The field “comment” contains a character that is not allowed"},
			{"description not UTF-8", "POST", sc, url.Values{"version": {"1"}, "title": {"X"}, "description": {"a\xffb"}}, 422,
				"The field “description” contains a character that is not allowed"},
		}
		for _, tt := range tests {
			var r resp
			if tt.method == "GET" {
				r = c.get(tt.path)
			} else {
				r = c.do(tt.method, tt.path, tt.form)
			}
			expect(t, tt.name, r, tt.status, tt.want)
		}
	})
}

// numberParsersElsewhere are files still parsing numbers on their own,
// with the most such calls each may have; none is to be added. Both are to
// move to the helpers (parseWhole, formIDs).
var numberParsersElsewhere = map[string]int{}

// Numbers are parsed in numbers.go only: no handler calls strconv's
// parsers itself, where a parse error can be ignored or a range forgotten.
func TestNumbersAreParsedInOnePlace(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "numbers.go" {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		ast.Inspect(file, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "strconv" && (strings.HasPrefix(sel.Sel.Name, "Parse") || sel.Sel.Name == "Atoi") {
				if n++; n > numberParsersElsewhere[name] {
					t.Errorf("%s: strconv.%s; parse numbers with the helpers of numbers.go", fset.Position(call.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}

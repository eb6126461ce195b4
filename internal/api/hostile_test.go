package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// TestUpsertRefusesHostileBodies: every bad body is a clear 4xx problem
// naming what is wrong, never a 500, and writes nothing.
func TestUpsertRefusesHostileBodies(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db, web.Config{})
		m := strconv.FormatInt(e.measures[0].ID, 10)
		row := func(period, extra string) string {
			return `{"measure_id":` + m + `,"period":"` + period + `","actual":1,"version":0` + extra + `}`
		}
		next := nextPeriod(t, e)
		many := func(n int) string {
			rows := make([]string, n)
			for i := range rows {
				rows[i] = row(next, "")
			}
			return `{"values":[` + strings.Join(rows, ",") + `]}`
		}
		for _, tc := range []struct {
			name, who, ctype, body string
			status                 int
			field                  string
		}{
			{"one bad row among good ones", "builder", "application/json",
				`{"values":[` + row(next, "") + `,` + row("2026-13-45", "") + `]}`, 422, "values/1/period"},
			{"too many decimals", "builder", "application/json", `{"values":[` + row(next, `,"target":1.5`) + `]}`, 422, "values/0/target"},
			{"NUL in a comment", "builder", "application/json", `{"values":[` + row(next, `,"comment":"a\u0000b"`) + `]}`, 422, "values/0/comment"},
			{"the same period twice", "builder", "application/json", `{"values":[` + row(next, "") + `,` + row(next, "") + `]}`, 422, "values/1/period"},
			{"another instance's measure", "builder", "application/json", `{"values":[{"measure_id":999999,"period":"` + next + `","version":0}]}`, 422, "values/0/measure_id"},
			{"a measure the key cannot see", "dataentry", "application/json", `{"values":[` + row(next, "") + `]}`, 422, "values/0/measure_id"},
			{"no permission to enter data", "presenter", "application/json", `{"values":[` + row(next, "") + `]}`, 403, ""},
			{"10,001 rows", "builder", "application/json", many(10001), 422, "body/values"},
			{"no rows", "builder", "application/json", `{"values":[]}`, 422, "body/values"},
			{"unknown field", "builder", "application/json", `{"values":[` + row(next, `,"api_key":"x"`) + `]}`, 422, ""},
			// A key anywhere but the Authorization header (SPEC §14).
			{"a key in the body", "builder", "application/json", `{"api_key":"` + e.keys["builder"] + `","values":[` + row(next, "") + `]}`, 401, ""},
			{"a credential field in the body", "builder", "application/json", `{"Token":"x","values":[` + row(next, "") + `]}`, 401, ""},
			{"a key as a value", "builder", "application/json", `{"values":[` + row(next, `,"comment":"`+e.keys["builder"]+`"`) + `]}`, 401, ""},
			{"a key in the body and no header", "none", "application/json", `{"api_key":"` + e.keys["builder"] + `","values":[` + row(next, "") + `]}`, 401, ""},
			{"a string for a number", "builder", "application/json", `{"values":[` + row(next, `,"target":"5"`) + `]}`, 422, "body/values/0/target"},
			{"negative version", "builder", "application/json", `{"values":[{"measure_id":` + m + `,"period":"` + next + `","version":-1}]}`, 422, ""},
			{"duplicated key", "builder", "application/json", `{"values":[],"values":[` + row(next, "") + `]}`, 400, "body"},
			{"duplicated key in a row", "builder", "application/json", `{"values":[{"measure_id":` + m + `,"measure_id":1,"period":"` + next + `","version":0}]}`, 400, "body"},
			{"nested 10,000 deep", "builder", "application/json", `{"values":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, 400, "body"},
			{"malformed JSON", "builder", "application/json", `{"values":[`, 400, ""},
			{"empty body", "builder", "application/json", ``, 400, ""},
			{"not JSON at all", "builder", "application/json", "\x00\xff", 400, ""},
			{"wrong content type", "builder", "text/plain", `{"values":[` + row(next, "") + `]}`, 415, ""},
			{"a form", "builder", "application/x-www-form-urlencoded", `values=1`, 415, ""},
			{"over the body limit", "builder", "application/json", `{"values":[],"pad":"` + strings.Repeat("x", 9<<20) + `"}`, 413, ""},
		} {
			before := e.fingerprint()
			r := e.do("POST", "/api/v1/i/ACME/values", tc.who, []byte(tc.body), "Content-Type", tc.ctype)
			if r.Status != tc.status {
				t.Errorf("%s: %d, want %d; %.400s", tc.name, r.Status, tc.status, r.Body)
				continue
			}
			if e.fingerprint() != before {
				t.Errorf("%s: refused but wrote", tc.name)
			}
			var p problem
			r.json(t, &p)
			if tc.field != "" {
				found := false
				for _, f := range p.Errors {
					found = found || f.Field == tc.field
				}
				if !found {
					t.Errorf("%s: errors %+v do not name %s", tc.name, p.Errors, tc.field)
				}
			}
		}
		// A refused write of the key is in the log (SPEC §3.4).
		var n int
		if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM activity_log WHERE activity = 'refused' AND actor_name = $1`, "API key “presenter”").Scan(&n); err != nil || n != 1 {
			t.Errorf("refusals of the presenter key logged: %d (%v), want 1", n, err)
		}
		if r := e.do("POST", "/api/v1/i/ACME/values", "builder", []byte(many(2)[:0]+`{"values":[`+row(next, "")+`]}`), "Content-Type", "application/json; charset=utf-8"); r.Status != http.StatusOK {
			t.Errorf("JSON with a charset: %d %s", r.Status, r.Body)
		}
	})
}

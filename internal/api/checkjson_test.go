package api

import "testing"

// checkJSON's own scanner against the cases encoding/json's tokens
// decided before: duplicate keys (also escaped, also with quotes and
// backslashes inside), keys inside string values, credentials at the top
// level only, and depth.
func TestCheckJSONCases(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":1,"b":2}`, ""},
		{`{"a":1,"a":2}`, "dup"},
		{`{"a":1,"\u0061":2}`, "dup"},
		{`{"a":{"a":1},"b":[{"a":1},{"a":2}]}`, ""},
		{`{"a":"x,\"a\":1"}`, ""},
		{`{"api_key":"x"}`, "cred"},
		{`{"values":[{"token":"x"}]}`, ""},
		{`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, "deep"},
		{`{"a":"\\","a":1}`, "dup"},
		{`{"a\"b":1,"a\"b":2}`, "dup"},
	} {
		got := checkJSON([]byte(tc.in))
		switch tc.want {
		case "":
			if got != "" {
				t.Errorf("%s: %q", tc.in, got)
			}
		case "dup":
			if got == "" || got == msgCredential {
				t.Errorf("%s: %q, want duplicate", tc.in, got)
			}
		case "cred":
			if got != msgCredential {
				t.Errorf("%s: %q", tc.in, got)
			}
		case "deep":
			if got == "" {
				t.Errorf("%s: accepted", tc.in)
			}
		}
	}
}

package api

import (
	"strconv"
	"testing"
)

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
		// Sibling objects reuse the scanner's key lists; a wide object's keys
		// move to a map past sixteen.
		{`{"a":{"x":1,"y":2},"b":{"x":1,"y":2},"c":[{"x":1},{"y":1,"x":2}]}`, ""},
		{`{"a":{"x":1,"y":2},"b":{"y":1,"y":2}}`, "dup"},
		{wide(40, ""), ""},
		{wide(40, "k3"), "dup"},
		{wide(40, "k39"), "dup"},
		{wide(16, "k15"), "dup"},
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

// wide is an object of n keys k0 … k(n-1), then dup again when not "".
func wide(n int, dup string) string {
	s := "{"
	for i := 0; i < n; i++ {
		s += `"k` + strconv.Itoa(i) + `":1,`
	}
	if dup != "" {
		s += `"` + dup + `":2,`
	}
	return s + `"end":0}`
}

// TestSchemaReason: a schema error reads without the validator's preamble
// and the schema URL it names.
func TestSchemaReason(t *testing.T) {
	tests := []struct{ in, want string }{
		{"jsonschema validation failed with 'https://example.com/schema.json#'\n- at '/scores_on': got string, want boolean", "got string, want boolean"},
		{"jsonschema validation failed with 'x#'\n- at '/a': one\n- at '/b': two", "one; two"},
		{"jsonschema validation failed with 'x#'", "This value does not match the API's description."},
		{"number must be at least 0", "number must be at least 0"},
	}
	for _, tt := range tests {
		if got := schemaReason(tt.in); got != tt.want {
			t.Errorf("schemaReason(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

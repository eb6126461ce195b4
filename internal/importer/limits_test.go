package importer

import (
	"strings"
	"testing"
)

// Names count characters, as the Add New User form counts them: exactly
// 60 characters of 2-, 3- and 4-byte text are read intact, 61 are a row
// error naming the limit. An email's limit is RFC 5321's 254 bytes (what
// mail servers count), refused, never cut.
func TestImportLimitsCountCharacters(t *testing.T) {
	for _, c := range []string{"ж", "語", "😀"} {
		at := "A" + strings.Repeat(c, maxName-1)
		local := strings.Repeat("a", (maxEmail-len("@example.org"))%len(c)) + strings.Repeat(c, (maxEmail-len("@example.org"))/len(c))
		email := local + "@example.org"
		if len(email) != maxEmail {
			t.Fatalf("built a %d-byte email", len(email))
		}
		in := hdr + email + "," + at + "," + at + ",User,true\n" +
			"b" + email + "," + at + c + ",Lee,User,true\n"
		f, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if len(f.Rows) != 2 {
			t.Fatalf("%s: %d rows", c, len(f.Rows))
		}
		ok, past := f.Rows[0], f.Rows[1]
		if len(ok.Errors) != 0 || ok.Email != email || ok.FirstName != at || ok.LastName != at {
			t.Errorf("%s: at the limits: %+v", c, ok)
		}
		want := []string{"Username is too long (at most 254 characters).", "First name is too long (at most 60 characters)."}
		if strings.Join(past.Errors, "|") != strings.Join(want, "|") {
			t.Errorf("%s: one past the limits: errors %q, want %q", c, past.Errors, want)
		}
	}
}

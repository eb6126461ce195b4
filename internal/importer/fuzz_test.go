package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"strconv"
	"testing"
	"unicode/utf8"

	"yardstick/internal/textcheck"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		hdr,
		hdr + "ann@example.org,Ann,Lee,User,true\n",
		"\uFEFF" + hdr + "Ann@Example.org,Ann,Lee,administrator,FALSE\r\n",
		"username,first_name,last_name,role_group,send_email\rann@example.org,Ann,Lee,,\r",
		"username;first_name;last_name;role_group;send_email\nann@example.org;Ann;\"Lee; Jr.\";User;yes\n",
		"send_email,role_group,last_name,first_name,username\n1,User,Lee,Ann,ann@example.org\n",
		hdr + "ann@example.org,\"Ann\nMarie\",Lee,User,true\nANN@example.org,Ann,Lee,User,true\n",
		hdr + "ann@example.org,Ann \"A\",Lee,User,true\nbob@example.org,\"Bob,Roe,User,true\n",
		hdr + "ann@example.org,Ann,Lee,User\n,,,,\nx,,,boss,maybe\n",
		hdr + "=cmd@example.org,=cmd|' /C calc'!A0,@Lee,User,0\n",
		"username,first_name,last_name,role_group,send_email,,\nann@example.org,Ann,Lee,User,true,,x\n",
		"username,username,x\n",
		hdr + "zoe@example.org,Zo\xeb,Lee,User,true\n",
		hdr + "zoe@example.org,Zoe\x00,Lee,User,true\n",
		hdr + "zoe@example.org,Zoe\x01,L\x7fee,User,true\n",
		"\xff\xfeu\x00",
		"PK\x03\x04\x14\x00\x06\x00",
		string(Template()),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data))
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Msg == "" {
				t.Fatalf("err = %v, want a *FileError with a message", err)
			}
			if file.Rows != nil || file.Hash != "" {
				t.Fatalf("a refused file returned %+v", file)
			}
			return
		}
		// The app keeps an accepted file as text: both databases must
		// store it (PostgreSQL refuses NUL and bytes that are not UTF-8).
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			t.Fatalf("accepted a file that is not storable text: %q", data)
		}
		if n := len(file.Rows); n == 0 || n > MaxRows {
			t.Fatalf("accepted a file with %d rows", n)
		}
		if sum := sha256.Sum256(data); file.Hash != hex.EncodeToString(sum[:]) {
			t.Fatalf("Hash = %s, not the SHA-256 of the input", file.Hash)
		}
		var valid []Row
		seen := map[string]bool{}
		prev := 1 // the header's line
		for _, r := range file.Rows {
			if r.Line <= prev {
				t.Fatalf("row at line %d follows line %d", r.Line, prev)
			}
			prev = r.Line
			if len(r.Errors) > 0 {
				for _, e := range r.Errors {
					if e == "" {
						t.Fatalf("line %d: empty error message", r.Line)
					}
				}
				continue
			}
			if email, ok := textcheck.Email(r.Email); !ok || email != r.Email {
				t.Fatalf("line %d: valid row with email %q (normalised %q, ok %v)", r.Line, r.Email, email, ok)
			}
			for _, name := range []string{r.FirstName, r.LastName} {
				if clean, msg := textcheck.Line(name, "Name", 1, maxName); msg != "" || clean != name {
					t.Fatalf("line %d: valid row with name %q: %s", r.Line, name, msg)
				}
			}
			if seen[r.Email] {
				t.Fatalf("line %d: %q is valid twice", r.Line, r.Email)
			}
			seen[r.Email] = true
			valid = append(valid, r)
		}
		if len(valid) == 0 {
			return
		}

		// Written back as CSV, the valid rows read the same.
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(columns[:])
		for _, r := range valid {
			role := "User"
			if r.Administrator {
				role = "Administrator"
			}
			w.Write([]string{r.Email, r.FirstName, r.LastName, role, strconv.FormatBool(r.SendEmail)})
		}
		w.Flush()
		again, err := Parse(&b)
		if err != nil {
			t.Fatalf("re-parsing the valid rows: %v\n%q", err, b.String())
		}
		if len(again.Rows) != len(valid) {
			t.Fatalf("re-parsed %d rows, want %d", len(again.Rows), len(valid))
		}
		for i, r := range again.Rows {
			want := valid[i]
			want.Line = i + 2 // one line each: valid names hold no line breaks
			if r.Line != want.Line || r.Email != want.Email || r.FirstName != want.FirstName || r.LastName != want.LastName ||
				r.Administrator != want.Administrator || r.SendEmail != want.SendEmail || len(r.Errors) != 0 {
				t.Fatalf("re-parsed %+v, want %+v", r, want)
			}
		}
	})
}

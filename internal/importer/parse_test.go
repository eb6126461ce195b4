package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

const hdr = "username,first_name,last_name,role_group,send_email\n"

func row(line int, email, first, last string, admin, send bool, errs ...string) Row {
	return Row{Line: line, Email: email, FirstName: first, LastName: last, Administrator: admin, SendEmail: send, Errors: errs}
}

// TestParseAccepts covers files as people and spreadsheet programs save them.
func TestParseAccepts(t *testing.T) {
	ann := row(2, "ann@example.org", "Ann", "Lee", false, true)
	bob := row(3, "bob@example.org", "Bob", "Roe", true, false)
	tests := []struct {
		name string
		in   string
		want []Row
	}{
		{"plain LF", hdr + "ann@example.org,Ann,Lee,User,true\nbob@example.org,Bob,Roe,Administrator,false\n", []Row{ann, bob}},
		{"no final newline", hdr + "ann@example.org,Ann,Lee,User,true", []Row{ann}},
		{"UTF-8 BOM", "\uFEFF" + hdr + "ann@example.org,Ann,Lee,User,true\n", []Row{ann}},
		{"double BOM", "\uFEFF\uFEFF" + hdr + "ann@example.org,Ann,Lee,User,true\n", []Row{ann}},
		{"CRLF", "username,first_name,last_name,role_group,send_email\r\nann@example.org,Ann,Lee,User,true\r\nbob@example.org,Bob,Roe,Administrator,false\r\n", []Row{ann, bob}},
		{"CR only (old Mac Excel)", "username,first_name,last_name,role_group,send_email\rann@example.org,Ann,Lee,User,true\rbob@example.org,Bob,Roe,Administrator,false\r", []Row{ann, bob}},
		{"header in other case and spaced", " USERNAME , First_Name,LAST_NAME ,Role_Group,Send_Email\nann@example.org,Ann,Lee,User,true\n", []Row{ann}},
		{"columns in another order", "send_email,role_group,last_name,first_name,username\ntrue,User,Lee,Ann,ann@example.org\n", []Row{ann}},
		{"quoted fields", hdr + `"ann@example.org","Ann","Lee","User","true"` + "\n", []Row{ann}},
		{"quoted comma", hdr + `ann@example.org,Ann,"Lee, Jr.",User,true` + "\n", []Row{row(2, "ann@example.org", "Ann", "Lee, Jr.", false, true)}},
		{"quoted quote", hdr + `ann@example.org,"Ann ""Annie""",Lee,User,true` + "\n", []Row{row(2, "ann@example.org", `Ann "Annie"`, "Lee", false, true)}},
		{"spaces around fields", hdr + "  Ann@Example.ORG , Ann ,\tLee , user ,  TRUE \n", []Row{ann}},
		{"space before quoted field", hdr + `ann@example.org, "Lee, A", Lee, User, true` + "\n", []Row{row(2, "ann@example.org", "Lee, A", "Lee", false, true)}},
		{"semicolons (European Excel)", "username;first_name;last_name;role_group;send_email\r\nann@example.org;Ann;Lee;User;true\r\nbob@example.org;Bob;Roe;Administrator;false\r\n", []Row{ann, bob}},
		{"semicolons after blank lines", "\r\n \r\n;;;\r\nusername;first_name;last_name;role_group;send_email\r\nann@example.org;Ann;Lee;User;true\r\n", []Row{row(5, "ann@example.org", "Ann", "Lee", false, true)}},
		{"semicolons with commas in values", "username;first_name;last_name;role_group;send_email\nann@example.org;Ann;Lee, Jr.;User;true\n", []Row{row(2, "ann@example.org", "Ann", "Lee, Jr.", false, true)}},
		{"empty role and send_email", hdr + "ann@example.org,Ann,Lee,,\n", []Row{ann}},
		{"role and boolean spellings", hdr + "ann@example.org,Ann,Lee,USER,Yes\nbob@example.org,Bob,Roe,administrator,0\ncy@example.org,Cy,Poe,User,1\ndee@example.org,Dee,Fox,User,NO\n",
			[]Row{ann, bob, row(4, "cy@example.org", "Cy", "Poe", false, true), row(5, "dee@example.org", "Dee", "Fox", false, false)}},
		{"blank and emptied rows skipped", hdr + "\nann@example.org,Ann,Lee,User,true\n,,,,\n  \n , ,\t,,\nbob@example.org,Bob,Roe,Administrator,false\n,,,,\n", []Row{
			row(3, "ann@example.org", "Ann", "Lee", false, true), row(7, "bob@example.org", "Bob", "Roe", true, false)}},
		{"trailing unnamed columns", "username,first_name,last_name,role_group,send_email,,\nann@example.org,Ann,Lee,User,true,,\nbob@example.org,Bob,Roe,Administrator,false,,x\n", []Row{
			ann, row(3, "bob@example.org", "Bob", "Roe", true, false, "Column 7 has a value but no name in the header row.")}},
		{"formula-looking names kept as text", hdr + "ann@example.org,=cmd|' /C calc'!A0,+SUM(1),User,true\nbob@example.org,@Bob,-Roe,User,true\n", []Row{
			row(2, "ann@example.org", "=cmd|' /C calc'!A0", "+SUM(1)", false, true), row(3, "bob@example.org", "@Bob", "-Roe", false, true)}},
		{"non-ASCII names", hdr + "zoe@example.org,Zoë,Ångström-Núñez,User,true\n", []Row{row(2, "zoe@example.org", "Zoë", "Ångström-Núñez", false, true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(f.Rows, tt.want) {
				t.Errorf("rows:\n got %+v\nwant %+v", f.Rows, tt.want)
			}
			sum := sha256.Sum256([]byte(tt.in))
			if want := hex.EncodeToString(sum[:]); f.Hash != want {
				t.Errorf("Hash = %s, want %s", f.Hash, want)
			}
		})
	}
}

// TestParseRowErrors covers rows refused one by one while the rest count.
func TestParseRowErrors(t *testing.T) {
	long := strings.Repeat("a", 61)
	longEmail := strings.Repeat("a", 250) + "@example.org"
	tests := []struct {
		name string
		in   string
		want []Row
	}{
		{"invalid emails", hdr + "ann,Ann,Lee,User,true\nann@example,Ann,Lee,User,true\nAnn Lee <ann@example.org>,Ann,Lee,User,true\n,Ann,Lee,User,true\n", []Row{
			row(2, "ann", "Ann", "Lee", false, true, "“ann” is not a valid email address."),
			row(3, "ann@example", "Ann", "Lee", false, true, "“ann@example” is not a valid email address."),
			row(4, "ann lee <ann@example.org>", "Ann", "Lee", false, true, "“Ann Lee <ann@example.org>” is not a valid email address."),
			row(5, "", "Ann", "Lee", false, true, "Username (email) is required."),
		}},
		{"email too long", hdr + longEmail + ",Ann,Lee,User,true\n", []Row{
			row(2, longEmail, "Ann", "Lee", false, true, "Username is too long (at most 254 characters)."),
		}},
		{"names missing or too long", hdr + "ann@example.org,,Lee,User,true\nbob@example.org,Bob," + long + ",User,true\n", []Row{
			row(2, "ann@example.org", "", "Lee", false, true, "First name is required."),
			row(3, "bob@example.org", "Bob", long, false, true, "Last name is too long (at most 60 characters)."),
		}},
		{"name with a line break", hdr + "ann@example.org,\"Ann\nMarie\",Lee,User,true\nbob@example.org,Bob,Roe,User,true\n", []Row{
			row(2, "ann@example.org", "Ann\nMarie", "Lee", false, true, "First name must be a single line of text."),
			row(4, "bob@example.org", "Bob", "Roe", false, true),
		}},
		{"name with a control character", hdr + "ann@example.org,Ann,Le\x01e,User,true\nbob@example.org,Bob,Roe,User,true\n", []Row{
			row(2, "ann@example.org", "Ann", "Le\x01e", false, true, "Last name must be a single line of text."),
			row(3, "bob@example.org", "Bob", "Roe", false, true),
		}},
		{"role_group unknown", hdr + "ann@example.org,Ann,Lee,Admin,true\n", []Row{
			row(2, "ann@example.org", "Ann", "Lee", false, true, "role_group must be User or Administrator, not “Admin”."),
		}},
		{"send_email not a boolean", hdr + "ann@example.org,Ann,Lee,User,maybe\n", []Row{
			row(2, "ann@example.org", "Ann", "Lee", false, false, "send_email must be true or false, not “maybe”."),
		}},
		{"every error of a row", hdr + "x,,,boss,y\n", []Row{
			row(2, "x", "", "", false, false, "“x” is not a valid email address.", "First name is required.", "Last name is required.",
				"role_group must be User or Administrator, not “boss”.", "send_email must be true or false, not “y”."),
		}},
		{"too few and too many columns", hdr + "ann@example.org,Ann,Lee,User\nbob@example.org,Bob,Roe,User,true,extra\ncy@example.org,Cy,Poe,User,true\n", []Row{
			row(2, "", "", "", false, false, "Expected 5 columns, found 4."),
			row(3, "", "", "", false, false, "Expected 5 columns, found 6."),
			row(4, "cy@example.org", "Cy", "Poe", false, true),
		}},
		{"stray quote", hdr + "ann@example.org,Ann \"A\" ,Lee,User,true\nbob@example.org,Bob,Roe,User,true\n", []Row{
			row(2, "", "", "", false, false, `A quote mark (") is inside a value that does not start with one. Put the whole value in quotes and double the quote mark ("").`),
			row(3, "bob@example.org", "Bob", "Roe", false, true),
		}},
		{"unclosed quote", hdr + "bob@example.org,Bob,Roe,User,true\nann@example.org,\"Ann,Lee,User,true\ncy@example.org,Cy,Poe,User,true\n", []Row{
			row(2, "bob@example.org", "Bob", "Roe", false, true),
			row(3, "", "", "", false, false, `A quoted value is not closed, or its closing quote is followed by other text. Check the quote marks (") from this line on.`),
		}},
		{"duplicate emails", hdr + "ann@example.org,Ann,Lee,User,true\nbob@example.org,Bob,Roe,User,true\nann@example.org,Annie,Lee,User,true\nann@example.org,Ann,Lee,User,true\n", []Row{
			row(2, "ann@example.org", "Ann", "Lee", false, true),
			row(3, "bob@example.org", "Bob", "Roe", false, true),
			row(4, "ann@example.org", "Annie", "Lee", false, true, "Duplicate of line 2."),
			row(5, "ann@example.org", "Ann", "Lee", false, true, "Duplicate of line 2."),
		}},
		{"emails differing only in case", hdr + "Ann@Example.org,Ann,Lee,User,true\nANN@EXAMPLE.ORG,Ann,Lee,User,true\n", []Row{
			row(2, "ann@example.org", "Ann", "Lee", false, true),
			row(3, "ann@example.org", "Ann", "Lee", false, true, "Duplicate of line 2."),
		}},
		{"first of duplicates wins even with other errors", hdr + "ann@example.org,,Lee,User,true\nann@example.org,Ann,Lee,User,true\n", []Row{
			row(2, "ann@example.org", "", "Lee", false, true, "First name is required."),
			row(3, "ann@example.org", "Ann", "Lee", false, true, "Duplicate of line 2."),
		}},
		{"invalid emails are not duplicates", hdr + "ann,Ann,Lee,User,true\nann,Ann,Lee,User,true\n", []Row{
			row(2, "ann", "Ann", "Lee", false, true, "“ann” is not a valid email address."),
			row(3, "ann", "Ann", "Lee", false, true, "“ann” is not a valid email address."),
		}},
		{"line numbers after a multi-line value", hdr + "ann@example.org,Ann,\"Lee\r\nMore\r\nLines\",User,true\r\nbob@example.org,Bob,Roe,User,true\r\n", []Row{
			row(2, "ann@example.org", "Ann", "Lee\nMore\nLines", false, true, "Last name must be a single line of text."),
			row(5, "bob@example.org", "Bob", "Roe", false, true),
		}},
		{"long value cut in the message", hdr + strings.Repeat("x", 100) + ",Ann,Lee,User,true\n", []Row{
			row(2, strings.Repeat("x", 100), "Ann", "Lee", false, true, "“"+strings.Repeat("x", 60)+"…” is not a valid email address."),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(f.Rows, tt.want) {
				t.Errorf("rows:\n got %+v\nwant %+v", f.Rows, tt.want)
			}
		})
	}
}

// TestParseRefuses covers files refused as a whole, each with its message.
func TestParseRefuses(t *testing.T) {
	expect := " Expected: username, first_name, last_name, role_group, send_email."
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"empty file", "", 0, "The file has no rows. Below the header row, add one row per user."},
		{"only a BOM", "\uFEFF", 0, "The file has no rows. Below the header row, add one row per user."},
		{"only blank lines", "\r\n\r\n  \n", 0, "The file has no rows. Below the header row, add one row per user."},
		{"header only", hdr, 0, "The file has no rows. Below the header row, add one row per user."},
		{"header and emptied rows", hdr + ",,,,\n,,,,\n", 0, "The file has no rows. Below the header row, add one row per user."},
		{"missing column", "username,first_name,last_name,role_group\nann@example.org,Ann,Lee,User\n", 1, "Missing column “send_email”." + expect},
		{"missing columns", "username,last_name\nann@example.org,Lee\n", 1, "Missing columns “first_name”, “role_group”, “send_email”." + expect},
		{"extra column", "username,first_name,last_name,role_group,send_email,password\nann@example.org,Ann,Lee,User,true,x\n", 1, "Unknown column “password”." + expect},
		{"misspelt column", "username,firstname,last_name,role_group,send_email\nann@example.org,Ann,Lee,User,true\n", 1, "Unknown column “firstname”. Missing column “first_name”." + expect},
		{"duplicated column", "username,first_name,last_name,role_group,send_email,Username\nann@example.org,Ann,Lee,User,true,ann@example.org\n", 1, "Column “username” appears more than once." + expect},
		{"unnamed column in the middle", "username,,first_name,last_name,role_group,send_email\nann@example.org,,Ann,Lee,User,true\n", 1, "Column 2 has no name." + expect},
		{"no header", "ann@example.org,Ann,Lee,User,true\nbob@example.org,Bob,Roe,User,true\n", 1, "The first row must be the header row." + expect},
		{"blank lines, then no header", ",,,,\n\nann@example.org,Ann,Lee,User,true\n", 3, "The first row must be the header row." + expect},
		{"tab-separated", "username\tfirst_name\tlast_name\trole_group\tsend_email\nann@example.org\tAnn\tLee\tUser\ttrue\n", 1, "The first row must be the header row." + expect},
		{"broken header", "username,\"first_name,last_name,role_group,send_email\nann@example.org,Ann,Lee,User,true\n", 1,
			`The header row could not be read: A quoted value is not closed, or its closing quote is followed by other text. Check the quote marks (") from this line on.`},
		{"non-UTF-8 (Latin-1) bytes", hdr + "ann@example.org,Ann,Lee,User,true\r\nzoe@example.org,Zo\xeb,Lee,User,true\r\n", 3,
			"Line 3 is not UTF-8 text; the file may have been saved in another encoding. Save it as “CSV UTF-8 (comma delimited)” and try again."},
		{"non-UTF-8 after CR-only lines", "username,first_name,last_name,role_group,send_email\r\ra@example.org,A,B,User,true\rzoe@example.org,Zo\x80,Lee,User,true\r", 4,
			"Line 4 is not UTF-8 text; the file may have been saved in another encoding. Save it as “CSV UTF-8 (comma delimited)” and try again."},
		{"UTF-16 with BOM", "\xff\xfeu\x00s\x00e\x00r\x00", 0, "The file is saved as UTF-16 text. Save it as “CSV UTF-8 (comma delimited)” and try again."},
		{"NUL byte in a cell", hdr + "ann@example.org,Ann,Lee,User,true\nbob@example.org,Bob,Lee\x00,User,true\n", 3,
			"Line 3 contains a NUL character (an invisible zero byte), which a CSV file cannot hold. Remove it, save the file as “CSV UTF-8 (comma delimited)” and try again."},
		{"NUL byte after CR-only lines", "username,first_name,last_name,role_group,send_email\ra@example.org,A,B,User,true\rzoe@example.org,\x00Zoe,Lee,User,true\r", 3,
			"Line 3 contains a NUL character (an invisible zero byte), which a CSV file cannot hold. Remove it, save the file as “CSV UTF-8 (comma delimited)” and try again."},
		{"NUL bytes and not UTF-8", hdr + "ann@example.org,Ann\x00\xff,Lee,User,true\n", 0, notCSV},
		{"XLSX renamed .csv", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00\x90\x04\x00\x00\x13\x00\x08\x02[Content_Types].xml", 0, notCSV},
		{"PNG renamed .csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", 0, notCSV},
		{"many control characters", strings.Repeat("\x01\x02\x03abc,", 50), 0, notCSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.in))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse = %+v, %v; want a *FileError", f, err)
			}
			if fe.Msg != tt.msg || fe.Line != tt.line {
				t.Errorf("error = line %d %q\n want line %d %q", fe.Line, fe.Msg, tt.line, tt.msg)
			}
			if f.Rows != nil || f.Hash != "" {
				t.Errorf("a refused file returned %+v", f)
			}
		})
	}
}

const notCSV = "This does not look like a CSV file. Save it from your spreadsheet program as “CSV UTF-8 (comma delimited)” and try again."

// validFile builds a header and n valid rows, the first on line 2.
func validFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("username,first_name,last_name,role_group,send_email\r\n")
	for i := range n {
		fmt.Fprintf(&b, "user%05d@example.org,First%d,\"Last, %d\",User,true\r\n", i, i, i)
	}
	return b.Bytes()
}

func TestParse10000RowsOneInvalid(t *testing.T) {
	data := validFile(10000)
	const bad = 7777 // data row index; its line is bad+2
	old := fmt.Sprintf("user%05d@example.org", bad)
	data = bytes.Replace(data, []byte(old), []byte("user7777@example"), 1)
	f, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 10000 {
		t.Fatalf("got %d rows, want 10000", len(f.Rows))
	}
	for i, r := range f.Rows {
		if r.Line != i+2 {
			t.Fatalf("row %d: Line = %d, want %d", i, r.Line, i+2)
		}
		want := 0
		if i == bad {
			want = 1
		}
		if len(r.Errors) != want {
			t.Errorf("line %d: errors %q, want %d", r.Line, r.Errors, want)
		}
	}
	if got, want := f.Rows[bad].Errors, []string{"“user7777@example” is not a valid email address."}; !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

func TestParseRowLimit(t *testing.T) {
	if _, err := Parse(bytes.NewReader(validFile(MaxRows))); err != nil {
		t.Fatalf("%d rows: %v", MaxRows, err)
	}
	_, err := Parse(bytes.NewReader(validFile(MaxRows + 1)))
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("%d rows: err = %v, want a *FileError", MaxRows+1, err)
	}
	if want := "The file has more than 20,000 rows. Split it into files of at most 20,000 rows."; fe.Msg != want || fe.Line != MaxRows+2 {
		t.Errorf("error = line %d %q, want line %d %q", fe.Line, fe.Msg, MaxRows+2, want)
	}
}

// endless yields an endless valid CSV and counts what was read from it.
type endless struct {
	read int
	buf  []byte
}

func (e *endless) Read(p []byte) (int, error) {
	if e.buf == nil {
		e.buf = []byte(hdr)
	}
	n := 0
	for n < len(p) {
		if len(e.buf) == 0 {
			e.buf = []byte("someone@example.org,Some,One,User,true\n")
		}
		c := copy(p[n:], e.buf)
		e.buf = e.buf[c:]
		n += c
	}
	e.read += n
	return n, nil
}

func TestParseRefusesLargeFileEarly(t *testing.T) {
	src := &endless{}
	_, err := Parse(io.LimitReader(src, 50<<20)) // a 50 MB upload
	var fe *FileError
	if !errors.As(err, &fe) || fe.Msg != "The file is larger than 5 MB. Split it into smaller files and import them one by one." {
		t.Fatalf("err = %v, want the size refusal", err)
	}
	if src.read > MaxBytes+4096 {
		t.Errorf("read %d bytes, want at most %d", src.read, MaxBytes+4096)
	}
	// Exactly MaxBytes is still accepted by size.
	at := io.LimitReader(&endless{}, MaxBytes)
	if _, err := Parse(at); err != nil && strings.Contains(err.Error(), "larger") {
		t.Errorf("a file of exactly MaxBytes was refused by size: %v", err)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestParseReadError(t *testing.T) {
	_, err := Parse(failing{})
	var fe *FileError
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("err = %v, want the reader's error, not a *FileError", err)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 20000: "20,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func BenchmarkParse10k(b *testing.B) {
	data := validFile(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse(bytes.NewReader(data))
		if err != nil || len(f.Rows) != 10000 {
			b.Fatalf("Parse: %d rows, %v", len(f.Rows), err)
		}
	}
}

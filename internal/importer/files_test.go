package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.csv from the current output")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n got %q\nwant %q", name, got, want)
	}
}

func TestTemplate(t *testing.T) {
	golden(t, "template.csv", Template())
	// The template is itself a valid import of one user.
	f, err := Parse(bytes.NewReader(Template()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{row(2, "jane.doe@example.org", "Jane", "Doe", false, true)}
	if !reflect.DeepEqual(f.Rows, want) {
		t.Errorf("template rows = %+v, want %+v", f.Rows, want)
	}
}

func TestWriteResults(t *testing.T) {
	var b bytes.Buffer
	err := WriteResults(&b, []Result{
		{Line: 2, Email: "ann@example.org", Outcome: "created", Message: "Welcome email sent."},
		{Line: 3, Email: "bob@example.org", Outcome: "added existing account", Message: ""},
		{Line: 4, Email: "cy@example.org", Outcome: "no change"},
		{Line: 5, Email: "=cmd|' /C calc'!A0@example.org", Outcome: "error", Message: "“=cmd|' /C calc'!A0@example.org” is not a valid email address."},
		{Line: 6, Email: "+1@example.org", Outcome: "error", Message: "-1 seats left"},
		{Line: 7, Email: "@x", Outcome: "error", Message: "\tTabbed, \"quoted\" and\r\nmulti-line"},
		{Line: 8, Email: "zoë@example.org", Outcome: "updated names", Message: "First name “Zoe” → “Zoë”."},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "results.csv", b.Bytes())

	// Read back: the header, no password column, and every formula-like
	// cell neutralised.
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), bom))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := recs[0], []string{"line", "username", "outcome", "message"}; !reflect.DeepEqual(got, want) {
		t.Errorf("header = %q, want %q", got, want)
	}
	for _, rec := range recs[1:] {
		for _, c := range rec {
			if c != "" && bytes.ContainsRune([]byte("=+-@\t\r"), rune(c[0])) {
				t.Errorf("cell %q starts with a formula character", c)
			}
		}
	}
}

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"ann@example.org", "ann@example.org"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
	}
	for _, tt := range tests {
		if got := cell(tt.in); got != tt.want {
			t.Errorf("cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteResultsError(t *testing.T) {
	if err := WriteResults(failWriter{}, []Result{{Line: 2}}); err == nil {
		t.Error("WriteResults to a failing writer returned nil")
	}
}

func TestReadResultsRoundTrip(t *testing.T) {
	in := []Result{
		{Line: 2, Email: "=sum@example.org", Outcome: "create", Message: ""},
		{Line: 3, Email: "ann@example.org", Outcome: "error", Message: "Duplicate of line 2, \"quoted\"\nnext line"},
		{Line: 4, Email: "'plain@example.org", Outcome: "no change", Message: "-5 seats"},
	}
	var buf bytes.Buffer
	if err := WriteResults(&buf, in); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResults(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, in)
	}
}

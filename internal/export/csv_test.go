package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCSVReadBack(t *testing.T) {
	cols := []Column{{Title: "When", Kind: DateTime}, {Title: "Day", Kind: Date}, {Title: "Name", MultiLine: true}, {Title: "Value", Kind: Number}}
	when := time.Date(2026, 3, 1, 14, 5, 9, 0, time.FixedZone("CET", 3600))
	rows := [][]any{
		{when, when, `=HYPERLINK("http://evil","x")`, -2.5},
		{when, when, "+1", int64(-7)},
		{when, when, "-2+3", 0},
		{when, when, "@SUM(A1)", nil},
		{when, when, "\tlead tab", 1e6},
		{when, when, "\rlead cr", 3},
		{nil, nil, "Łódź — Αθήνα — Москва — 東京", 1.25},
		{nil, nil, "comma, \"quote\"\nnewline", int32(4)},
	}
	want := [][]string{
		{"When", "Day", "Name", "Value"},
		{"2026-03-01 14:05:09", "2026-03-01", `'=HYPERLINK("http://evil","x")`, "-2.5"},
		{"2026-03-01 14:05:09", "2026-03-01", "'+1", "-7"},
		{"2026-03-01 14:05:09", "2026-03-01", "'-2+3", "0"},
		{"2026-03-01 14:05:09", "2026-03-01", "'@SUM(A1)", ""},
		{"2026-03-01 14:05:09", "2026-03-01", "'\tlead tab", "1000000"},
		// A lone CR becomes a line break rather than vanishing.
		{"2026-03-01 14:05:09", "2026-03-01", "'\nlead cr", "3"},
		{"", "", "Łódź — Αθήνα — Москва — 東京", "1.25"},
		{"", "", "comma, \"quote\"\nnewline", "4"},
	}
	for _, bom := range []bool{false, true} {
		var buf bytes.Buffer
		w, err := NewCSV(&buf, cols, CSVOptions{BOM: bom})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := w.WriteRow(r...); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if got := bytes.HasPrefix(data, []byte("\uFEFF")); got != bom {
			t.Errorf("BOM %v: file starts with a BOM = %v", bom, got)
		}
		if !bytes.HasSuffix(data, []byte("\r\n")) {
			t.Errorf("rows should end in CRLF")
		}
		got, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d records, want %d", len(got), len(want))
		}
		for i := range want {
			if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("record %d = %q, want %q", i, got[i], want[i])
			}
		}
	}
}

func TestCSVRejects(t *testing.T) {
	var buf bytes.Buffer
	if _, err := NewCSV(&buf, nil, CSVOptions{}); err == nil {
		t.Error("NewCSV with no columns: want an error")
	}
	w, err := NewCSV(&buf, []Column{{Title: "A"}, {Title: "B"}}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow("only one"); err == nil {
		t.Error("short row: want an error")
	}
	if err := w.WriteRow(struct{}{}, "x"); err == nil {
		t.Error("struct value: want an error")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow("a", "b"); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteRow after Close = %v, want ErrClosed", err)
	}
}

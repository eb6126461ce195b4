package store

import (
	"encoding/json"
	"testing"

	"yardstick/internal/model"
)

// The log's changes column is written without reflection; it must stay
// byte for byte what json.Marshal wrote, which readers and exports parse.
func TestAppendChangesIsJSONMarshal(t *testing.T) {
	texts := []string{"", "period", "Jan 2024", "12.5", "a \"quoted\" \\ text", "<b>&amp;</b>", "tab\there\nline\r\x00\x1f",
		"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff utf-8", "\x7f del"}
	for _, a := range texts {
		for _, b := range texts {
			changes := []model.Change{{Field: "comment", Before: a, After: b}, {Field: a, Before: "", After: b}}
			want, err := json.Marshal(changes)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendChanges(nil, changes); string(got) != string(want) {
				t.Errorf("appendChanges(%q, %q) = %s, want %s", a, b, got, want)
			}
		}
	}
}

func FuzzAppendChanges(f *testing.F) {
	f.Add("actual", "1", "2")
	f.Add("comment", "<x>", "\u2028\xff")
	f.Fuzz(func(t *testing.T, field, before, after string) {
		changes := []model.Change{{Field: field, Before: before, After: after}}
		want, _ := json.Marshal(changes)
		if got := appendChanges(nil, changes); string(got) != string(want) {
			t.Errorf("appendChanges = %s, want %s", got, want)
		}
	})
}

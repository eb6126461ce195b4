package app_test

import (
	"strings"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/terms"
)

// The parsers' and the data grid's messages name terms in the words they are given (issue 18):
// an instance that renamed Measure, Tag and Target reads its own words.
func TestParserMessagesUseTerms(t *testing.T) {
	w := terms.Parse(terms.Encode(terms.Overrides{"measure": {"Gauge", "Gauges"}, "tag": {"Label", "Labels"}, "target": {"Goal", "Goals"}}))
	if _, msg := app.ParseNumber("1.5", 0, w); msg != "Use whole numbers for this gauge." {
		t.Errorf("whole numbers: %q", msg)
	}
	if _, msg := app.ParseNumber("1.555", 2, w); msg != "Use at most 2 decimals for this gauge." {
		t.Errorf("decimals: %q", msg)
	}
	if _, msg := app.ParseTags("a, b, c, d, e, f", w); msg != "Use at most 5 labels." {
		t.Errorf("too many tags: %q", msg)
	}
	if _, msg := app.ParseTags(strings.Repeat("x", 41), w); !strings.HasPrefix(msg, "A label ") {
		t.Errorf("a long tag: %q", msg)
	}
	// The data grid's cell errors name the column in those words, and
	// DataColumn reads them back in the same words.
	for msg, want := range map[string]string{"Jan 2026 goal: “x” is not a number.": "target", "Jan 2026 actual: “x” is not a number.": "actual"} {
		if got := app.DataColumn(msg, w); got != want {
			t.Errorf("DataColumn(%q) = %q, want %q", msg, got, want)
		}
	}
	if _, msg := app.ParseNumber("1.5", 0, terms.Defaults); msg != "Use whole numbers for this measure." {
		t.Errorf("defaults: %q", msg)
	}
}

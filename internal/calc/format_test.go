package calc

import (
	"math"
	"testing"
)

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v          *float64
		decimals   int
		unit       string
		unitBefore bool
		want       string
	}{
		{nil, 2, "$", true, ""},
		{f(math.NaN()), 2, "", false, ""},
		{f(math.Inf(-1)), 2, "", false, ""},
		{f(0), 0, "", false, "0"},
		{f(1234.5), 2, "$", true, "$1,234.50"},
		{f(45.2), 1, "%", false, "45.2%"},
		{f(45.25), 1, "%", false, "45.3%"}, // 45.25 is stored a hair above
		{f(-1234.5), 2, "$", true, "-$1,234.50"},
		{f(-45.2), 1, "%", false, "-45.2%"},
		{f(-0.04), 1, "%", false, "0.0%"}, // rounds to zero: no sign
		{f(-0.05), 1, "", false, "-0.1"},
		{f(999), 0, "", false, "999"},
		{f(1000), 0, "", false, "1,000"},
		{f(999.5), 0, "", false, "1,000"},
		{f(-1000000), 0, "", false, "-1,000,000"},
		{f(1234567.891), 3, "", false, "1,234,567.891"},
		{f(12), 0, "kg", false, "12 kg"},
		{f(12), 0, " people ", false, "12 people"},
		{f(12), 0, "USD", true, "USD 12"},
		{f(12), 0, "€", true, "€12"},
		{f(12), 0, "°C", false, "12°C"},
		{f(12), 0, "人", false, "12 人"},
		{f(1.23456789), 9, "", false, "1.234568"}, // clamped to 6
		{f(1.5), -1, "", false, "2"},              // clamped to 0
		{f(0.000001), 6, "", false, "0.000001"},
	}
	for _, tt := range tests {
		got := FormatValue(tt.v, tt.decimals, tt.unit, tt.unitBefore)
		if got != tt.want {
			t.Errorf("FormatValue(%s, %d, %q, %v) = %q, want %q", show(tt.v), tt.decimals, tt.unit, tt.unitBefore, got, tt.want)
		}
	}
}

func TestFormatPct(t *testing.T) {
	tests := []struct {
		v    *float64
		want string
	}{
		{nil, ""},
		{f(math.NaN()), ""},
		{f(4.5), "+4.5%"},
		{f(4.44), "+4.4%"},
		{f(-3), "-3.0%"},
		{f(0), "0.0%"},
		{f(0.04), "0.0%"},
		{f(-0.04), "0.0%"},
		{f(0.05), "+0.1%"},
		{f(1234.5), "+1,234.5%"},
	}
	for _, tt := range tests {
		if got := FormatPct(tt.v); got != tt.want {
			t.Errorf("FormatPct(%s) = %q, want %q", show(tt.v), got, tt.want)
		}
	}
}

func TestRoundHalfUp(t *testing.T) {
	tests := []struct {
		in   string
		d    int
		want string
	}{
		{"0", 0, "0"}, {"0", 2, "0.00"}, {"2.5", 0, "3"}, {"2.49", 0, "2"},
		{"9.995", 2, "10.00"}, {"99.5", 0, "100"}, {"1.005", 2, "1.01"},
		{"0.0049", 2, "0.00"}, {"12.3", 6, "12.300000"},
	}
	for _, tt := range tests {
		if got := roundHalfUp(tt.in, tt.d); got != tt.want {
			t.Errorf("roundHalfUp(%q, %d) = %q, want %q", tt.in, tt.d, got, tt.want)
		}
	}
}

package export

import "testing"

// TestNum pins how positions are written.
func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0", -0.0001: "0", 1.5: "1.5", -2.25: "-2.25", 841.8898: "841.89", 12.0004: "12", 0.1: "0.1", 3.999: "3.999", 3.9996: "4", -0.5: "-0.5"} {
		if got := string(num(nil, v)); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
}

package store

import (
	"testing"
	"time"
)

// textTime reads every layout the driver would, the store's own first.
func TestTextTime(t *testing.T) {
	cet := time.FixedZone("", 3600)
	for _, c := range []struct {
		in   any
		want time.Time
	}{
		{"2026-11-22 18:06:48.123456789+01:00", time.Date(2026, 11, 22, 18, 6, 48, 123456789, cet)},
		{"1970-01-01 00:00:00+00:00", time.Unix(0, 0)},
		{"2026-11-22T18:06:48-05:00", time.Date(2026, 11, 22, 23, 6, 48, 0, time.UTC)},
		{"2026-11-22 18:06:48", time.Date(2026, 11, 22, 18, 6, 48, 0, time.UTC)},
		{"2026-11-22T18:06:48.5Z", time.Date(2026, 11, 22, 18, 6, 48, 5e8, time.UTC)},
		{"2026-11-22 18:06", time.Date(2026, 11, 22, 18, 6, 0, 0, time.UTC)},
		{[]byte("2026-11-22"), time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	} {
		var x textTime
		if err := x.Scan(c.in); err != nil {
			t.Errorf("Scan(%v): %v", c.in, err)
			continue
		}
		if !x.t.Equal(c.want) {
			t.Errorf("Scan(%v) = %v, want %v", c.in, x.t, c.want)
		}
	}
	for _, bad := range []any{"yesterday", "", 42, nil} {
		var x textTime
		if err := x.Scan(bad); err == nil {
			t.Errorf("Scan(%#v) = %v, want an error", bad, x.t)
		}
	}
}

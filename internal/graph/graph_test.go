package graph

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yardstick/internal/calc"
	"yardstick/internal/period"
)

var update = flag.Bool("update", false, "rewrite testdata/*.svg from the current output")

func f(v float64) *float64 { return &v }

// series builds consecutive periods of fr from the first period containing
// start, with actuals and targets taken from the lists (nil is no data).
func series(fr period.Frequency, start time.Time, actuals, targets []*float64) []calc.Point {
	p := fr.At(start)
	out := make([]calc.Point, len(actuals))
	for i := range actuals {
		out[i] = calc.Point{Key: fr.Key(p), Label: fr.Label(p), Actual: actuals[i]}
		if i < len(targets) {
			out[i].Target = targets[i]
		}
		p = fr.Next(p)
	}
	return out
}

func vals(vs ...float64) []*float64 {
	out := make([]*float64, len(vs))
	for i := range vs {
		out[i] = f(vs[i])
	}
	return out
}

func repeat(v *float64, n int) []*float64 {
	out := make([]*float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func jan(year int) time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC) }

// monthly36 is three years of a higher-is-better rate whose target steps up
// each year, so the bands come in three blocks.
func monthly36() []calc.Point {
	actuals := vals(
		71.2, 72.5, 70.8, 73.9, 75.1, 74.0, 76.3, 77.8, 76.9, 78.4, 79.0, 80.2,
		79.5, 81.1, 82.6, 81.9, 83.4, 84.8, 83.7, 85.2, 86.0, 85.1, 87.3, 88.0,
		86.9, 88.4, 89.7, 90.5, 89.8, 91.2, 92.0, 91.4, 92.8, 93.5, 92.9, 94.1)
	targets := append(append(repeat(f(80), 12), repeat(f(85), 12)...), repeat(f(90), 12)...)
	pts := series(period.Monthly(), jan(2024), actuals, targets)
	pts[7].Comment = "Summer programme started"
	return pts
}

func cases() map[string]Chart {
	gaps := series(period.Monthly(), jan(2026), []*float64{
		f(12), f(15), nil, f(14), f(18), nil, nil, f(21), f(19), nil, f(24), f(26)},
		[]*float64{f(15), f(15), f(15), nil, nil, f(20), f(20), f(20), f(20), nil, f(25), f(25)})
	hostileText := `<script>alert("x")</script> & 'quotes' Niños listos — 日本語`
	hostile := series(period.Quarterly(), jan(2025), vals(40, 52, 61, 58), vals(50, 50, 60, 60))
	for i := range hostile {
		hostile[i].Label = hostile[i].Label + ` <b>&"'`
		hostile[i].Comment = hostileText + "\x00\x1b\xff"
	}
	hostile[2].Label = "日本語 第3四半期 2025"
	return map[string]Chart{
		"line_targets_bands_baseline": {
			Title: "Children ready for kindergarten", Points: monthly36(), ShowTargets: true,
			BaselineKey: "2024-03-01", Polarity: calc.HigherIsBetter, Bands: calc.DefaultBands(calc.HigherIsBetter),
			Decimals: 1, Unit: "%",
		},
		"bar": {
			Title: "Meals served", Type: Bar, ShowTargets: true,
			Points: series(period.Quarterly(), jan(2025), vals(11800, 12400, 13650, 12950, 14100, 15280, 14900, 16020),
				vals(12000, 12000, 13000, 13000, 14000, 14000, 15000, 15000)),
			Polarity: calc.HigherIsBetter, Bands: calc.DefaultBands(calc.HigherIsBetter),
		},
		"gaps": {
			Title: "Volunteers active", Points: gaps, ShowTargets: true,
			Polarity: calc.HigherIsBetter, Bands: calc.DefaultBands(calc.HigherIsBetter), Unit: "people",
		},
		"no_data": {
			Title: "New measure", ShowTargets: true,
			Points: series(period.Monthly(), jan(2026), []*float64{nil, nil, nil}, nil),
		},
		"lower_is_better": {
			Title: "Average days to placement", Points: series(period.Monthly(), jan(2025),
				vals(48, 46.5, 47, 44, 41.5, 43, 39, 37.5, 38, 35, 33.5, 34), repeat(f(40), 12)),
			ShowTargets: true, Polarity: calc.LowerIsBetter, Bands: calc.DefaultBands(calc.LowerIsBetter),
			Decimals: 1, Unit: "days",
		},
		"range": {
			Title: "Occupancy", Points: series(period.HalfYear(), jan(2022),
				vals(78, 88, 93, 97, 104, 112, 101, 99), repeat(f(95), 8)),
			ShowTargets: true, Polarity: calc.TargetRange, Bands: calc.DefaultBands(calc.TargetRange),
			Unit: "%", BaselineKey: "2023-01-01",
		},
		"manual_bounds": {
			Title: "Net budget position (clipped to -50 to 150)", YMin: f(-50), YMax: f(150),
			Points:      series(period.Annual(), jan(2019), vals(-120, -40, 20, 95, 180, 140, 60, 1e300), vals(0, 0, 50, 100, 100, 120, 120, 120)),
			ShowTargets: true, Polarity: calc.HigherIsBetter, Bands: calc.DefaultBands(calc.HigherIsBetter),
			Unit: "$", UnitBefore: true, Decimals: 2,
		},
		"manual_bounds_bar": {
			Title: "Net budget position", Type: Bar, YMin: f(-50), YMax: f(150),
			Points: series(period.Annual(), jan(2019), vals(-120, -40, 20, 95, 180, 140, 60, 0), nil),
			Unit:   "$", UnitBefore: true, Polarity: calc.NoPolarity,
		},
		"hostile": {
			Title: hostileText, Points: hostile, ShowTargets: true, Polarity: calc.HigherIsBetter,
			Bands: calc.DefaultBands(calc.HigherIsBetter), Unit: `<u>"€"</u>`, UnitBefore: true,
			ID: `x" onload="alert(1)`,
		},
	}
}

func TestGolden(t *testing.T) {
	for name, c := range cases() {
		t.Run(name, func(t *testing.T) {
			got := Render(c)
			checkSVG(t, got)
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render differs from %s; run go test ./internal/graph -update and review the diff", path)
			}
			if again := Render(c); !bytes.Equal(again, got) {
				t.Error("Render is not deterministic: a second call gave different bytes")
			}
		})
	}
}

// checkSVG asserts the rules every output keeps: well-formed XML with an
// <svg> root, no inline styles, no script.
func checkSVG(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var root string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "script" || se.Name.Local == "style" {
				t.Errorf("found a <%s> element", se.Name.Local)
			}
			for _, a := range se.Attr {
				if a.Name.Local == "style" || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Errorf("found a %s= attribute on <%s>", a.Name.Local, se.Name.Local)
				}
			}
		}
	}
	if root != "svg" {
		t.Errorf("root element is <%s>, want <svg>", root)
	}
	s := string(b)
	for _, bad := range []string{"style=", "<script", "NaN", "Inf"} {
		if strings.Contains(s, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
}

// A forecast is drawn dotted with hollow markers (told apart by shape, not
// colour alone), has its own legend entry, widens the scale and is in the
// text description.
func TestForecastSeries(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	svg := string(Render(Chart{Title: "Readiness", Points: []calc.Point{
		{Key: "2026-01-01", Label: "Jan 2026", Actual: f(10), Target: f(12)},
		{Key: "2026-02-01", Label: "Feb 2026", Actual: f(11), Target: f(12), Forecast: f(11)},
		{Key: "2026-03-01", Label: "Mar 2026", Forecast: f(40)},
	}, ShowTargets: true}))
	for _, want := range []string{`class="series-forecast"`, `stroke-dasharray="2 4"`, `>Forecast</text>`, "Forecast 40 in Mar 2026", "Mar 2026 forecast 40"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the graph lacks %q", want)
		}
	}
	if !strings.Contains(svg, ">40<") && !strings.Contains(svg, ">40.0<") && !strings.Contains(svg, ">45<") && !strings.Contains(svg, ">50<") {
		t.Errorf("the scale does not reach the forecast of 40")
	}
	plain := string(Render(Chart{Points: []calc.Point{{Key: "2026-01-01", Label: "Jan 2026", Actual: f(10)}}}))
	if strings.Contains(plain, "series-forecast") || strings.Contains(plain, ">Forecast<") {
		t.Error("a graph without forecasts draws or lists one")
	}
}

package graph

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"testing"

	"yardstick/internal/calc"
)

// recorder is a Surface that keeps what it is asked to draw.
type recorder struct {
	shapes int
	texts  []recorded
	clips  int // open clips
	bad    []string
}

type recorded struct{ x, y, text, anchor string }

func (r *recorder) coords(what string, vs ...float64) {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			r.bad = append(r.bad, what)
			return
		}
	}
}

func (r *recorder) Polygon(xy []float64, fill, stroke string, sw float64) {
	r.shapes++
	r.coords("polygon", xy...)
	if len(xy) < 6 || len(xy)%2 != 0 {
		r.bad = append(r.bad, "polygon with too few points")
	}
}

func (r *recorder) Polyline(xy []float64, stroke string, width float64, dash []float64) {
	r.shapes++
	r.coords("polyline", xy...)
	if len(xy) < 4 || len(xy)%2 != 0 || stroke == "" {
		r.bad = append(r.bad, "polyline with too few points or no colour")
	}
}

func (r *recorder) Circle(cx, cy, rad float64, fill, stroke string, sw float64) {
	r.shapes++
	r.coords("circle", cx, cy, rad)
}

func (r *recorder) Text(x, y float64, s string, size float64, anchor string, bold bool, fill string) {
	r.coords("text", x, y, size)
	r.texts = append(r.texts, recorded{num(x), num(y), s, anchor})
}

func (r *recorder) Clip(x, y, w, h float64) { r.clips++ }
func (r *recorder) EndClip()                { r.clips-- }

// svgDrawing is what an SVG shows as shapes and text: the drawn elements,
// leaving out the clip paths' rectangles and the invisible hit areas.
func svgDrawing(t *testing.T, b []byte) (shapes int, texts []recorded) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	inDefs, inText := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return shapes, texts
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "defs":
				inDefs = true
			case "rect", "line", "polyline", "path", "circle":
				if !inDefs && attr(tok, "class") != "hit" {
					shapes++
				}
			case "text":
				inText = true
				anchor := attr(tok, "text-anchor")
				if anchor == "" {
					anchor = "start"
				}
				texts = append(texts, recorded{x: attr(tok, "x"), y: attr(tok, "y"), anchor: anchor})
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "defs":
				inDefs = false
			case "text":
				inText = false
			}
		case xml.CharData:
			if inText {
				texts[len(texts)-1].text += string(tok)
			}
		}
	}
}

// TestSurfaceMatchesSVG checks that Draw hands a surface the same picture
// Render writes: as many shapes, and the same text at the same places.
func TestSurfaceMatchesSVG(t *testing.T) {
	charts := cases()
	f := func(v float64) *float64 { return &v }
	forecast := []calc.Point{
		{Key: "2026-01-01", Label: "Jan 2026", Actual: f(10), Target: f(12)},
		{Key: "2026-02-01", Label: "Feb 2026", Actual: f(11), Target: f(12), Forecast: f(11)},
		{Key: "2026-03-01", Label: "Mar 2026", Forecast: f(40)},
		{Key: "2026-04-01", Label: "Apr 2026", Forecast: f(41)},
		{Key: "2026-05-01", Label: "May 2026"},
		{Key: "2026-06-01", Label: "Jun 2026", Actual: f(-5), Target: f(2), Forecast: f(-3)},
	}
	charts["forecast_negative"] = Chart{Title: "Readiness", Points: forecast, ShowTargets: true,
		Polarity: calc.HigherIsBetter, Bands: calc.DefaultBands(calc.HigherIsBetter), BaselineKey: "2026-02-01"}
	charts["forecast_bar"] = Chart{Type: Bar, Points: forecast, ShowTargets: true,
		Polarity: calc.LowerIsBetter, Bands: calc.DefaultBands(calc.LowerIsBetter)}
	for name, c := range charts {
		t.Run(name, func(t *testing.T) {
			shapes, texts := svgDrawing(t, Render(c))
			var r recorder
			Draw(&r, c)
			if r.shapes != shapes {
				t.Errorf("surface got %d shapes, the SVG has %d", r.shapes, shapes)
			}
			if len(r.texts) != len(texts) {
				t.Fatalf("surface got %d texts, the SVG has %d:\n%v\n%v", len(r.texts), len(texts), r.texts, texts)
			}
			for i := range texts {
				if r.texts[i] != texts[i] {
					t.Errorf("text %d: surface got %+v, the SVG has %+v", i, r.texts[i], texts[i])
				}
			}
			if r.clips != 0 {
				t.Errorf("%d clips left open", r.clips)
			}
			if len(r.bad) > 0 {
				t.Errorf("bad drawing: %v", r.bad)
			}
		})
	}
}

// The words a surface shows beside the picture are the SVG's <desc>.
func TestDescribeIsTheDesc(t *testing.T) {
	for name, c := range cases() {
		var desc struct {
			Desc string `xml:"desc"`
		}
		if err := xml.Unmarshal(Render(c), &desc); err != nil {
			t.Fatal(err)
		}
		if got := Describe(c); got != desc.Desc || got == "" {
			t.Errorf("%s: Describe = %q, <desc> = %q", name, got, desc.Desc)
		}
	}
}

func TestOverWhite(t *testing.T) {
	for _, tc := range []struct{ hex, op, want string }{
		{"#2e7d32", "0.10", "#eaf2eb"},
		{"#000000", "0.5", "#808080"},
		{"#ff0000", "1", "#ff0000"},
		{"#123456", "0", "#ffffff"},
		{"red", "0.5", "red"}, // not a hex colour: left alone
	} {
		if got := overWhite(tc.hex, tc.op); got != tc.want {
			t.Errorf("overWhite(%q, %q) = %q, want %q", tc.hex, tc.op, got, tc.want)
		}
	}
}

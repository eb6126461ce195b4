package graph

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/calc"
)

// TestEveryPeriodHasATitle checks the hover text: one <title> per period,
// carrying its label, actual, target and comment.
func TestEveryPeriodHasATitle(t *testing.T) {
	c := cases()["line_targets_bands_baseline"]
	titles := pointTitles(t, Render(c))
	if len(titles) != len(c.Points) {
		t.Fatalf("got %d point titles, want %d", len(titles), len(c.Points))
	}
	want := "Aug 2024\nActual: 77.8% (near target)\nTarget: 80.0%\nSummer programme started"
	if titles[7] != want {
		t.Errorf("title of Aug 2024 = %q, want %q", titles[7], want)
	}
	if !strings.Contains(titles[2], "Baseline period") {
		t.Errorf("title of the baseline period = %q, want it to say so", titles[2])
	}
}

// TestHostileTextSurvives checks that hostile text comes back out of the
// XML as text, not markup.
func TestHostileTextSurvives(t *testing.T) {
	c := cases()["hostile"]
	out := Render(c)
	titles := pointTitles(t, out)
	want := `<script>alert("x")</script> & 'quotes' Niños listos — 日本語` + "\uFFFD\uFFFD\uFFFD"
	if !strings.HasSuffix(titles[0], want) {
		t.Errorf("comment in title = %q, want it to end with %q", titles[0], want)
	}
	if !strings.Contains(titles[2], "日本語 第3四半期 2025") {
		t.Errorf("title = %q, want the Japanese label intact", titles[2])
	}
	if bytes.Contains(out, []byte(`onload="`)) {
		t.Error("the ID escaped its attribute")
	}
}

func TestGapsBreakTheLine(t *testing.T) {
	out := string(Render(cases()["gaps"]))
	actual := section(out, `<g class="series-actual"`)
	// Runs: Jan–Feb, Apr–May, Aug–Sep, Nov–Dec.
	if got := strings.Count(actual, "<polyline"); got != 4 {
		t.Errorf("actual line has %d pieces, want 4", got)
	}
	if got := strings.Count(out, ` class="marker`); got != 8 {
		t.Errorf("%d markers, want 8 (one per actual)", got)
	}
	target := section(out, `<g class="series-target"`)
	if got := strings.Count(target, "<polyline"); got != 3 {
		t.Errorf("target line has %d pieces, want 3", got)
	}
}

func TestNoTargetsNoBands(t *testing.T) {
	c := cases()["line_targets_bands_baseline"]
	c.ShowTargets = false
	out := string(Render(c))
	for _, s := range []string{`class="band`, `series-target`, "Target:"} {
		if strings.Contains(out, s) {
			t.Errorf("with ShowTargets off the output contains %q", s)
		}
	}
	c.ShowTargets, c.Polarity = true, calc.NoPolarity
	out = string(Render(c))
	if strings.Contains(out, `class="band`) || !strings.Contains(out, "series-target") {
		t.Error("without polarity, want the target line but no bands")
	}
}

func TestBaselineOutsideShownPeriods(t *testing.T) {
	c := cases()["line_targets_bands_baseline"]
	c.BaselineKey = "1999-01-01"
	if out := string(Render(c)); strings.Contains(out, `class="baseline"`) {
		t.Error("a baseline outside the periods shown was drawn")
	}
}

// TestXLabelsDoNotOverlap checks the thinning with the same width estimate
// the renderer uses, at several sizes.
func TestXLabelsDoNotOverlap(t *testing.T) {
	re := regexp.MustCompile(`<text class="x-label" x="([0-9.]+)"[^>]*>([^<]*)</text>`)
	for _, width := range []int{300, 480, 720, 1200} {
		c := cases()["line_targets_bands_baseline"]
		c.Width = width
		out := string(Render(c))
		var prevLeft = math.Inf(1)
		ms := re.FindAllStringSubmatch(out, -1)
		if len(ms) < 2 {
			t.Errorf("width %d: %d x labels, want at least 2", width, len(ms))
		}
		for _, m := range ms { // written right to left
			x, _ := strconv.ParseFloat(m[1], 64)
			half := textWidth(m[2], labelSize) / 2
			if x+half > prevLeft {
				t.Errorf("width %d: label %q at %g overlaps the next one", width, m[2], x)
			}
			prevLeft = x - half
		}
	}
}

func TestRenderToMatchesRender(t *testing.T) {
	c := cases()["bar"]
	var b bytes.Buffer
	if err := RenderTo(&b, c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), Render(c)) {
		t.Error("RenderTo and Render differ")
	}
}

func TestIDsDifferBetweenCharts(t *testing.T) {
	a, b := cases()["bar"], cases()["gaps"]
	if chartID(a) == chartID(b) {
		t.Errorf("two different charts share the id %s", chartID(a))
	}
	a.ID = "m-42"
	if got := chartID(a); got != "g-m-42" {
		t.Errorf("chartID with ID m-42 = %q, want g-m-42", got)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Title", "line", 1.0, 2.0, 3.0, 0.0, 5.0, true, "higher", "<&>", uint8(0))
	f.Add("", "bar", -1e300, math.NaN(), 0.0, -5.0, -5.0, false, "range", "\x00\xff", uint8(9))
	f.Add("日本語", "bar", 0.0, 0.0, 0.0, 1.0, 0.0, true, "lower", "", uint8(200))
	f.Fuzz(func(t *testing.T, title, typ string, a, b, tg, ymin, ymax float64, show bool, pol, text string, n uint8) {
		pts := make([]calc.Point, int(n%40))
		for i := range pts {
			pts[i] = calc.Point{Key: strconv.Itoa(i), Label: text, Comment: text}
			if i%3 != 1 {
				v := a + b*float64(i)
				pts[i].Actual = &v
			}
			if i%4 != 2 {
				pts[i].Target = &tg
			}
		}
		c := Chart{Title: title, Type: typ, Points: pts, ShowTargets: show, Polarity: calc.Polarity(pol),
			Bands: calc.DefaultBands(calc.Polarity(pol)), Unit: text, Width: int(n) * 7, Height: int(n) * 3}
		if n%2 == 0 {
			c.YMin, c.YMax = &ymin, &ymax
		}
		out := Render(c)
		checkSVG(t, out)
		if !bytes.Equal(out, Render(c)) {
			t.Fatal("not deterministic")
		}
		// A surface gets the same picture, in finite numbers.
		var r recorder
		Draw(&r, c)
		if len(r.bad) > 0 || r.clips != 0 {
			t.Fatalf("surface drawing: %v, %d clips open", r.bad, r.clips)
		}
		if shapes, texts := svgDrawing(t, out); r.shapes != shapes || len(r.texts) != len(texts) {
			t.Fatalf("surface got %d shapes and %d texts, the SVG %d and %d", r.shapes, len(r.texts), shapes, len(texts))
		}
	})
}

func BenchmarkRender36(b *testing.B) {
	c := cases()["line_targets_bands_baseline"]
	b.ReportAllocs()
	for b.Loop() {
		Render(c)
	}
}

// pointTitles returns the text of each period's <title>, unescaped.
func pointTitles(t *testing.T, svg []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	inPoint := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch {
			case se.Name.Local == "g" && attr(se, "class") == "point":
				inPoint = true
			case se.Name.Local == "title" && inPoint:
				var s string
				if err := d.DecodeElement(&s, &se); err != nil {
					t.Fatal(err)
				}
				out = append(out, s)
				inPoint = false
			}
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// section returns the text from the first occurrence of start to the next
// "</g>".
func section(s, start string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], "</g>")
	return s[i : i+j]
}

package export

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/calc"
	"yardstick/internal/graph"
)

// figureChart is a graph with what a figure must carry: bands, a gap, a
// negative value, a forecast, the baseline and text in other scripts.
func figureChart(typ string) graph.Chart {
	f := func(v float64) *float64 { return &v }
	return graph.Chart{Type: typ, ShowTargets: true, Polarity: calc.HigherIsBetter, Bands: calc.DefaultBands(calc.HigherIsBetter),
		Unit: "%", Decimals: 1, BaselineKey: "2026-02-01", Width: 1000, Height: 250,
		Points: []calc.Point{
			{Key: "2026-01-01", Label: "Jan 2026", Actual: f(62), Target: f(80)},
			{Key: "2026-02-01", Label: "Feb 2026", Actual: f(-12.5), Target: f(80)},
			{Key: "2026-03-01", Label: "Mar 2026", Target: f(80)},
			{Key: "2026-04-01", Label: "Apr 2026", Actual: f(79), Target: f(85)},
			{Key: "2026-05-01", Label: "Mai 2026 日本", Actual: f(91), Target: f(85), Forecast: f(91)},
			{Key: "2026-06-01", Label: "Jun 2026", Forecast: f(95)},
		}}
}

// svgTexts is the text of a rendered graph's labels by class.
func svgTexts(t *testing.T, svg []byte, class string) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	in := false
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = false
			for _, a := range tok.Attr {
				if a.Name.Local == "class" && a.Value == class {
					in = true
				}
			}
		case xml.CharData:
			if in {
				out = append(out, string(tok))
				in = false
			}
		}
	}
}

// TestPDFFigures writes rows, three graphs and a row after them, and reads
// the text back: the graphs sit two to a page after the table, each with
// its heading, tick and period labels and the words that describe it, and
// the late row starts a table page with its column header again.
func TestPDFFigures(t *testing.T) {
	var buf bytes.Buffer
	p, err := NewPDF(&buf, pdfMeta, activityColumns())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := p.WriteRow(activityRow(i)...); err != nil {
			t.Fatal(err)
		}
	}
	headings := []string{"Children ready for kindergarten", "Meals served (bars)", "Łódź volunteers — 日本語"}
	charts := []graph.Chart{figureChart(graph.Line), figureChart(graph.Bar), figureChart(graph.Line)}
	for i, c := range charts {
		err := p.AddFigure(headings[i], graph.Describe(c), float64(c.Width), float64(c.Height), func(f *Figure) { graph.Draw(f, c) })
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := p.WriteRow(activityRow(3)...); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	pages := mustReadPDF(t, data)
	if len(pages) != 4 {
		t.Fatalf("got %d pages, want 4 (table, two figures, one figure, table):\n%q", len(pages), pages)
	}
	items := func(page []string) []string {
		var out []string
		for _, l := range page {
			out = append(out, strings.Split(l, " | ")...)
		}
		return out
	}
	for n, figs := range [][]int{1: {0, 1}, 2: {2}} {
		if figs == nil {
			continue
		}
		got := items(pages[n])
		text := strings.Join(got, " ")
		for _, i := range figs {
			svg := graph.Render(charts[i])
			want := append([]string{headings[i], "Baseline", "Actual", "Target", "Forecast"}, svgTexts(t, svg, "tick-label")...)
			want = append(want, svgTexts(t, svg, "x-label")...)
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("page %d lacks %q:\n%s", n+1, w, strings.Join(pages[n], "\n"))
				}
			}
			if desc := graph.Describe(charts[i]); !strings.Contains(text, desc) {
				t.Errorf("page %d lacks the summary %q:\n%s", n+1, desc, strings.Join(pages[n], "\n"))
			}
		}
		if strings.Contains(text, headerLine) || strings.Contains(text, "row-0000") {
			t.Errorf("figure page %d carries the table", n+1)
		}
	}
	for _, n := range []int{0, 3} {
		if !strings.Contains(strings.Join(pages[n], "\n"), headerLine) {
			t.Errorf("table page %d lacks the column header", n+1)
		}
	}
	if all := strings.Join(flatten(pages), "\n"); strings.Count(all, "row-000003") != 1 || strings.Count(all, "row-000000") != 1 {
		t.Error("rows before and after the figures are not each there once")
	}
	renderPNGPage(t, data, "pdf-figures", 2)
}

// A figure needs a size; a closed writer takes none.
func TestPDFFigureRefused(t *testing.T) {
	var buf bytes.Buffer
	p, err := NewPDF(&buf, pdfMeta, activityColumns())
	if err != nil {
		t.Fatal(err)
	}
	draw := func(*Figure) {}
	if err := p.AddFigure("x", "", 0, 10, draw); err == nil {
		t.Error("a figure of width 0 was taken")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.AddFigure("x", "", 10, 10, draw); err != ErrClosed {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

// TestPDFFigureMemory writes a thousand figures, fifty times a report's
// limit: each is drawn into its page's stream, which is written to the
// spool once the page is full, so the heap stays small. (The file is only
// a few MiB, so this guards against gross retention, such as keeping each
// figure's drawing, rather than proving flatness as TestPDFMemory does.)
func TestPDFFigureMemory(t *testing.T) {
	c := figureChart(graph.Line)
	base := c.Points
	c.Points = nil
	for i := range 6 {
		for _, pt := range base {
			pt.Key += "-" + string(rune('a'+i))
			c.Points = append(c.Points, pt)
		}
	}
	out := &countingWriter{}
	var pages int
	peak := peakHeap(func() {
		p, err := NewPDF(out, pdfMeta, activityColumns())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 1000 {
			if err := p.AddFigure("Figure "+strconv.Itoa(i), graph.Describe(c), 1000, 250, func(f *Figure) { graph.Draw(f, c) }); err != nil {
				t.Fatal(err)
			}
		}
		pages = len(p.pages)
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("1,000 figures: %d pages, %.1f MiB file, peak heap %.1f MiB", pages, float64(out.n)/mib, float64(peak)/mib)
	if pages != 501 {
		t.Errorf("%d pages, want 501 (the table's and two figures a page)", pages)
	}
	if peak > 32*mib {
		t.Errorf("peak heap %.1f MiB, want at most 32 MiB", float64(peak)/mib)
	}
}

package graph

import (
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strings"

	"yardstick/internal/calc"
)

// Chart types.
const (
	Line = "line"
	Bar  = "bar"
)

// Default size in SVG user units; the viewBox keeps it scalable.
const (
	DefaultWidth  = 720
	DefaultHeight = 320
)

// Chart is everything needed to draw one measure's graph.
type Chart struct {
	Title       string
	Type        string       // Line (the default) or Bar
	Points      []calc.Point // in period order; shown periods only
	ShowTargets bool         // draw targets, and the colour bands around them
	// BaselineKey marks the baseline period. Empty means the first period
	// with an actual; a key not among Points draws no baseline, because the
	// real baseline lies outside the periods shown.
	BaselineKey string
	Polarity    calc.Polarity
	Bands       calc.Bands
	YMin, YMax  *float64 // manual axis bounds; nil means automatic
	Decimals    int
	Unit        string
	UnitBefore  bool
	Width       int // DefaultWidth when 0
	Height      int // DefaultHeight when 0
	// ID prefixes the ids inside the SVG (title, desc, clip path) so several
	// graphs can be inlined in one page. Empty means one derived from the
	// content, which is stable across renders.
	ID string
}

// Render returns the chart as a standalone SVG document.
func Render(c Chart) []byte {
	var w svgWriter
	render(&pen{svg: &w}, c)
	return w.Bytes()
}

// RenderTo writes the chart as a standalone SVG document to out.
func RenderTo(out io.Writer, c Chart) error {
	var w svgWriter
	render(&pen{svg: &w}, c)
	_, err := out.Write(w.Bytes())
	return err
}

// Font sizes and fixed spacing, in user units.
const (
	titleSize = 15.0
	labelSize = 11.0
	pad       = 12.0
)

// plan is the chart after the arithmetic: where everything goes.
type plan struct {
	c              Chart
	id             string
	w, h           float64
	left, right    float64 // plot area, pixels
	top, bottom    float64
	step           float64 // width of one period's column
	y              yScale
	baseline       int  // index into c.Points, or -1
	bar            bool // bar chart
	bands, targets bool // draw colour bands, target line
	coloured       bool // some actual has a band colour
}

// x returns the centre of period i's column.
func (p *plan) x(i int) float64 { return p.left + (float64(i)+0.5)*p.step }

func (p *plan) value(v float64, decimals int) string {
	return calc.FormatValue(&v, decimals, p.c.Unit, p.c.UnitBefore)
}

// newPlan settles the chart's size and cleans its text; layout does the rest.
func newPlan(c Chart) *plan {
	if c.Width <= 0 {
		c.Width = DefaultWidth
	}
	if c.Height <= 0 {
		c.Height = DefaultHeight
	}
	// Below this nothing legible fits; clamping beats a negative plot size.
	c.Width, c.Height = max(c.Width, 200), max(c.Height, 120)
	c.Title = cleanLine(c.Title)
	c.Unit = cleanLine(c.Unit)
	return &plan{c: c, id: chartID(c), w: float64(c.Width), h: float64(c.Height),
		bar: c.Type == Bar, baseline: baselineIndex(c)}
}

func render(w *pen, c Chart) {
	p := newPlan(c)
	c = p.c
	lo, hi, ok := extent(c)
	kind := Line
	if p.bar {
		kind = Bar
	}
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="%s">`+"\n",
		kind, c.Width, c.Height, c.Width, c.Height, p.id, p.id, num(labelSize))
	title := c.Title
	if title == "" {
		title = "Graph"
	}
	w.printf("<title id=\"%s-title\">%s</title>\n", p.id, esc(title))
	w.printf("<desc id=\"%s-desc\">%s</desc>\n", p.id, esc(describe(p, ok)))
	w.printf(`<rect class="chart-bg" width="%d" height="%d" fill="#ffffff"/>`+"\n", c.Width, c.Height)
	w.rect(0, 0, p.w, p.h, "#ffffff", "", 0)
	top := pad
	if c.Title != "" {
		title := fit(c.Title, titleSize, p.w-2*pad)
		w.printf(`<text class="chart-title" x="%s" y="%s" font-size="%s" font-weight="600" fill="#1d2733">%s</text>`+"\n",
			num(pad), num(pad+titleSize-2), num(titleSize), esc(title))
		w.text(pad, pad+titleSize-2, title, titleSize, "start", true, colInk)
		top += titleSize + 10
	}
	if !ok {
		x, y, fw, fh := pad, top+4, p.w-2*pad, p.h-top-4-pad
		w.printf(`<rect class="no-data-frame" x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#d8dee6" stroke-dasharray="4 4" rx="4"/>`+"\n",
			num(x), num(y), num(fw), num(fh))
		w.polyline("#d8dee6", 1, []float64{4, 4}, x, y, x+fw, y, x+fw, y+fh, x, y+fh, x, y)
		w.printf(`<text class="no-data" x="%s" y="%s" text-anchor="middle" font-size="14" fill="#5b6776">No data yet</text>`+"\n",
			num(p.w/2), num((top+p.h)/2))
		w.text(p.w/2, (top+p.h)/2, "No data yet", 14, "middle", false, colMuted)
		w.printf("</svg>\n")
		return
	}

	p.layout(top, lo, hi)

	// Two clips: lines stop exactly at the plot edge, markers may overhang
	// it by their radius so a value on the top tick shows a whole dot.
	w.printf(`<defs><clipPath id="%s-clip"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>`+
		`<clipPath id="%s-clipm"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath></defs>`+"\n",
		p.id, num(p.left), num(p.top), num(p.right-p.left), num(p.bottom-p.top),
		p.id, num(p.left), num(p.top-6), num(p.right-p.left), num(p.bottom-p.top+12))
	drawBands(w, p)
	drawGrid(w, p)
	drawXLabels(w, p)
	drawBaseline(w, p)
	// Targets go under a line but over bars, which would otherwise hide them.
	if p.bar {
		drawPoints(w, p)
		drawTargets(w, p)
		drawForecast(w, p)
	} else {
		drawTargets(w, p)
		drawForecast(w, p)
		drawLine(w, p)
		drawPoints(w, p)
	}
	drawLegend(w, p)
	w.printf("</svg>\n")
}

// layout settles what to draw and where, below a header of height top,
// for values spanning [lo, hi].
func (p *plan) layout(top, lo, hi float64) {
	c := p.c
	p.top, p.bottom = top+4, p.h-44
	p.targets = c.ShowTargets && anyTarget(c.Points)
	p.bands = p.targets && calc.Regions(c.Polarity, c.Bands, 1) != nil
	for _, pt := range c.Points {
		if calc.ColorOf(c.Polarity, c.Bands, pt.Actual, pt.Target) != calc.None {
			p.coloured = true
			break
		}
	}
	// About one grid line per 45 units of height.
	p.y = domain(lo, hi, true, c.YMin, c.YMax, p.bar, max(2, int((p.bottom-p.top)/45)))
	p.y.top, p.y.bot = p.top, p.bottom
	// The left margin fits the widest tick label, within reason.
	var labelW float64
	for _, t := range p.y.ticks {
		labelW = math.Max(labelW, textWidth(p.value(t, p.y.decimals), labelSize))
	}
	p.left = math.Min(math.Max(labelW+pad+6, 36), p.w/3)
	p.right = p.w - pad - 4
	p.step = (p.right - p.left) / float64(len(c.Points))
}

// extent returns the range of the values to show: actuals, and targets when
// shown. ok is false when there is nothing to draw.
func extent(c Chart) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	add := func(v *float64) {
		if v != nil && finite(*v) {
			lo, hi, ok = math.Min(lo, *v), math.Max(hi, *v), true
		}
	}
	for _, pt := range c.Points {
		add(pt.Actual)
		add(pt.Forecast)
		if c.ShowTargets {
			add(pt.Target)
		}
	}
	return lo, hi, ok
}

func anyForecast(points []calc.Point) bool {
	for _, pt := range points {
		if pt.Forecast != nil && finite(*pt.Forecast) {
			return true
		}
	}
	return false
}

func anyTarget(points []calc.Point) bool {
	for _, pt := range points {
		if pt.Target != nil && finite(*pt.Target) {
			return true
		}
	}
	return false
}

// baselineIndex is calc.BaselineIndex, except that a key not among the
// points marks nothing (see Chart.BaselineKey).
func baselineIndex(c Chart) int {
	i := calc.BaselineIndex(c.Points, c.BaselineKey)
	if i >= 0 && c.BaselineKey != "" && c.Points[i].Key != c.BaselineKey {
		return -1
	}
	return i
}

// chartID returns c.ID made safe for an XML id, or one hashed from the
// content so that two different graphs in one page get different ids.
func chartID(c Chart) string {
	if c.ID != "" {
		var b strings.Builder
		b.WriteString("g-")
		for _, r := range c.ID {
			if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		return b.String()
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%q %q %v %q %s %v %d %d", c.Title, c.Type, c.ShowTargets, c.BaselineKey, c.Polarity, c.Bands, c.Width, c.Height)
	for _, pt := range c.Points {
		fmt.Fprintf(h, "|%q %s %s %q", pt.Key, fval(pt.Actual), fval(pt.Target), pt.Comment)
	}
	return fmt.Sprintf("g-%016x", h.Sum64())
}

func fval(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprint(*v)
}

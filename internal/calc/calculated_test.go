package calc

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"yardstick/internal/period"
)

// series writes a series compactly: "1 _ 3" is 1, no value, 3.
func series(s string) []*float64 {
	var out []*float64
	for _, w := range strings.Fields(s) {
		if w == "_" {
			out = append(out, nil)
			continue
		}
		var v float64
		if _, err := fmt.Sscan(w, &v); err != nil {
			panic(err)
		}
		out = append(out, &v)
	}
	return out
}

func showSeries(vs []*float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = "_"
		if v != nil {
			parts[i] = fmt.Sprintf("%g", *v)
		}
	}
	return strings.Join(parts, " ")
}

func TestCompute(t *testing.T) {
	one := []int{2024, 2024, 2024, 2024}
	tests := []struct {
		name  string
		c     Calculation
		years []int
		in    []string
		want  string
	}{
		{"sum", Calculation{Method: Sum}, one, []string{"1 2 _ 4", "10 _ 30 40"}, "11 _ _ 44"},
		{"sum of what is there", Calculation{Method: Sum, Partial: true}, one, []string{"1 2 _ _", "10 _ 30 _"}, "11 2 30 _"},
		{"average", Calculation{Method: Average}, one, []string{"1 2 3 _", "3 4 6 1"}, "2 3 4.5 _"},
		{"average of what is there", Calculation{Method: Average, Partial: true}, one, []string{"1 _ 3 _", "3 4 _ _"}, "2 4 3 _"},
		{"min", Calculation{Method: Min}, one, []string{"1 5 -3 _", "3 4 6 1"}, "1 4 -3 _"},
		{"max of what is there", Calculation{Method: Max, Partial: true}, one, []string{"1 _ -3 _", "3 4 -6 _"}, "3 4 -3 _"},
		{"count needs every input", Calculation{Method: Count}, one, []string{"1 _ 0 _", "3 4 6 _"}, "2 _ 2 _"},
		{"count of what is there", Calculation{Method: Count, Partial: true}, one, []string{"1 _ 0 _", "3 4 6 _"}, "2 1 2 0"},
		{"percent", Calculation{Method: Percent}, one, []string{"1 5 0 _", "4 0 6 1"}, "25 _ 0 _"},
		{"ratio, zero denominator has no value", Calculation{Method: Ratio}, one, []string{"1 5 -3 2", "4 0 6 _"}, "0.25 _ -0.5 _"},
		{"formula", Calculation{Method: Formula, Formula: "(A + B) / C * 100"}, one, []string{"1 2 3 4", "1 2 3 _", "4 0 3 1"}, "50 _ 200 _"},
		{"formula with a constant", Calculation{Method: Formula, Formula: "-A + 2.5"}, one, []string{"1 _ 2.5 -1"}, "1.5 _ 0 3.5"},
		{"total sum runs past gaps", Calculation{Method: TotalSum}, one, []string{"1 _ 3 4"}, "1 _ 4 8"},
		{"total average", Calculation{Method: TotalAverage}, one, []string{"2 _ 4 6"}, "2 _ 3 4"},
		{"ytd sum restarts each year", Calculation{Method: YTDSum}, []int{2024, 2024, 2025, 2025}, []string{"1 2 3 4"}, "1 3 3 7"},
		{"ytd average restarts each year", Calculation{Method: YTDAverage}, []int{2024, 2024, 2025, 2025}, []string{"1 3 _ 4"}, "1 2 _ 4"},
		{"inputs shorter than the periods", Calculation{Method: Sum}, one, []string{"1 2", "1 2 3"}, "2 4 _ _"},
		{"huge values overflow to no value", Calculation{Method: Sum}, []int{2024}, []string{"1e308", "1e308"}, "_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.c.Check(len(tt.in)); err != nil {
				t.Fatalf("Check: %v", err)
			}
			in := make([][]*float64, len(tt.in))
			for i, s := range tt.in {
				in[i] = series(s)
			}
			if got := showSeries(tt.c.Compute(tt.years, in)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestYTDAcrossAFiscalYearStartingInJuly accumulates a monthly measure
// whose fiscal year starts on 1 July: the run restarts at July, not at
// January.
func TestYTDAcrossAFiscalYearStartingInJuly(t *testing.T) {
	f, err := period.NewCustom(12, time.July, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	start := f.At(time.Date(2024, time.April, 1, 0, 0, 0, 0, time.UTC))
	periods := f.Range(start, f.Add(start, 5)) // Apr 2024 … Sep 2024
	years := make([]int, len(periods))
	var in []*float64
	for i, p := range periods {
		years[i] = p.Year
		v := float64(i + 1)
		in = append(in, &v)
	}
	got := showSeries(Calculation{Method: YTDSum}.Compute(years, [][]*float64{in}))
	// Apr 1, May 2, Jun 3 (FY2024: 1, 3, 6); Jul 4, Aug 5, Sep 6 (FY2025: 4, 9, 15).
	if want := "1 3 6 4 9 15"; got != want {
		t.Errorf("YTD sum = %s, want %s (years %v)", got, want, years)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		c     Calculation
		n     int
		field string // "" when valid
		msg   string
	}{
		{Calculation{Method: Sum}, 3, "", ""},
		{Calculation{Method: "median"}, 2, "method", "Choose how"},
		{Calculation{Method: Sum}, 0, "inputs", "at least one"},
		{Calculation{Method: Sum}, 27, "inputs", "at most 26"},
		{Calculation{Method: Percent}, 3, "inputs", "exactly two"},
		{Calculation{Method: Ratio}, 2, "", ""},
		{Calculation{Method: YTDSum}, 2, "inputs", "exactly one"},
		{Calculation{Method: TotalAverage}, 1, "", ""},
		{Calculation{Method: Percent, Partial: true}, 2, "method", "Only Sum"},
		{Calculation{Method: Formula, Formula: "A + C"}, 2, "formula", "uses C, but there are only 2 inputs (A and B)"},
		{Calculation{Method: Formula, Formula: "A +"}, 1, "formula", "At character 4"},
		{Calculation{Method: Formula, Formula: "A * 2"}, 1, "", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d/%s", tt.c.Method, tt.n, tt.c.Formula), func(t *testing.T) {
			_, err := tt.c.Check(tt.n)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var de *DefinitionError
			if !errors.As(err, &de) || de.Field != tt.field || !strings.Contains(de.Msg, tt.msg) {
				t.Errorf("Check = %v, want a %s error containing %q", err, tt.field, tt.msg)
			}
		})
	}
}

func TestParseErrorsPointAtTheProblem(t *testing.T) {
	tests := []struct{ formula, want string }{
		{"", "Write a formula"},
		{"   ", "Write a formula"},
		{"A +", "At character 4: the formula ends"},
		{"A + * B", "At character 5: “*” needs something on its left"},
		{"(A + B", "At character 1: this “(” is never closed"},
		{"A + B)", "At character 6: this “)” closes no “(”"},
		{"A B", "At character 3: expected an operator"},
		{"AB + 1", "At character 1: inputs are single letters"},
		{"A + 1.2.3", "At character 5: “1.2.3” is not a number"},
		{"A ^ 2", "At character 3: expected an operator"},
		{"sum(A)", "At character 1: inputs are single letters"},
		{"A + é", "At character 5: “é” cannot be used"},
		{"A + =HYPERLINK(1)", "At character 5: “=” cannot be used"},
		{"()", "At character 2: a number, an input or “(” should come before “)”"},
		{strings.Repeat("(", 60) + "A" + strings.Repeat(")", 60), "nests more than 50"},
		{strings.Repeat("A+", 300) + "A", "at most 500 characters"},
		{"A\x00", "At character 2: expected an operator (+ - * /) before “U+0000”"},
		{"\x00", "At character 1: “U+0000” cannot be used"},
		{"A +\u00a0B", "At character 4: “U+00A0” cannot be used"},
		{"\xff", "not valid text"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.formula)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tt.formula, err, tt.want)
		}
	}
}

func TestParseAndEval(t *testing.T) {
	a, b, c := 6.0, 3.0, 0.0
	vals := []*float64{&a, &b, &c}
	tests := []struct {
		formula string
		want    float64
		ok      bool
	}{
		{"A + B * 2", 12, true},
		{"(A + B) * 2", 18, true},
		{"A - B - 1", 2, true},
		{"A / B / 2", 1, true},
		{"-A + -(-B)", -3, true},
		{"a * b", 18, true},
		{"A / C", 0, false},
		{"A / (B - 3)", 0, false},
		{".5 * A", 3, true},
		{"D", 0, false},
		{" 7 ", 7, true},
	}
	for _, tt := range tests {
		e, err := Parse(tt.formula)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.formula, err)
			continue
		}
		got, ok := e.Eval(vals)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%q = %v, %v; want %v, %v", tt.formula, got, ok, tt.want, tt.ok)
		}
		back, err := Parse(e.String())
		if err != nil || back.String() != e.String() {
			t.Errorf("%q: written back as %q, which reads as %v (%v)", tt.formula, e.String(), back, err)
		}
	}
}

// TestFormulaString: a formula is written back with only the parentheses
// its structure needs, so it never nests deeper than what was typed.
func TestFormulaString(t *testing.T) {
	tests := []struct{ formula, want string }{
		{"A+B+C", "A + B + C"},
		{"A-(B-C)", "A - (B - C)"},
		{"(A-B)-C", "A - B - C"},
		{"A*(B+C)", "A * (B + C)"},
		{"(A*B)+C", "A * B + C"},
		{"A/(B*C)", "A / (B * C)"},
		{"-(A+B)", "-(A + B)"},
		{"-A*B", "-A * B"},
		{"-(A*B)", "-(A * B)"},
		{"A - -B", "A - -B"},
		{"+A", "A"},
		{"((A))", "A"},
		{strings.Repeat("-", 49) + "0", strings.Repeat("-", 49) + "0"},
		{strings.Repeat("A+", 200) + "A", strings.TrimSuffix(strings.Repeat("A + ", 201), " + ")},
	}
	for _, tt := range tests {
		e, err := Parse(tt.formula)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.formula, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("%q written back as %q, want %q", tt.formula, got, tt.want)
		}
	}
}

// FuzzFormula: whatever is typed, Parse answers without panicking; what
// parses writes back to a formula that parses to the same thing and
// evaluates the same.
func FuzzFormula(f *testing.F) {
	for _, s := range []string{"A + B", "(A + B) / C * 100", "-A", "1.5 * (A - -B)", "A / 0", "((A))", "A++B", ")", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var fe *FormulaError
			if !errors.As(err, &fe) || fe.Msg == "" {
				t.Fatalf("Parse(%q): %v is not a FormulaError", s, err)
			}
			return
		}
		x, y := 2.0, -3.0
		vals := make([]*float64, MaxInputs)
		for i := range vals {
			if i%2 == 0 {
				vals[i] = &x
			} else {
				vals[i] = &y
			}
		}
		v1, ok1 := e.Eval(vals)
		w := e.String()
		if len([]rune(w)) > MaxFormula {
			return // parenthesised beyond the length a person may type
		}
		back, err := Parse(w)
		if err != nil {
			t.Fatalf("Parse(%q) wrote back %q, which does not parse: %v", s, w, err)
		}
		if back.String() != w {
			t.Fatalf("%q → %q → %q", s, w, back.String())
		}
		v2, ok2 := back.Eval(vals)
		if ok1 != ok2 || (ok1 && v1 != v2 && !(v1 != v1 && v2 != v2)) {
			t.Fatalf("%q evaluates to %v,%v but its written-back form to %v,%v", s, v1, ok1, v2, ok2)
		}
	})
}

func TestInputsCycle(t *testing.T) {
	// region ← county ← city1, city2; 10 ← 11
	g := Inputs{100: {10, 20}, 10: {1, 2}, 20: {3}}
	tests := []struct {
		id     int64
		inputs []int64
		want   string
	}{
		{100, []int64{10, 20}, "[]"},
		{1, []int64{100}, "[1 100 10 1]"},
		{3, []int64{20}, "[3 20 3]"},
		{5, []int64{5}, "[5 5]"},
		{4, []int64{1, 2, 3}, "[]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(g.Cycle(tt.id, tt.inputs)); got != tt.want {
			t.Errorf("Cycle(%d, %v) = %s, want %s", tt.id, tt.inputs, got, tt.want)
		}
	}
}

// TestNestedCalculations: city → county → region. A change to one city
// recomputes its county before the region, and the region sums fresh
// county values.
func TestNestedCalculations(t *testing.T) {
	const (
		cityA, cityB, cityC = 1, 2, 3
		county1, county2    = 10, 20
		region              = 100
	)
	g := Inputs{region: {county1, county2}, county1: {cityA, cityB}, county2: {cityC}}
	if got := fmt.Sprint(g.Order([]int64{cityA})); got != "[10 100]" {
		t.Fatalf("Order(cityA) = %s", got)
	}
	if got := fmt.Sprint(g.Order([]int64{cityC, cityB})); got != "[10 20 100]" {
		t.Fatalf("Order(cityB, cityC) = %s", got)
	}
	if got := fmt.Sprint(g.Order([]int64{region})); got != "[]" {
		t.Fatalf("Order(region) = %s", got)
	}
	years := []int{2024, 2024}
	vals := map[int64][]*float64{cityA: series("1 2"), cityB: series("10 _"), cityC: series("100 200")}
	for _, m := range g.Order([]int64{cityA, cityB, cityC}) {
		in := make([][]*float64, len(g[m]))
		for i, id := range g[m] {
			in[i] = vals[id]
		}
		vals[m] = Calculation{Method: Sum}.Compute(years, in)
	}
	if got := showSeries(vals[region]); got != "111 _" {
		t.Errorf("region = %s, want 111 _ (city B has no second value, so neither has its county)", got)
	}
}

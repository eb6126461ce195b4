package calc

import (
	"fmt"
	"math"
	"slices"
)

// Method is how a calculated measure combines its inputs (issue 22).
type Method string

// The methods. Sum to Count take any number of inputs; Percent and Ratio
// take two (A over B); the accumulations take one; Formula names its
// inputs A, B, … in order.
const (
	Sum          Method = "sum"
	Average      Method = "average"
	Min          Method = "min"
	Max          Method = "max"
	Count        Method = "count" // inputs with a value
	Percent      Method = "percent"
	Ratio        Method = "ratio"
	Formula      Method = "formula"
	YTDSum       Method = "ytd_sum" // within each fiscal year, up to the period
	YTDAverage   Method = "ytd_average"
	TotalSum     Method = "total_sum" // every period up to this one
	TotalAverage Method = "total_average"
)

// Methods lists every method, in the order a form offers them.
var Methods = []Method{Sum, Average, Min, Max, Count, Percent, Ratio, Formula, YTDSum, YTDAverage, TotalSum, TotalAverage}

// MaxInputs bounds a calculation's inputs: a formula names them A to Z.
const MaxInputs = 26

// Calculation is the definition of a calculated measure.
type Calculation struct {
	Method  Method
	Formula string // Formula only
	// Partial lets Sum, Average, Min, Max and Count use the inputs that
	// have a value; otherwise a period has a value only where every input
	// has one.
	Partial bool
}

// DefinitionError is a definition that cannot be computed; Field names
// what to correct ("method", "inputs" or "formula").
type DefinitionError struct {
	Field, Msg string
}

func (e *DefinitionError) Error() string { return e.Msg }

// Check validates the definition for n inputs and returns the parsed
// formula for Formula (nil otherwise).
func (c Calculation) Check(n int) (*Expr, error) {
	if !slices.Contains(Methods, c.Method) {
		return nil, &DefinitionError{"method", "Choose how the inputs are combined."}
	}
	if n < 1 {
		return nil, &DefinitionError{"inputs", "Choose at least one input."}
	}
	if n > MaxInputs {
		return nil, &DefinitionError{"inputs", fmt.Sprintf("A calculation takes at most %d inputs.", MaxInputs)}
	}
	if c.Partial && !c.partialAllowed() {
		return nil, &DefinitionError{"method", "Only Sum, Average, Min, Max and Count can use the inputs that have a value."}
	}
	switch c.Method {
	case Percent, Ratio:
		if n != 2 {
			return nil, &DefinitionError{"inputs", "Percent and Ratio take exactly two inputs: A over B."}
		}
	case YTDSum, YTDAverage, TotalSum, TotalAverage:
		if n != 1 {
			return nil, &DefinitionError{"inputs", "An accumulation takes exactly one input."}
		}
	case Formula:
		e, err := Parse(c.Formula)
		if err != nil {
			return nil, &DefinitionError{"formula", err.Error()}
		}
		if e.MaxInput() >= n {
			return nil, &DefinitionError{"formula", fmt.Sprintf("The formula uses %c, but there %s only %d input%s (%s).",
				'A'+rune(e.MaxInput()), plural(n, "is", "are"), n, plural(n, "", "s"), names(n))}
		}
		return e, nil
	}
	return nil, nil
}

func (c Calculation) partialAllowed() bool {
	switch c.Method {
	case Sum, Average, Min, Max, Count:
		return true
	}
	return false
}

// Compute returns the calculated value of each period, oldest first.
// years[k] is period k's fiscal year (an accumulation to date restarts
// when it changes); in[i][k] is input i's value at period k. A period has
// a value only where its inputs allow (see Partial), a denominator is not
// zero, and the result is finite. The definition must have passed Check.
func (c Calculation) Compute(years []int, in [][]*float64) []*float64 {
	out := make([]*float64, len(years))
	var e *Expr
	if c.Method == Formula {
		var err error
		if e, err = Parse(c.Formula); err != nil {
			return out
		}
	}
	vals := make([]*float64, len(in))
	var run struct {
		year     int
		sum      float64
		n        int
		restarts bool
	}
	run.restarts = c.Method == YTDSum || c.Method == YTDAverage
	for k, y := range years {
		for i := range in {
			vals[i] = nil
			if k < len(in[i]) {
				vals[i] = in[i][k]
			}
		}
		switch c.Method {
		case YTDSum, YTDAverage, TotalSum, TotalAverage:
			if run.restarts && (k == 0 || y != run.year) {
				run.sum, run.n = 0, 0
			}
			run.year = y
			if vals[0] == nil {
				continue // no value of its own: the run goes on past it
			}
			run.sum += *vals[0]
			run.n++
			if c.Method == YTDSum || c.Method == TotalSum {
				out[k] = valueOf(run.sum)
			} else {
				out[k] = valueOf(run.sum / float64(run.n))
			}
		case Formula:
			if !all(vals) {
				continue
			}
			if v, ok := e.Eval(vals); ok {
				out[k] = valueOf(v)
			}
		default:
			out[k] = c.combine(vals)
		}
	}
	return out
}

// combine is one period of Sum to Ratio.
func (c Calculation) combine(vals []*float64) *float64 {
	if !c.Partial && !all(vals) {
		return nil
	}
	var have []float64
	for _, v := range vals {
		if v != nil {
			have = append(have, *v)
		}
	}
	if c.Method == Count {
		n := float64(len(have))
		return &n
	}
	if len(have) == 0 {
		return nil
	}
	switch c.Method {
	case Sum, Average:
		s := 0.0
		for _, v := range have {
			s += v
		}
		if c.Method == Average {
			s /= float64(len(have))
		}
		return valueOf(s)
	case Min:
		return valueOf(slices.Min(have))
	case Max:
		return valueOf(slices.Max(have))
	case Percent, Ratio:
		if *vals[1] == 0 {
			return nil
		}
		r := *vals[0] / *vals[1]
		if c.Method == Percent {
			r *= 100
		}
		return valueOf(r)
	}
	return nil
}

func all(vals []*float64) bool {
	for _, v := range vals {
		if v == nil {
			return false
		}
	}
	return true
}

func valueOf(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	if v == 0 {
		v = 0 // no negative zero
	}
	return &v
}

// names lists the input names of n inputs: "A, B and C".
func names(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		switch {
		case i == 0:
		case i == n-1:
			s += " and "
		default:
			s += ", "
		}
		s += string(rune('A' + i))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

package views

import (
	"strings"

	"yardstick/internal/app"
)

// inputName is the name of input i in a formula: A, B, …
func inputName(i int) string { return string(rune('A' + i)) }

// latestValue is an input's latest actual as its measure shows it.
func latestValue(in app.NetworkInput) string {
	if in.Latest.PeriodKey == "" {
		return "none yet"
	}
	return value(in.Measure, in.Latest.Actual)
}

// latestPeriod is the label of an input's latest period.
func latestPeriod(d MeasureData, in app.NetworkInput) string {
	if in.Latest.PeriodKey == "" {
		return "—"
	}
	pf := app.FrequencyOf(d.View.Frequency)
	if p, err := pf.FromKey(in.Latest.PeriodKey); err == nil {
		return pf.Label(p)
	}
	return in.Latest.PeriodKey
}

// missingNames lists inputs by name, measure and owner.
func missingNames(ins []app.NetworkInput) string {
	out := make([]string, len(ins))
	for i, in := range ins {
		title := in.Measure.Title
		if !in.Visible {
			title = "not shared"
		}
		out[i] = in.Name + " (" + title + ", " + in.Owner + ")"
	}
	return strings.Join(out, "; ")
}

// calcHover is a calculated period's inputs, for the grid's title text:
// "A Clients served (Grantee 1): 10; B …: none".
func calcHover(d MeasureData, key string) string {
	v := d.View.Calc
	if v == nil {
		return ""
	}
	parts := make([]string, 0, len(v.Inputs))
	for _, in := range v.Inputs {
		val := "not shared"
		if in.Visible {
			val = value(in.Measure, in.Values[key].Actual)
			if in.Values[key].Actual == nil {
				val = "none"
			}
		}
		title := in.Measure.Title
		if title == "" {
			title = in.Owner
		}
		parts = append(parts, in.Name+" "+title+": "+val)
	}
	return "Calculated from " + strings.Join(parts, "; ")
}

// calcUnshared reports whether a period is marked "input no longer shared".
func calcUnshared(d MeasureData, key string) bool {
	return d.View.Calc != nil && d.View.Calc.Unshared[key]
}

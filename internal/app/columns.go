package app

import (
	"slices"
	"strconv"
	"strings"

	"yardstick/internal/model"
)

// Chosen columns (issue 28, point 2): a scorecard shows up to six of the
// columns below, in the order chosen; one that never chose shows the
// seven standard ones, as every scorecard did before. The scorecard page
// renders them in this order; the words are the Common Terms' ({…}).

// Column ids, as a scorecard stores them.
const (
	ColPeriod     = "period"
	ColPrior      = "prior"
	ColActual     = "actual"
	ColTarget     = "target"
	ColVariance   = "variance"
	ColPctTarget  = "pct_target"
	ColNextTarget = "next_target"
	ColForecast   = "forecast"
	ColTrend      = "trend"
	ColBaseline   = "baseline"
)

// Column is one column a scorecard may show.
type Column struct {
	ID    string
	Label string // the form's name, in the Common Terms' form
	Head  string // the table's heading, likewise
	Num   bool   // a number: right-aligned
}

// Columns lists every column, in the order the form offers them.
var Columns = []Column{
	{ColPeriod, "Time period", "Period", false},
	{ColPrior, "Prior {actual:lower}", "Prior {actual:lower}", true},
	{ColActual, "Current {actual:lower}", "{actual}", true},
	{ColTarget, "Current {target:lower}", "{target}", true},
	{ColVariance, "Variance from {target:lower}", "Variance", true},
	{ColPctTarget, "Percent of {target:lower}", "% of {target:lower}", true},
	{ColNextTarget, "Next {target:lower}", "Next {target:lower}", true},
	{ColForecast, "{forecast}", "{forecast}", true},
	{ColTrend, "Current trend", "Trend", false},
	{ColBaseline, "{baseline} % change", "{baseline} % change", true},
}

// DefaultColumns are the standard seven, in their order.
var DefaultColumns = []string{ColPeriod, ColActual, ColTarget, ColVariance, ColPrior, ColTrend, ColBaseline}

// MaxColumns is how many columns a scorecard may choose; MaxPosition
// lets the form keep the standard seven as they are.
const (
	MaxColumns  = 6
	MaxPosition = 7
)

// ColumnsOf returns the columns a scorecard shows, in order.
func ColumnsOf(s model.Scorecard) []Column {
	ids := s.Columns
	if len(ids) == 0 {
		ids = DefaultColumns
	}
	out := make([]Column, 0, len(ids))
	for _, id := range ids {
		if i := slices.IndexFunc(Columns, func(c Column) bool { return c.ID == id }); i >= 0 {
			out = append(out, Columns[i])
		}
	}
	return out
}

// targetColumns are the columns an embed without targets leaves out.
var targetColumns = []string{ColTarget, ColVariance, ColPctTarget, ColNextTarget}

// EmbedColumns returns the columns an embed of the scorecard shows: its
// chosen ones, without those that tell a target when the embed hides
// targets.
func EmbedColumns(s model.Scorecard, showTargets bool) []Column {
	cols := ColumnsOf(s)
	if !showTargets {
		cols = slices.DeleteFunc(cols, func(c Column) bool { return slices.Contains(targetColumns, c.ID) })
	}
	return cols
}

// ColumnChoice is the form's answer: each column's position (1–6), or 0
// for not shown.
type ColumnChoice map[string]int

// checkColumns turns the positions into the ordered ids, refusing an
// unknown column, a position out of range, two columns at one position,
// more than six, or none.
func checkColumns(choice ColumnChoice) ([]string, string) {
	byPos := map[int]string{}
	for id, pos := range choice {
		if !slices.ContainsFunc(Columns, func(c Column) bool { return c.ID == id }) {
			return nil, "Choose columns from the list."
		}
		if pos == 0 {
			continue
		}
		if pos < 0 || pos > MaxPosition {
			return nil, "Give each column you show a position from 1 to " + strconv.Itoa(MaxColumns) + "."
		}
		if other, taken := byPos[pos]; taken {
			return nil, "Two columns are at position " + strconv.Itoa(pos) + " (" + other + " and " + id + "): give each its own."
		}
		byPos[pos] = id
	}
	if len(byPos) == 0 {
		return nil, "Show at least one column."
	}
	positions := make([]int, 0, len(byPos))
	for p := range byPos {
		positions = append(positions, p)
	}
	slices.Sort(positions)
	out := make([]string, len(positions))
	for i, p := range positions {
		out[i] = byPos[p]
	}
	if len(out) > MaxColumns && !slices.Equal(out, DefaultColumns) {
		return nil, "Show at most " + strconv.Itoa(MaxColumns) + " columns (or the seven standard ones, as they are)."
	}
	return out, ""
}

// ColumnPositions is the form's view of a scorecard's columns: each id's
// position, 1-based.
func ColumnPositions(s model.Scorecard) map[string]int {
	out := map[string]int{}
	for i, c := range ColumnsOf(s) {
		out[c.ID] = i + 1
	}
	return out
}

// columnsText is how the log records a column list.
func columnsText(ids []string) string {
	if len(ids) == 0 {
		return "standard"
	}
	return strings.Join(ids, ", ")
}

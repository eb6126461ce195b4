package calc

import (
	"fmt"
	"strings"
)

// Polarity says which direction of a measure is good.
type Polarity string

// The polarities. The string values are what the store and forms use.
const (
	HigherIsBetter Polarity = "higher"
	LowerIsBetter  Polarity = "lower"
	TargetRange    Polarity = "range"
	NoPolarity     Polarity = "none"
)

// Polarities returns every polarity in display order, for forms.
func Polarities() []Polarity {
	return []Polarity{HigherIsBetter, LowerIsBetter, TargetRange, NoPolarity}
}

// ParsePolarity reads a stored or submitted polarity, ignoring case and
// surrounding space.
func ParsePolarity(s string) (Polarity, error) {
	p := Polarity(strings.ToLower(strings.TrimSpace(s)))
	if p.Valid() {
		return p, nil
	}
	return "", fmt.Errorf("calc: unknown polarity %q (want higher, lower, range or none)", s)
}

// Valid reports whether p is one of the four polarities.
func (p Polarity) Valid() bool {
	switch p {
	case HigherIsBetter, LowerIsBetter, TargetRange, NoPolarity:
		return true
	}
	return false
}

// String returns the display name: "Higher is better", ….
func (p Polarity) String() string {
	switch p {
	case HigherIsBetter:
		return "Higher is better"
	case LowerIsBetter:
		return "Lower is better"
	case TargetRange:
		return "Target range"
	case NoPolarity:
		return "No polarity"
	}
	return fmt.Sprintf("Polarity(%q)", string(p))
}

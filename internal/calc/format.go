package calc

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDecimals is the most decimals a measure may show.
const MaxDecimals = 6

// FormatValue formats v for people: rounded to decimals (clamped to
// 0–MaxDecimals), thousands separated by commas, a leading "-" when negative,
// and the unit before or after the number: "$1,234.50", "45.2%", "12 kg".
// A unit made of symbols sits against the number; one that starts (after)
// or ends (before) with a letter is set off by a space, so "12 people" and
// "USD 12" read as words. It returns "" for nil or a non-finite value.
func FormatValue(v *float64, decimals int, unit string, unitBefore bool) string {
	if v == nil || !finite(*v) {
		return ""
	}
	num := groupDigits(*v, clampDecimals(decimals))
	unit = strings.TrimSpace(unit)
	if unit == "" {
		return num
	}
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	var s string
	if unitBefore {
		r, _ := utf8.DecodeLastRuneInString(unit)
		s = unit + sep(r) + num
	} else {
		r, _ := utf8.DecodeRuneInString(unit)
		s = num + sep(r) + unit
	}
	if neg {
		// The sign leads the whole value ("-$5.00"), as accountants write it.
		s = "-" + s
	}
	return s
}

// FormatPct formats a percentage change with one decimal and an explicit
// sign: "+4.5%", "-3.0%", "0.0%". It returns "" for nil or a non-finite value.
func FormatPct(v *float64) string {
	if v == nil || !finite(*v) {
		return ""
	}
	s := groupDigits(*v, 1)
	if !strings.HasPrefix(s, "-") && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s + "%"
}

// FormatPctOf formats a share as a percentage without a sign, one
// decimal ("87.5%"); empty when there is none.
func FormatPctOf(v *float64) string {
	if v == nil || !finite(*v) {
		return ""
	}
	return groupDigits(*v, 1) + "%"
}

// groupDigits rounds v to decimals and puts commas between thousands. A
// value that rounds to zero loses its sign, so -0.04 shows as "0.0".
func groupDigits(v float64, decimals int) string {
	s := roundHalfUp(strconv.FormatFloat(math.Abs(v), 'f', -1, 64), decimals)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// roundHalfUp rounds a plain decimal string (digits, optional point) to
// decimals places, ties away from zero. It works on the shortest decimal
// that reads back as the float, so 45.25 shows as 45.3 and a typed 1.005 as
// 1.01, as people expect, where rounding the binary value would give 45.2
// (ties to even) and 1.00 (1.005 is stored a hair below).
func roundHalfUp(s string, decimals int) string {
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) <= decimals {
		frac += strings.Repeat("0", decimals-len(frac))
	} else {
		up := frac[decimals] >= '5'
		frac = frac[:decimals]
		if up {
			d := []byte(intPart + frac)
			i := len(d) - 1
			for ; i >= 0 && d[i] == '9'; i-- {
				d[i] = '0'
			}
			if i >= 0 {
				d[i]++
			} else {
				d = append([]byte{'1'}, d...)
			}
			intPart, frac = string(d[:len(d)-decimals]), string(d[len(d)-decimals:])
		}
	}
	if decimals == 0 {
		return intPart
	}
	return intPart + "." + frac
}

func clampDecimals(d int) int {
	return min(max(d, 0), MaxDecimals)
}

func sep(r rune) string {
	if unicode.IsLetter(r) {
		return " "
	}
	return ""
}

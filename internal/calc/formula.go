package calc

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A custom formula combines a calculated measure's inputs, named A, B, …
// in order, with + - * / ( ), unary minus and decimal numbers ("A / (B + C)
// * 100"). Nothing else: no functions, no exponents, so a formula can
// always be read back by the person who wrote it.

// MaxFormula bounds a formula's length in characters, and MaxDepth its
// nesting (parentheses and unary signs), so parsing stays cheap whatever
// is typed.
const (
	MaxFormula = 500
	MaxDepth   = 50
)

// FormulaError points at what is wrong in a formula: Pos is the 1-based
// character position.
type FormulaError struct {
	Pos int
	Msg string
}

func (e *FormulaError) Error() string {
	if e.Pos == 0 {
		return e.Msg
	}
	return fmt.Sprintf("At character %d: %s", e.Pos, e.Msg)
}

// Expr is a parsed formula.
type Expr struct {
	op          byte // 'n' number, 'v' input, '~' negation, or + - * /
	num         float64
	input       int // 'v': 0 for A
	left, right *Expr
}

// Parse reads a formula.
func Parse(s string) (*Expr, error) {
	if !utf8.ValidString(s) {
		return nil, &FormulaError{Msg: "The formula is not valid text."}
	}
	if n := utf8.RuneCountInString(s); n > MaxFormula {
		return nil, &FormulaError{Msg: fmt.Sprintf("A formula is at most %d characters (this one has %d).", MaxFormula, n)}
	}
	p := &parser{src: []rune(s)}
	p.skip()
	if p.pos == len(p.src) {
		return nil, &FormulaError{Msg: "Write a formula, such as A + B."}
	}
	e, err := p.sum(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.src) {
		if p.src[p.pos] == ')' {
			return nil, p.fail("this “)” closes no “(”.")
		}
		return nil, p.fail("expected an operator (+ - * /) before “%s”.", shown(p.src[p.pos]))
	}
	return e, nil
}

type parser struct {
	src []rune
	pos int
}

func (p *parser) skip() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *parser) fail(format string, args ...any) error {
	return &FormulaError{Pos: p.pos + 1, Msg: fmt.Sprintf(format, args...)}
}

// sum := product (("+" | "-") product)*
func (p *parser) sum(depth int) (*Expr, error) {
	e, err := p.product(depth)
	if err != nil {
		return nil, err
	}
	for p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
		op := byte(p.src[p.pos])
		p.pos++
		p.skip()
		r, err := p.product(depth)
		if err != nil {
			return nil, err
		}
		e = &Expr{op: op, left: e, right: r}
	}
	return e, nil
}

// product := unary (("*" | "/") unary)*
func (p *parser) product(depth int) (*Expr, error) {
	e, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.pos < len(p.src) && (p.src[p.pos] == '*' || p.src[p.pos] == '/') {
		op := byte(p.src[p.pos])
		p.pos++
		p.skip()
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		e = &Expr{op: op, left: e, right: r}
	}
	return e, nil
}

// unary := ("-" | "+") unary | "(" sum ")" | number | input
func (p *parser) unary(depth int) (*Expr, error) {
	if depth >= MaxDepth {
		return nil, p.fail("the formula nests more than %d levels deep.", MaxDepth)
	}
	if p.pos == len(p.src) {
		return nil, p.fail("the formula ends where a number, an input (A, B, …) or “(” should follow.")
	}
	c := p.src[p.pos]
	switch {
	case c == '-' || c == '+':
		p.pos++
		p.skip()
		e, err := p.unary(depth + 1)
		if err != nil || c == '+' {
			return e, err
		}
		return &Expr{op: '~', left: e}, nil
	case c == '(':
		open := p.pos
		p.pos++
		p.skip()
		e, err := p.sum(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.pos == len(p.src) || p.src[p.pos] != ')' {
			p.pos = open
			return nil, p.fail("this “(” is never closed.")
		}
		p.pos++
		p.skip()
		return e, nil
	case c >= '0' && c <= '9' || c == '.':
		start := p.pos
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		text := string(p.src[start:p.pos])
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || strings.Count(text, ".") > 1 || text == "." {
			p.pos = start
			return nil, p.fail("“%s” is not a number (write decimals with a point, as 0.5).", text)
		}
		p.skip()
		return &Expr{op: 'n', num: v}, nil
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		if p.pos+1 < len(p.src) && isLetter(p.src[p.pos+1]) {
			return nil, p.fail("inputs are single letters, A to Z.")
		}
		p.pos++
		p.skip()
		return &Expr{op: 'v', input: int(toUpper(c) - 'A')}, nil
	case c == ')':
		return nil, p.fail("a number, an input or “(” should come before “)”.")
	case c == '*' || c == '/':
		return nil, p.fail("“%c” needs something on its left.", c)
	}
	return nil, p.fail("“%s” cannot be used: write inputs (A, B, …), numbers, + - * / and parentheses.", shown(c))
}

// shown is a character as a message may quote it: a control or invisible
// one by its code point.
func shown(r rune) string {
	if !unicode.IsGraphic(r) || unicode.IsSpace(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

func toUpper(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

// MaxInput is the highest input the formula uses (0 for A), or -1.
func (e *Expr) MaxInput() int {
	if e == nil {
		return -1
	}
	m := max(e.left.MaxInput(), e.right.MaxInput())
	if e.op == 'v' {
		m = max(m, e.input)
	}
	return m
}

// Eval computes the formula with vals[i] for input i; ok is false where a
// division by zero, or a missing input, leaves no value.
func (e *Expr) Eval(vals []*float64) (v float64, ok bool) {
	switch e.op {
	case 'n':
		return e.num, true
	case 'v':
		if e.input >= len(vals) || vals[e.input] == nil {
			return 0, false
		}
		return *vals[e.input], true
	case '~':
		v, ok := e.left.Eval(vals)
		return -v, ok
	}
	l, ok := e.left.Eval(vals)
	if !ok {
		return 0, false
	}
	r, ok := e.right.Eval(vals)
	if !ok {
		return 0, false
	}
	switch e.op {
	case '+':
		return l + r, true
	case '-':
		return l - r, true
	case '*':
		return l * r, true
	}
	if r == 0 {
		return 0, false
	}
	return l / r, true
}

// String writes the formula back with only the parentheses its structure
// needs: Parse(e.String()) is the same formula, and it never nests deeper
// than the text it was parsed from (a parenthesis is written only where the
// source must have had one), so a formula within MaxDepth stays within it.
func (e *Expr) String() string {
	switch e.op {
	case 'n':
		return strconv.FormatFloat(e.num, 'f', -1, 64)
	case 'v':
		return string(rune('A' + e.input))
	case '~':
		// A negation binds tighter than any operation, so only an
		// operation under it needs parentheses.
		if precedence(e.left.op) < precedence('~') {
			return "-(" + e.left.String() + ")"
		}
		return "-" + e.left.String()
	}
	prec := precedence(e.op)
	// Operations associate to the left: a left operand of the same
	// precedence reads back as it was; a right one needs parentheses.
	left := e.left.String()
	if precedence(e.left.op) < prec {
		left = "(" + left + ")"
	}
	right := e.right.String()
	if precedence(e.right.op) <= prec {
		right = "(" + right + ")"
	}
	return left + " " + string(e.op) + " " + right
}

// precedence orders how tightly each kind of node binds.
func precedence(op byte) int {
	switch op {
	case '+', '-':
		return 1
	case '*', '/':
		return 2
	}
	return 3 // numbers, inputs and negations
}

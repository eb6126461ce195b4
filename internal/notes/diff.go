package notes

import (
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says what a piece of a diff is.
type Op int

// The three kinds of piece.
const (
	Same Op = iota
	Added
	Removed
)

// Piece is a run of words that both versions share, or that one of them
// alone has.
type Piece struct {
	Op   Op
	Text string
}

// Diff compares the text of two bodies word by word (a word and the
// space after it are one token), from old to new.
func Diff(oldBody, newBody string) []Piece {
	a, b := Text(oldBody), Text(newBody)
	dmp := diffmatchpatch.New()
	// Words become single runes, the diff runs over them, and the runes
	// turn back into words: so a change is never shown inside a word.
	words := map[string]rune{}
	var list []string
	encode := func(s string) string {
		var out []rune
		for _, w := range splitWords(s) {
			r, ok := words[w]
			if !ok {
				r = rune(0xE000 + len(list)) // private use area onwards
				if len(list) >= 0x1FFF {
					r = rune(0xF0000 + len(list) - 0x1FFF)
				}
				words[w] = r
				list = append(list, w)
			}
			out = append(out, r)
		}
		return string(out)
	}
	ea, eb := encode(a), encode(b)
	index := make(map[rune]string, len(list))
	for w, r := range words {
		index[r] = w
	}
	var out []Piece
	for _, d := range dmp.DiffMain(ea, eb, false) {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(index[r])
		}
		op := Same
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Added
		case diffmatchpatch.DiffDelete:
			op = Removed
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += sb.String()
			continue
		}
		out = append(out, Piece{Op: op, Text: sb.String()})
	}
	return out
}

// splitWords cuts text into words, each with the spaces that follow it.
func splitWords(s string) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if inSpace && !sp {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

package password

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Check applies the SPEC §2 policy: at least 12 characters, at most
// MaxLength, no composition rules, and neither a common password nor one
// built from context words (the email, the instance name or code).
func Check(pw string, context ...string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return fmt.Errorf("%w: use at least %d characters", ErrPolicy, MinLength)
	}
	if n > MaxLength {
		return fmt.Errorf("%w: use at most %d characters", ErrPolicy, MaxLength)
	}
	norm := normalize(pw)
	if common[norm] || isRepetitive(pw) {
		return fmt.Errorf("%w: this password is too common; choose a less predictable one", ErrPolicy)
	}
	for _, w := range contextWords(context) {
		if strings.Contains(norm, w) {
			return fmt.Errorf("%w: do not use your email, name or the organization's name in the password", ErrPolicy)
		}
	}
	return nil
}

// normalize lowercases and drops everything but letters, so "Password123!"
// and "password" are the same common word.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isRepetitive catches "aaaaaaaaaaaa" and "abcabcabcabc": passwords with
// very few distinct characters.
func isRepetitive(pw string) bool {
	distinct := map[rune]bool{}
	for _, r := range pw {
		distinct[r] = true
	}
	return len(distinct) <= 3
}

// contextWords splits context strings (emails, names) into normalized words
// of at least 4 letters.
func contextWords(ctx []string) []string {
	var out []string
	for _, c := range ctx {
		c = strings.ToLower(c)
		if at := strings.IndexByte(c, '@'); at >= 0 {
			out = append(out, wordsOf(c[:at])...)
			c = c[at+1:]
			if dot := strings.LastIndexByte(c, '.'); dot > 0 {
				c = c[:dot]
			}
		}
		out = append(out, wordsOf(c)...)
	}
	return out
}

func wordsOf(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if utf8.RuneCountInString(f) >= 4 {
			out = append(out, f)
		}
	}
	return out
}

// common holds frequent passwords and words, already normalized (letters
// only, lower case). Digits and symbols around them do not rescue them.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(commonList) {
		m[w] = true
	}
	return m
}()

const commonList = `
password passwords passw passwort motdepasse contrasena qwerty qwertyuiop qwertyuiopasdfghjkl
asdfghjkl asdfgh zxcvbnm zxcvbnmasdfghjkl qazwsx qwertyqwerty abc abcdef abcdefgh
abcdefghijkl letmein letmeinnow welcome welcomewelcome welcomeback admin administrator
adminadmin root login iloveyou iloveyouforever princess sunshine monkey dragon football
baseball basketball soccer hockey master superman batman trustno starwars shadow michael
jennifer jordan hunter ranger buster thomas tigger robert daniel charlie summer winter
spring autumn freedom whatever secret secretpassword changeme changemenow default guest
test testing testtest tester computer internet google yahoo hello helloworld hellohello
passpass mypassword yourpassword newpassword oldpassword temppassword temporary
correcthorsebatterystaple correcthorse horsebattery scorecard yardstick results
accountability january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday
`

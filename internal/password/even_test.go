package password

import (
	"testing"
	"time"
)

// VerifyEven answers as Verify does, and a fast secret hash or no hash at
// all costs an argon2id computation like a chosen password's hash.
func TestVerifyEven(t *testing.T) {
	chosen, secret := Hash("a long enough passphrase"), HashSecret("abcde-fghjk-mnpqr-stuvw")
	for _, tt := range []struct {
		encoded, pw string
		want        bool
	}{
		{chosen, "a long enough passphrase", true},
		{chosen, "a long enough passphrasf", false},
		{secret, "abcde-fghjk-mnpqr-stuvw", true},
		{secret, "abcde-fghjk-mnpqr-stuvx", false},
		{"", "anything", false},
		{"plain", "plain", false},
	} {
		if got := VerifyEven(tt.encoded, tt.pw); got != tt.want {
			t.Errorf("VerifyEven(%.12q, %q) = %v, want %v", tt.encoded, tt.pw, got, tt.want)
		}
	}
	cost := func(encoded string) time.Duration {
		best := time.Hour
		for range 7 {
			start := time.Now()
			VerifyEven(encoded, "wrong guess")
			best = min(best, time.Since(start))
		}
		return best
	}
	argon := cost(chosen)
	for name, enc := range map[string]string{"secret hash": secret, "no hash": ""} {
		// The fast path took 2% of an argon2id verify; half leaves room
		// for a loaded machine.
		if c := cost(enc); c < argon/2 {
			t.Errorf("%s: %v, an argon2id verify takes %v", name, c, argon)
		}
	}
}

package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := Hash("a long enough passphrase")
	if !Verify(h, "a long enough passphrase") {
		t.Error("right password refused")
	}
	if Verify(h, "a long enough passphrasf") {
		t.Error("wrong password accepted")
	}
	if h2 := Hash("a long enough passphrase"); h2 == h {
		t.Error("hash not salted")
	}
	s := Temporary()
	hs := HashSecret(s)
	if !Verify(hs, s) || Verify(hs, s+"x") {
		t.Error("secret hash round trip failed")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=x$a$b", "plain"} {
		if Verify(bad, "x") {
			t.Errorf("Verify(%q) accepted", bad)
		}
	}
}

func TestTemporaryIsRandomAndReadable(t *testing.T) {
	a, b := Temporary(), Temporary()
	if a == b || len(a) != 23 || strings.ContainsAny(a, "01lIO") {
		t.Errorf("bad temporaries %q %q", a, b)
	}
	if err := Check(a); err != nil {
		t.Errorf("temporary fails own policy: %v", err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		pw      string
		context []string
		ok      bool
	}{
		{"correct tram lamp staple", nil, true},
		{"short", nil, false},
		{"elevenchars", nil, false},
		{"twelve chars", nil, true},
		{strings.Repeat("ab1", 21) + "z", nil, true}, // 64 chars allowed
		{strings.Repeat("xyz-", 70), nil, false},     // beyond MaxLength
		{"Password1234!", nil, false},
		{"P@ssw0rd-2026!!", nil, true}, // "pssrd": not in the list; composition is not judged
		{"aaaaaaaaaaaaaaa", nil, false},
		{"qwertyuiop123", nil, false},
		{"jane.doe-likes-tea", []string{"jane.doe@example.org"}, false},
		{"greenvalley rocks 42", []string{"x@y.org", "Green Valley Foundation"}, false},
		{"a sensible sentence", []string{"jo@example.org", "Acme"}, true},
	}
	for _, tt := range tests {
		err := Check(tt.pw, tt.context...)
		if (err == nil) != tt.ok {
			t.Errorf("Check(%q, %v) = %v, want ok=%v", tt.pw, tt.context, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrPolicy) {
			t.Errorf("error %v does not wrap ErrPolicy", err)
		}
	}
}

package password

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum recommendation (19 MiB, t=2, p=1).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// Hash returns an encoded argon2id hash of a chosen password.
func Hash(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
		argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// HashSecret hashes a high-entropy system-generated secret (temporary
// password, token). Not for chosen passwords.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "$sha256$" + hex.EncodeToString(sum[:])
}

// Verify reports whether pw matches an encoded hash from Hash or HashSecret.
func Verify(encoded, pw string) bool {
	switch {
	case strings.HasPrefix(encoded, "$sha256$"):
		return subtle.ConstantTimeCompare([]byte(HashSecret(pw)), []byte(encoded)) == 1
	case strings.HasPrefix(encoded, "$argon2id$"):
		return verifyArgon(encoded, pw)
	}
	return false
}

// dummyHash is verified against when an account does not exist, so an
// unknown email costs as much time as a wrong password.
var dummyHash = Hash("yardstick-dummy-password")

// VerifyDummy spends the time of one Verify.
func VerifyDummy(pw string) { verifyArgon(dummyHash, pw) }

// VerifyEven is Verify at one argon2id computation whatever encoded holds:
// a chosen password's hash, a fast secret hash (temporary password, spent
// or expired) or nothing (no account). A sign-in uses it so the time of a
// refusal does not tell the account's state.
func VerifyEven(encoded, pw string) bool {
	if strings.HasPrefix(encoded, "$argon2id$") {
		return verifyArgon(encoded, pw)
	}
	VerifyDummy(pw)
	return Verify(encoded, pw)
}

func verifyArgon(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// tempAlphabet avoids look-alike characters (0/O, 1/l/I).
const tempAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// Temporary returns a random temporary password of 20 characters in four
// groups (about 99 bits of entropy), easy to type from an email.
func Temporary() string {
	buf := make([]byte, 20)
	rand.Read(buf)
	var b strings.Builder
	for i, c := range buf {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(tempAlphabet[int(c)%len(tempAlphabet)])
	}
	return b.String()
}

// Token returns a random URL-safe token with 256 bits of entropy.
func Token() string {
	buf := make([]byte, 32)
	rand.Read(buf)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// Policy limits.
const (
	MinLength = 12
	MaxLength = 256 // at least 64 allowed (SPEC §2); the cap bounds hashing work
)

// ErrPolicy wraps every policy refusal.
var ErrPolicy = errors.New("password policy")

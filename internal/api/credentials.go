package api

import (
	"regexp"
	"strings"
)

// An API key belongs in the Authorization header only (SPEC §14): URLs
// are logged, cached and sent on in Referer headers, and bodies are kept
// by proxies' logs and clients' retry queues. internal/web refuses one in
// the query string; ServeHTTP refuses one in a JSON body.

// keyShaped finds an API key (ys_<instance id>_…).
var keyShaped = regexp.MustCompile(`ys_[0-9]+_`)

// KeyShaped reports whether s holds something shaped like an API key.
func KeyShaped(s string) bool { return keyShaped.MatchString(s) }

// credentialNames are parameter and field names that would carry a
// credential.
var credentialNames = map[string]bool{"api_key": true, "apikey": true, "key": true, "access_token": true, "token": true, "authorization": true}

// CredentialName reports whether a query parameter or top-level JSON field
// is named like a credential.
func CredentialName(name string) bool { return credentialNames[strings.ToLower(name)] }

// msgCredential refuses a key sent anywhere but the Authorization header.
const msgCredential = "Send the API key only in the Authorization header (Authorization: Bearer ys_…), never in the URL or the body. Revoke a key that was sent elsewhere."

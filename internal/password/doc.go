// Package password hashes and checks passwords and generates temporary
// secrets. Chosen passwords use argon2id; system-generated secrets are
// high entropy, so a single SHA-256 is enough and keeps bulk imports fast.
package password

// Package password hashes and checks passwords and generates temporary
// secrets. Chosen passwords use argon2id; system-generated secrets are
// high entropy, so a single SHA-256 is enough and keeps bulk imports fast.
// A sign-in checks through VerifyEven, which spends one argon2id
// computation whatever the stored hash is, so the time of a refusal does
// not tell whether the account holds a temporary password.
package password

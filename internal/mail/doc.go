// Package mail owns outgoing email: the message texts (messages.go), the
// SMTP sender (sender.go) and the outbox worker that delivers what the app
// enqueued (worker.go).
//
// Rules it keeps: mail is written to the outbox in the transaction of the
// change that causes it and delivered later, at least once; bodies may hold
// secrets (temporary passwords, sign-in links), so they are never logged and
// the store scrubs them after delivery; every value put into a subject or
// body is reduced to one line so a name cannot forge headers or extra lines,
// and text users wrote (organization and instance names) is short, quoted
// (“…”) and never shaped as a link (usertext.go).
package mail

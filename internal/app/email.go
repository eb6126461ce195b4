package app

import (
	"context"
	"errors"
	"time"

	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
)

// EmailChangeLife is how long a link confirming a new email works.
const EmailChangeLife = 24 * time.Hour

// ChangeEmail asks to change the signed-in account's email: it needs the
// current password, and takes effect only when the new address confirms
// it (SPEC §2). The old address is told.
func (a *App) ChangeEmail(ctx context.Context, s Session, newEmail, current string, c Client) error {
	acct := s.Account
	norm, ok := NormalizeEmail(newEmail)
	fields := map[string]string{}
	switch {
	case !ok:
		fields["new_email"] = "Enter a valid email address."
	case norm == acct.Email:
		fields["new_email"] = "This is your email already."
	}
	if current == "" {
		fields["email_password"] = "Enter your current password."
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	hash, err := a.store.Q().PasswordHash(ctx, acct.ID)
	if err != nil {
		return err
	}
	if acct.PasswordTemporary || len(current) > 4*password.MaxLength || !password.Verify(hash, current) {
		return fieldError("email_password", "The current password is not correct.")
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		return a.requestEmailChange(ctx, q, acct, norm, acct, c)
	})
}

// requestEmailChange mails a single-use confirmation link to the new
// address and a notice to the old one, inside q's transaction. Whether the
// new address has an account is not checked here, so that the answer does
// not tell; the confirmation refuses a taken address.
func (a *App) requestEmailChange(ctx context.Context, q *store.Q, acct model.Account, newEmail string, by model.Account, c Client) error {
	token := password.Token()
	if err := q.CreateEmailChange(ctx, hashToken(token), acct.ID, newEmail, by.ID, a.Now().Add(EmailChangeLife)); err != nil {
		return err
	}
	if _, err := q.EnqueueMail(ctx, mail.EmailChangeConfirm(a.cfg.BaseURL, acct.Email, newEmail, a.cfg.BaseURL+"/email/"+token)); err != nil {
		return err
	}
	if _, err := q.EnqueueMail(ctx, mail.EmailChangeNotice(a.cfg.BaseURL, acct.Email, newEmail)); err != nil {
		return err
	}
	return a.accountEvent(ctx, q, acct, by, ActEmailChange, c, model.Change{Field: "requested", Before: acct.Email, After: newEmail})
}

// accountEvent records a successful security event of an account in
// every instance it has joined (SPEC §10), with by as the actor.
func (a *App) accountEvent(ctx context.Context, q *store.Q, acct, by model.Account, activity string, c Client, changes ...model.Change) error {
	return a.accountEventOutcome(ctx, q, acct, by, activity, model.OutcomeSucceeded, c, changes...)
}

// CheckEmailChange reports the new address of a live confirmation link.
func (a *App) CheckEmailChange(ctx context.Context, token string) (string, error) {
	p, err := a.store.Q().PeekEmailChange(ctx, hashToken(token))
	if err != nil {
		return "", errLinkDead(err)
	}
	return p.NewEmail, nil
}

// ConfirmEmailChange spends a confirmation link and changes the email.
// Open reset and sign-in links (sent to the old address) end; the old
// address is told.
func (a *App) ConfirmEmailChange(ctx context.Context, token string, c Client) (string, error) {
	var newEmail string
	err := a.store.InTx(ctx, func(q *store.Q) error {
		p, err := q.UseEmailChange(ctx, hashToken(token))
		if err != nil {
			return errLinkDead(err)
		}
		acct, err := q.AccountByID(ctx, p.AccountID)
		if err != nil {
			return err
		}
		newEmail = p.NewEmail
		if err := q.UpdateAccountIdentity(ctx, acct.ID, p.NewEmail, acct.Name); errors.Is(err, store.ErrConflict) {
			return &Error{Kind: Conflict, Msg: "Another account uses this address already, so the email was not changed."}
		} else if err != nil {
			return err
		}
		if err := q.InvalidatePasswordTokens(ctx, acct.ID); err != nil {
			return err
		}
		if _, err := q.EnqueueMail(ctx, mail.EmailChanged(a.cfg.BaseURL, acct.Email, p.NewEmail)); err != nil {
			return err
		}
		moved := acct
		moved.Email = p.NewEmail
		return a.accountEvent(ctx, q, moved, moved, ActEmailChange, c, model.Change{Field: "confirmed", Before: acct.Email, After: p.NewEmail})
	})
	return newEmail, err
}

// PendingEmail returns the address a change of the account's email waits
// on, or "".
func (a *App) PendingEmail(ctx context.Context, accountID int64) (string, error) {
	return a.store.Q().PendingEmailOf(ctx, accountID)
}

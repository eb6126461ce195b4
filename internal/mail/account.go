package mail

import (
	"fmt"
	"strings"

	"yardstick/internal/model"
)

// Kinds of the mails that protect an account.
const (
	KindInvitation         = "invitation"
	KindEmailChangeConfirm = "email_change_confirm"
	KindEmailChangeNotice  = "email_change_notice"
	KindEmailChanged       = "email_changed"
)

// LabelConfirmLink precedes the link that confirms a new email address.
const LabelConfirmLink = "Confirmation link:"

// Invitation asks a person to join an instance. It reads the same whether
// or not the address has an account, so the inviting instance cannot learn
// which from what the person later says; nothing happens until they
// accept while signed in.
func Invitation(baseURL, instanceName, instanceCode, email string) model.OutboxMessage {
	name := instanceLabel(instanceName, instanceCode)
	base := strings.TrimRight(oneLine(baseURL), "/")
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\n%s invites you to join it on Yardstick.\n\n", name)
	fmt.Fprintf(&b, "If you have a Yardstick account under %s, sign in and answer the invitation at:\n%s/invitations\n\n", oneLine(email), base)
	b.WriteString("You stay in no organization you did not accept, and the invitation changes nothing of your account.\n")
	b.WriteString("If you have no account, there is nothing to do: ask the organization to add you as a new user if you expected this.\n")
	return msg(KindInvitation, email, "Invitation to join "+name+" on Yardstick", b.String(), false)
}

// EmailChangeConfirm goes to the new address: the change happens only
// when it is confirmed through the link.
func EmailChangeConfirm(baseURL, oldEmail, newEmail, link string) model.OutboxMessage {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nSomeone asked to change the email of the Yardstick account %s to this address, %s.\n\n", oneLine(oldEmail), oneLine(newEmail))
	fmt.Fprintf(&b, "%s %s\n\n", LabelConfirmLink, oneLine(link))
	b.WriteString("The link works once and is valid for 24 hours. If you did not expect this, ignore this mail: nothing changes.\n")
	return msg(KindEmailChangeConfirm, newEmail, "Confirm your new Yardstick email", b.String(), true)
}

// EmailChangeNotice warns the current address that a change was asked.
func EmailChangeNotice(baseURL, oldEmail, newEmail string) model.OutboxMessage {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nSomeone asked to change the email of your Yardstick account %s to %s.\n\n", oneLine(oldEmail), oneLine(newEmail))
	b.WriteString("Nothing changes unless the new address confirms it. If this was not you, sign in and change your password: ")
	fmt.Fprintf(&b, "%s\n", loginURL(baseURL))
	return msg(KindEmailChangeNotice, oldEmail, "A change of your Yardstick email was requested", b.String(), false)
}

// EmailChanged tells the old address that the change took effect.
func EmailChanged(baseURL, oldEmail, newEmail string) model.OutboxMessage {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nThe email of your Yardstick account %s is now %s.\n\n", oneLine(oldEmail), oneLine(newEmail))
	fmt.Fprintf(&b, "If this was not you, contact your organization's administrator at once. Sign-in page: %s\n", loginURL(baseURL))
	return msg(KindEmailChanged, oldEmail, "Your Yardstick email was changed", b.String(), false)
}

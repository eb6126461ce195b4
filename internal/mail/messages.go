package mail

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"yardstick/internal/model"
	"yardstick/internal/terms"
	"yardstick/internal/textcheck"
)

// Message kinds, as stored in the outbox.
const (
	KindWelcome         = "welcome"
	KindWelcomeLink     = "welcome_link"
	KindPasswordReset   = "password_reset"
	KindAdminReset      = "admin_reset"
	KindPasswordChanged = "password_changed"
	KindAddedToInstance = "added_to_instance"

	KindPartnerRequest   = "partner_request"
	KindPartnerReferral  = "partner_referral"
	KindOperatorReferral = "operator_referral"
)

// Labels that precede secrets in bodies; tests and people look for them.
const (
	LabelTempPassword = "Temporary password:"
	LabelLink         = "Sign-in link:"
	LabelResetLink    = "Reset link:"
	LabelSignUpLink   = "Sign-up link:"
)

const signature = "\n-- \nYardstick\nThis message was sent automatically; replies are not read.\n"

// Welcome is the first mail of a new account with a temporary password.
func Welcome(baseURL, instanceName, instanceCode, email, tempPassword string) model.OutboxMessage {
	name := instanceLabel(instanceName, instanceCode)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nAn account has been created for you in %s on Yardstick.\n\n", name)
	fmt.Fprintf(&b, "Sign in at: %s\n", loginURL(baseURL))
	fmt.Fprintf(&b, "Username: %s\n", oneLine(email))
	fmt.Fprintf(&b, "%s %s\n\n", LabelTempPassword, oneLine(tempPassword))
	b.WriteString("The temporary password expires in 72 hours. You will choose your own password at first sign-in.\n")
	return msg(KindWelcome, email, "Your Yardstick account for "+name, b.String(), true)
}

// WelcomeLink is the first mail of a new account when the instance sends a
// one-time sign-in link instead of a temporary password.
func WelcomeLink(baseURL, instanceName, instanceCode, email, link string) model.OutboxMessage {
	name := instanceLabel(instanceName, instanceCode)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nAn account has been created for you in %s on Yardstick.\n\n", name)
	fmt.Fprintf(&b, "Username: %s\n", oneLine(email))
	fmt.Fprintf(&b, "%s %s\n\n", LabelLink, oneLine(link))
	b.WriteString("The link works once and is valid for 72 hours. After following it you will choose your password.\n")
	fmt.Fprintf(&b, "Afterwards, sign in at: %s\n", loginURL(baseURL))
	return msg(KindWelcomeLink, email, "Your Yardstick account for "+name, b.String(), true)
}

// PasswordReset answers a "forgot password" request.
func PasswordReset(baseURL, email, link string) model.OutboxMessage {
	var b strings.Builder
	b.WriteString("Hello,\n\nSomeone asked to reset the Yardstick password for this email address.\n\n")
	fmt.Fprintf(&b, "%s %s\n\n", LabelResetLink, oneLine(link))
	b.WriteString("The link is valid for one hour and works once.\n")
	b.WriteString("If you did not ask for this, ignore this message: your password stays as it is.\n")
	fmt.Fprintf(&b, "\nSign in at: %s\n", loginURL(baseURL))
	return msg(KindPasswordReset, email, "Reset your Yardstick password", b.String(), true)
}

// AdminReset tells a user that a user manager reset their password. Exactly
// one of tempPassword and link is expected; the manager never sees either.
func AdminReset(baseURL, instanceName, email, tempPassword, link string) model.OutboxMessage {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nA user manager of %s has reset your Yardstick password.\n\n", quoted(instanceName))
	if tempPassword != "" {
		fmt.Fprintf(&b, "Sign in at: %s\n", loginURL(baseURL))
		fmt.Fprintf(&b, "Username: %s\n", oneLine(email))
		fmt.Fprintf(&b, "%s %s\n\n", LabelTempPassword, oneLine(tempPassword))
		b.WriteString("The temporary password expires in 72 hours. You will choose your own password at sign-in.\n")
	} else {
		fmt.Fprintf(&b, "%s %s\n\n", LabelLink, oneLine(link))
		b.WriteString("The link works once and is valid for 72 hours. After following it you will choose your password.\n")
	}
	b.WriteString("Your previous password no longer works.\n")
	return msg(KindAdminReset, email, "Your Yardstick password was reset", b.String(), true)
}

// PasswordChanged confirms a password change, so that an unexpected one is
// noticed.
func PasswordChanged(baseURL, email string) model.OutboxMessage {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nThe password of your Yardstick account %s was just changed.\n\n", oneLine(email))
	b.WriteString("If this was you, there is nothing to do.\n")
	fmt.Fprintf(&b, "If it was not, reset your password at once: %s\n", loginURL(baseURL))
	return msg(KindPasswordChanged, email, "Your Yardstick password was changed", b.String(), false)
}

// AddedToInstance tells an existing account it joined another instance; its
// password is unchanged, so the mail carries no secret.
func AddedToInstance(baseURL, instanceName, instanceCode, email string) model.OutboxMessage {
	name := instanceLabel(instanceName, instanceCode)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nYou have been added to %s on Yardstick.\n\n", name)
	fmt.Fprintf(&b, "Sign in at: %s\n", loginURL(baseURL))
	fmt.Fprintf(&b, "Username: %s\n\n", oneLine(email))
	b.WriteString("Use your existing password; switch to the new instance from the list at the top of any page.\n")
	return msg(KindAddedToInstance, email, "You were added to "+name+" on Yardstick", b.String(), false)
}

// PartnerRequest tells an instance admin that another instance asks to
// connect, in the receiving instance's Common Terms (words).
func PartnerRequest(baseURL, fromName, fromCode, toName, toCode, email string, words *terms.Set) model.OutboxMessage {
	from, to := instanceLabel(fromName, fromCode), instanceLabel(toName, toCode)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\n%s asks to connect with %s through Partner Connect on Yardstick.\n\n", from, to)
	b.WriteString(words.Expand("A connection lets each organization share chosen {scorecard:lowmany} with the other. Nothing is shared until someone picks {scorecard:lowmany}.\n\n"))
	fmt.Fprintf(&b, "Accept or decline it at: %s/i/%s/admin/partners\n", strings.TrimRight(oneLine(baseURL), "/"), oneLine(toCode))
	return msg(KindPartnerRequest, email, "Partner Connect request from "+from, b.String(), false)
}

// PartnerReferral invites an organization that does not use the
// deployment yet, in the referring instance's Common Terms (words: the
// organization has none yet). link is empty when sign-up is closed: the
// operator got the referral and will be in touch.
func PartnerReferral(baseURL, fromName, fromCode, organization, email, link string, words *terms.Set) model.OutboxMessage {
	from := instanceLabel(fromName, fromCode)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\n%s invites %s to connect with it on Yardstick, a platform for Results-Based Accountability %s.\n\n", from, quoted(organization), words.LowMany(terms.Scorecard))
	if link != "" {
		fmt.Fprintf(&b, "%s %s\n\n", LabelSignUpLink, oneLine(link))
		b.WriteString("The link creates your organization's instance, with a connection request to " + from + " waiting. It works once and is valid for 14 days.\n")
	} else {
		fmt.Fprintf(&b, "The operator of %s will contact you to set up your organization.\n", strings.TrimRight(oneLine(baseURL), "/"))
	}
	return msg(KindPartnerReferral, email, from+" invites you to Yardstick", b.String(), link != "")
}

// OperatorReferral tells the operator about a referral when self-service
// sign-up is closed.
func OperatorReferral(baseURL, fromName, fromCode, organization, email, operator string) model.OutboxMessage {
	from := instanceLabel(fromName, fromCode)
	var b strings.Builder
	fmt.Fprintf(&b, "%s referred an organization to %s:\n\n", from, strings.TrimRight(oneLine(baseURL), "/"))
	fmt.Fprintf(&b, "Organization: %s\nEmail: %s\n\n", quoted(organization), oneLine(email))
	b.WriteString("Create its instance with `yardstick instance create`; it can then request a connection with the referrer's code.\n")
	return msg(KindOperatorReferral, operator, "Referral from "+from, b.String(), false)
}

func msg(kind, to, subject, body string, secret bool) model.OutboxMessage {
	return signed(kind, to, subject, body+signature, secret)
}

// signed is msg for a body that ends with the signature already (written
// into the same buffer, not copied again to append it).
func signed(kind, to, subject, body string, secret bool) model.OutboxMessage {
	return model.OutboxMessage{
		Kind:      kind,
		To:        oneLine(to),
		Subject:   oneLine(subject),
		Body:      body,
		HasSecret: secret,
	}
}

func loginURL(baseURL string) string {
	return strings.TrimRight(oneLine(baseURL), "/") + "/login"
}

// instanceLabel reads “Name” (CODE), or whichever of the two is set. The
// name is someone's text (see quoted); the code is A–Z, 0–9 and '-'.
func instanceLabel(name, code string) string {
	name, code = oneLine(name), unlink(textcheck.Visible(oneLine(code)))
	switch {
	case name == "":
		return code
	case code == "":
		return quoted(name)
	}
	return quoted(name) + " (" + code + ")"
}

// oneLine turns every control character (CR, LF, tab, …) into a space and
// trims, so an instance name cannot add header lines to the subject or
// forge lines such as "Temporary password:" in the body.
func oneLine(s string) string {
	if isOneLine(s) {
		return s // most text: nothing to change, nothing to allocate
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether oneLine would return s as it is: words of
// valid UTF-8 without control characters, separated by single spaces,
// none at either end.
func isOneLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || (c == ' ' && s[i+1] == ' ') {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			return false // strings.Map would mend the byte; Fields splits at the space
		}
		i += size
	}
	return true
}

// KindReportDelivery is a saved report mailed on its schedule.
const KindReportDelivery = "report_delivery"

// ReportDelivery is a saved report's scheduled mail to its creator, with
// the report as XLSX attached (file nil: it was over the size a mail may
// carry, and the mail says so and links the report instead). schedule is
// "weekly" or "monthly", period the period it is for, for people.
func ReportDelivery(reportURL, instanceName, instanceCode, email, reportName, schedule, period string, rows int, fileName string, file []byte) model.OutboxMessage {
	name := instanceLabel(instanceName, instanceCode)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nHere is the %s report %s of %s, for %s: %d row%s, as you may see them today.\n\n",
		schedule, quoted(reportName), name, period, rows, map[bool]string{true: "", false: "s"}[rows == 1])
	if file != nil {
		fmt.Fprintf(&b, "The report is attached as %s.\n", oneLine(fileName))
	} else {
		b.WriteString("The report is too large to attach to a mail; open it in Yardstick and download it there.\n")
	}
	fmt.Fprintf(&b, "Open the report: %s\n\n", oneLine(reportURL))
	b.WriteString("You get this mail because you saved this report with a delivery schedule; change the schedule on the report's Edit page.\n")
	m := msg(KindReportDelivery, email, "Report "+quoted(reportName)+" ("+schedule+")", b.String(), false)
	if file != nil {
		m.AttachmentName, m.Attachment = oneLine(fileName), file
	}
	return m
}

package views

import (
	"yardstick/internal/model"
	"yardstick/internal/textcheck"
)

// activityNames are the activity types for people.
var activityNames = map[string]string{
	"sign_in": "Signed in", "sign_out": "Signed out", "sign_in_failed": "Failed sign-in",
	"view_scorecard": "Viewed a scorecard", "view_measure": "Viewed a measure", "create": "Created", "update": "Changed",
	"delete": "Deleted", "restore": "Restored", "link": "Linked", "unlink": "Unlinked", "data_entry": "Entered data", "import": "Imported",
	"export": "Exported", "permission_change": "Changed permissions", "membership_change": "Changed membership", "refused": "Refused",
	"partner_request": "Requested a partner connection", "partner_accept": "Accepted a partner connection",
	"partner_decline": "Declined a partner connection", "partner_cancel": "Cancelled a partner request",
	"partner_share": "Shared with a partner", "partner_unshare": "Stopped sharing with a partner",
	"partner_revoke": "Revoked a partner channel", "partner_refer": "Referred an organization",
	"invitation": "Invitation", "email_change": "Email change",
	"password_change": "Password change", "password_reset_request": "Password reset requested",
	"api_key_created": "Created an API key", "api_key_revoked": "Revoked an API key",
	"embed_enabled": "Enabled embedding", "embed_disabled": "Disabled embedding", "embed_created": "Created an embed code",
	"embed_regenerated": "Regenerated an embed code", "embed_revoked": "Revoked an embed code",
}

// ActivityName is an activity type for people (pages and exports).
func ActivityName(t string) string { return activityName(t) }

// activityName is an activity type for people.
func activityName(t string) string {
	if n, ok := activityNames[t]; ok {
		return n
	}
	return logText(t)
}

// OutcomeName is an entry's outcome for people (pages and exports).
func OutcomeName(o string) string {
	switch o {
	case model.OutcomeSucceeded, "":
		return "Succeeded"
	case model.OutcomeRefused:
		return "Refused"
	case model.OutcomeFailed:
		return "Failed"
	}
	return logText(o)
}

// logText is text of a log entry as the log page shows it: every control
// and bidi character as a visible escape (`\n`, `\u202E`), so that no
// stored value can forge a line or reverse how its neighbours read.
func logText(s string) string { return textcheck.Visible(s) }

package views

import (
	"context"

	"yardstick/internal/model"
	"yardstick/internal/terms"
	"yardstick/internal/textcheck"
)

// activityNames are the activity types for people, in the Common Terms'
// form (terms.Set.Expand).
var activityNames = map[string]string{
	"sign_in": "Signed in", "sign_out": "Signed out", "sign_in_failed": "Failed sign-in",
	"view_scorecard": "Viewed a {scorecard:lower}", "view_measure": "Viewed a {measure:lower}", "create": "Created", "update": "Changed",
	"delete": "Deleted", "restore": "Restored", "link": "Linked", "unlink": "Unlinked", "data_entry": "Entered data", "import": "Imported",
	"export": "Exported", "permission_change": "Changed permissions", "membership_change": "Changed membership", "refused": "Refused",
	"partner_request": "Requested a {partner:lower} connection", "partner_accept": "Accepted a {partner:lower} connection",
	"partner_decline": "Declined a {partner:lower} connection", "partner_cancel": "Cancelled a {partner:lower} request",
	"partner_share": "Shared with a {partner:lower}", "partner_unshare": "Stopped sharing with a {partner:lower}",
	"partner_revoke": "Revoked a {partner:lower} channel", "partner_refer": "Referred an organization",
	"multi_site": "Multi-Site Tools",
	"invitation": "Invitation", "email_change": "Email change",
	"password_change": "Password change", "password_reset_request": "Password reset requested",
	"api_key_created": "Created an API key", "api_key_revoked": "Revoked an API key",
	"embed_enabled": "Enabled embedding", "embed_disabled": "Disabled embedding", "embed_created": "Created an embed code",
	"embed_regenerated": "Regenerated an embed code", "embed_revoked": "Revoked an embed code",
	"scorecard_locked": "Locked or unlocked a {scorecard:lower}",
}

// objectTypeNames are the kinds of object an entry names (model.Activity's
// ObjectType, a code app writes) that are terms, in the Common Terms'
// form; the others are shown as recorded.
var objectTypeNames = map[string]string{
	"scorecard": "{scorecard:lower}", "container": "{container:lower}", "measure": "{measure:lower}",
	"action": "{action:lower}", "actions": "{action:lowmany}", "action field": "{action:lower} field", "to-do": "{todo:lower}",
	"note": "{note:lower}", "note type": "{note:lower} type", "note types": "{note:lower} types", "note section": "{note:lower} section",
	"partner": "{partner:lower}",
}

// ActivityName is an activity type for people in an instance's words
// (pages and exports).
func ActivityName(words *terms.Set, t string) string {
	if n, ok := activityNames[t]; ok {
		return words.Expand(n)
	}
	return logText(t)
}

// ObjectTypeName is the kind of object an entry names, in an instance's
// words (pages and exports).
func ObjectTypeName(words *terms.Set, t string) string {
	if n, ok := objectTypeNames[t]; ok {
		return words.Expand(n)
	}
	return logText(t)
}

func activityName(ctx context.Context, t string) string { return ActivityName(terms.From(ctx), t) }

func objectTypeName(ctx context.Context, t string) string { return ObjectTypeName(terms.From(ctx), t) }

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

package web

import (
	"net/http"

	"yardstick/internal/access"
)

// need says what a route requires before its handler runs.
type need int

const (
	public  need = iota // anyone
	account             // a signed-in account
	member              // an active member of the instance in {code}
	apiKey              // an API key of the instance in {code} (apiauth.go)
)

// route is one registered pattern. Perm, when set, is checked through the
// actor (internal/access) before the handler; the use case in
// internal/app checks again for what it touches.
type route struct {
	Pattern        string
	Need           need
	Perm           access.Permission
	AllowTemporary bool  // reachable while a temporary password must be replaced
	Upload         bool  // takes a multipart file (body up to 6 MB); other routes refuse multipart
	Multipart      bool  // takes a multipart form of fields within the form limit (RFC 8058's one-click post)
	Unqueued       bool  // served at once, never queued behind pages (health, metrics, static files)
	MaxBody        int64 // a body limit above Config.MaxFormBody (API bulk writes); 0: that
	// Menu, on a GET page, lists it in the Administration menu and on the
	// Administration page under this label for whoever holds Perm, in
	// Group with the one-line Desc; both follow the table's order.
	Menu, Group, Desc string
	h                 handlerFunc
}

// RouteInfo describes a route for the authorization matrix test.
type RouteInfo struct {
	Transport string // "pages" or "api"
	Pattern   string
	Need      string
	Perm      access.Permission
}

// Routes lists every registered route of every transport.
func (s *Server) Routes() []RouteInfo {
	names := map[need]string{public: "public", account: "account", member: "member", apiKey: "key"}
	var out []RouteInfo
	for _, t := range s.transports() {
		for _, rt := range t.routes {
			out = append(out, RouteInfo{Transport: t.name, Pattern: rt.Pattern, Need: names[rt.Need], Perm: rt.Perm})
		}
	}
	return out
}

// Groups of the Administration page (SPEC §13).
const (
	groupOrganization = "Organization"
	groupUsers        = "Users"
	groupDefaults     = "{scorecard} defaults"
	groupInstance     = "Instance"
)

// routes is every route of the HTML pages, one per line, with what it needs.
func (s *Server) routes() []route {
	return []route{
		{Pattern: "GET /healthz", Need: public, Unqueued: true, h: s.healthz},
		{Pattern: "GET /readyz", Need: public, Unqueued: true, h: s.readyz},
		{Pattern: "GET /metrics", Need: public, Unqueued: true, h: s.metricsPage},
		{Pattern: "GET /static/", Need: public, Unqueued: true, h: s.static},
		{Pattern: "GET /{$}", Need: public, h: s.root},

		{Pattern: "GET /setup", Need: public, h: s.setupForm},
		{Pattern: "POST /setup", Need: public, h: s.setupSubmit},
		{Pattern: "GET /api/v1/docs", Need: public, h: s.apiDocsPage}, // the API's document as a page (apiauth.go)
		{Pattern: "GET /login", Need: public, h: s.loginForm},
		{Pattern: "POST /login", Need: public, h: s.loginSubmit},
		{Pattern: "POST /logout", Need: public, h: s.logout},
		{Pattern: "GET /forgot", Need: public, h: s.forgotForm},
		{Pattern: "POST /forgot", Need: public, h: s.forgotSubmit},
		{Pattern: "GET /reset/{token}", Need: public, h: s.resetForm},
		{Pattern: "POST /reset/{token}", Need: public, h: s.resetSubmit},
		{Pattern: "GET /signin/{token}", Need: public, h: s.signInLinkForm},
		{Pattern: "POST /signin/{token}", Need: public, h: s.signInLinkSubmit},
		{Pattern: "GET /signup/{token}", Need: public, h: s.signupForm},
		{Pattern: "POST /signup/{token}", Need: public, h: s.signupSubmit},

		{Pattern: "GET /account/password", Need: account, AllowTemporary: true, h: s.passwordForm},
		{Pattern: "POST /account/password", Need: account, AllowTemporary: true, h: s.passwordSubmit},
		{Pattern: "GET /instances", Need: account, h: s.instances},
		{Pattern: "GET /account", Need: account, h: s.accountPage},
		{Pattern: "POST /account", Need: account, h: s.accountSave},
		{Pattern: "POST /account/email", Need: account, h: s.accountEmail},
		{Pattern: "GET /email/{token}", Need: public, h: s.emailConfirmForm},
		{Pattern: "POST /email/{token}", Need: public, h: s.emailConfirmSubmit},
		// A digest's unsubscribe link (unsubscribe.go): GET asks, POST does
		// it, also as RFC 8058's one-click post (no cross-origin check).
		{Pattern: "GET /unsubscribe/{token}", Need: public, h: s.unsubscribeForm},
		{Pattern: "POST /unsubscribe/{token}", Need: public, Multipart: true, h: s.unsubscribeSubmit},

		// Invitations are the invited account's to answer (SPEC §4).
		{Pattern: "GET /invitations", Need: account, h: s.invitationsPage},
		{Pattern: "POST /invitations/{id}/accept", Need: account, h: s.invitationAnswer(true)},
		{Pattern: "POST /invitations/{id}/decline", Need: account, h: s.invitationAnswer(false)},

		{Pattern: "GET /i/{code}/{$}", Need: member, h: s.dashboard},
		{Pattern: "GET /i/{code}/preferences", Need: member, h: s.preferencesPage},
		{Pattern: "POST /i/{code}/preferences", Need: member, h: s.preferencesSave},
		// A member's own notifications (issue 15): no permission needed.
		{Pattern: "GET /i/{code}/notifications", Need: member, h: s.notificationsPage},
		{Pattern: "POST /i/{code}/notifications/read", Need: member, h: s.notificationsRead},

		// Scorecards and their objects (visibility is applied in internal/app).
		{Pattern: "GET /i/{code}/scorecards", Need: member, h: s.scorecardList},
		{Pattern: "GET /i/{code}/scorecards/new", Need: member, Perm: access.ObjectsEdit, h: s.scorecardNew},
		{Pattern: "GET /i/{code}/scorecards/jump", Need: member, h: s.scorecardJump},
		{Pattern: "POST /i/{code}/scorecards", Need: member, Perm: access.ObjectsEdit, h: s.scorecardCreate},
		{Pattern: "GET /i/{code}/scorecards/{id}", Need: member, h: s.scorecardPage},
		{Pattern: "GET /i/{code}/scorecards/{id}/edit", Need: member, Perm: access.ObjectsEdit, h: s.scorecardEdit},
		{Pattern: "GET /i/{code}/scorecards/{id}/history", Need: member, h: s.scorecardHistory},
		// The scorecard's tree with its chosen columns, for whoever may open it.
		{Pattern: "GET /i/{code}/scorecards/{id}/export.csv", Need: member, h: s.scorecardExport("csv")},
		{Pattern: "GET /i/{code}/scorecards/{id}/export.xlsx", Need: member, h: s.scorecardExport("xlsx")},
		{Pattern: "GET /i/{code}/scorecards/{id}/export.pdf", Need: member, h: s.scorecardExport("pdf")},
		{Pattern: "GET /i/{code}/scorecards/{id}/scores", Need: member, h: s.scorecardScores},
		{Pattern: "GET /i/{code}/scorecards/{id}/copy", Need: member, Perm: access.ObjectsEdit, h: s.scorecardCopyForm},
		{Pattern: "POST /i/{code}/scorecards/{id}/copy", Need: member, Perm: access.ObjectsEdit, h: s.scorecardCopy},
		{Pattern: "POST /i/{code}/scorecards/{id}/star", Need: member, h: s.scorecardStar},
		{Pattern: "POST /i/{code}/scorecards/{id}/lock", Need: member, Perm: access.ObjectsEdit, h: s.scorecardLock},
		{Pattern: "POST /i/{code}/scorecards/{id}/dividers", Need: member, Perm: access.ObjectsEdit, h: s.dividerAdd},
		{Pattern: "POST /i/{code}/scorecards/{id}/dividers/{divider}", Need: member, Perm: access.ObjectsEdit, h: s.dividerChange("rename")},
		{Pattern: "POST /i/{code}/scorecards/{id}/dividers/{divider}/move", Need: member, Perm: access.ObjectsEdit, h: s.dividerChange("move")},
		{Pattern: "POST /i/{code}/scorecards/{id}/dividers/{divider}/delete", Need: member, Perm: access.ObjectsEdit, h: s.dividerChange("delete")},
		{Pattern: "POST /i/{code}/scorecards/{id}", Need: member, Perm: access.ObjectsEdit, h: s.scorecardUpdate},
		{Pattern: "POST /i/{code}/scorecards/{id}/delete", Need: member, Perm: access.ObjectsDelete, h: s.scorecardDelete},
		{Pattern: "POST /i/{code}/scorecards/{id}/members", Need: member, Perm: access.UsersManage, h: s.scorecardAssign},
		// Embed codes (issue 17, SPEC §14): the switch needs objects.edit
		// here and embed in internal/app too; the codes need embed.
		{Pattern: "POST /i/{code}/scorecards/{id}/embed", Need: member, Perm: access.ObjectsEdit, h: s.embedSwitch},
		{Pattern: "GET /i/{code}/scorecards/{id}/embeds", Need: member, Perm: access.Embed, h: s.embedCodes},
		{Pattern: "POST /i/{code}/on/{on}/{id}/embeds", Need: member, Perm: access.Embed, h: s.embedCreate},
		{Pattern: "POST /i/{code}/embeds/{id}/regenerate", Need: member, Perm: access.Embed, h: s.embedRegenerate},
		{Pattern: "POST /i/{code}/embeds/{id}/revoke", Need: member, Perm: access.Embed, h: s.embedRevoke},
		{Pattern: "GET /i/{code}/objects", Need: member, h: s.objectList},
		{Pattern: "GET /i/{code}/objects/new", Need: member, Perm: access.ObjectsEdit, h: s.objectNew},
		{Pattern: "POST /i/{code}/objects", Need: member, Perm: access.ObjectsEdit, h: s.objectCreate},
		{Pattern: "GET /i/{code}/objects/{id}", Need: member, h: s.objectPage},
		{Pattern: "GET /i/{code}/objects/{id}/edit", Need: member, Perm: access.ObjectsEdit, h: s.objectEdit},
		{Pattern: "GET /i/{code}/objects/{id}/history", Need: member, h: s.objectHistory},
		{Pattern: "POST /i/{code}/objects/{id}", Need: member, Perm: access.ObjectsEdit, h: s.objectUpdate},
		{Pattern: "POST /i/{code}/objects/{id}/delete", Need: member, Perm: access.ObjectsDelete, h: s.objectDelete},
		{Pattern: "POST /i/{code}/objects/{id}/data", Need: member, Perm: access.DataEnter, h: s.dataSave},
		{Pattern: "POST /i/{code}/objects/{id}/paste", Need: member, Perm: access.DataEnter, h: s.dataPaste},
		{Pattern: "POST /i/{code}/objects/{id}/baseline", Need: member, Perm: access.ObjectsEdit, h: s.baselineSave},
		{Pattern: "POST /i/{code}/objects/{id}/graph", Need: member, Perm: access.GraphsEdit, h: s.graphSave},
		{Pattern: "POST /i/{code}/objects/{id}/star", Need: member, h: s.starToggle},
		// Calculated measures (issue 22): the definition needs objects.edit.
		{Pattern: "GET /i/{code}/objects/{id}/calculation", Need: member, Perm: access.ObjectsEdit, h: s.calculationPage},
		{Pattern: "POST /i/{code}/objects/{id}/calculation", Need: member, Perm: access.ObjectsEdit, h: s.calculationSave},
		{Pattern: "POST /i/{code}/objects/{id}/calculation/clear", Need: member, Perm: access.ObjectsEdit, h: s.calculationClear},
		// Notes and commentary on a scorecard or object (issue 13): {on} is
		// "scorecards" or "objects"; visibility and partners' read-only
		// content are applied in internal/app, which also refuses a comment's
		// edit or delete to anyone but its author (15 minutes) or an admin.
		{Pattern: "GET /i/{code}/on/{on}/{id}/notes/{type}/edit", Need: member, Perm: access.NotesEdit, h: s.noteEdit},
		{Pattern: "POST /i/{code}/on/{on}/{id}/notes/{type}", Need: member, Perm: access.NotesEdit, h: s.noteSave},
		{Pattern: "GET /i/{code}/on/{on}/{id}/notes/{type}/history", Need: member, h: s.noteHistory},
		{Pattern: "GET /i/{code}/on/{on}/{id}/notes/{type}/history/{v}", Need: member, h: s.noteVersion},
		{Pattern: "POST /i/{code}/on/{on}/{id}/notes/{type}/history/{v}/restore", Need: member, Perm: access.NotesEdit, h: s.noteRestore},
		{Pattern: "POST /i/{code}/on/{on}/{id}/sections", Need: member, Perm: access.ObjectsEdit, h: s.noteSectionAdd},
		{Pattern: "GET /i/{code}/on/{on}/{id}/notes/{type}/remove", Need: member, Perm: access.ObjectsEdit, h: s.noteRemoveConfirm},
		{Pattern: "POST /i/{code}/on/{on}/{id}/notes/{type}/remove", Need: member, Perm: access.ObjectsEdit, h: s.noteRemove},
		{Pattern: "POST /i/{code}/on/{on}/{id}/comments", Need: member, Perm: access.CommentaryAdd, h: s.commentAdd},
		{Pattern: "GET /i/{code}/comments/{id}/edit", Need: member, Perm: access.CommentaryAdd, h: s.commentEdit},
		{Pattern: "POST /i/{code}/comments/{id}", Need: member, Perm: access.CommentaryAdd, h: s.commentSave},
		{Pattern: "POST /i/{code}/comments/{id}/delete", Need: member, h: s.commentDelete},
		{Pattern: "GET /i/{code}/actions", Need: member, h: s.actionsPage},
		{Pattern: "GET /i/{code}/reports", Need: member, Perm: access.ReportsView, h: s.reportsList},
		{Pattern: "GET /i/{code}/reports/new", Need: member, Perm: access.ReportsEdit, h: s.reportNew},
		{Pattern: "POST /i/{code}/reports", Need: member, Perm: access.ReportsEdit, h: s.reportCreate},
		{Pattern: "GET /i/{code}/reports/run", Need: member, Perm: access.ReportsView, h: s.reportRun},
		{Pattern: "GET /i/{code}/reports/run.csv", Need: member, Perm: access.ReportsView, h: s.reportCSV},
		{Pattern: "GET /i/{code}/reports/run.xlsx", Need: member, Perm: access.ReportsView, h: s.reportXLSX},
		{Pattern: "GET /i/{code}/reports/run.pdf", Need: member, Perm: access.ReportsView, h: s.reportPDF},
		{Pattern: "GET /i/{code}/reports/{id}", Need: member, Perm: access.ReportsView, h: s.reportOpen},
		{Pattern: "GET /i/{code}/reports/{id}/edit", Need: member, Perm: access.ReportsEdit, h: s.reportEdit},
		{Pattern: "POST /i/{code}/reports/{id}", Need: member, Perm: access.ReportsEdit, h: s.reportUpdate},
		{Pattern: "POST /i/{code}/reports/{id}/delete", Need: member, Perm: access.ReportsEdit, h: s.reportDelete},
		{Pattern: "GET /i/{code}/actions.xlsx", Need: member, h: s.actionsXLSX},
		{Pattern: "GET /i/{code}/actions.csv", Need: member, h: s.actionsCSV},
		{Pattern: "GET /i/{code}/actions/gantt", Need: member, h: s.ganttPage},
		{Pattern: "GET /i/{code}/actions/new", Need: member, Perm: access.ActionsEdit, h: s.actionNew},
		{Pattern: "POST /i/{code}/actions", Need: member, Perm: access.ActionsEdit, h: s.actionCreate},
		{Pattern: "GET /i/{code}/actions/link", Need: member, Perm: access.ActionsEdit, h: s.actionLinkPage},
		{Pattern: "GET /i/{code}/actions/{id}", Need: member, h: s.actionPage},
		{Pattern: "POST /i/{code}/actions/{id}/link", Need: member, Perm: access.ActionsEdit, h: s.actionLink(false)},
		{Pattern: "POST /i/{code}/actions/{id}/unlink", Need: member, Perm: access.ActionsEdit, h: s.actionLink(true)},
		{Pattern: "GET /i/{code}/actions/{id}/edit", Need: member, Perm: access.ActionsEdit, h: s.actionEdit},
		{Pattern: "POST /i/{code}/actions/{id}", Need: member, Perm: access.ActionsEdit, h: s.actionUpdate},
		{Pattern: "POST /i/{code}/actions/{id}/delete", Need: member, Perm: access.ActionsDelete, h: s.actionDelete},
		{Pattern: "POST /i/{code}/actions/{id}/schedule", Need: member, Perm: access.ActionsEdit, h: s.actionSchedule},
		{Pattern: "POST /i/{code}/actions/{id}/updates", Need: member, Perm: access.ActionsStatus, h: s.actionStatusAdd},
		{Pattern: "POST /i/{code}/actions/{id}/todos", Need: member, Perm: access.ActionsTodos, h: s.actionTodoAdd},
		{Pattern: "POST /i/{code}/actions/{id}/todos/{todo}", Need: member, h: s.actionTodoCheck},
		{Pattern: "GET /i/{code}/actions/{id}/todos/{todo}/edit", Need: member, Perm: access.ActionsTodos, h: s.actionTodoEdit},
		{Pattern: "POST /i/{code}/actions/{id}/todos/{todo}/edit", Need: member, Perm: access.ActionsTodos, h: s.actionTodoUpdate},
		{Pattern: "POST /i/{code}/actions/{id}/todos/{todo}/delete", Need: member, Perm: access.ActionsTodos, h: s.actionTodoDelete},

		{Pattern: "POST /i/{code}/links", Need: member, Perm: access.ObjectsEdit, h: s.linkCreate},
		{Pattern: "POST /i/{code}/links/unlink", Need: member, Perm: access.ObjectsEdit, h: s.linkDelete},
		{Pattern: "POST /i/{code}/links/move", Need: member, Perm: access.ObjectsEdit, h: s.linkMove},

		// Administration (SPEC §13): every page of the menu, grouped; General
		// Settings and Common Terms (issue 18).
		{Pattern: "GET /i/{code}/admin", Need: member, h: s.adminPage},
		{Pattern: "GET /i/{code}/admin/settings", Need: member, Perm: access.Settings, Menu: "General Settings", Group: groupOrganization, Desc: "Name, logo, time zone, data-entry period, welcome mail and the administrator message.", h: s.settingsPage},
		{Pattern: "POST /i/{code}/admin/settings", Need: member, Perm: access.Settings, h: s.settingsSave},
		{Pattern: "POST /i/{code}/admin/settings/logo", Need: member, Perm: access.Settings, Upload: true, h: s.logoUpload},
		{Pattern: "POST /i/{code}/admin/settings/logo/delete", Need: member, Perm: access.Settings, h: s.logoDelete},
		{Pattern: "GET /i/{code}/admin/terms", Need: member, Perm: access.Language, Menu: "Common Terms", Group: groupOrganization, Desc: "Rename the product's vocabulary, such as {result} or {measure}.", h: s.termsPage},
		{Pattern: "POST /i/{code}/admin/terms", Need: member, Perm: access.Language, h: s.termsSave},
		{Pattern: "GET /i/{code}/logo", Need: member, h: s.logo},
		{Pattern: "GET /i/{code}/compyle", Need: member, Perm: access.Compyle, h: s.compyle},

		// Users administration (SPEC §4).
		{Pattern: "GET /i/{code}/admin/users", Need: member, Perm: access.UsersManage, Menu: "Users", Group: groupUsers, Desc: "List, add, edit and deactivate members; reset passwords.", h: s.usersList},
		{Pattern: "GET /i/{code}/admin/users/new", Need: member, Perm: access.UsersManage, h: s.userNewForm},
		{Pattern: "POST /i/{code}/admin/users", Need: member, Perm: access.UsersManage, h: s.userCreate},
		{Pattern: "POST /i/{code}/admin/users/existing", Need: member, Perm: access.UsersManage, h: s.userAddExisting},
		{Pattern: "GET /i/{code}/admin/users/{id}", Need: member, Perm: access.UsersManage, h: s.userEdit},
		{Pattern: "POST /i/{code}/admin/users/{id}", Need: member, Perm: access.UsersManage, h: s.userSave},
		{Pattern: "POST /i/{code}/admin/users/{id}/deactivate", Need: member, Perm: access.UsersManage, h: s.userDeactivate},
		{Pattern: "POST /i/{code}/admin/users/{id}/reactivate", Need: member, Perm: access.UsersManage, h: s.userReactivate},
		{Pattern: "POST /i/{code}/admin/users/{id}/reset", Need: member, Perm: access.UsersManage, h: s.userResetPassword},
		// API keys (SPEC §14).
		{Pattern: "GET /i/{code}/admin/api", Need: member, Perm: access.InstanceAdmin, Menu: "API keys", Group: groupInstance, Desc: "Keys for the API.", h: s.apiKeysPage},
		{Pattern: "POST /i/{code}/admin/api", Need: member, Perm: access.InstanceAdmin, h: s.apiKeyCreate},
		{Pattern: "POST /i/{code}/admin/api/{id}/revoke", Need: member, Perm: access.InstanceAdmin, h: s.apiKeyRevoke},
		{Pattern: "GET /i/{code}/admin/xref", Need: member, Perm: access.InstanceAdmin, Menu: "API XREF", Group: groupInstance, Desc: "The ids the API takes, and each {scorecard:lower}, {container:lower} and {measure:lower} with its external id.", h: s.xrefPage},
		{Pattern: "GET /i/{code}/admin/xref.csv", Need: member, Perm: access.InstanceAdmin, h: s.xrefCSV},
		{Pattern: "GET /i/{code}/admin/dashboard", Need: member, Perm: access.InstanceAdmin, Menu: "Instance dashboard", Group: groupInstance, Desc: "Counts of members, {scorecard:lowmany}, {measure:lowmany} and recent data, the median accountability scores, and the {scorecard:lowmany} whose data is most overdue.", h: s.instanceDashboard},
		{Pattern: "GET /i/{code}/admin/billing", Need: member, Perm: access.InstanceAdmin, Menu: "Seats and Billing", Group: groupInstance, Desc: "The licence and the seats in use.", h: s.billingPage},
		// Multi-Site Tools (SPEC §1, issue 22); whether the instance has them is checked in internal/app.
		{Pattern: "GET /i/{code}/admin/multisite", Need: member, Perm: access.InstanceAdmin, Menu: "Multi-Site Tools", Group: groupInstance, Desc: "Child instances: create them and give them administrators.", h: s.multiSitePage},
		{Pattern: "POST /i/{code}/admin/multisite/children", Need: member, Perm: access.InstanceAdmin, h: s.multiSiteCreateChild},
		{Pattern: "POST /i/{code}/admin/multisite/admins", Need: member, Perm: access.InstanceAdmin, h: s.multiSiteAddAdmin},
		{Pattern: "GET /i/{code}/admin/multisite/copy", Need: member, Perm: access.InstanceAdmin, h: s.siteCopyPage},
		{Pattern: "POST /i/{code}/admin/multisite/copy", Need: member, Perm: access.InstanceAdmin, h: s.siteCopy},

		// User Activity log (SPEC §10).
		{Pattern: "GET /i/{code}/admin/activity", Need: member, Perm: access.InstanceAdmin, Menu: "User Activity", Group: groupInstance, Desc: "Who did what and when, with exports.", h: s.activityPage},
		{Pattern: "GET /i/{code}/admin/activity.xlsx", Need: member, Perm: access.InstanceAdmin, h: s.activityXLSX},
		{Pattern: "GET /i/{code}/admin/activity.pdf", Need: member, Perm: access.InstanceAdmin, h: s.activityPDF},

		// Partner Connect (SPEC §12); channels and requests are checked in internal/app.
		{Pattern: "GET /i/{code}/admin/partners", Need: member, Perm: access.InstanceAdmin, Menu: "Partner Connect", Group: groupInstance, Desc: "Connect with other instances and share {scorecard:lowmany}.", h: s.partnersPage},
		{Pattern: "POST /i/{code}/admin/partners", Need: member, Perm: access.InstanceAdmin, h: s.partnerRequest},
		{Pattern: "POST /i/{code}/admin/partners/refer", Need: member, Perm: access.InstanceAdmin, h: s.partnerRefer},
		{Pattern: "POST /i/{code}/admin/partners/requests/{id}/accept", Need: member, Perm: access.InstanceAdmin, h: s.partnerAnswer(true)},
		{Pattern: "POST /i/{code}/admin/partners/requests/{id}/decline", Need: member, Perm: access.InstanceAdmin, h: s.partnerAnswer(false)},
		{Pattern: "POST /i/{code}/admin/partners/requests/{id}/cancel", Need: member, Perm: access.InstanceAdmin, h: s.partnerCancel},
		{Pattern: "GET /i/{code}/admin/partners/channels/{id}", Need: member, Perm: access.InstanceAdmin, h: s.sharesPage},
		{Pattern: "POST /i/{code}/admin/partners/channels/{id}", Need: member, Perm: access.InstanceAdmin, h: s.sharesSave},
		{Pattern: "GET /i/{code}/admin/partners/channels/{id}/revoke", Need: member, Perm: access.InstanceAdmin, h: s.revokeConfirm},
		{Pattern: "POST /i/{code}/admin/partners/channels/{id}/revoke", Need: member, Perm: access.InstanceAdmin, h: s.revokeChannel},

		// Import Users (SPEC §11).
		{Pattern: "GET /i/{code}/admin/import", Need: member, Perm: access.Import, Menu: "Import Users", Group: groupUsers, Desc: "Add or update many members from a CSV file.", h: s.importPage},
		{Pattern: "GET /i/{code}/admin/import/template.csv", Need: member, Perm: access.Import, h: s.importTemplate},
		{Pattern: "POST /i/{code}/admin/import", Need: member, Perm: access.Import, Upload: true, h: s.importUpload},
		{Pattern: "GET /i/{code}/admin/import/{id}", Need: member, Perm: access.Import, h: s.importPreview},
		{Pattern: "POST /i/{code}/admin/import/{id}/run", Need: member, Perm: access.Import, h: s.importRun},
		{Pattern: "GET /i/{code}/admin/import/{id}/results.csv", Need: member, Perm: access.Import, h: s.importResults},

		// Import Data (issue 21): the page and the run need import, the use case
		// data entry on each row's measure; an upload is its member's alone.
		{Pattern: "GET /i/{code}/admin/data-import", Need: member, Perm: access.Import, Menu: "Import Data", Group: groupInstance, Desc: "Add or correct many data values from a CSV file or an Excel workbook.", h: s.dataImportPage},
		{Pattern: "POST /i/{code}/admin/data-import", Need: member, Perm: access.Import, Upload: true, MaxBody: dataUploadBody, h: s.dataImportUpload},
		{Pattern: "GET /i/{code}/scorecards/{id}/data-import", Need: member, Perm: access.Import, h: s.dataImportPage},
		{Pattern: "POST /i/{code}/scorecards/{id}/data-import", Need: member, Perm: access.Import, Upload: true, MaxBody: dataUploadBody, h: s.dataImportUpload},
		{Pattern: "GET /i/{code}/admin/data-import/{id}", Need: member, Perm: access.Import, h: s.dataImportPreview},
		{Pattern: "POST /i/{code}/admin/data-import/{id}/run", Need: member, Perm: access.Import, h: s.dataImportRun},
		{Pattern: "GET /i/{code}/admin/data-import/{id}/results.csv", Need: member, Perm: access.Import, h: s.dataImportResults},
		// The template (for an import) and the export of a scorecard's values, in one layout.
		{Pattern: "GET /i/{code}/scorecards/{id}/data-template.xlsx", Need: member, Perm: access.Import, h: s.dataSheet(true, "xlsx")},
		{Pattern: "GET /i/{code}/scorecards/{id}/data-template.csv", Need: member, Perm: access.Import, h: s.dataSheet(true, "csv")},
		{Pattern: "GET /i/{code}/scorecards/{id}/data-values.xlsx", Need: member, h: s.dataSheet(false, "xlsx")},
		{Pattern: "GET /i/{code}/scorecards/{id}/data-values.csv", Need: member, h: s.dataSheet(false, "csv")},

		// Scorecard defaults and calendars (SPEC §13).
		{Pattern: "GET /i/{code}/admin/types", Need: member, Perm: access.Defaults, Menu: "Object Types", Group: groupDefaults, Desc: "The {container:lower} and {measure:lower} types objects are made of.", h: s.typesPage},
		{Pattern: "POST /i/{code}/admin/types", Need: member, Perm: access.Defaults, h: s.typeCreate},
		{Pattern: "POST /i/{code}/admin/types/{id}", Need: member, Perm: access.Defaults, h: s.typeUpdate},
		{Pattern: "POST /i/{code}/admin/types/{id}/delete", Need: member, Perm: access.Defaults, h: s.typeDelete},
		{Pattern: "GET /i/{code}/admin/action-fields", Need: member, Perm: access.Defaults, Menu: "{action} Custom Fields", Group: groupDefaults, Desc: "Fields of your own on every {action:lower}'s form and page.", h: s.actionFieldsPage},
		{Pattern: "POST /i/{code}/admin/action-fields", Need: member, Perm: access.Defaults, h: s.actionFieldCreate},
		{Pattern: "GET /i/{code}/admin/action-fields/{id}", Need: member, Perm: access.Defaults, h: s.actionFieldEdit},
		{Pattern: "POST /i/{code}/admin/action-fields/{id}", Need: member, Perm: access.Defaults, h: s.actionFieldUpdate},
		{Pattern: "POST /i/{code}/admin/action-fields/{id}/move", Need: member, Perm: access.Defaults, h: s.actionFieldMove},
		{Pattern: "GET /i/{code}/admin/action-fields/{id}/delete", Need: member, Perm: access.Defaults, h: s.actionFieldDeleteConfirm},
		{Pattern: "POST /i/{code}/admin/action-fields/{id}/delete", Need: member, Perm: access.Defaults, h: s.actionFieldDelete},
		{Pattern: "GET /i/{code}/admin/notes", Need: member, Perm: access.Defaults, Menu: "{note:many}", Group: groupDefaults, Desc: "The {note:lower} sections of {scorecard:lowmany} and their objects.", h: s.noteTypesPage},
		{Pattern: "POST /i/{code}/admin/notes", Need: member, Perm: access.Defaults, h: s.noteTypeCreate},
		{Pattern: "POST /i/{code}/admin/notes/order", Need: member, Perm: access.Defaults, h: s.noteTypeOrder},
		{Pattern: "GET /i/{code}/admin/notes/{id}", Need: member, Perm: access.Defaults, h: s.noteTypeEdit},
		{Pattern: "POST /i/{code}/admin/notes/{id}", Need: member, Perm: access.Defaults, h: s.noteTypeUpdate},
		{Pattern: "POST /i/{code}/admin/notes/{id}/move", Need: member, Perm: access.Defaults, h: s.noteTypeMove},
		{Pattern: "GET /i/{code}/admin/notes/{id}/delete", Need: member, Perm: access.Defaults, h: s.noteTypeDeleteConfirm},
		{Pattern: "POST /i/{code}/admin/notes/{id}/delete", Need: member, Perm: access.Defaults, h: s.noteTypeDelete},
		{Pattern: "GET /i/{code}/admin/bands", Need: member, Perm: access.Defaults, Menu: "Global Color Bands", Group: groupDefaults, Desc: "The default colour bands of {measure:lowmany}.", h: s.bandsPage},
		{Pattern: "POST /i/{code}/admin/bands", Need: member, Perm: access.Defaults, h: s.bandsSave},
		{Pattern: "GET /i/{code}/admin/frequencies", Need: member, Perm: access.Calendars, Menu: "Reporting Frequencies", Group: groupDefaults, Desc: "The calendars {measure:lowmany} report by.", h: s.frequenciesPage},
		{Pattern: "POST /i/{code}/admin/frequencies", Need: member, Perm: access.Calendars, h: s.frequencyCreate},
		{Pattern: "POST /i/{code}/admin/frequencies/{id}/delete", Need: member, Perm: access.Calendars, h: s.frequencyDelete},
	}
}

func (s *Server) static(w http.ResponseWriter, r *http.Request, _ *req) error {
	s.assets.serve(w, r)
	return nil
}

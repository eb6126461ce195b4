package model

import "time"

// Two statuses the action emails test for.
const (
	ActionNotStarted = "Not Started"
	ActionCompleted  = "Completed"
)

// Action statuses (SPEC §8), in the order forms offer them.
var ActionStatuses = []string{"Not Started", "On Track", "Behind Schedule", "Ahead of Schedule", "Completed", "Cancelled", "N/A"}

// ActionStatusValid reports whether s is one of ActionStatuses.
func ActionStatusValid(s string) bool {
	for _, v := range ActionStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// Action is what a team does to turn the curve.
type Action struct {
	ID            int64
	InstanceID    int64
	Title         string
	Description   string // sanitised HTML
	StartDate     string // YYYY-MM-DD or ""
	EndDate       string // YYYY-MM-DD or ""
	Status        string
	Percent       int
	AssigneeID    int64 // a membership of the instance; 0: none
	AssignerID    int64
	Assignee      string // names, for lists
	Assigner      string
	AssigneeEmail string // what the form shows and takes
	Tags          []string
	Version       int
	AssignedAt    *time.Time // when the assignee was last set: action mail
	CompletedAt   *time.Time // when the status became Completed: action mail
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ActionUpdate is one entry of an action's status log.
type ActionUpdate struct {
	ID        int64
	ActionID  int64
	Author    string
	Body      string
	Status    string
	Percent   int
	CreatedAt time.Time
}

// ActionTodo is a small task inside an action.
type ActionTodo struct {
	ID            int64
	ActionID      int64
	Title         string
	AssigneeID    int64
	Assignee      string
	AssigneeEmail string // what the to-do form shows and takes
	DueDate       string
	Done          bool
	DoneAt        *time.Time
	CreatedAt     time.Time
}

// Kinds of an Action Custom Field.
const (
	FieldText   = "text"
	FieldNumber = "number"
	FieldDate   = "date"
	FieldSelect = "select"
	FieldYesNo  = "yesno"
)

// FieldKinds are the kinds of Action Custom Fields, in the order forms
// offer them, with their names.
var FieldKinds = []struct{ Kind, Name string }{
	{FieldText, "Text"}, {FieldNumber, "Number"}, {FieldDate, "Date"}, {FieldSelect, "Drop-down"}, {FieldYesNo, "Yes/No"},
}

// ActionField is an Action Custom Field: it appears on every action's
// form and page of its instance.
type ActionField struct {
	ID         int64
	InstanceID int64
	Name       string
	Kind       string
	Options    []string // a drop-down's choices
	Required   bool
	Position   int
	InUse      int // actions holding a value (where counted)
}

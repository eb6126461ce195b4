package app

import (
	"context"
	"strconv"
	"strings"

	"yardstick/internal/access"
)

// MemberPick is a member as a scorecard's assignment list shows them.
type MemberPick struct {
	ID     int64
	Label  string // the name; "Name (email)" for a users.manage holder
	Active bool
}

// MemberPicker is an assignment list as the actor may see it.
type MemberPicker struct {
	Members  []MemberPick
	Assigned []int64 // ids, ascending
	More     bool    // active members past PickerLimit were left out
}

// MemberPicker is the assignment list of scorecard id (0: a new one)
// labelled for the actor. Only a users.manage holder, who manages the
// members anyway, sees their email addresses; a member who may only build
// scorecards (objects.edit) sees names, and where names repeat, a number
// in the list's order ("Dana Rivera", "Dana Rivera (2)"), so that the
// member directory of the instance is not handed to every builder.
func (a *App) MemberPicker(ctx context.Context, actor *Actor, id int64) (MemberPicker, error) {
	l, err := a.AssignmentList(ctx, actor, id)
	if err != nil {
		return MemberPicker{}, err
	}
	out := MemberPicker{Members: make([]MemberPick, 0, len(l.Members)), Assigned: l.Assigned, More: l.More}
	emails := actor.Can(access.UsersManage)
	seen := map[string]int{}
	for _, m := range l.Members {
		label := m.Name
		if emails {
			label += " (" + m.Email + ")"
		} else {
			key := strings.ToLower(strings.Join(strings.Fields(m.Name), " "))
			seen[key]++
			if n := seen[key]; n > 1 {
				label += " (" + strconv.Itoa(n) + ")"
			}
		}
		out.Members = append(out.Members, MemberPick{ID: m.ID, Label: label, Active: m.Active})
	}
	return out, nil
}

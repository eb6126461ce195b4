package views

import (
	"context"

	"yardstick/internal/model"
	"yardstick/internal/terms"
)

// tm is the request's vocabulary (Common Terms): views write
// { tm(ctx).One(terms.Result) } where a term of the catalogue belongs,
// never the word itself; tx(ctx, "Add {measure:lower}") writes a sentence
// with terms in it (terms.Set.Expand).
func tm(ctx context.Context) *terms.Set { return terms.From(ctx) }

// tx is a sentence of the views with the request's terms written in.
func tx(ctx context.Context, text string) string { return terms.From(ctx).Expand(text) }

// typeName is an object type's name as the viewer's instance calls it: a
// built-in type still under its default name follows Common Terms.
func typeName(ctx context.Context, name string) string { return terms.From(ctx).TypeName(name) }

// adminGroup is one group of the Administration page.
type adminGroup struct {
	Name  string
	Items []MenuItem
}

// adminGroups groups menu items by their Group, in the order groups first
// appear.
func adminGroups(items []MenuItem) []adminGroup {
	var out []adminGroup
	at := map[string]int{}
	for _, m := range items {
		i, ok := at[m.Group]
		if !ok {
			i = len(out)
			at[m.Group] = i
			out = append(out, adminGroup{Name: m.Group})
		}
		out[i].Items = append(out[i].Items, m)
	}
	return out
}

// LogoURL is the address of an instance's logo, "" when it has none.
func LogoURL(in *model.Instance) string {
	if in == nil || in.LogoVersion <= 0 {
		return ""
	}
	return InstanceURL(in, "/logo?v="+itoa(in.LogoVersion))
}

// lockChoice words a lock mode on the lock form.
func lockChoice(ctx context.Context, mode string) string {
	switch mode {
	case "structure":
		return tx(ctx, "Structure locked: data entry only")
	case "data":
		return tx(ctx, "Structure and data locked: read-only for everyone")
	}
	return tx(ctx, "Normal: open to changes")
}

func levelsWord(n int) string {
	if n == 1 {
		return "level"
	}
	return "levels"
}

func rowsWord(n int) string {
	if n == 1 {
		return "row is"
	}
	return "rows are"
}

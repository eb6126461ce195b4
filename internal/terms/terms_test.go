package terms

import "testing"

func TestExpandAndForms(t *testing.T) {
	s := Parse(Encode(Overrides{"result": {"Goal", "Goals"}, "measure": {"KPI", "KPIs"}, "todo": {"", "Steps"}}))
	for _, c := range []struct{ in, want string }{
		{"Add {result}", "Add Goal"},
		{"no {result:lowmany} yet", "no goals yet"},
		{"{measure:lower} and {measure:lowmany}", "KPI and KPIs"},
		{"{todo} / {todo:many}", "To-Do / Steps"},
		{"{nope} {result:odd} {", "{nope} {result:odd} {"},
		{"plain", "plain"},
		{"{todo:lower}", "to-do"},
		{"{performance_measure:lower}", "performance measure"},
		{"{todo:cap} saved, {performance_measure:cap}, {measure:cap}", "To-do saved, Performance measure, KPI"},
	} {
		if got := s.Expand(c.in); got != c.want {
			t.Errorf("Expand(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if Parse("") != Defaults || Parse("not json").One(Result) != "Result" {
		t.Error("empty or broken overrides are not the defaults")
	}
	if s.TypeName("Result") != "Goal" || s.TypePlural("Indicators") != "Indicators" || s.TypeName("Custom") != "Custom" {
		t.Error("TypeName")
	}
	if From(t.Context()) != Defaults || From(With(t.Context(), s)) != s {
		t.Error("context")
	}
}

func TestCatalogueIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range All() {
		d := Default(k)
		if d.ID == "" || d.One == "" || d.Many == "" || seen[d.ID] {
			t.Errorf("term %d: %+v", k, d)
		}
		seen[d.ID] = true
		if got, ok := ByID(d.ID); !ok || got != k {
			t.Errorf("ByID(%q)", d.ID)
		}
	}
}

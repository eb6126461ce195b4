package calc

import "slices"

// Inputs maps each calculated measure to the measures it is calculated
// from. A calculated measure may be another's input (city → county →
// region), never its own, however indirectly.
type Inputs map[int64][]int64

// Cycle returns the path id → … → id that giving id these inputs would
// close, or nil when it closes none.
func (g Inputs) Cycle(id int64, inputs []int64) []int64 {
	seen := map[int64]bool{}
	var walk func(at int64, path []int64) []int64
	walk = func(at int64, path []int64) []int64 {
		path = append(path, at)
		if at == id {
			return path
		}
		if seen[at] {
			return nil
		}
		seen[at] = true
		for _, next := range g[at] {
			if p := walk(next, slices.Clone(path)); p != nil {
				return p
			}
		}
		return nil
	}
	for _, in := range inputs {
		if p := walk(in, []int64{id}); p != nil {
			return p
		}
	}
	return nil
}

// Order returns the calculated measures that depend, directly or through
// other calculated measures, on any of changed, each after every input of
// its own among them: recomputing in this order reads fresh inputs only.
// Ties go by id, so the order is the same on every run.
func (g Inputs) Order(changed []int64) []int64 {
	users := map[int64][]int64{} // input → calculated measures using it
	for m, ins := range g {
		for _, in := range ins {
			users[in] = append(users[in], m)
		}
	}
	affected := map[int64]bool{}
	queue := slices.Clone(changed)
	for len(queue) > 0 {
		at := queue[0]
		queue = queue[1:]
		for _, m := range users[at] {
			if !affected[m] {
				affected[m] = true
				queue = append(queue, m)
			}
		}
	}
	// Kahn's algorithm over the affected measures.
	waiting := map[int64]int{} // inputs not yet recomputed
	for m := range affected {
		for _, in := range g[m] {
			if affected[in] {
				waiting[m]++
			}
		}
	}
	var ready, out []int64
	for m := range affected {
		if waiting[m] == 0 {
			ready = append(ready, m)
		}
	}
	for len(ready) > 0 {
		slices.Sort(ready)
		m := ready[0]
		ready = ready[1:]
		out = append(out, m)
		for _, u := range users[m] {
			if affected[u] {
				if waiting[u]--; waiting[u] == 0 {
					ready = append(ready, u)
				}
			}
		}
	}
	// A cycle (refused at save, so never stored) would leave measures
	// waiting; they are left out rather than computed from stale inputs.
	return out
}

package status

import (
	"slices"
	"strings"
)

// Change is one difference between two Status snapshots, as a wait
// reports it in its progress.
type Change struct {
	// Kind is "model", "application", "unit", "machine" or "relation".
	Kind string
	// Name names the entity: "pg", "pg/0", "0", "0/lxd/1" or a relation key.
	Name string
	// Old and New render the entity's status before and after ("" when it
	// did not exist): for a unit "workload active, agent idle"; for an
	// application "active: ready"; for a machine "started (running)".
	Old, New string
}

// String renders the change as "pg/0: waiting/allocating -> active/idle".
func (c Change) String() string {
	old, new := c.Old, c.New
	if old == "" {
		old = "(none)"
	}
	if new == "" {
		new = "(gone)"
	}
	return c.Name + ": " + old + " -> " + new
}

// Changes lists what differs between prev and s, in a stable order: model,
// applications, units, machines, relations. It compares status values and
// messages, and life, not timestamps, so a hook that ran and finished
// between two snapshots shows no change. A nil prev counts as empty, so
// every entity in s is reported as new.
func (s *Status) Changes(prev *Status) []Change {
	if prev == nil {
		prev = &Status{}
	}
	var out []Change
	if infoDiffers(prev.Model.Status, s.Model.Status) {
		c := Change{Kind: "model", Name: s.Model.Name, New: renderInfo(s.Model.Status)}
		if prev.Model.Name != "" {
			c.Old = renderInfo(prev.Model.Status)
		}
		out = append(out, c)
	}

	// Each category is compared in map order and only what changed is
	// sorted, so that comparing two large, unchanged snapshots is cheap.
	out = append(out, diffMaps("application", prev.Applications, s.Applications, renderApp,
		func(a, b *Application) bool { return infoDiffers(a.Status, b.Status) || a.Life != b.Life },
		strings.Compare)...)
	out = append(out, diffMaps("unit", prev.unitIndex(), s.unitIndex(), renderUnit,
		func(a, b *Unit) bool {
			return infoDiffers(a.WorkloadStatus, b.WorkloadStatus) || infoDiffers(a.AgentStatus, b.AgentStatus)
		},
		compareUnitNames)...)
	out = append(out, diffMaps("machine", flattenMachines(prev.Machines), flattenMachines(s.Machines), renderMachine,
		func(a, b *Machine) bool {
			return infoDiffers(a.AgentStatus, b.AgentStatus) || infoDiffers(a.InstanceStatus, b.InstanceStatus)
		},
		strings.Compare)...)
	out = append(out, diffMaps("relation", relationIndex(prev.Relations), relationIndex(s.Relations),
		func(r *Relation) string { return renderInfo(r.Status) },
		func(a, b *Relation) bool { return infoDiffers(a.Status, b.Status) },
		strings.Compare)...)
	return out
}

// diffMaps compares two maps of entities of one kind and returns the
// changes sorted by name.
func diffMaps[V any](kind string, prev, cur map[string]V, render func(V) string,
	differs func(a, b V) bool, compare func(a, b string) int) []Change {
	var out []Change
	for name, b := range cur {
		a, ok := prev[name]
		switch {
		case !ok:
			out = append(out, Change{Kind: kind, Name: name, New: render(b)})
		case differs(a, b):
			out = append(out, Change{Kind: kind, Name: name, Old: render(a), New: render(b)})
		}
	}
	for name, a := range prev {
		if _, ok := cur[name]; !ok {
			out = append(out, Change{Kind: kind, Name: name, Old: render(a)})
		}
	}
	slices.SortFunc(out, func(x, y Change) int { return compare(x.Name, y.Name) })
	return out
}

func (s *Status) unitIndex() map[string]*Unit {
	if s.units != nil {
		return s.units
	}
	idx := make(map[string]*Unit)
	for _, a := range s.Applications {
		for name, u := range a.Units {
			idx[name] = u
			for sn, sub := range u.Subordinates {
				idx[sn] = sub
			}
		}
	}
	return idx
}

func infoDiffers(a, b Info) bool {
	return a.Current != b.Current || a.Message != b.Message || a.Life != b.Life
}

func renderInfo(s Info) string {
	out := s.Current
	if out == "" {
		out = "unknown"
	}
	if s.Message != "" {
		out += ": " + s.Message
	}
	return out
}

func renderApp(a *Application) string {
	out := renderInfo(a.Status)
	if a.Life != "" && a.Life != "alive" {
		out += " (" + a.Life + ")"
	}
	return out
}

func renderUnit(u *Unit) string {
	var b strings.Builder
	b.WriteString("workload ")
	b.WriteString(renderInfo(u.WorkloadStatus))
	b.WriteString(", agent ")
	b.WriteString(renderInfo(u.AgentStatus))
	if l := u.AgentStatus.Life; l != "" && l != "alive" {
		b.WriteString(" (" + l + ")")
	}
	return b.String()
}

func renderMachine(m *Machine) string {
	out := renderInfo(m.AgentStatus)
	if m.InstanceStatus.Current != "" {
		out += " (instance " + renderInfo(m.InstanceStatus) + ")"
	}
	return out
}

func flattenMachines(ms map[string]*Machine) map[string]*Machine {
	nested := false
	for _, m := range ms {
		if len(m.Containers) > 0 {
			nested = true
			break
		}
	}
	if !nested {
		return ms
	}
	out := make(map[string]*Machine, len(ms))
	var walk func(map[string]*Machine)
	walk = func(ms map[string]*Machine) {
		for id, m := range ms {
			out[id] = m
			walk(m.Containers)
		}
	}
	walk(ms)
	return out
}

func relationIndex(rs []*Relation) map[string]*Relation {
	out := make(map[string]*Relation, len(rs))
	for _, r := range rs {
		out[r.Key] = r
	}
	return out
}

func compareUnitNames(x, y string) int {
	xa, xn, _ := strings.Cut(x, "/")
	ya, yn, _ := strings.Cut(y, "/")
	if xa != ya {
		return strings.Compare(xa, ya)
	}
	if len(xn) != len(yn) {
		return len(xn) - len(yn)
	}
	return strings.Compare(xn, yn)
}

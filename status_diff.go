package juju

import (
	"slices"
	"strings"
)

// StatusChange is one difference between two Status snapshots, as a wait
// reports it in its progress.
type StatusChange struct {
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
func (c StatusChange) String() string {
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
func (s *Status) Changes(prev *Status) []StatusChange {
	if prev == nil {
		prev = &Status{}
	}
	var out []StatusChange
	if stInfoDiffers(prev.Model.Status, s.Model.Status) {
		c := StatusChange{Kind: "model", Name: s.Model.Name, New: stRenderInfo(s.Model.Status)}
		if prev.Model.Name != "" {
			c.Old = stRenderInfo(prev.Model.Status)
		}
		out = append(out, c)
	}

	// Each category is compared in map order and only what changed is
	// sorted, so that comparing two large, unchanged snapshots is cheap.
	out = append(out, stDiffMaps("application", prev.Applications, s.Applications, stRenderApp,
		func(a, b *ApplicationStatus) bool { return stInfoDiffers(a.Status, b.Status) || a.Life != b.Life },
		strings.Compare)...)
	out = append(out, stDiffMaps("unit", prev.stUnitIndex(), s.stUnitIndex(), stRenderUnit,
		func(a, b *UnitStatus) bool {
			return stInfoDiffers(a.WorkloadStatus, b.WorkloadStatus) || stInfoDiffers(a.AgentStatus, b.AgentStatus)
		},
		stCompareUnitNames)...)
	out = append(out, stDiffMaps("machine", stFlattenMachines(prev.Machines), stFlattenMachines(s.Machines), stRenderMachine,
		func(a, b *MachineStatus) bool {
			return stInfoDiffers(a.AgentStatus, b.AgentStatus) || stInfoDiffers(a.InstanceStatus, b.InstanceStatus)
		},
		strings.Compare)...)
	out = append(out, stDiffMaps("relation", stRelationIndex(prev.Relations), stRelationIndex(s.Relations),
		func(r *RelationStatus) string { return stRenderInfo(r.Status) },
		func(a, b *RelationStatus) bool { return stInfoDiffers(a.Status, b.Status) },
		strings.Compare)...)
	return out
}

// stDiffMaps compares two maps of entities of one kind and returns the
// changes sorted by name.
func stDiffMaps[V any](kind string, prev, cur map[string]V, render func(V) string,
	differs func(a, b V) bool, compare func(a, b string) int) []StatusChange {
	var out []StatusChange
	for name, b := range cur {
		a, ok := prev[name]
		switch {
		case !ok:
			out = append(out, StatusChange{Kind: kind, Name: name, New: render(b)})
		case differs(a, b):
			out = append(out, StatusChange{Kind: kind, Name: name, Old: render(a), New: render(b)})
		}
	}
	for name, a := range prev {
		if _, ok := cur[name]; !ok {
			out = append(out, StatusChange{Kind: kind, Name: name, Old: render(a)})
		}
	}
	slices.SortFunc(out, func(x, y StatusChange) int { return compare(x.Name, y.Name) })
	return out
}

func (s *Status) stUnitIndex() map[string]*UnitStatus {
	if s.units != nil {
		return s.units
	}
	idx := make(map[string]*UnitStatus)
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

func stInfoDiffers(a, b StatusInfo) bool {
	return a.Current != b.Current || a.Message != b.Message || a.Life != b.Life
}

func stRenderInfo(s StatusInfo) string {
	out := s.Current
	if out == "" {
		out = "unknown"
	}
	if s.Message != "" {
		out += ": " + s.Message
	}
	return out
}

func stRenderApp(a *ApplicationStatus) string {
	out := stRenderInfo(a.Status)
	if a.Life != "" && a.Life != "alive" {
		out += " (" + a.Life + ")"
	}
	return out
}

func stRenderUnit(u *UnitStatus) string {
	var b strings.Builder
	b.WriteString("workload ")
	b.WriteString(stRenderInfo(u.WorkloadStatus))
	b.WriteString(", agent ")
	b.WriteString(stRenderInfo(u.AgentStatus))
	if l := u.AgentStatus.Life; l != "" && l != "alive" {
		b.WriteString(" (" + l + ")")
	}
	return b.String()
}

func stRenderMachine(m *MachineStatus) string {
	out := stRenderInfo(m.AgentStatus)
	if m.InstanceStatus.Current != "" {
		out += " (instance " + stRenderInfo(m.InstanceStatus) + ")"
	}
	return out
}

func stFlattenMachines(ms map[string]*MachineStatus) map[string]*MachineStatus {
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
	out := make(map[string]*MachineStatus, len(ms))
	var walk func(map[string]*MachineStatus)
	walk = func(ms map[string]*MachineStatus) {
		for id, m := range ms {
			out[id] = m
			walk(m.Containers)
		}
	}
	walk(ms)
	return out
}

func stRelationIndex(rs []*RelationStatus) map[string]*RelationStatus {
	out := make(map[string]*RelationStatus, len(rs))
	for _, r := range rs {
		out[r.Key] = r
	}
	return out
}

func stCompareUnitNames(x, y string) int {
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

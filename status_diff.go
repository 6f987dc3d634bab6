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

	// Applications.
	for _, name := range stUnionKeys(prev.Applications, s.Applications) {
		a, b := prev.Applications[name], s.Applications[name]
		switch {
		case a == nil:
			out = append(out, StatusChange{Kind: "application", Name: name, New: stRenderApp(b)})
		case b == nil:
			out = append(out, StatusChange{Kind: "application", Name: name, Old: stRenderApp(a)})
		case stInfoDiffers(a.Status, b.Status) || a.Life != b.Life:
			out = append(out, StatusChange{Kind: "application", Name: name, Old: stRenderApp(a), New: stRenderApp(b)})
		}
	}

	// Units, subordinates included.
	prevUnits, curUnits := prev.stUnitIndex(), s.stUnitIndex()
	for _, name := range stUnionUnitKeys(prevUnits, curUnits) {
		a, b := prevUnits[name], curUnits[name]
		switch {
		case a == nil:
			out = append(out, StatusChange{Kind: "unit", Name: name, New: stRenderUnit(b)})
		case b == nil:
			out = append(out, StatusChange{Kind: "unit", Name: name, Old: stRenderUnit(a)})
		case stInfoDiffers(a.WorkloadStatus, b.WorkloadStatus) || stInfoDiffers(a.AgentStatus, b.AgentStatus):
			out = append(out, StatusChange{Kind: "unit", Name: name, Old: stRenderUnit(a), New: stRenderUnit(b)})
		}
	}

	// Machines and containers.
	prevMachines, curMachines := stFlattenMachines(prev.Machines), stFlattenMachines(s.Machines)
	for _, id := range stUnionKeys(prevMachines, curMachines) {
		a, b := prevMachines[id], curMachines[id]
		switch {
		case a == nil:
			out = append(out, StatusChange{Kind: "machine", Name: id, New: stRenderMachine(b)})
		case b == nil:
			out = append(out, StatusChange{Kind: "machine", Name: id, Old: stRenderMachine(a)})
		case stInfoDiffers(a.AgentStatus, b.AgentStatus) || stInfoDiffers(a.InstanceStatus, b.InstanceStatus):
			out = append(out, StatusChange{Kind: "machine", Name: id, Old: stRenderMachine(a), New: stRenderMachine(b)})
		}
	}

	// Relations, by key.
	prevRels, curRels := stRelationIndex(prev.Relations), stRelationIndex(s.Relations)
	for _, key := range stUnionKeys(prevRels, curRels) {
		a, b := prevRels[key], curRels[key]
		switch {
		case a == nil:
			out = append(out, StatusChange{Kind: "relation", Name: key, New: stRenderInfo(b.Status)})
		case b == nil:
			out = append(out, StatusChange{Kind: "relation", Name: key, Old: stRenderInfo(a.Status)})
		case stInfoDiffers(a.Status, b.Status):
			out = append(out, StatusChange{Kind: "relation", Name: key, Old: stRenderInfo(a.Status), New: stRenderInfo(b.Status)})
		}
	}
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

func stUnionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// stUnionUnitKeys is stUnionKeys ordered by application, then unit number.
func stUnionUnitKeys(a, b map[string]*UnitStatus) []string {
	keys := stUnionKeys(a, b)
	slices.SortFunc(keys, stCompareUnitNames)
	return keys
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

package status

import (
	"fmt"
	"strings"
	"time"
)

// Predicate is a condition over a status snapshot, for Wait. It reports
// whether the condition holds and the reasons behind the answer that a wait
// shows: for an "all" condition that does not hold, what is not yet in the
// wanted state ("pg/1: workload waiting (db not ready)"); for an "any"
// condition that holds, what matched.
//
// Predicates compose with All, Any and Not; Cond turns any function into
// one.
type Predicate func(s *Status) (ok bool, reasons []string)

// Cond returns a Predicate from a plain function; desc is the reason
// reported when f does not hold.
func Cond(desc string, f func(s *Status) bool) Predicate {
	return func(s *Status) (bool, []string) {
		if f(s) {
			return true, nil
		}
		return false, []string{desc}
	}
}

// All holds when every predicate holds (and when there are none). Its
// reasons are those of the predicates that do not hold.
func All(ps ...Predicate) Predicate {
	return func(s *Status) (bool, []string) {
		ok := true
		var reasons []string
		for _, p := range ps {
			pok, why := p(s)
			if !pok {
				ok = false
				reasons = append(reasons, why...)
			}
		}
		return ok, reasons
	}
}

// Any holds when at least one predicate holds. Its reasons are those of the
// predicates that hold, or, when none does, of all of them.
func Any(ps ...Predicate) Predicate {
	return func(s *Status) (bool, []string) {
		var yes, no []string
		ok := false
		for _, p := range ps {
			pok, why := p(s)
			if pok {
				ok = true
				yes = append(yes, why...)
			} else {
				no = append(no, why...)
			}
		}
		if ok {
			return true, yes
		}
		return false, no
	}
}

// Not holds when p does not; it keeps p's reasons.
func Not(p Predicate) Predicate {
	return func(s *Status) (bool, []string) {
		ok, why := p(s)
		return !ok, why
	}
}

// AllActive holds when every application in apps (every application in the
// snapshot if none are given) is in the snapshot with effective status
// "active" (see Application.EffectiveStatus) and all its units,
// subordinates included, have workload status "active". An application
// with no units passes on its own status, as in jubilant.
func AllActive(apps ...string) Predicate { return allStatus("active", apps) }

// AllBlocked is AllActive for "blocked".
func AllBlocked(apps ...string) Predicate { return allStatus("blocked", apps) }

// AllWaiting is AllActive for "waiting".
func AllWaiting(apps ...string) Predicate { return allStatus("waiting", apps) }

// AllMaintenance is AllActive for "maintenance".
func AllMaintenance(apps ...string) Predicate { return allStatus("maintenance", apps) }

// AllError is AllActive for "error".
func AllError(apps ...string) Predicate { return allStatus("error", apps) }

// AnyError holds when any application in apps (every application if none
// are given) or any of its units is in error: effective application
// status, unit workload status or unit agent status. Use it as
// WaitOptions.Error.
func AnyError(apps ...string) Predicate { return anyStatus("error", apps) }

// AnyBlocked holds when any application in apps (every application if none
// are given) or any of its units is blocked.
func AnyBlocked(apps ...string) Predicate { return anyStatus("blocked", apps) }

// AnyWaiting holds when any application in apps or any of its units is
// waiting.
func AnyWaiting(apps ...string) Predicate { return anyStatus("waiting", apps) }

// AnyMaintenance holds when any application in apps or any of its units is
// in maintenance.
func AnyMaintenance(apps ...string) Predicate { return anyStatus("maintenance", apps) }

// AllAgentsIdle holds when every unit agent of the applications in apps
// (every application if none are given), subordinates included, is idle.
// An application missing from the snapshot makes it false.
func AllAgentsIdle(apps ...string) Predicate { return AllAgentsIdleFor(0, apps...) }

// AllAgentsIdleFor is AllAgentsIdle requiring each agent to have been idle
// for at least d by the controller's clock, counted from the agent's own
// status time and from no earlier than the last change made through the
// waiting Model (see Status.IdleFor).
func AllAgentsIdleFor(d time.Duration, apps ...string) Predicate {
	return func(s *Status) (bool, []string) {
		var why []string
		for _, name := range appsOf(s, apps) {
			a := s.Applications[name]
			if a == nil {
				why = append(why, name+": not in the model")
				continue
			}
			for _, u := range a.UnitList() {
				if u.AgentStatus.Current != "idle" {
					why = append(why, u.Name+": agent "+describe(u.AgentStatus))
					continue
				}
				if d > 0 {
					if idle := s.idleFor(u); idle < d {
						why = append(why, fmt.Sprintf("%s: idle for %s of %s", u.Name, idle.Round(time.Second), d))
					}
				}
			}
		}
		return len(why) == 0, why
	}
}

func appsOf(s *Status, apps []string) []string {
	if len(apps) > 0 {
		return apps
	}
	return s.ApplicationNames()
}

func allStatus(want string, apps []string) Predicate {
	return func(s *Status) (bool, []string) {
		var why []string
		for _, name := range appsOf(s, apps) {
			a := s.Applications[name]
			if a == nil {
				why = append(why, name+": not in the model")
				continue
			}
			if eff := a.EffectiveStatus(); eff.Current != want {
				why = append(why, name+": application "+describe(eff))
			}
			for _, u := range a.UnitList() {
				if u.WorkloadStatus.Current != want {
					why = append(why, u.Name+": workload "+describe(u.WorkloadStatus))
				}
			}
		}
		return len(why) == 0, why
	}
}

func anyStatus(want string, apps []string) Predicate {
	return func(s *Status) (bool, []string) {
		var why []string
		for _, name := range appsOf(s, apps) {
			a := s.Applications[name]
			if a == nil {
				continue
			}
			if a.Status.Current == want {
				why = append(why, name+": application "+describe(a.Status))
			}
			for _, u := range a.UnitList() {
				switch {
				case u.WorkloadStatus.Current == want:
					why = append(why, u.Name+": workload "+describe(u.WorkloadStatus))
				case want == "error" && (u.AgentStatus.Current == "error" || u.AgentStatus.Current == "failed"):
					why = append(why, u.Name+": agent "+describe(u.AgentStatus))
				}
			}
		}
		return len(why) > 0, why
	}
}

// Gone holds when none of names is in the model any more: an application
// ("pg", also a consumed remote application), a unit ("pg/0"), a machine
// ("3", "0/lxd/1") or a relation by its key ("web:db pg:db", endpoints in
// either order). Removals return once the controller has accepted them;
// wait with Gone (or RemoveOptions.Wait) for the entities to be gone:
//
//	m.Wait(ctx, status.Gone("pg", "web:db pg:db"), nil)
//
// Its reasons name what is still there.
func Gone(names ...string) Predicate {
	return func(s *Status) (bool, []string) {
		var reasons []string
		for _, n := range names {
			if stillThere(s, n) {
				reasons = append(reasons, n+": still in the model")
			}
		}
		return len(reasons) == 0, reasons
	}
}

func stillThere(s *Status, name string) bool {
	if a, b, ok := strings.Cut(name, " "); ok {
		for _, r := range s.Relations {
			if r.Key == name || r.Key == b+" "+a {
				return true
			}
		}
		return false
	}
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		return s.Machine(name) != nil
	}
	if strings.Contains(name, "/") {
		return s.Unit(name) != nil
	}
	return s.Applications[name] != nil || s.RemoteApplications[name] != nil
}

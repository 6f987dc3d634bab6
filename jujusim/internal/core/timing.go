package core

import "time"

// Timing sets how long each simulated lifecycle step takes. The zero
// Timing means Fast(). Start from Realistic, Fast or Instant (jujusim's
// RealisticTiming, FastTiming, InstantTiming) and adjust fields; a field
// left at zero makes that step instantaneous (as long as another field, or
// Name, is set). jujusim exports it as jujusim.Timing.
type Timing struct {
	// Name is informational ("realistic", "fast", "instant" or your own).
	// A Timing whose durations are all zero but whose Name is set is
	// valid and means every step is instantaneous.
	Name string
	// MachineProvision is how long a new machine stays "pending" before
	// its instance is running and has an address (realistic 20s, fast
	// 100ms).
	MachineProvision time.Duration
	// MachineStart is how long after provisioning the machine agent
	// starts (realistic 10s, fast 50ms).
	MachineStart time.Duration
	// Install is how long a unit's install hook runs (realistic 15s, fast
	// 100ms).
	Install time.Duration
	// Hook is how long every other hook runs: start, config-changed,
	// leader-elected, relation hooks, update-status (realistic 2s, fast
	// 20ms).
	Hook time.Duration
	// Removal is how long a dying unit, application, machine or relation
	// takes to go away (realistic 5s, fast 50ms).
	Removal time.Duration
	// ModelDestroy is how long an empty dying model takes to go away
	// (realistic 10s, fast 100ms).
	ModelDestroy time.Duration
	// Action is how long an action (task) runs before it completes
	// (realistic 2s, fast 50ms).
	Action time.Duration
	// UpdateStatusInterval is the period of the update-status hook on
	// settled units (realistic 5m, fast 1m); 0 disables it.
	UpdateStatusInterval time.Duration
}

// Realistic returns timings close to a real cloud's.
func Realistic() Timing {
	return Timing{
		Name:                 "realistic",
		MachineProvision:     20 * time.Second,
		MachineStart:         10 * time.Second,
		Install:              15 * time.Second,
		Hook:                 2 * time.Second,
		Removal:              5 * time.Second,
		ModelDestroy:         10 * time.Second,
		Action:               2 * time.Second,
		UpdateStatusInterval: 5 * time.Minute,
	}
}

// Fast returns timings that keep every step visible but let a model settle
// in well under two seconds.
func Fast() Timing {
	return Timing{
		Name:                 "fast",
		MachineProvision:     100 * time.Millisecond,
		MachineStart:         50 * time.Millisecond,
		Install:              100 * time.Millisecond,
		Hook:                 20 * time.Millisecond,
		Removal:              50 * time.Millisecond,
		ModelDestroy:         100 * time.Millisecond,
		Action:               50 * time.Millisecond,
		UpdateStatusInterval: time.Minute,
	}
}

// Instant returns timings where every step happens at once: a call that
// deploys returns with the model already settled.
func Instant() Timing {
	return Timing{Name: "instant"}
}

// TimingByName returns the preset called name ("realistic", "fast",
// "instant") and whether it exists.
func TimingByName(name string) (Timing, bool) {
	switch name {
	case "realistic":
		return Realistic(), true
	case "fast", "":
		return Fast(), true
	case "instant":
		return Instant(), true
	}
	return Timing{}, false
}

func (t Timing) orDefault() Timing {
	if t == (Timing{}) {
		return Fast()
	}
	return t
}

// minLoop is the smallest period used for steps that repeat forever
// (flapping, never settling), so that instant timings cannot spin.
const minLoop = time.Second

// Behaviour steers the simulated charm of one application (see
// Controller.SetBehaviour; jujusim exports it as jujusim.Behaviour, set with
// Server.SetBehaviour). The zero value is a well-behaved charm: its units
// install, start and go active with no message, and its application status
// is derived from the units.
type Behaviour struct {
	// Timing, when set, replaces the controller's Timing for this
	// application's units (e.g. a slow install for one charm).
	Timing *Timing
	// Status is the workload status the units end in: "active" (the
	// default when empty), "blocked", "waiting" or "maintenance".
	Status string
	// Message is the workload status message the units end with, e.g.
	// "needs a database" with Status "blocked".
	Message string
	// FailHook names a hook that fails: "install", "config-changed",
	// "start", "leader-elected", "<endpoint>-relation-joined",
	// "update-status", ... The unit goes into error status on that hook
	// and stays there until its errors are resolved (the
	// Application.ResolveUnitErrors call, as `juju resolve` makes), after
	// which the hook is retried and succeeds. Empty means no hook fails.
	FailHook string
	// MaintenanceFor keeps units in "maintenance" this long after the
	// start hook before they reach Status; 0 means no extra time.
	MaintenanceFor time.Duration
	// Flap, when > 0, makes settled units alternate between Status and
	// "maintenance" every Flap (at least one second), so that a wait for
	// a stable model never succeeds while it flaps. 0 means no flapping.
	Flap time.Duration
	// NeverSettle keeps the unit agents "executing" hooks forever, so the
	// model is never idle.
	NeverSettle bool
	// AppStatus, when set, is the application status the charm's leader
	// sets: "active", "blocked", "waiting", "maintenance", or "unknown"
	// to simulate a charm whose application status does not follow its
	// units. When empty the application status is derived from the
	// units, as both Juju 4.0 and 3.6 do when the charm sets none.
	AppStatus string
	// AppMessage is the message that goes with AppStatus.
	AppMessage string
	// WorkloadVersion is the workload version the units report once
	// started; empty reports none.
	WorkloadVersion string
	// OpenPorts are the ports the units open once started, as "80/tcp"
	// or "8000-8080/udp"; nil opens none.
	OpenPorts []string
	// ActionResults, keyed by action name, say how actions run on the
	// application's units end (see also Controller.SetActionResult). An
	// action without an entry completes with an empty result.
	ActionResults map[string]ActionOutcome
	// ExecResults, keyed by command line (surrounding blanks ignored),
	// are the results of commands run on the application's units with
	// exec; nil means none (see ExecHandler for the order of lookups).
	ExecResults map[string]ExecResult
	// Exec, when set, answers the commands run on the application's units
	// that ExecResults does not list (see SetExecHandler).
	Exec ExecHandler
	// RelationAppData, keyed by endpoint, is what the charm's leader
	// puts in the application databag of the endpoint's relations.
	RelationAppData map[string]map[string]string
	// RelationUnitData, keyed by endpoint, is what each unit puts in its
	// databag of the endpoint's relations, besides the agent's address
	// keys.
	RelationUnitData map[string]map[string]string
}

// ActionOutcome is how a simulated action ends (see
// Controller.SetActionResult and Behaviour.ActionResults; jujusim exports
// it as jujusim.ActionOutcome).
type ActionOutcome struct {
	// Status is "completed" (the default when empty) or "failed".
	Status string
	// Message is the action's message, e.g. the failure reason.
	Message string
	// Output is the action's results map, as the charm's action-set
	// would produce it.
	Output map[string]any
	// Log is the lines the action writes with action-log.
	Log []string
}

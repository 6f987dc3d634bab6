package core

import "time"

// Timing sets how long each simulated lifecycle step takes. The zero Timing
// means Fast(). Use Realistic(), Fast() or Instant(), and adjust fields.
type Timing struct {
	// Name is informational ("realistic", "fast", "instant" or custom). A
	// Timing whose fields are all zero but whose Name is set is valid and
	// means every step is instantaneous.
	Name string
	// MachineProvision is how long a machine stays pending before its
	// instance is running and has an address.
	MachineProvision time.Duration
	// MachineStart is how long after that the machine agent is started.
	MachineStart time.Duration
	// Install is how long the install hook runs.
	Install time.Duration
	// Hook is how long every other hook runs.
	Hook time.Duration
	// Removal is how long a dying entity takes to go away.
	Removal time.Duration
	// ModelDestroy is how long an empty dying model takes to go away.
	ModelDestroy time.Duration
	// Action is how long an action (task) runs.
	Action time.Duration
	// UpdateStatusInterval is the period of the update-status hook on
	// settled units; 0 disables it.
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

// Behaviour steers the simulated charm of one application. The zero value
// is a well-behaved charm: it installs, starts and goes active.
type Behaviour struct {
	// Timing overrides the controller's timing for this application.
	Timing *Timing
	// Status is the workload status the units end in ("" = "active").
	// Use "blocked", "waiting", "maintenance" or "active".
	Status string
	// Message is the workload status message the units end with.
	Message string
	// FailHook names a hook ("install", "config-changed", "start",
	// "leader-elected", "<endpoint>-relation-joined", "update-status", ...)
	// that fails: the unit goes into error on it and stays there until
	// Application.ResolveUnitErrors, after which the hook succeeds.
	FailHook string
	// MaintenanceFor keeps units in maintenance this long after start
	// before they reach Status.
	MaintenanceFor time.Duration
	// Flap, when > 0, makes settled units alternate between Status and
	// maintenance ("flapping") every Flap (at least one second).
	Flap time.Duration
	// NeverSettle keeps the unit agents executing hooks forever.
	NeverSettle bool
	// AppStatus, when set, is the application status the charm's leader
	// sets ("active", "blocked", "waiting", "maintenance", or "unknown" to
	// simulate a charm whose application status does not follow its units).
	// When empty the application status is derived from the units, as
	// both Juju 4.0 and 3.6 do when the charm sets none.
	AppStatus string
	// AppMessage is the message that goes with AppStatus.
	AppMessage string
	// WorkloadVersion is reported by the units once started.
	WorkloadVersion string
	// OpenPorts are the ports the units open once started ("80/tcp",
	// "8000-8080/udp").
	OpenPorts []string
	// ActionResults, keyed by action name, are the results of actions run
	// on the application's units (see Controller.SetActionResult).
	ActionResults map[string]ActionOutcome
	// ExecResults, keyed by the command line (trimmed), are the results
	// of commands run on the application's units (juju exec).
	ExecResults map[string]ExecResult
	// Exec, when set, answers commands run on the application's units
	// that ExecResults does not list (see SetExecHandler).
	Exec ExecHandler
}

// ActionOutcome is how a simulated action ends.
type ActionOutcome struct {
	// Status is "completed" (default) or "failed".
	Status string
	// Message is the action's message (e.g. the failure reason).
	Message string
	// Output is the action's results map.
	Output map[string]any
	// Log lines the action writes (action-log).
	Log []string
}

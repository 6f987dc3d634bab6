package jujusim

import (
	"errors"
	"fmt"
	"time"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// Clock is the simulator's source of time: status timestamps,
// controller-timestamp and the scheduler that drives the simulated agents
// all read it. RealClock returns the wall clock; NewFakeClock a clock that
// only the test moves.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f once d has elapsed: in its own goroutine on the
	// real clock, inside FakeClock.Advance on a fake clock.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending Clock.AfterFunc call. Its single method,
// Stop() bool, prevents the call if it has not happened yet and reports
// whether it did so.
type Timer = core.Timer

// FakeClock is a Clock that only moves when the test calls Advance (or
// Server.Advance). Timers fire inside Advance in due order, so a
// simulation on a FakeClock is deterministic. It is safe for concurrent
// use. Create one with NewFakeClock.
type FakeClock struct {
	c *core.FakeClock
}

// NewFakeClock returns a FakeClock set to start; a zero start means
// 2026-01-01T00:00:00Z.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{c: core.NewFakeClock(start)}
}

// Now returns the clock's current time.
func (f *FakeClock) Now() time.Time { return f.c.Now() }

// AfterFunc arranges for fn to be called inside the Advance call that
// moves the clock d or more past now.
func (f *FakeClock) AfterFunc(d time.Duration, fn func()) Timer { return f.c.AfterFunc(d, fn) }

// Advance moves the clock forward by d, calling every timer that falls
// due in order (including timers those calls create within the same
// span), and returns once they have run. A negative d counts as 0.
func (f *FakeClock) Advance(d time.Duration) { f.c.Advance(d) }

// Pending returns how many timers are waiting to fire.
func (f *FakeClock) Pending() int { return f.c.Pending() }

// RealClock returns the wall clock.
func RealClock() Clock { return core.RealClock() }

// Timing sets how long each simulated lifecycle step takes. The zero
// Timing means FastTiming(). Start from RealisticTiming, FastTiming or
// InstantTiming and adjust fields; a field left at zero makes that step
// instantaneous (as long as another field, or Name, is set).
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

// RealisticTiming returns timings close to a real cloud's (seconds): a
// new unit takes about a minute to settle.
func RealisticTiming() Timing { return Timing(core.Realistic()) }

// FastTiming returns timings that keep every lifecycle step visible but let
// a model settle in well under two seconds. It is the default.
func FastTiming() Timing { return Timing(core.Fast()) }

// InstantTiming returns timings where every step happens at once: a call
// that deploys returns with the model already settled.
func InstantTiming() Timing { return Timing(core.Instant()) }

// Behaviour steers the simulated charm of one application (see
// Server.SetBehaviour). The zero value is a well-behaved charm: its units
// install, start and go active with no message, and its application
// status is derived from the units.
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
	// application's units end (see also Server.SetActionResult). An
	// action without an entry completes with an empty result.
	ActionResults map[string]ActionOutcome
	// ExecResults, keyed by command line (surrounding blanks ignored),
	// are the results of commands run on the application's units with
	// exec; nil means none (see ExecHandler for the order of lookups).
	ExecResults map[string]ExecResult
	// Exec, when set, answers the commands run on the application's units
	// that ExecResults does not list.
	Exec ExecHandler
}

// toCore converts b to the core's type.
func (b Behaviour) toCore() core.Behaviour {
	cb := core.Behaviour{
		Status:          b.Status,
		Message:         b.Message,
		FailHook:        b.FailHook,
		MaintenanceFor:  b.MaintenanceFor,
		Flap:            b.Flap,
		NeverSettle:     b.NeverSettle,
		AppStatus:       b.AppStatus,
		AppMessage:      b.AppMessage,
		WorkloadVersion: b.WorkloadVersion,
		OpenPorts:       b.OpenPorts,
	}
	if b.Timing != nil {
		t := core.Timing(*b.Timing)
		cb.Timing = &t
	}
	if b.ExecResults != nil {
		cb.ExecResults = make(map[string]core.ExecResult, len(b.ExecResults))
		for k, v := range b.ExecResults {
			cb.ExecResults[k] = v
		}
	}
	cb.Exec = b.Exec
	if b.ActionResults != nil {
		cb.ActionResults = make(map[string]core.ActionOutcome, len(b.ActionResults))
		for k, v := range b.ActionResults {
			cb.ActionResults[k] = core.ActionOutcome(v)
		}
	}
	return cb
}

// ActionOutcome is how a simulated action ends (see
// Server.SetActionResult and Behaviour.ActionResults).
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

// Grant gives a user access (see Server.AddUser): with ModelUUID empty,
// controller access ("login" or "superuser"); otherwise access to that
// model ("read", "write" or "admin").
type Grant struct {
	// ModelUUID is the model the grant is for; empty means the
	// controller.
	ModelUUID string
	// Access is the access level: "login" or "superuser" for the
	// controller, "read", "write" or "admin" for a model.
	Access string
}

// ErrNotFakeClock is returned by Advance when the server runs on a clock
// that a test cannot move.
var ErrNotFakeClock = errors.New("jujusim: the simulator does not run on a FakeClock")

// Clock returns the simulator's clock.
func (s *Server) Clock() Clock { return s.core.Clock() }

// Advance moves a FakeClock forward by d, running every simulated step
// that falls due, and returns once they have run. It fails with
// ErrNotFakeClock when Config.Clock was not a *FakeClock.
func (s *Server) Advance(d time.Duration) error {
	fc, ok := s.core.Clock().(*FakeClock)
	if !ok {
		return fmt.Errorf("cannot advance the clock: %w", ErrNotFakeClock)
	}
	fc.Advance(d)
	return nil
}

// SetBehaviour sets the behaviour of application app in model modelUUID,
// for units present and future. The application need not exist yet.
func (s *Server) SetBehaviour(modelUUID, app string, b Behaviour) {
	s.core.SetBehaviour(modelUUID, app, b.toCore())
}

// AddUser adds a local user with a password and the given access grants;
// without a controller grant the user gets "login" access.
func (s *Server) AddUser(name, password string, grants ...Grant) error {
	cg := make([]core.Grant, len(grants))
	for i, g := range grants {
		cg[i] = core.Grant(g)
	}
	return s.core.AddUser(name, password, cg...)
}

// ControllerModelUUID returns the UUID of the "controller" model.
func (s *Server) ControllerModelUUID() string { return s.core.ControllerModelUUID() }

// ModelUUID returns the UUID of the model qualifier/name (qualifier is
// the owner, e.g. "admin") and whether it exists.
func (s *Server) ModelUUID(qualifier, name string) (string, bool) {
	return s.core.ModelUUID(qualifier, name)
}

// Models returns the UUIDs of the controller's models.
func (s *Server) Models() []string { return s.core.Models() }

// Seed deploys, in one call, each application of apps (name to unit
// count) into model modelUUID with a simulated charm; the units then run
// through the lifecycle like deployed ones.
func (s *Server) Seed(modelUUID string, apps map[string]int) error {
	return s.core.Seed(modelUUID, apps)
}

// SetActionResult sets how future runs of action on app's units in model
// modelUUID end.
func (s *Server) SetActionResult(modelUUID, app, action string, out ActionOutcome) {
	s.core.SetActionResult(modelUUID, app, action, core.ActionOutcome(out))
}

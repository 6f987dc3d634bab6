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
// only the test moves. Its methods are Now() time.Time and
// AfterFunc(d time.Duration, f func()) Timer, which calls f once d has
// elapsed: in its own goroutine on the real clock, inside FakeClock.Advance
// on a fake clock.
type Clock = core.Clock

// Timer is a pending Clock.AfterFunc call. Its single method,
// Stop() bool, prevents the call if it has not happened yet and reports
// whether it did so.
type Timer = core.Timer

// FakeClock is a Clock that only moves when the test calls Advance (or
// Server.Advance). Timers fire inside Advance in due order, so a
// simulation on a FakeClock is deterministic. It is safe for concurrent
// use. Create one with NewFakeClock. Its methods: Now, AfterFunc,
// Advance(d) (moves the clock forward by d, calling every timer that falls
// due in order, including timers those calls create within the same span,
// and returns once they have run; a negative d counts as 0) and Pending
// (how many timers are waiting to fire).
type FakeClock = core.FakeClock

// NewFakeClock returns a FakeClock set to start; a zero start means
// 2026-01-01T00:00:00Z.
func NewFakeClock(start time.Time) *FakeClock { return core.NewFakeClock(start) }

// RealClock returns the wall clock.
func RealClock() Clock { return core.RealClock() }

// Timing sets how long each simulated lifecycle step takes. The zero
// Timing means FastTiming(). Start from RealisticTiming, FastTiming or
// InstantTiming and adjust fields; a field left at zero makes that step
// instantaneous (as long as another field, or Name, is set). Its fields
// (Name, MachineProvision, MachineStart, Install, Hook, Removal,
// ModelDestroy, Action, UpdateStatusInterval) are documented on the type
// it aliases.
type Timing = core.Timing

// RealisticTiming returns timings close to a real cloud's (seconds): a
// new unit takes about a minute to settle.
func RealisticTiming() Timing { return core.Realistic() }

// FastTiming returns timings that keep every lifecycle step visible but let
// a model settle in well under two seconds. It is the default.
func FastTiming() Timing { return core.Fast() }

// InstantTiming returns timings where every step happens at once: a call
// that deploys returns with the model already settled.
func InstantTiming() Timing { return core.Instant() }

// Behaviour steers the simulated charm of one application (see
// Server.SetBehaviour). The zero value is a well-behaved charm: its units
// install, start and go active with no message, and its application
// status is derived from the units. Its fields (Timing, Status, Message,
// FailHook, MaintenanceFor, Flap, NeverSettle, AppStatus, AppMessage,
// WorkloadVersion, OpenPorts, ActionResults, ExecResults, Exec,
// RelationAppData, RelationUnitData) are
// documented on the type it aliases.
type Behaviour = core.Behaviour

// ActionOutcome is how a simulated action ends (see
// Server.SetActionResult and Behaviour.ActionResults): Status
// ("completed", the default when empty, or "failed"), Message, Output
// (the action's results map) and Log (the lines it writes with
// action-log).
type ActionOutcome = core.ActionOutcome

// Grant gives a user access (see Server.AddUser): with ModelUUID empty,
// controller access ("login" or "superuser"); otherwise access to that
// model ("read", "write" or "admin").
type Grant = core.Grant

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
	s.core.SetBehaviour(modelUUID, app, b)
}

// AddUser adds a local user with a password and the given access grants;
// without a controller grant the user gets "login" access.
func (s *Server) AddUser(name, password string, grants ...Grant) error {
	return s.core.AddUser(name, password, grants...)
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
	s.core.SetActionResult(modelUUID, app, action, out)
}

// EnableSpaces makes the provider of model modelUUID one with network
// spaces (the simulated clouds have none: every Spaces call answers "spaces
// not supported"), with subnets of the CIDRs given, all in the "alpha"
// space. Spaces can then be listed, added, renamed and removed, and
// subnets listed and moved between them.
func (s *Server) EnableSpaces(modelUUID string, cidrs ...string) error {
	return s.core.EnableSpaces(modelUUID, cidrs...)
}

package status

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Errors a wait fails with (wrapped in a *WaitError) when the model reaches
// a state the caller asked not to wait through.
var (
	// ErrError means an application, unit, unit agent or machine the
	// wait watches went into error (WaitForIdle), or the error predicate
	// of Wait held.
	ErrError = errors.New("error status")
	// ErrBlocked means an application or unit the wait watches went
	// blocked and the caller asked to fail on that.
	ErrBlocked = errors.New("blocked status")
)

// Defaults of the wait options.
const (
	// DefaultIdlePeriod is how long every unit agent must have been idle
	// for WaitForIdle to succeed (python-libjuju's default).
	DefaultIdlePeriod = 15 * time.Second
	// DefaultWaitTimeout bounds a wait when its options give no timeout.
	DefaultWaitTimeout = 10 * time.Minute
	// DefaultWaitSuccesses is how many consecutive snapshots Wait's ready
	// predicate must hold for (jubilant's default).
	DefaultWaitSuccesses = 3
	// DefaultChangeGuard is how long, by the controller's clock, Wait keeps
	// holding after a change made through the same Model for the units of
	// the changed applications to report a new status.
	DefaultChangeGuard = 3 * time.Second
)

// WaitProgress is what a wait reports after each snapshot it evaluated.
type WaitProgress struct {
	// Status is the snapshot just evaluated.
	Status *Status
	// Changes lists what changed since the previous snapshot (on the first
	// snapshot, every entity).
	Changes []Change
	// Busy lists what is still not ready ("pg/1: agent executing since
	// 12:01:03 (config-changed)"); empty when Ready.
	Busy []string
	// Ready reports whether the condition held at this snapshot.
	Ready bool
	// Successes counts the consecutive snapshots the condition held for.
	Successes int
}

// WaitForIdleOptions are the options of WaitForIdle. The zero value (or
// nil) waits for every application in the model at the call to have all
// its unit agents idle for 15 s, failing on error status, for at most
// 10 minutes.
type WaitForIdleOptions struct {
	// Apps are the applications to wait for. Nil or empty means every
	// application in the model when the wait starts (the first snapshot).
	// Named applications that are not deployed yet are waited for. The
	// source is told (see ApplicationWatcher), so that it fetches only
	// them.
	Apps []string
	// Status is the workload status every unit (and the application, see
	// Application.EffectiveStatus) must have, such as "active".
	// Empty means any.
	Status string
	// IdlePeriod is how long each unit agent must have been idle, by the
	// controller's clock and counted from the agent's own "since" (so a
	// model settled for long passes on the first snapshot). 0 means
	// DefaultIdlePeriod; negative means no idle period.
	IdlePeriod time.Duration
	// Timeout bounds the wait; 0 means DefaultWaitTimeout, negative
	// means only ctx bounds it.
	Timeout time.Duration
	// IgnoreErrors keeps waiting when something goes into error, instead
	// of failing with ErrError (python-libjuju's raise_on_error=False).
	IgnoreErrors bool
	// ErrorGrace tolerates a unit in error for this long (by the
	// controller's clock, from the error's own since timestamp) before
	// failing, for hook errors Juju is retrying. 0 fails at once.
	ErrorGrace time.Duration
	// RaiseOnBlocked fails the wait with ErrBlocked when an
	// application or unit is blocked.
	RaiseOnBlocked bool
	// AtLeastUnits is the number of ready units each application needs;
	// 0 means 1.
	AtLeastUnits int
	// ExactUnits, when positive, is the exact number of units each
	// application must have.
	ExactUnits int
	// Interval is the polling interval of the source a Model builds;
	// 0 means DefaultInterval. A Waiter's own source ignores it.
	Interval time.Duration
	// Progress, if set, is called after each snapshot (from the waiting
	// goroutine; it should return quickly).
	Progress func(WaitProgress)
}

// WaitOptions are the options of Wait. The zero value (or nil) needs the
// ready predicate to hold for 3 consecutive snapshots, with no error
// predicate, for at most 10 minutes.
type WaitOptions struct {
	// Error, if set, fails the wait with ErrError as soon as it
	// holds (typically AnyError()).
	Error Predicate
	// Successes is how many consecutive snapshots ready must hold for;
	// 0 means DefaultWaitSuccesses.
	Successes int
	// Apps restricts the snapshots to these applications (and what they
	// need), when the source can (see ApplicationWatcher); nil fetches the
	// whole model. The predicates still name what they look at.
	Apps []string
	// Interval is the polling interval of the source a Model builds;
	// 0 means DefaultInterval. A Waiter's own source ignores it.
	Interval time.Duration
	// Timeout bounds the wait; 0 means DefaultWaitTimeout, negative
	// means only ctx bounds it.
	Timeout time.Duration
	// ChangeGuard is how long, by the controller's clock, the wait holds
	// after a change made through the same Model, unless every unit of the
	// changed applications has reported a newer status; 0 means
	// DefaultChangeGuard, negative disables the guard.
	ChangeGuard time.Duration
	// Progress, if set, is called after each snapshot.
	Progress func(WaitProgress)
}

// WaitError is the error of a wait that did not succeed. It wraps the
// cause: context.DeadlineExceeded on timeout (also when the timeout came
// from the options), context.Canceled, ErrError, ErrBlocked, or
// the error that stopped the status source. After a timeout during which
// the connection was down, it also wraps the last connection error.
type WaitError struct {
	// Op names the wait ("wait for idle", "wait").
	Op string
	// Err is the cause.
	Err error
	// Busy lists, at the last snapshot, what was not yet ready and why:
	// "pg/1: agent executing since 12:01:03 (config-changed)".
	Busy []string
	// Failed lists what was in error (or blocked) and made the wait fail.
	Failed []string
	// Last is the last snapshot seen; nil if none was.
	Last *Status
}

const maxListed = 10

// Error describes the failure and what was busy or failed.
func (e *WaitError) Error() string {
	var b strings.Builder
	b.WriteString("cannot ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	writeList(&b, "; failed: ", e.Failed)
	writeList(&b, "; still busy: ", e.Busy)
	if e.Last == nil && errors.Is(e.Err, context.DeadlineExceeded) {
		b.WriteString("; no status was received")
	}
	return b.String()
}

func writeList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString(title)
	for i, it := range items {
		if i == maxListed {
			fmt.Fprintf(b, " (and %d more)", len(items)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(it)
	}
}

// Unwrap returns the cause.
func (e *WaitError) Unwrap() error { return e.Err }

// waitTimeoutError is the cause of a wait that ran out of its own
// timeout: "timed out after 5s". It matches context.DeadlineExceeded.
type waitTimeoutError struct{ timeout time.Duration }

func (e *waitTimeoutError) Error() string { return "timed out after " + e.timeout.String() }

func (e *waitTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// timeoutCause replaces the bare context.DeadlineExceeded of a source
// that does not report its context's cause with the wait's own timeout,
// so that the message says how long the wait lasted.
func timeoutCause(ctx context.Context, err error) error {
	var te *waitTimeoutError
	if !errors.As(context.Cause(ctx), &te) || errors.As(err, &te) {
		return err
	}
	if err == context.DeadlineExceeded { //nolint:errorlint // the bare sentinel, as said above; a wrapped one is kept below
		return te
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (%w)", te, err)
	}
	return err
}

// Waiter runs waits over a Source. Model.WaitForIdle and Model.Wait
// build one over a polling source; use a Waiter directly to wait over a
// source of your own. A Waiter runs one wait at a time. When the source
// implements ApplicationWatcher, the Waiter tells it which applications
// the wait watches.
type Waiter struct {
	// Source supplies the snapshots; required. The Waiter does not close
	// it.
	Source Source
	// Logger receives each status change at info level; nil is silent.
	Logger *slog.Logger

	// Changes, if set, tells the transient-state guard about the changes
	// made through the client that waits (Model.Wait and Model.WaitForIdle
	// set it to the model's log of its mutating calls); nil disables the
	// guard.
	Changes ChangeLog

	estimates guardEstimates
}

// verdict is the evaluation of one snapshot: whether the wait is done,
// what is still busy, and, to fail the wait, a cause with the failed
// entities.
type verdict struct {
	done   bool
	busy   []string
	fail   error
	failed []string
	// watch, when set, names the applications the condition watches from
	// now on, for the source (see ApplicationWatcher).
	watch []string
}

// evalFunc evaluates one snapshot.
type evalFunc func(s *Status) verdict

// run runs a wait: it evaluates the source's snapshots until the
// evaluation says done or fails. watch, if set, names the applications the
// condition watches, which the source is told before the first snapshot.
func (w *Waiter) run(ctx context.Context, op string, timeout time.Duration,
	progress func(WaitProgress), watch []string, eval evalFunc) (*Status, error) {
	if w.Source == nil {
		return nil, fmt.Errorf("cannot %s: %w: no status source", op, ErrInvalidArgument)
	}
	w.watch(watch)
	if timeout == 0 {
		timeout = DefaultWaitTimeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, &waitTimeoutError{timeout: timeout})
		defer cancel()
	}
	var prev *Status
	var busy []string
	successes := 0
	for {
		s, err := w.Source.Next(ctx)
		if err != nil {
			return prev, &WaitError{Op: op, Err: timeoutCause(ctx, err), Busy: busy, Last: prev}
		}
		s.guard = w.estimates.resolve(w.Changes, s)
		changes := s.Changes(prev)
		w.logChanges(ctx, prev == nil, s, changes)
		v := eval(s)
		w.watch(v.watch)
		busy = v.busy
		if v.fail != nil {
			if progress != nil {
				progress(WaitProgress{Status: s, Changes: changes, Busy: busy})
			}
			return s, &WaitError{Op: op, Err: v.fail, Busy: busy, Failed: v.failed, Last: s}
		}
		if len(busy) == 0 {
			successes++
		} else {
			successes = 0
		}
		if progress != nil {
			progress(WaitProgress{Status: s, Changes: changes, Busy: busy, Ready: len(busy) == 0, Successes: successes})
		}
		if v.done {
			if w.Logger != nil {
				w.Logger.InfoContext(ctx, op+": done", "model", s.Model.Name)
			}
			return s, nil
		}
		prev = s
	}
}

// watch tells the source which applications the wait watches, if the
// source can restrict its snapshots to them.
func (w *Waiter) watch(apps []string) {
	if len(apps) == 0 {
		return
	}
	if aw, ok := w.Source.(ApplicationWatcher); ok {
		aw.WatchApplications(apps)
	}
}

func (w *Waiter) logChanges(ctx context.Context, first bool, s *Status, changes []Change) {
	if w.Logger == nil {
		return
	}
	if first {
		units := 0
		for _, a := range s.Applications {
			units += len(a.Units)
		}
		w.Logger.InfoContext(ctx, "waiting: first status", "model", s.Model.Name,
			"applications", len(s.Applications), "units", units, "machines", len(s.Machines))
		return
	}
	for _, c := range changes {
		if c.Kind != "application" && c.Kind != "unit" {
			continue
		}
		w.Logger.InfoContext(ctx, "status changed", "kind", c.Kind, "name", c.Name, "from", c.Old, "to", c.New)
	}
}

// WaitForIdle waits until the applications have settled, with
// python-libjuju's semantics and more (see WaitForIdleOptions):
//
//   - every watched application is in the snapshot with at least
//     AtLeastUnits units (and exactly ExactUnits, if set), none dying;
//   - every unit agent is idle and has been for IdlePeriod, counted from
//     the agent's own status time by the controller's clock, and from no
//     earlier than the last change made through the same Model to the
//     application (so a wait right after a change cannot pass on the
//     state from before it);
//   - if Status is set, every unit's workload status and the
//     application's effective status (Application.EffectiveStatus)
//     are Status;
//   - subordinate applications are watched like any other, their units
//     being found under their principals' units.
//
// It fails with a *WaitError wrapping ErrError when a watched
// application, unit, agent or machine goes into error (unless
// IgnoreErrors, or within ErrorGrace, or when a unit's error began before
// a change made through the same Model to its application less than
// DefaultChangeGuard ago, such as resolving it), with ErrBlocked on blocked
// (if RaiseOnBlocked), and with context.DeadlineExceeded on timeout. It
// returns the snapshot that satisfied it.
func (w *Waiter) WaitForIdle(ctx context.Context, opts *WaitForIdleOptions) (*Status, error) {
	var o WaitForIdleOptions
	if opts != nil {
		o = *opts
	}
	if o.AtLeastUnits < 0 || o.ExactUnits < 0 || o.ErrorGrace < 0 {
		return nil, fmt.Errorf("cannot wait for idle: %w: negative unit count or grace", ErrInvalidArgument)
	}
	ev := &idleEval{
		opts:       o,
		idle:       o.IdlePeriod,
		errorSince: make(map[string]time.Time),
		idleSeen:   make(map[string]time.Time),
	}
	if len(o.Apps) > 0 {
		ev.apps = slices.Clone(o.Apps)
	}
	if ev.idle == 0 {
		ev.idle = DefaultIdlePeriod
	}
	if ev.idle < 0 {
		ev.idle = 0
	}
	if ev.opts.AtLeastUnits == 0 {
		ev.opts.AtLeastUnits = 1
	}
	eval := func(s *Status) verdict {
		first := !ev.fixed
		v := ev.eval(s)
		if first && len(o.Apps) == 0 {
			// The first snapshot fixed the applications: fetch only them.
			v.watch = ev.apps
		}
		return v
	}
	return w.run(ctx, "wait for idle", o.Timeout, o.Progress, o.Apps, eval)
}

// idleEval holds WaitForIdle's state across snapshots.
type idleEval struct {
	opts       WaitForIdleOptions
	apps       []string // nil until the first snapshot when Apps is nil
	fixed      bool
	idle       time.Duration
	errorSince map[string]time.Time // unit -> controller time first seen in error
	idleSeen   map[string]time.Time // unit -> first seen idle (no since sent)
}

func (ev *idleEval) eval(s *Status) verdict {
	if ev.apps == nil && !ev.fixed {
		ev.apps = s.ApplicationNames()
	}
	ev.fixed = true
	now := s.Now()
	var busy, errs, blocked []string
	for _, name := range ev.apps {
		a := s.Applications[name]
		if a == nil {
			if ra := s.RemoteApplications[name]; ra != nil {
				// A consumed (SAAS) application has no units here: it is
				// ready while alive and not in error.
				switch {
				case ra.Err != nil:
					busy = append(busy, name+": "+ra.Err.Error())
				case ra.Life != "" && ra.Life != "alive":
					busy = append(busy, name+": "+ra.Life)
				case ra.Status.Current == "error" && !ev.opts.IgnoreErrors:
					errs = append(errs, name+": SAAS "+describe(ra.Status))
				}
				continue
			}
			busy = append(busy, name+": not in the model yet")
			continue
		}
		if a.Err != nil {
			busy = append(busy, name+": "+a.Err.Error())
			continue
		}
		if a.Life != "" && a.Life != "alive" {
			busy = append(busy, name+": "+a.Life)
		}
		units := a.UnitList()
		ready := 0
		unitsInError, unitsBlocked := false, false
		for _, u := range units {
			unitsInError = unitsInError || unitInError(u)
			unitsBlocked = unitsBlocked || u.WorkloadStatus.Current == "blocked"
			r, e, blk := ev.unit(s, now, u)
			switch {
			case e != "":
				errs = append(errs, e)
			case blk != "":
				blocked = append(blocked, blk)
			case r != "":
				busy = append(busy, r)
			default:
				ready++
			}
		}
		// The application's own status counts when no unit explains it
		// (a unit error being tolerated must not fail the wait through
		// the application status derived from it).
		switch a.Status.Current {
		case "error":
			if !ev.opts.IgnoreErrors && !unitsInError {
				errs = append(errs, name+": application "+describe(a.Status))
			}
		case "blocked":
			if ev.opts.RaiseOnBlocked && !unitsBlocked {
				blocked = append(blocked, name+": application "+describe(a.Status))
			}
		}
		if ev.opts.Status != "" {
			if eff := a.EffectiveStatus(); eff.Current != ev.opts.Status {
				busy = append(busy, name+": application "+describe(eff))
			}
		}
		// Units that are not ready are listed above; only a shortfall in
		// the number of units needs saying.
		if len(units) < ev.opts.AtLeastUnits {
			if len(units) == 0 {
				busy = append(busy, name+": no units yet")
			} else {
				busy = append(busy, fmt.Sprintf("%s: %s, waiting for at least %d", name, countUnits(len(units)), ev.opts.AtLeastUnits))
			}
		}
		if ev.opts.ExactUnits > 0 && len(units) != ev.opts.ExactUnits {
			busy = append(busy, fmt.Sprintf("%s: %s, waiting for exactly %d", name, countUnits(len(units)), ev.opts.ExactUnits))
		}
	}
	if len(errs) > 0 {
		return verdict{busy: busy, fail: ErrError, failed: errs}
	}
	if len(blocked) > 0 {
		return verdict{busy: busy, fail: ErrBlocked, failed: blocked}
	}
	return verdict{done: len(busy) == 0, busy: busy}
}

// unit evaluates one unit: why it is not ready, or that it failed the wait
// with an error or blocked status.
func (ev *idleEval) unit(s *Status, now time.Time, u *Unit) (busy, failErr, failBlocked string) {
	// Machine errors (python-libjuju checks the instance status).
	if !ev.opts.IgnoreErrors {
		if m := s.unitMachine(u); m != nil {
			if machineInError(m) {
				return "", fmt.Sprintf("%s: machine %s %s", u.Name, m.ID, describeMachine(m)), ""
			}
		}
	}
	inError := unitInError(u)
	if inError && !ev.opts.IgnoreErrors {
		if g := s.guardFor(u.Application); errorPredates(u, now, g) {
			// An error from before a change made through the same Model
			// (such as resolving it) does not fail a wait started right
			// after that change.
			return fmt.Sprintf("%s: %s, set before the change at %s", u.Name, describeUnitError(u),
				g.UTC().Round(time.Second).Format(time.TimeOnly)), "", ""
		}
		first, seen := ev.errorSince[u.Name]
		if !seen {
			first = errorStart(u, now)
			ev.errorSince[u.Name] = first
		}
		desc := u.Name + ": " + describeUnitError(u)
		if ev.opts.ErrorGrace <= 0 || now.IsZero() || now.Sub(first) >= ev.opts.ErrorGrace {
			return "", desc, ""
		}
		left := ev.opts.ErrorGrace - now.Sub(first)
		return desc + fmt.Sprintf(", tolerated for %s more", left.Round(time.Second)), "", ""
	}
	if u.AgentStatus.Current == "idle" && !inError {
		delete(ev.errorSince, u.Name)
	}
	if ev.opts.RaiseOnBlocked && u.WorkloadStatus.Current == "blocked" {
		return "", "", u.Name + ": workload " + describe(u.WorkloadStatus)
	}
	if l := u.AgentStatus.Life; l == "dying" || l == "dead" {
		return u.Name + ": " + l, "", ""
	}
	if inError {
		return u.Name + ": " + describeUnitError(u), "", ""
	}
	if u.AgentStatus.Current != "idle" {
		delete(ev.idleSeen, u.Name)
		return u.Name + ": agent " + describe(u.AgentStatus), "", ""
	}
	if ev.opts.Status != "" && u.WorkloadStatus.Current != ev.opts.Status {
		return u.Name + ": workload " + describe(u.WorkloadStatus), "", ""
	}
	if ev.idle > 0 {
		var idleFor time.Duration
		if u.AgentStatus.Since.IsZero() {
			// No time from the server: count from when we first saw it idle.
			first, ok := ev.idleSeen[u.Name]
			if !ok {
				first = now
				ev.idleSeen[u.Name] = now
			}
			idleFor = now.Sub(first)
		} else {
			idleFor = s.idleFor(u)
		}
		if idleFor < ev.idle {
			return fmt.Sprintf("%s: idle for %s of %s", u.Name, idleFor.Round(time.Second), ev.idle), "", ""
		}
	}
	return "", "", ""
}

// unitInError reports whether a unit's workload or agent is in error.
func unitInError(u *Unit) bool {
	return u.WorkloadStatus.Current == "error" || u.AgentStatus.Current == "error" || u.AgentStatus.Current == "failed"
}

// errorStart is when a unit's error began: the since of its error status,
// or now.
func errorStart(u *Unit, now time.Time) time.Time {
	for _, st := range []Info{u.WorkloadStatus, u.AgentStatus} {
		if (st.Current == "error" || st.Current == "failed") && !st.Since.IsZero() {
			return st.Since
		}
	}
	return now
}

// errorPredates reports whether the error of a unit in error began
// before g, the last change made through the waiting Model to its
// application, while that change is less than DefaultChangeGuard old: the
// unit has not yet reacted to the change, so its error may be gone.
func errorPredates(u *Unit, now, g time.Time) bool {
	return !g.IsZero() && !now.IsZero() && now.Sub(g) < DefaultChangeGuard && errorStart(u, now).Before(g)
}

// unitMachine returns the machine a unit (or its principal) runs on.
func (s *Status) unitMachine(u *Unit) *Machine {
	id := u.Machine
	if id == "" && u.Principal != "" {
		if p := s.Unit(u.Principal); p != nil {
			id = p.Machine
		}
	}
	if id == "" {
		return nil
	}
	return s.Machine(id)
}

func machineInError(m *Machine) bool {
	return m.InstanceStatus.Current == "error" || m.InstanceStatus.Current == "provisioning error" ||
		m.AgentStatus.Current == "error"
}

func describeMachine(m *Machine) string {
	if m.InstanceStatus.Current == "error" || m.InstanceStatus.Current == "provisioning error" {
		return "instance " + describe(m.InstanceStatus)
	}
	return "agent " + describe(m.AgentStatus)
}

func describeUnitError(u *Unit) string {
	if u.WorkloadStatus.Current == "error" {
		return "workload " + describe(u.WorkloadStatus)
	}
	return "agent " + describe(u.AgentStatus)
}

// describe renders a status as "executing since 12:01:03 (config-changed)".
func describe(st Info) string {
	var b strings.Builder
	if st.Current == "" {
		b.WriteString("unknown")
	} else {
		b.WriteString(st.Current)
	}
	if !st.Since.IsZero() {
		b.WriteString(" since ")
		b.WriteString(st.Since.UTC().Format(time.TimeOnly))
	}
	if msg := shortMessage(st.Message); msg != "" {
		b.WriteString(" (")
		b.WriteString(msg)
		b.WriteString(")")
	}
	return b.String()
}

// shortMessage shortens the agent's "running config-changed hook" to
// "config-changed".
func shortMessage(msg string) string {
	if m, ok := strings.CutPrefix(msg, "running "); ok {
		if hook, ok := strings.CutSuffix(m, " hook"); ok && !strings.Contains(hook, " ") {
			return hook
		}
	}
	return msg
}

// Wait waits until ready holds for opts.Successes consecutive snapshots
// (jubilant's semantics), failing with a *WaitError wrapping
// ErrError as soon as opts.Error holds, and with
// context.DeadlineExceeded on timeout. Predicates compose with All, Any
// and Not.
//
// Transient-state guard: after a change made through the same Model, a
// snapshot does not count until every unit of the changed applications has
// reported a status set after the change, or opts.ChangeGuard has passed
// by the controller's clock. Until then opts.Error does not fail the wait
// either: the error it sees may be from before the change (a resolved
// unit that has not run its hook again yet).
//
// It returns the last snapshot, on which ready held.
func (w *Waiter) Wait(ctx context.Context, ready Predicate, opts *WaitOptions) (*Status, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if ready == nil {
		return nil, fmt.Errorf("cannot wait: %w: no ready predicate", ErrInvalidArgument)
	}
	if o.Successes < 0 {
		return nil, fmt.Errorf("cannot wait: %w: negative successes %d", ErrInvalidArgument, o.Successes)
	}
	if o.Successes == 0 {
		o.Successes = DefaultWaitSuccesses
	}
	if o.ChangeGuard == 0 {
		o.ChangeGuard = DefaultChangeGuard
	}
	streak := 0
	eval := func(s *Status) verdict {
		if o.Error != nil {
			if bad, why := o.Error(s); bad {
				if o.ChangeGuard > 0 {
					if held := guardHolds(s, o.ChangeGuard); len(held) > 0 {
						// Perhaps the state from before the change.
						streak = 0
						return verdict{busy: held}
					}
				}
				if len(why) == 0 {
					why = []string{"the error condition holds"}
				}
				return verdict{fail: ErrError, failed: why}
			}
		}
		ok, why := ready(s)
		if ok && o.ChangeGuard > 0 {
			if held := guardHolds(s, o.ChangeGuard); len(held) > 0 {
				ok, why = false, held
			}
		}
		if !ok {
			streak = 0
			if len(why) == 0 {
				why = []string{"the ready condition does not hold"}
			}
			return verdict{busy: why}
		}
		streak++
		return verdict{done: streak >= o.Successes}
	}
	return w.run(ctx, "wait", o.Timeout, o.Progress, o.Apps, eval)
}

// guardHolds lists the units that have not reported a status since the
// last change made through the waiting Model to their application, while
// that change is more recent than window.
func guardHolds(s *Status, window time.Duration) []string {
	if len(s.guard) == 0 {
		return nil
	}
	now := s.Now()
	var held []string
	for _, name := range s.ApplicationNames() {
		g := s.guardFor(name)
		if g.IsZero() || now.Sub(g) >= window {
			continue
		}
		for _, u := range s.Applications[name].UnitList() {
			if u.AgentStatus.Since.Before(g) && u.WorkloadStatus.Since.Before(g) {
				held = append(held, fmt.Sprintf("%s: no status reported since the change at %s",
					u.Name, g.UTC().Round(time.Second).Format(time.TimeOnly)))
			}
		}
	}
	return held
}

// countUnits says "1 unit", "2 units".
func countUnits(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.Itoa(n) + " units"
}

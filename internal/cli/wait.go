package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/rpc"
	"github.com/gojuju/juju/status"
)

// Exit codes of "gojuju wait" (and of connection failures of the other
// commands). 0 is success, 1 any other error, 2 a usage error.
const (
	// exitTimeout: the model did not settle before the timeout.
	exitTimeout = 3
	// exitStatusError: something went into error (or blocked, with
	// --raise-on-blocked).
	exitStatusError = 4
	// exitConnection: the controller could not be reached, or the
	// connection was down when the wait timed out.
	exitConnection = 5
)

// exitError carries the exit status a command wants.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// ExitCode returns the exit status the command wants.
func (e *exitError) ExitCode() int { return e.code }

const waitUsage = `usage: gojuju wait [-m [controller:]model] [--apps a,b] [--status active] [--idle-period 15s]
                   [--timeout 10m] [--raise-on-blocked] [--no-raise-on-error] [--error-grace 0s]
                   [--units N] [--exact-units N] [--interval 1s]

Wait until the model's applications have settled: every unit agent idle for
the idle period (by the controller's clock), with the wanted workload status.

When the controller cannot be reached (it is restarting, say), wait keeps
trying to connect until --timeout, then exits 5.

Exit status: 0 settled, 3 timed out, 4 an application or unit went into error
(or blocked, with --raise-on-blocked), 5 connection failure, 2 usage error,
1 any other error (e.g. the model or controller is not known, or the login
was refused).
`

type waitFlags struct {
	model string
	opts  status.WaitForIdleOptions
}

func parseWaitFlags(args []string, stderr io.Writer) (*waitFlags, error) {
	f := &waitFlags{}
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, waitUsage); fs.PrintDefaults() }
	var apps string
	var noRaise bool
	fs.StringVar(&f.model, "m", "", "model to wait for: [controller:][qualifier/]model (default: the current model)")
	fs.StringVar(&f.model, "model", "", "same as -m")
	fs.StringVar(&apps, "apps", "", "comma-separated applications to wait for (default: all in the model now)")
	fs.StringVar(&f.opts.Status, "status", "", "workload status every unit must have (e.g. active); default any")
	fs.DurationVar(&f.opts.IdlePeriod, "idle-period", status.DefaultIdlePeriod, "how long every unit agent must have been idle")
	fs.DurationVar(&f.opts.Timeout, "timeout", status.DefaultWaitTimeout, "give up after this long")
	fs.BoolVar(&f.opts.RaiseOnBlocked, "raise-on-blocked", false, "fail when an application or unit is blocked")
	fs.BoolVar(&noRaise, "no-raise-on-error", false, "keep waiting when something goes into error")
	fs.DurationVar(&f.opts.ErrorGrace, "error-grace", 0, "tolerate a unit in error this long (hooks Juju is retrying)")
	fs.IntVar(&f.opts.AtLeastUnits, "units", 1, "each application needs at least this many ready units")
	fs.IntVar(&f.opts.ExactUnits, "exact-units", 0, "each application must have exactly this many units (0: not checked)")
	fs.DurationVar(&f.opts.Interval, "interval", status.DefaultInterval, "how often to poll the status")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if len(pos) > 0 {
		return nil, fmt.Errorf("%w: unexpected argument %q (name applications with --apps)", ErrUsage, pos[0])
	}
	switch {
	case f.opts.IdlePeriod < 0:
		return nil, fmt.Errorf("%w: negative --idle-period", ErrUsage)
	case f.opts.Timeout <= 0:
		return nil, fmt.Errorf("%w: --timeout must be positive", ErrUsage)
	case f.opts.Interval <= 0:
		return nil, fmt.Errorf("%w: --interval must be positive", ErrUsage)
	case f.opts.AtLeastUnits < 0 || f.opts.ExactUnits < 0:
		return nil, fmt.Errorf("%w: negative unit count", ErrUsage)
	case f.opts.ErrorGrace < 0:
		return nil, fmt.Errorf("%w: negative --error-grace", ErrUsage)
	}
	if f.opts.IdlePeriod == 0 {
		f.opts.IdlePeriod = -1 // "--idle-period 0" means none
	}
	if apps != "" {
		for _, a := range strings.Split(apps, ",") {
			if a = strings.TrimSpace(a); a != "" {
				f.opts.Apps = append(f.opts.Apps, a)
			}
		}
	}
	f.opts.IgnoreErrors = noRaise
	return f, nil
}

// runWait implements "gojuju wait".
func runWait(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseWaitFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := connectModelRetrying(ctx, f.model, f.opts.Timeout, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	if f.opts.Timeout -= time.Since(start); f.opts.Timeout <= 0 {
		f.opts.Timeout = time.Nanosecond // time is up: one status check, then exit 3
	}
	view := newWaitView(stdout, isTerminal(stdout), m.QualifiedName())
	f.opts.Progress = func(p status.WaitProgress) {
		view.progress(p)
		afterPoll()
	}
	s, err := m.WaitForIdle(ctx, &f.opts)
	view.finish(s, err)
	return waitExit(err)
}

// Delays between attempts to connect while the controller is unreachable.
const (
	connectRetryMin = 100 * time.Millisecond
	connectRetryMax = 5 * time.Second
)

// connectModelRetrying connects as connectModel does, but while the
// failure is transient (the controller is unreachable or restarting) it
// tries again with growing delays until within has passed. It says on
// stderr, once, that it is retrying.
func connectModelRetrying(ctx context.Context, model string, within time.Duration, stderr io.Writer) (*juju.Model, error) {
	deadline := time.Now().Add(within)
	delay := connectRetryMin
	for said := false; ; said = true {
		m, err := connectModel(ctx, model)
		if err == nil || !juju.IsRetryable(err) {
			return m, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, err
		}
		if !said {
			fmt.Fprintf(stderr, "%v; retrying for up to %v\n", err, left.Round(time.Second))
		}
		t := time.NewTimer(min(delay, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		delay = min(2*delay, connectRetryMax)
	}
}

// waitExit maps a wait's error to the exit status the command documents.
func waitExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, status.ErrError) || errors.Is(err, status.ErrBlocked):
		return &exitError{code: exitStatusError, err: err}
	case errors.Is(err, rpc.ErrBroken) || isDialError(err):
		return &exitError{code: exitConnection, err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &exitError{code: exitTimeout, err: err}
	}
	return err
}

func isDialError(err error) bool {
	var de *rpc.DialError
	return errors.As(err, &de)
}

// waitView shows a wait's progress: redrawn per application and unit on a
// terminal, as plain lines of what changed otherwise.
type waitView struct {
	w     io.Writer
	term  bool
	model string
	start time.Time
	last  []string // busy list last printed (plain mode)
}

func newWaitView(w io.Writer, term bool, model string) *waitView {
	return &waitView{w: w, term: term, model: model, start: time.Now()}
}

func (v *waitView) progress(p status.WaitProgress) {
	if v.term {
		v.draw(p)
		return
	}
	ts := p.Status.Now().UTC().Format(time.TimeOnly)
	if v.last == nil {
		fmt.Fprintf(v.w, "%s waiting for model %q: %d applications, %d units\n",
			ts, v.model, len(p.Status.Applications), len(p.Status.AllUnits()))
	} else {
		for _, c := range p.Changes {
			if c.Kind == "application" || c.Kind == "unit" {
				fmt.Fprintf(v.w, "%s %s\n", ts, c)
			}
		}
	}
	if !slices.Equal(v.last, p.Busy) {
		switch {
		case len(p.Busy) == 0:
			fmt.Fprintf(v.w, "%s nothing busy\n", ts)
		default:
			fmt.Fprintf(v.w, "%s busy: %s\n", ts, strings.Join(p.Busy, "; "))
		}
	}
	v.last = append([]string{}, p.Busy...)
	if v.last == nil {
		v.last = []string{}
	}
}

// draw redraws the live view: one line per application, its units below
// with what each is doing, the busy reasons last.
func (v *waitView) draw(p status.WaitProgress) {
	var b strings.Builder
	b.WriteString(clearScreen)
	fmt.Fprintf(&b, "Waiting for model %q  (%s elapsed, controller time %s)\n\n", v.model,
		time.Since(v.start).Round(time.Second), p.Status.Now().UTC().Format(time.TimeOnly))
	// Columns separated by two spaces, as in the status table.
	t := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(cells ...string) { fmt.Fprintln(t, strings.Join(cells, "\t")) }
	row("App/Unit", "Workload", "Agent", "Idle", "Message")
	for _, name := range p.Status.ApplicationNames() {
		a := p.Status.Applications[name]
		eff := a.EffectiveStatus()
		row(name, eff.Current, "", "", eff.Message)
		for _, u := range a.UnitList() {
			idle := ""
			if d := p.Status.IdleFor(u.Name); d > 0 {
				idle = d.Round(time.Second).String()
			}
			msg := u.WorkloadStatus.Message
			if u.AgentStatus.Current != "idle" && u.AgentStatus.Message != "" {
				msg = u.AgentStatus.Message
			}
			row("  "+u.Name, u.WorkloadStatus.Current, u.AgentStatus.Current, idle, msg)
		}
	}
	t.Flush()
	if len(p.Busy) > 0 {
		fmt.Fprintf(&b, "\nStill busy (%d):\n", len(p.Busy))
		for i, r := range p.Busy {
			if i == 20 {
				fmt.Fprintf(&b, "  ... and %d more\n", len(p.Busy)-20)
				break
			}
			fmt.Fprintf(&b, "  %s\n", r)
		}
	}
	// The live view is best effort: a failed write to the terminal changes
	// nothing about the wait, whose result is reported at the end.
	_, _ = io.WriteString(v.w, b.String())
}

func (v *waitView) finish(s *status.Status, err error) {
	elapsed := time.Since(v.start).Round(time.Millisecond)
	if err == nil {
		units := 0
		if s != nil {
			units = len(s.AllUnits())
		}
		fmt.Fprintf(v.w, "Model %q settled (%d units) after %s.\n", v.model, units, elapsed)
		return
	}
	var we *status.WaitError
	if errors.As(err, &we) && len(we.Failed) > 0 {
		fmt.Fprintf(v.w, "Failed after %s:\n", elapsed)
		for _, f := range we.Failed {
			fmt.Fprintf(v.w, "  %s\n", f)
		}
	}
}

package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

const demoUsage = `usage: gojuju demo [flags]

Runs the job of a charm integration test from start to end: creates a
model, deploys mysql and wordpress on a base, integrates them, sets config,
waits for the model to settle while showing its progress, runs a command on
a unit, reads a unit's relation data, runs an action and reads its result,
creates a secret and grants it, offers an endpoint to other models, removes
a unit and waits for it to be gone, prints the status and destroys the
model.

By default it runs against a simulated Juju controller started in-process
(nothing to install, done in seconds). With --controller it runs against a
real controller from the juju CLI's local store (JUJU_DATA) instead.

flags:
`

// demoSpeed is the default pace of the demo's simulator: about 1/25 of a
// real cloud, so every lifecycle step can be seen and the model still
// settles in about two seconds.
const demoSpeed = "demo"

// demoTiming returns the simulator timing of demoSpeed.
func demoTiming() jujusim.Timing {
	return jujusim.Timing{
		Name:                 demoSpeed,
		MachineProvision:     800 * time.Millisecond,
		MachineStart:         400 * time.Millisecond,
		Install:              600 * time.Millisecond,
		Hook:                 80 * time.Millisecond,
		Removal:              200 * time.Millisecond,
		ModelDestroy:         300 * time.Millisecond,
		Action:               80 * time.Millisecond,
		UpdateStatusInterval: time.Minute,
	}
}

// demoOptions are the parsed flags of "gojuju demo".
type demoOptions struct {
	controller string
	version    string
	timing     jujusim.Timing
	speed      string
	idlePeriod time.Duration
	interval   time.Duration
	timeout    time.Duration
	model      string
	live       string // "auto", "on", "off"
}

func parseDemoFlags(args []string, stderr io.Writer) (*demoOptions, error) {
	fs := flag.NewFlagSet("gojuju demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, demoUsage)
		fs.PrintDefaults()
	}
	o := &demoOptions{}
	fs.StringVar(&o.controller, "controller", "", "run against this `controller` from JUJU_DATA instead of the simulator")
	fs.StringVar(&o.version, "juju-version", jujusim.Juju40, "Juju `version` the simulator impersonates: 4.0.15 or 3.6.28")
	fs.StringVar(&o.speed, "speed", demoSpeed, "simulator agent speed: demo, realistic, fast or instant")
	fs.DurationVar(&o.idlePeriod, "idle-period", 0, "how long every unit agent must have been idle (default 1s on the simulator, 15s on a controller)")
	fs.DurationVar(&o.timeout, "timeout", 0, "bound on the wait for the model to settle (default 1m on the simulator, 30m on a controller)")
	fs.StringVar(&o.model, "model", "", "`name` of the model to create (default: gojuju-demo-<random>)")
	fs.StringVar(&o.live, "live", "auto", "live progress view: auto (when stdout is a terminal), on or off")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%w: gojuju demo takes no arguments, got %q", ErrUsage, fs.Args())
	}
	if o.version != jujusim.Juju40 && o.version != jujusim.Juju36 {
		return nil, fmt.Errorf("%w: --juju-version must be %s or %s, not %q", ErrUsage, jujusim.Juju40, jujusim.Juju36, o.version)
	}
	if o.speed == demoSpeed {
		o.timing = demoTiming()
	} else {
		sp, err := jujusim.ParseSpeed(o.speed)
		if err != nil {
			return nil, fmt.Errorf("%w: --speed: %w", ErrUsage, err)
		}
		switch sp {
		case jujusim.SpeedRealistic:
			o.timing = jujusim.RealisticTiming()
		case jujusim.SpeedInstant:
			o.timing = jujusim.InstantTiming()
		default:
			o.timing = jujusim.FastTiming()
		}
	}
	if o.idlePeriod < 0 || o.timeout < 0 {
		return nil, fmt.Errorf("%w: --idle-period and --timeout must not be negative", ErrUsage)
	}
	switch o.live {
	case "auto", "on", "off":
	default:
		return nil, fmt.Errorf("%w: --live must be auto, on or off, not %q", ErrUsage, o.live)
	}
	if o.model != "" && !juju.IsValidModelName(o.model) {
		return nil, fmt.Errorf("%w: --model %q is not a valid model name", ErrUsage, o.model)
	}
	sim := o.controller == ""
	if o.idlePeriod == 0 {
		o.idlePeriod = status.DefaultIdlePeriod
		if sim {
			o.idlePeriod = time.Second
		}
	}
	if o.timeout == 0 {
		o.timeout = 30 * time.Minute
		if sim {
			o.timeout = time.Minute
		}
	}
	o.interval = time.Second
	if sim {
		o.interval = 200 * time.Millisecond
	}
	if o.model == "" {
		o.model = "gojuju-demo-" + demoRandomSuffix()
	}
	return o, nil
}

func demoRandomSuffix() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// demo is one run of "gojuju demo".
type demo struct {
	o        *demoOptions
	out      io.Writer
	live     bool
	start    time.Time
	step     int
	ctrl     *juju.Controller
	model    *juju.Model
	sim      *jujusim.Server // the in-process simulator, nil with --controller
	target   string          // what we run against, for the closing line
	ctrlName string          // the controller's name, for the status table
}

// say prints one step of the demo.
func (d *demo) say(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.out, "%2d. %s\n", d.step, fmt.Sprintf(format, args...))
}

// note prints an indented detail line under the current step.
func (d *demo) note(format string, args ...any) {
	fmt.Fprintf(d.out, "      %s\n", fmt.Sprintf(format, args...))
}

// runDemo implements "gojuju demo".
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseDemoFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	d := &demo{o: o, out: stdout, start: time.Now()}
	switch o.live {
	case "on":
		d.live = true
	case "auto":
		d.live = isTerminal(stdout)
	}
	return d.run(ctx)
}

func (d *demo) run(ctx context.Context) (err error) {
	if d.o.controller == "" {
		fmt.Fprintln(d.out, "gojuju demo: the main job of a charm integration test, against a simulated Juju controller.")
		fmt.Fprintln(d.out)
		sim, err := jujusim.Start(ctx, jujusim.Config{JujuVersion: d.o.version, Timing: d.o.timing})
		if err != nil {
			return fmt.Errorf("cannot start the simulated controller: %w", err)
		}
		defer func() { _ = sim.Close() }()
		d.sim = sim
		d.say("Started a simulated Juju %s controller in-process on %s (agent speed %q).", sim.JujuVersion(), sim.Addr(), d.o.timing.Name)
		d.ctrl, err = juju.Connect(ctx, juju.Config{
			Addrs:    sim.APIAddresses(),
			CACert:   sim.CACert(),
			Username: sim.AdminUser(),
			Password: sim.AdminPassword(),
		})
		if err != nil {
			return err
		}
		d.target = "the simulated controller"
		d.ctrlName = sim.ControllerName()
		d.say("Connected over TLS websocket as %q, trusting only the controller's CA (no JUJU_DATA needed).", d.ctrl.User())
	} else {
		fmt.Fprintf(d.out, "gojuju demo: the main job of a charm integration test, against controller %q.\n\n", d.o.controller)
		d.ctrl, err = juju.Connect(ctx, juju.Config{Controller: d.o.controller})
		if err != nil {
			return err
		}
		d.target = fmt.Sprintf("controller %q", d.o.controller)
		d.ctrlName = d.o.controller
		d.say("Connected to controller %q (Juju %s) as %q, with the details in JUJU_DATA.", d.o.controller, d.ctrl.ServerVersion(), d.ctrl.User())
	}
	defer func() { _ = d.ctrl.Close() }()

	d.model, err = d.ctrl.AddModel(ctx, d.o.model, nil)
	if err != nil {
		return err
	}
	d.say("Created model %q.", d.model.QualifiedName())
	defer func() {
		// Destroy the model whatever happened, even when ctx was
		// cancelled (Ctrl+C), with a deadline of its own.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.destroyTimeout())
		defer cancel()
		yes := true
		derr := d.ctrl.DestroyModel(cctx, d.model.QualifiedName(), &juju.DestroyModelOptions{DestroyStorage: &yes, Force: err != nil})
		if derr != nil {
			err = errors.Join(err, derr)
			return
		}
		d.say("Destroyed model %q and its storage.", d.model.QualifiedName())
		if err == nil {
			fmt.Fprintf(d.out, "\nDone in %s against %s.\n", time.Since(d.start).Round(100*time.Millisecond), d.target)
		}
	}()

	if err := d.deploy(ctx); err != nil {
		return err
	}
	rel, err := d.model.Integrate(ctx, "wordpress:database", "mysql:database", nil)
	if err != nil {
		return err
	}
	iface := ""
	if len(rel.Endpoints) > 0 && rel.Endpoints[0].Interface != "" {
		iface = fmt.Sprintf(" (interface %s)", rel.Endpoints[0].Interface)
	}
	d.say("Integrated wordpress:database with mysql:database%s.", iface)

	blog := map[string]any{"blog-name": "Deployed by gojuju", "tuning": "optimized"}
	if err := d.model.Application("wordpress").SetConfig(ctx, blog); err != nil {
		return err
	}
	d.say("Set wordpress config: blog-name=%q, tuning=%q.", blog["blog-name"], blog["tuning"])

	if _, err := d.wait(ctx); err != nil {
		return err
	}
	if err := d.job(ctx); err != nil {
		return err
	}
	st, err := d.model.Status(ctx, nil)
	if err != nil {
		return err
	}
	d.say("Final status:")
	fmt.Fprintln(d.out)
	_ = st.WriteTable(d.out, &status.TableOptions{Controller: d.ctrlName, Relations: true}) // like the other lines of the demo
	fmt.Fprintln(d.out)
	return nil
}

func (d *demo) destroyTimeout() time.Duration {
	if d.o.controller == "" {
		return 30 * time.Second
	}
	return 15 * time.Minute
}

// deploy deploys the two applications, showing on the way what a user who
// still writes a series gets from Juju 4.
func (d *demo) deploy(ctx context.Context) error {
	const base = "ubuntu@22.04"
	if _, err := d.model.Deploy(ctx, "mysql", &juju.DeployOptions{Channel: "8.0/stable", Base: base}); err != nil {
		return err
	}
	d.say("Deployed mysql from channel 8.0/stable on base %s.", base)

	if d.ctrl.IsJuju4() {
		_, err := d.model.Deploy(ctx, "wordpress", &juju.DeployOptions{Series: "jammy"})
		if !errors.Is(err, juju.ErrSeriesNotSupported) {
			return fmt.Errorf("deploying with a series on Juju 4 should fail with ErrSeriesNotSupported, got %w", err)
		}
		d.say("Tried to deploy wordpress with series \"jammy\"; Juju 4 has no series, so gojuju refuses before sending anything:")
		d.note("%v", err)
	} else {
		d.say("(Juju %s still accepts a series such as \"jammy\" and maps it to %s; on Juju 4 it is an error.)", d.ctrl.ServerVersion(), base)
	}
	if _, err := d.model.Deploy(ctx, "wordpress", &juju.DeployOptions{Base: base, NumUnits: 2}); err != nil {
		return err
	}
	d.say("Deployed 2 units of wordpress on base %s.", base)
	return nil
}

// wait waits for the model to settle, drawing the progress.
func (d *demo) wait(ctx context.Context) (*status.Status, error) {
	d.say("Waiting until every unit is active and its agent has been idle for %s:", d.o.idlePeriod)
	view := &demoProgress{out: d.out, live: d.live}
	st, err := d.model.WaitForIdle(ctx, &status.WaitForIdleOptions{
		Apps:       []string{"mysql", "wordpress"},
		Status:     "active",
		IdlePeriod: d.o.idlePeriod,
		Timeout:    d.o.timeout,
		Interval:   d.o.interval,
		Progress:   view.update,
	})
	view.finish()
	if err != nil {
		var we *status.WaitError
		if errors.As(err, &we) && we.Last != nil {
			d.note("The wait failed; the status it last saw:")
			fmt.Fprintln(d.out)
			_ = we.Last.WriteTable(d.out, &status.TableOptions{Controller: d.ctrlName, Relations: true})
			fmt.Fprintln(d.out)
		}
		return nil, err
	}
	d.note("Settled after %s.", time.Since(view.started).Round(100*time.Millisecond))
	return st, nil
}

// demoProgress draws a wait's progress: on a terminal a block of lines
// redrawn in place (one per application and unit), otherwise one plain
// line per status change.
type demoProgress struct {
	out     io.Writer
	live    bool
	started time.Time
	drawn   int // lines of the block currently on screen
	// unitsOnly leaves machines and relations out of the plain view.
	unitsOnly bool
}

func (v *demoProgress) update(p status.WaitProgress) {
	if v.started.IsZero() {
		v.started = time.Now()
	}
	elapsed := time.Since(v.started)
	if !v.live {
		for _, c := range p.Changes {
			if v.unitsOnly && c.Kind != "unit" {
				continue
			}
			if line := demoChangeLine(p.Status, c); line != "" {
				fmt.Fprintf(v.out, "      [%4.1fs] %s\n", elapsed.Seconds(), line)
			}
		}
		return
	}
	lines := demoProgressLines(p, elapsed)
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", v.drawn)
	}
	for _, l := range lines {
		b.WriteString("\x1b[2K")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for i := len(lines); i < v.drawn; i++ {
		b.WriteString("\x1b[2K\n")
	}
	if len(lines) < v.drawn {
		fmt.Fprintf(&b, "\x1b[%dA", v.drawn-len(lines))
	}
	v.drawn = len(lines)
	_, _ = io.WriteString(v.out, b.String())
}

func (v *demoProgress) finish() {
	if v.started.IsZero() {
		v.started = time.Now()
	}
}

// demoChangeLine renders one change of a plain progress view, from the
// entity's state in the snapshot: units and machines with their current
// status, relations when they change state; applications are left out (their
// units tell the story).
func demoChangeLine(s *status.Status, c status.Change) string {
	switch c.Kind {
	case "unit":
		u := s.Unit(c.Name)
		if u == nil {
			return fmt.Sprintf("%-13s gone", c.Name)
		}
		return demoUnitLine(u)
	case "machine":
		m := s.Machine(c.Name)
		if m == nil {
			return fmt.Sprintf("machine %-5s gone", c.Name)
		}
		line := fmt.Sprintf("machine %-5s %-12s", c.Name, m.AgentStatus.Current)
		if m.AgentStatus.Current == "pending" {
			line += " instance " + m.InstanceStatus.Current
		}
		return strings.TrimRight(line, " ")
	case "relation":
		return fmt.Sprintf("relation %s -> %s", c.Name, c.New)
	}
	return ""
}

// demoUnitLine renders a unit as "name workload agent message".
func demoUnitLine(u *status.Unit) string {
	msg := u.WorkloadStatus.Message
	if u.AgentStatus.Current == "executing" && u.AgentStatus.Message != "" {
		msg = u.AgentStatus.Message
	}
	return strings.TrimRight(fmt.Sprintf("%-13s %-12s %-10s %s", u.Name, u.WorkloadStatus.Current, u.AgentStatus.Current, msg), " ")
}

// demoProgressLines renders the live view of one snapshot.
func demoProgressLines(p status.WaitProgress, elapsed time.Duration) []string {
	s := p.Status
	state := "waiting"
	if p.Ready {
		state = "settled"
	}
	lines := []string{fmt.Sprintf("      [%5.1fs] %s", elapsed.Seconds(), state)}
	if s == nil {
		return lines
	}
	for _, name := range s.ApplicationNames() {
		app := s.Applications[name]
		lines = append(lines, fmt.Sprintf("      %-14s %s", name, app.EffectiveStatus()))
		for _, u := range app.UnitList() {
			lines = append(lines, "        "+demoUnitLine(u))
		}
	}
	if len(p.Busy) > 0 {
		line := "      still busy: " + p.Busy[0]
		if len(p.Busy) > 1 {
			line += fmt.Sprintf(" (and %d more)", len(p.Busy)-1)
		}
		lines = append(lines, line)
	}
	return lines
}

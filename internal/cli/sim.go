package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
)

const simUsage = `usage: gojuju sim [flags]

Runs a simulated Juju controller in the foreground until interrupted (Ctrl+C
or SIGTERM), and registers it (controller, admin account, models) as the
current controller in JUJU_DATA so that the juju CLI and gojuju can use it.

flags:
`

// simOptions are the parsed flags of "gojuju sim".
type simOptions struct {
	listen        string
	jujuData      string
	controller    string
	version       string
	speed         jujusim.Speed
	seed          map[string]int
	seedOrder     []string
	keep          bool
	behaviour     *jujusim.BehaviourFile // --behaviour, nil if none
	behaviourPath string
	k8sCloud      string
	charms        stringList
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func parseSimFlags(args []string, stderr io.Writer) (*simOptions, error) {
	fs := flag.NewFlagSet("gojuju sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, simUsage)
		fs.PrintDefaults()
	}
	o := &simOptions{}
	var speed, seed, behaviour string
	fs.StringVar(&o.listen, "listen", "127.0.0.1:17070", "`address` to listen on")
	fs.StringVar(&o.jujuData, "juju-data", "", "JUJU_DATA `directory` to register the controller in (default: $JUJU_DATA, else ~/.local/share/juju)")
	fs.StringVar(&o.controller, "controller", "jujusim", "controller `name`")
	fs.StringVar(&o.version, "juju-version", jujusim.Juju40, "Juju `version` to simulate: 4.0.15 or 3.6.28")
	fs.StringVar(&speed, "speed", "fast", "agent speed: realistic, fast or instant")
	fs.StringVar(&seed, "seed", "", "deploy `APP=UNITS,...` into the default model at start")
	fs.BoolVar(&o.keep, "keep", false, "keep the JUJU_DATA entries on exit")
	fs.Var(&o.charms, "charm", "add a charm to the simulated Charmhub from its real metadata: a .charm `path`, a charm directory or a metadata.yaml/charmcraft.yaml (repeatable)")
	fs.StringVar(&o.k8sCloud, "k8s-cloud", "", "register a Kubernetes cloud of this `name` (models added on it are Kubernetes models; juju add-model then needs a cloud)")
	fs.StringVar(&behaviour, "behaviour", "", "YAML `file` steering the simulated charms of every model, by application: statuses, hook failures, exec and action results, relation data")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%w: gojuju sim takes no arguments, got %q", ErrUsage, fs.Args())
	}
	if o.version != jujusim.Juju40 && o.version != jujusim.Juju36 {
		return nil, fmt.Errorf("%w: --juju-version must be %s or %s, not %q", ErrUsage, jujusim.Juju40, jujusim.Juju36, o.version)
	}
	sp, err := jujusim.ParseSpeed(speed)
	if err != nil {
		return nil, fmt.Errorf("%w: --speed: %w", ErrUsage, err)
	}
	o.speed = sp
	if _, _, err := net.SplitHostPort(o.listen); err != nil {
		return nil, fmt.Errorf("%w: --listen %q: %w", ErrUsage, o.listen, err)
	}
	if o.controller == "" {
		return nil, fmt.Errorf("%w: --controller must not be empty", ErrUsage)
	}
	if o.seed, o.seedOrder, err = parseSeed(seed); err != nil {
		return nil, fmt.Errorf("%w: --seed: %w", ErrUsage, err)
	}
	if behaviour != "" {
		data, err := os.ReadFile(behaviour)
		if err != nil {
			return nil, fmt.Errorf("%w: --behaviour: %w", ErrUsage, err)
		}
		if o.behaviour, err = jujusim.ParseBehaviourFile(data); err != nil {
			return nil, fmt.Errorf("%w: --behaviour %s: %w", ErrUsage, behaviour, err)
		}
		o.behaviourPath = behaviour
	}
	return o, nil
}

// parseSeed parses "pg=3,web=2".
func parseSeed(s string) (map[string]int, []string, error) {
	if s == "" {
		return nil, nil, nil
	}
	apps := map[string]int{}
	var order []string
	for _, item := range strings.Split(s, ",") {
		name, units, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || name == "" {
			return nil, nil, fmt.Errorf("%q is not APP=UNITS", item)
		}
		n, err := strconv.Atoi(units)
		if err != nil || n < 0 {
			return nil, nil, fmt.Errorf("%q: units must be a number >= 0", item)
		}
		if _, dup := apps[name]; dup {
			return nil, nil, fmt.Errorf("application %q given twice", name)
		}
		apps[name] = n
		order = append(order, name)
	}
	return apps, order, nil
}

// runSim implements "gojuju sim".
func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseSimFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	store, err := jujudata.New(jujudata.Config{Dir: o.jujuData})
	if err != nil {
		return fmt.Errorf("cannot find JUJU_DATA: %w", err)
	}
	if err := checkControllerName(store, o.controller); err != nil {
		return err
	}
	_, statErr := os.Stat(store.Dir())
	createdDir := errors.Is(statErr, fs.ErrNotExist)
	sim, err := jujusim.Start(ctx, jujusim.Config{
		JujuVersion:     o.version,
		Addr:            o.listen,
		Speed:           o.speed,
		ControllerName:  o.controller,
		KubernetesCloud: o.k8sCloud,
		Charms:          o.charms,
	})
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w (another gojuju sim? choose a free address with --listen 127.0.0.1:0)", err)
	}
	if err != nil {
		return err
	}
	defer func() { _ = sim.Close() }()

	if o.behaviour != nil {
		sim.SetBehaviours(jujusim.AnyModel, o.behaviour)
	}
	if len(o.seed) > 0 {
		if err := sim.Seed(sim.DefaultModelUUID(), o.seed); err != nil {
			return fmt.Errorf("cannot seed the default model: %w", err)
		}
	}
	previous, err := register(ctx, store, o.controller, sim)
	if err != nil {
		return err
	}
	if err := writeClientFiles(store, o.controller); err != nil {
		_ = unregister(ctx, store, o.controller, previous)
		return err
	}
	if !o.keep {
		defer func() {
			// ctx is done by now; give the cleanup its own deadline.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := unregister(cctx, store, o.controller, previous); err != nil {
				fmt.Fprintf(stderr, "gojuju sim: %v\n", err)
				return
			}
			if createdDir {
				removeStoreIfEmpty(store)
			}
		}()
	}

	fmt.Fprintf(stdout, "Simulated Juju %s controller %q listening on %s\n", o.version, o.controller, sim.Addr())
	fmt.Fprintf(stdout, "Controller UUID %s; default model admin/default (%s)\n", sim.ControllerUUID(), sim.DefaultModelUUID())
	fmt.Fprintf(stdout, "SSH jump host to machines' port 22: %s (a key added to any model logs in)\n", sim.SSHAddr())
	if o.k8sCloud != "" {
		fmt.Fprintf(stdout, "Kubernetes cloud %q: juju add-model NAME %s\n", o.k8sCloud, o.k8sCloud)
	}
	if len(o.seedOrder) > 0 {
		var parts []string
		for _, app := range o.seedOrder {
			unit := "units"
			if o.seed[app] == 1 {
				unit = "unit"
			}
			parts = append(parts, fmt.Sprintf("%s (%d %s)", app, o.seed[app], unit))
		}
		fmt.Fprintf(stdout, "Seeded: %s\n", strings.Join(parts, ", "))
	}
	if o.behaviour != nil {
		apps := make([]string, 0, len(o.behaviour.Applications))
		for app := range o.behaviour.Applications {
			apps = append(apps, app)
		}
		sort.Strings(apps)
		fmt.Fprintf(stdout, "Behaviours from %s for: %s\n", o.behaviourPath, strings.Join(apps, ", "))
	}
	fmt.Fprintf(stdout, "Registered as the current controller in %s", store.Dir())
	if o.keep {
		fmt.Fprint(stdout, " (kept on exit)")
	}
	fmt.Fprintf(stdout, ".\nTry:\n  JUJU_DATA=%[1]s gojuju status\n  JUJU_DATA=%[1]s juju status\n", shellQuote(store.Dir()))
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")

	<-ctx.Done()
	fmt.Fprintln(stdout, "Stopping the simulated controller.")
	return nil
}

// checkControllerName refuses to replace a controller entry that does not
// look like an earlier simulator (all of whose endpoints are loopback).
func checkControllerName(store *jujudata.Store, name string) error {
	d, err := store.Controller(name)
	if errors.Is(err, jujudata.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read JUJU_DATA: %w", err)
	}
	for _, ep := range d.APIEndpoints {
		host, _, err := net.SplitHostPort(ep)
		if err != nil {
			host = ep
		}
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("%w: JUJU_DATA already has a controller %q at %s; choose another name with --controller",
				ErrUsage, name, strings.Join(d.APIEndpoints, ", "))
		}
	}
	return nil
}

// register writes the controller, its admin account and its models into
// the store and makes them current. It returns the previously current
// controller.
func register(ctx context.Context, store *jujudata.Store, name string, sim *jujusim.Server) (string, error) {
	previous, err := store.CurrentController()
	if err != nil && !errors.Is(err, jujudata.ErrNotFound) {
		return "", fmt.Errorf("cannot register the simulator: %w", err)
	}
	if previous == name {
		previous = ""
	}
	// A stale entry of an earlier run goes first, models and all.
	if err := store.RemoveController(ctx, name); err != nil && !errors.Is(err, jujudata.ErrNotFound) {
		return "", fmt.Errorf("cannot register the simulator: %w", err)
	}
	err = store.UpdateController(ctx, name, jujudata.ControllerDetails{
		UUID:                         sim.ControllerUUID(),
		APIEndpoints:                 sim.APIAddresses(),
		CACert:                       sim.CACert(),
		Cloud:                        "dummy",
		Region:                       "dummy-region",
		CloudType:                    "dummy",
		AgentVersion:                 sim.JujuVersion(),
		ControllerMachineCount:       1,
		ActiveControllerMachineCount: 1,
	})
	if err == nil {
		err = store.UpdateAccount(ctx, name, jujudata.AccountDetails{
			User:            sim.AdminUser(),
			Password:        sim.AdminPassword(),
			LastKnownAccess: "superuser",
		})
	}
	if err == nil {
		err = store.UpdateModel(ctx, name, "admin/controller", jujudata.ModelDetails{UUID: sim.ControllerModelUUID(), Type: "iaas"})
	}
	if err == nil {
		err = store.UpdateModel(ctx, name, "admin/default", jujudata.ModelDetails{UUID: sim.DefaultModelUUID(), Type: "iaas"})
	}
	if err == nil {
		err = store.SetCurrentModel(ctx, name, "admin/default")
	}
	if err == nil {
		err = store.SetCurrentController(ctx, name)
	}
	if err != nil {
		_ = store.RemoveController(ctx, name)
		return "", fmt.Errorf("cannot register the simulator: %w", err)
	}
	return previous, nil
}

// unregister removes the simulator's entries and makes previous current
// again.
func unregister(ctx context.Context, store *jujudata.Store, name, previous string) error {
	if err := store.RemoveController(ctx, name); err != nil && !errors.Is(err, jujudata.ErrNotFound) {
		return fmt.Errorf("cannot remove the simulator from JUJU_DATA: %w", err)
	}
	if previous == "" {
		return nil
	}
	if err := store.SetCurrentController(ctx, previous); err != nil && !errors.Is(err, jujudata.ErrNotFound) {
		return fmt.Errorf("cannot restore the current controller %q: %w", previous, err)
	}
	return nil
}

// removeStoreIfEmpty removes the store directory that gojuju sim created
// when, with the simulator unregistered, no controller is left in it (so
// nothing in it is worth keeping).
func removeStoreIfEmpty(store *jujudata.Store) {
	f, err := store.ReadControllers()
	if err != nil || len(f.Controllers) > 0 {
		return
	}
	_ = os.RemoveAll(store.Dir())
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

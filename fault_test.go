package juju

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// The fault suite runs seeded sequences of operations against the
// simulator in both Juju modes, with faults injected at random frames
// (connections dropped after the nth frame, dropped at random moments,
// controller restarts, latency), and after every run checks the model
// against what the operations answered, through a fresh connection:
//
//   - lost: an operation said it succeeded, but its change is not there;
//   - duplicated: a change is there more times than operations made it
//     (units, secret revisions);
//   - phantom: a change is there that no successful operation made;
//   - unknown: operations whose outcome was unknown; only AddUnits and
//     RunAction may leave one (the rule in the package doc), any other is
//     unexplained;
//   - hung: an operation that ran past its timeout + 1s (waits have a
//     timeout of waitTimeout; the longest wait is reported);
//   - leaked: goroutines left after the run's connections and simulator
//     were closed;
//   - failed reads: reads made all along by a second goroutine on the same
//     Model, which must ride through every fault.
//
// go test runs a short suite; GOJUJU_FAULT_RUNS=N runs N runs (the long
// run: N >= 1000), GOJUJU_FAULT_SEED=S starts from seed S, and
// GOJUJU_FAULT_VERBOSE=1 logs every operation.

// faultFigures are the suite's counts.
type faultFigures struct {
	Runs, Ops, Faults            int
	Lost, Duplicated, Phantom    int
	Unknown, Unexplained, Failed int
	Hung, Leaked, MaxWaitMs      int
	Reads, FailedReads           int // concurrent background reads
}

func (f faultFigures) String() string {
	return fmt.Sprintf("runs=%d operations=%d faults=%d lost=%d duplicated=%d phantom=%d unknown=%d (unexplained=%d) failed=%d hung=%d leaked=%d longest-wait=%dms concurrent-reads=%d (failed=%d)",
		f.Runs, f.Ops, f.Faults, f.Lost, f.Duplicated, f.Phantom, f.Unknown, f.Unexplained, f.Failed, f.Hung, f.Leaked, f.MaxWaitMs, f.Reads, f.FailedReads)
}

func TestFaultSuite(t *testing.T) {
	runs, opsPerRun := 8, 20
	if testing.Short() {
		runs = 4
	}
	if s := os.Getenv("GOJUJU_FAULT_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("GOJUJU_FAULT_RUNS=%q: want a positive number", s)
		}
		runs = n
	}
	seed := uint64(1)
	if s := os.Getenv("GOJUJU_FAULT_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("GOJUJU_FAULT_SEED=%q: %v", s, err)
		}
		seed = n
	}
	verbose := os.Getenv("GOJUJU_FAULT_VERBOSE") != ""
	baseline := goleak.IgnoreCurrent()
	var total faultFigures
	start := time.Now()
	for i := range runs {
		version := jujusim.Juju40
		if i%2 == 1 {
			version = jujusim.Juju36
		}
		fr := &faultRun{t: t, seed: seed + uint64(i), version: version, verbose: verbose}
		fr.run(opsPerRun)
		if err := goleak.Find(baseline); err != nil {
			fr.figures.Leaked++
			t.Errorf("run %d (seed %d, %s): goroutines left: %v", i, fr.seed, version, err)
		}
		total.add(fr.figures)
		if (i+1)%100 == 0 {
			t.Logf("after %d runs (%v): %v", i+1, time.Since(start).Round(time.Second), total)
		}
		if t.Failed() && !verbose {
			t.Logf("rerun with GOJUJU_FAULT_SEED=%d GOJUJU_FAULT_RUNS=1 GOJUJU_FAULT_VERBOSE=1 (run %d is %s)", fr.seed, i, version)
			break
		}
	}
	t.Logf("fault suite: %v in %v", total, time.Since(start).Round(time.Millisecond))
	if total.Lost+total.Duplicated+total.Phantom+total.Unexplained+total.Hung+total.Leaked+total.FailedReads > 0 {
		t.Errorf("fault suite found defects: %v", total)
	}
}

func (f *faultFigures) add(o faultFigures) {
	f.Runs += o.Runs
	f.Ops += o.Ops
	f.Faults += o.Faults
	f.Lost += o.Lost
	f.Duplicated += o.Duplicated
	f.Phantom += o.Phantom
	f.Unknown += o.Unknown
	f.Unexplained += o.Unexplained
	f.Failed += o.Failed
	f.Hung += o.Hung
	f.Leaked += o.Leaked
	f.MaxWaitMs = max(f.MaxWaitMs, o.MaxWaitMs)
	f.Reads += o.Reads
	f.FailedReads += o.FailedReads
}

// faultRun is one seeded run.
type faultRun struct {
	t       *testing.T
	seed    uint64
	version string
	verbose bool
	rnd     *rand.Rand
	srv     *jujusim.Server
	m       *Model
	figures faultFigures
	bg      sync.WaitGroup // background faults

	// The ledger: what the operations' answers say the model holds.
	apps      map[string]*ledgerApp
	relations map[[2]string]bool // (wordpress app, mysql app) -> exists
	secrets   map[string]*ledgerSecret
	logging   string // model config logging-config last set
	next      int    // name counter
	// actions run: known to have been enqueued, and with an unknown
	// outcome.
	actions, unknownActions int
}

type ledgerApp struct {
	charm        string
	units        map[string]bool // units known to exist
	unknownAdds  int             // AddUnits calls whose outcome is unknown
	removedUnits map[string]bool
}

type ledgerSecret struct {
	content   map[string]string
	revisions int
}

func (fr *faultRun) logf(format string, args ...any) {
	if fr.verbose {
		fr.t.Logf("[seed %d %s] "+format, append([]any{fr.seed, fr.version}, args...)...)
	}
}

func (fr *faultRun) errorf(kind *int, format string, args ...any) {
	*kind++
	fr.t.Errorf("[seed %d %s] "+format, append([]any{fr.seed, fr.version}, args...)...)
}

func (fr *faultRun) run(ops int) {
	t := fr.t
	fr.rnd = rand.New(rand.NewPCG(fr.seed, 0x5eed))
	fr.apps = map[string]*ledgerApp{}
	fr.relations = map[[2]string]bool{}
	fr.secrets = map[string]*ledgerSecret{}
	fr.figures.Runs = 1

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := jujusim.Start(ctx, jujusim.Config{JujuVersion: fr.version, Speed: jujusim.SpeedInstant})
	if err != nil {
		t.Fatalf("cannot start simulator: %v", err)
	}
	defer srv.Close()
	fr.srv = srv
	c, err := Connect(ctx, simConfig(srv))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer c.Close()
	m, err := c.Model(ctx, "default")
	if err != nil {
		t.Fatalf("Model: %v", err)
	}
	fr.m = m
	// A reader shares the Model with the operations all along: reads
	// must ride through every fault (concurrent use of one connection).
	rctx, stopReader := context.WithCancel(ctx)
	var reader sync.WaitGroup
	var reads, failedReads atomic.Int64
	reader.Add(1)
	go func() {
		defer reader.Done()
		for rctx.Err() == nil {
			_, err := m.Config(rctx)
			if rctx.Err() != nil {
				return
			}
			reads.Add(1)
			if err != nil {
				failedReads.Add(1)
				fr.t.Errorf("[seed %d %s] concurrent read failed: %v", fr.seed, fr.version, err)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for range ops {
		fr.step(ctx)
	}
	stopReader()
	reader.Wait()
	fr.figures.Reads, fr.figures.FailedReads = int(reads.Load()), int(failedReads.Load())
	fr.bg.Wait()
	srv.SetLatency(0)
	srv.DropInFrames(0)
	fr.check(ctx)
}

// opTimeout bounds each operation; waits have their own, shorter one.
const (
	opTimeout   = 30 * time.Second
	waitTimeout = 500 * time.Millisecond
)

// step runs one random operation, with a fault or not.
func (fr *faultRun) step(ctx context.Context) {
	fr.figures.Ops++
	fault := fr.injectFault()
	octx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	start := time.Now()
	name, limit, err := fr.operate(octx)
	d := time.Since(start)
	fr.logf("%-40s fault=%-22s %8v err=%v", name, fault, d.Round(time.Millisecond), err)
	if limit == 0 {
		limit = opTimeout
	} else {
		fr.figures.MaxWaitMs = max(fr.figures.MaxWaitMs, int(d.Milliseconds()))
	}
	if d > limit+time.Second {
		fr.errorf(&fr.figures.Hung, "%s took %v, past its timeout %v + 1s (fault %s)", name, d, limit, fault)
	}
	fr.bg.Wait()
	fr.srv.SetLatency(0)
	fr.srv.DropInFrames(0)
}

// injectFault arms a random fault (or none) for the next operation.
func (fr *faultRun) injectFault() string {
	switch fr.rnd.IntN(10) {
	case 0, 1, 2, 3:
		n := 1 + fr.rnd.IntN(8)
		fr.srv.DropInFrames(n)
		fr.figures.Faults++
		return fmt.Sprintf("drop-in-frame-%d", n)
	case 4:
		d := time.Duration(fr.rnd.IntN(4000)) * time.Microsecond
		fr.bg.Add(1)
		go func() {
			defer fr.bg.Done()
			time.Sleep(d)
			fr.srv.DropConnections()
		}()
		fr.figures.Faults++
		return fmt.Sprintf("drop-after-%v", d)
	case 5:
		d := time.Duration(fr.rnd.IntN(4000)) * time.Microsecond
		fr.bg.Add(1)
		go func() {
			defer fr.bg.Done()
			time.Sleep(d)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = fr.srv.Restart(ctx)
		}()
		fr.figures.Faults++
		return fmt.Sprintf("restart-after-%v", d)
	case 6:
		d := time.Duration(1+fr.rnd.IntN(5)) * time.Millisecond
		fr.srv.SetLatency(d)
		n := 1 + fr.rnd.IntN(6)
		fr.srv.DropInFrames(n)
		fr.figures.Faults++
		return fmt.Sprintf("latency-%v+drop-in-frame-%d", d, n)
	}
	return "none"
}

func (fr *faultRun) name(prefix string) string {
	fr.next++
	return fmt.Sprintf("%s%d", prefix, fr.next)
}

func (fr *faultRun) pickApp(charm string) (string, *ledgerApp) {
	var names []string
	for n, a := range fr.apps {
		if charm == "" || a.charm == charm {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	sort.Strings(names)
	n := names[fr.rnd.IntN(len(names))]
	return n, fr.apps[n]
}

func (fr *faultRun) pickSecret() string {
	names := slices.Sorted(maps.Keys(fr.secrets))
	if len(names) == 0 {
		return ""
	}
	return names[fr.rnd.IntN(len(names))]
}

// outcome classifies an operation's error: ok, unknown (explained or
// not) or failed; explained says whether the operation may leave its
// outcome unknown.
func (fr *faultRun) outcome(op string, err error, explained bool) (ok, unknown bool) {
	switch {
	case err == nil:
		return true, false
	case errors.Is(err, ErrOutcomeUnknown):
		fr.figures.Unknown++
		if !explained {
			fr.errorf(&fr.figures.Unexplained, "%s: unexplained unknown outcome: %v", op, err)
		}
		return false, true
	default:
		fr.figures.Failed++
		fr.logf("%s failed: %v", op, err)
		return false, false
	}
}

func randomContent(rnd *rand.Rand) map[string]string {
	return map[string]string{"value": strconv.FormatUint(rnd.Uint64(), 36)}
}

// operate runs one operation chosen at random among those the ledger
// makes valid; it returns its name and, for waits, their timeout.
func (fr *faultRun) operate(ctx context.Context) (string, time.Duration, error) {
	m := fr.m
	for {
		switch fr.rnd.IntN(14) {
		case 0, 1: // deploy
			charm := "mysql"
			if fr.rnd.IntN(2) == 0 {
				charm = "wordpress"
			}
			name := fr.name(charm[:2])
			_, err := m.Deploy(ctx, charm, &DeployOptions{Name: name, NumUnits: 1, Base: "ubuntu@22.04"})
			op := "deploy " + name
			if ok, _ := fr.outcome(op, err, false); ok {
				fr.apps[name] = &ledgerApp{charm: charm, units: map[string]bool{name + "/0": true}, removedUnits: map[string]bool{}}
			}
			return op, 0, err
		case 2: // add units
			name, a := fr.pickApp("")
			if a == nil {
				continue
			}
			units, err := m.Application(name).AddUnits(ctx, 1, nil)
			op := "add unit to " + name
			ok, unknown := fr.outcome(op, err, true)
			switch {
			case ok:
				for _, u := range units {
					a.units[u] = true
				}
			case unknown:
				a.unknownAdds++
			}
			return op, 0, err
		case 3: // remove unit
			name, a := fr.pickApp("")
			if a == nil || len(a.units) == 0 {
				continue
			}
			units := slices.Sorted(maps.Keys(a.units))
			u := units[fr.rnd.IntN(len(units))]
			err := m.RemoveUnits(ctx, []string{u}, nil)
			op := "remove unit " + u
			if ok, _ := fr.outcome(op, err, false); ok {
				delete(a.units, u)
				a.removedUnits[u] = true
			}
			_ = name
			return op, 0, err
		case 4: // integrate
			wp, _ := fr.pickApp("wordpress")
			db, _ := fr.pickApp("mysql")
			key := [2]string{wp, db}
			if wp == "" || db == "" || fr.relations[key] || fr.hasRelation(wp) {
				continue
			}
			_, err := m.Integrate(ctx, wp+":db", db+":mysql", nil)
			op := "integrate " + wp + " " + db
			if ok, _ := fr.outcome(op, err, false); ok {
				fr.relations[key] = true
			}
			return op, 0, err
		case 5: // remove relation
			keys := slices.SortedFunc(maps.Keys(fr.relations), func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
			if len(keys) == 0 {
				continue
			}
			key := keys[fr.rnd.IntN(len(keys))]
			err := m.RemoveRelation(ctx, key[0]+":db", key[1]+":mysql", nil)
			op := "remove relation " + key[0] + " " + key[1]
			if ok, _ := fr.outcome(op, err, false); ok {
				delete(fr.relations, key)
			}
			return op, 0, err
		case 6: // remove application
			name, _ := fr.pickApp("")
			if name == "" || fr.rnd.IntN(2) == 0 {
				continue
			}
			err := m.Application(name).Remove(ctx, nil)
			op := "remove application " + name
			if ok, _ := fr.outcome(op, err, false); ok {
				delete(fr.apps, name)
				for k := range fr.relations {
					if k[0] == name || k[1] == name {
						delete(fr.relations, k)
					}
				}
			}
			return op, 0, err
		case 7: // add secret
			name := fr.name("s")
			content := randomContent(fr.rnd)
			_, err := m.AddSecret(ctx, name, content, nil)
			op := "add secret " + name
			if ok, _ := fr.outcome(op, err, false); ok {
				fr.secrets[name] = &ledgerSecret{content: content, revisions: 1}
			}
			return op, 0, err
		case 8: // update secret
			name := fr.pickSecret()
			if name == "" {
				continue
			}
			content := randomContent(fr.rnd)
			err := m.UpdateSecret(ctx, name, content, nil)
			op := "update secret " + name
			if ok, _ := fr.outcome(op, err, false); ok {
				fr.secrets[name].content = content
				fr.secrets[name].revisions++
			}
			return op, 0, err
		case 9: // remove secret
			name := fr.pickSecret()
			if name == "" || fr.rnd.IntN(2) == 0 {
				continue
			}
			err := m.RemoveSecret(ctx, name, nil)
			op := "remove secret " + name
			if ok, _ := fr.outcome(op, err, false); ok {
				delete(fr.secrets, name)
			}
			return op, 0, err
		case 10: // set model config
			value := fmt.Sprintf("<root>=WARNING;unit.x%d=DEBUG", fr.rnd.IntN(1000))
			err := m.SetConfig(ctx, map[string]any{"logging-config": value})
			op := "set logging-config"
			if ok, _ := fr.outcome(op, err, false); ok {
				fr.logging = value
			}
			return op, 0, err
		case 11: // status
			_, err := m.Status(ctx, nil)
			op := "status"
			fr.outcome(op, err, false)
			return op, 0, err
		case 13: // run an action
			name, a := fr.pickApp("mysql")
			if a == nil || len(a.units) == 0 {
				continue
			}
			units := slices.Sorted(maps.Keys(a.units))
			u := units[fr.rnd.IntN(len(units))]
			_, err := m.RunAction(ctx, u, "get-primary", nil, nil)
			op := "run action on " + u
			ok, unknown := fr.outcome(op, err, true)
			switch {
			case ok:
				fr.actions++
			case unknown:
				fr.unknownActions++
			}
			_ = name
			return op, 0, err
		case 12: // wait for idle
			_, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Timeout: waitTimeout, IdlePeriod: 100 * time.Millisecond})
			op := "wait for idle"
			if err != nil && errors.Is(err, context.DeadlineExceeded) {
				fr.logf("wait timed out: %v", err)
				return op, waitTimeout, nil // timing out is an answer
			}
			fr.outcome(op, err, false)
			return op, waitTimeout, err
		}
	}
}

// hasRelation reports whether the wordpress application is related
// already (its db endpoint takes one mysql).
func (fr *faultRun) hasRelation(wp string) bool {
	for k := range fr.relations {
		if k[0] == wp {
			return true
		}
	}
	return false
}

// check compares the model, read through a fresh connection, with the
// ledger.
func (fr *faultRun) check(ctx context.Context) {
	c, err := Connect(ctx, simConfig(fr.srv))
	if err != nil {
		fr.t.Fatalf("[seed %d] fresh Connect: %v", fr.seed, err)
	}
	defer c.Close()
	m, err := c.Model(ctx, "default")
	if err != nil {
		fr.t.Fatalf("[seed %d] fresh Model: %v", fr.seed, err)
	}
	st, err := m.Status(ctx, nil)
	if err != nil {
		fr.t.Fatalf("[seed %d] fresh Status: %v", fr.seed, err)
	}
	alive := func(life string) bool { return life != "dying" && life != "dead" }
	// Applications and units.
	for name, as := range st.Applications {
		if !alive(as.Life) {
			continue
		}
		a, ok := fr.apps[name]
		if !ok {
			fr.errorf(&fr.figures.Phantom, "application %q exists, but no deploy of it succeeded (or its removal succeeded)", name)
			continue
		}
		var units []string
		for u, us := range as.Units {
			if alive(us.AgentStatus.Life) && alive(us.WorkloadStatus.Life) {
				units = append(units, u)
			}
		}
		for _, u := range units {
			if a.removedUnits[u] {
				fr.errorf(&fr.figures.Phantom, "unit %q exists, but its removal succeeded", u)
			}
		}
		for u := range a.units {
			if !slices.Contains(units, u) {
				fr.errorf(&fr.figures.Lost, "unit %q is missing, but adding it succeeded", u)
			}
		}
		extra := len(units) - len(a.units)
		if extra > a.unknownAdds {
			fr.errorf(&fr.figures.Duplicated, "application %q has %d units (%v), want %d and at most %d more from unknown outcomes", name, len(units), units, len(a.units), a.unknownAdds)
		}
	}
	for name := range fr.apps {
		if as, ok := st.Applications[name]; !ok || !alive(as.Life) {
			fr.errorf(&fr.figures.Lost, "application %q is missing, but its deploy succeeded", name)
		}
	}
	// Relations (peer relations aside).
	got := map[[2]string]bool{}
	for _, r := range st.Relations {
		if r.Peer() || !alive(r.Status.Life) {
			continue
		}
		req, _ := r.Endpoint("requirer")
		prov, _ := r.Endpoint("provider")
		got[[2]string{req.Application, prov.Application}] = true
	}
	for k := range got {
		if !fr.relations[k] {
			fr.errorf(&fr.figures.Phantom, "relation %v exists, but no integrate made it (or its removal succeeded)", k)
		}
	}
	for k := range fr.relations {
		if !got[k] {
			fr.errorf(&fr.figures.Lost, "relation %v is missing, but integrate succeeded", k)
		}
	}
	// Secrets.
	secrets, err := m.Secrets(ctx, &ListSecretsOptions{Reveal: true})
	if err != nil {
		fr.t.Fatalf("[seed %d] fresh Secrets: %v", fr.seed, err)
	}
	seen := map[string]bool{}
	for _, s := range secrets {
		if !s.IsUserSecret() {
			continue
		}
		seen[s.Name] = true
		want, ok := fr.secrets[s.Name]
		if !ok {
			fr.errorf(&fr.figures.Phantom, "secret %q exists, but no add of it succeeded (or its removal succeeded)", s.Name)
			continue
		}
		if !maps.Equal(s.Content, want.content) {
			fr.errorf(&fr.figures.Lost, "secret %q holds %v, want %v from the last successful update", s.Name, s.Content, want.content)
		}
		if n := len(s.Revisions); n > want.revisions {
			fr.errorf(&fr.figures.Duplicated, "secret %q has %d revisions, want %d", s.Name, n, want.revisions)
		} else if n < want.revisions {
			fr.errorf(&fr.figures.Lost, "secret %q has %d revisions, want %d", s.Name, n, want.revisions)
		}
	}
	for name := range fr.secrets {
		if !seen[name] {
			fr.errorf(&fr.figures.Lost, "secret %q is missing, but adding it succeeded", name)
		}
	}
	// Actions: each run that succeeded is there once; those whose outcome
	// was unknown, at most once.
	ops, _, err := m.Operations(ctx, &ListOperationsOptions{Actions: []string{"get-primary"}})
	if err != nil {
		fr.t.Fatalf("[seed %d] fresh Operations: %v", fr.seed, err)
	}
	if n := len(ops); n < fr.actions {
		fr.errorf(&fr.figures.Lost, "%d actions ran, want at least the %d that succeeded", n, fr.actions)
	} else if n > fr.actions+fr.unknownActions {
		fr.errorf(&fr.figures.Duplicated, "%d actions ran, want at most %d (%d succeeded, %d unknown)", n, fr.actions+fr.unknownActions, fr.actions, fr.unknownActions)
	}
	// Model config.
	if fr.logging != "" {
		cfg, err := m.Config(ctx)
		if err != nil {
			fr.t.Fatalf("[seed %d] fresh Config: %v", fr.seed, err)
		}
		if v, _ := cfg["logging-config"].Value.(string); v != fr.logging {
			fr.errorf(&fr.figures.Lost, "logging-config = %q, want %q from the last successful set", v, fr.logging)
		}
	}
}

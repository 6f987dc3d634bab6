package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// t0 is the "since" of every status in testdata/settled.json.
var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// scriptStep is one snapshot a scripted fetch returns: the settled fixture
// at controller time T0+at, changed by mutate; or an error.
type scriptStep struct {
	at     time.Duration
	mutate func(s *Status)
	err    error
	delay  time.Duration // how long the fetch takes
}

// script is a PollingSourceConfig.Fetch that serves the steps in
// order, repeating the last one.
type script struct {
	t       testing.TB
	mu      sync.Mutex
	steps   []scriptStep
	calls   int
	pattern [][]string
}

func (sc *script) fetch(_ context.Context, patterns []string) (*Status, error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	i := min(sc.calls, len(sc.steps)-1)
	sc.calls++
	sc.pattern = append(sc.pattern, patterns)
	step := sc.steps[i]
	time.Sleep(step.delay)
	if step.err != nil {
		return nil, step.err
	}
	s := fixture(sc.t, "settled")
	s.ControllerTimestamp = t0.Add(step.at)
	if step.mutate != nil {
		step.mutate(s)
	}
	return s, nil
}

func (sc *script) fetches() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.calls
}

func scriptedWaiter(t testing.TB, steps ...scriptStep) (*Waiter, *script) {
	t.Helper()
	sc := &script{t: t, steps: steps}
	src, err := NewPollingSource(PollingSourceConfig{Fetch: sc.fetch, Interval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return &Waiter{Source: src}, sc
}

// Mutations of the settled fixture.
func setAgent(unit, current, msg string, since time.Duration) func(*Status) {
	return func(s *Status) {
		s.Unit(unit).AgentStatus = Info{Current: current, Message: msg, Since: t0.Add(since), Life: "alive"}
	}
}

func setWorkload(unit, current, msg string, since time.Duration) func(*Status) {
	return func(s *Status) {
		s.Unit(unit).WorkloadStatus = Info{Current: current, Message: msg, Since: t0.Add(since)}
	}
}

func mutateAll(fs ...func(*Status)) func(*Status) {
	return func(s *Status) {
		for _, f := range fs {
			f(s)
		}
	}
}

func hookError(unit, hook string, since time.Duration) func(*Status) {
	return mutateAll(
		setWorkload(unit, "error", fmt.Sprintf("hook failed: %q", hook), since),
		setAgent(unit, "idle", "", since),
	)
}

func TestWaitForIdle(t *testing.T) {
	t.Parallel()
	settled := scriptStep{at: 30 * time.Second}
	tests := []struct {
		name        string
		opts        WaitForIdleOptions
		steps       []scriptStep
		wantFetches int
		wantErr     error    // nil = success
		wantBusy    []string // at the end (on failure)
		wantFailed  []string
	}{{
		name:        "settled for longer than the idle period passes on the first poll",
		steps:       []scriptStep{settled},
		wantFetches: 1,
	}, {
		name: "a unit idle for 3s holds the wait for the remaining 12s",
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: setAgent("pg/1", "idle", "", 27*time.Second)},
			{at: 40 * time.Second, mutate: setAgent("pg/1", "idle", "", 27*time.Second)},
			{at: 42 * time.Second, mutate: setAgent("pg/1", "idle", "", 27*time.Second)},
		},
		wantFetches: 3,
	}, {
		name: "executing then idle",
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: setAgent("pg/1", "executing", "running config-changed hook", 29*time.Second)},
			{at: 50 * time.Second, mutate: setAgent("pg/1", "idle", "", 31*time.Second)},
		},
		wantFetches: 2,
	}, {
		name:        "no idle period",
		opts:        WaitForIdleOptions{IdlePeriod: -1},
		steps:       []scriptStep{{at: 30 * time.Second, mutate: setAgent("pg/1", "idle", "", 30*time.Second)}},
		wantFetches: 1,
	}, {
		name:       "hook error fails at once",
		steps:      []scriptStep{{at: 30 * time.Second, mutate: hookError("pg/1", "install", 29*time.Second)}},
		wantErr:    ErrError,
		wantFailed: []string{`pg/1: workload error since 12:00:29 (hook failed: "install")`},
	}, {
		name:     "hook error ignored",
		opts:     WaitForIdleOptions{IgnoreErrors: true, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{{at: 30 * time.Second, mutate: hookError("pg/1", "install", 29*time.Second)}},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{`pg/1: workload error since 12:00:29 (hook failed: "install")`},
	}, {
		name: "hook error retried within the grace period, then resolved",
		opts: WaitForIdleOptions{ErrorGrace: time.Minute},
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: hookError("pg/1", "install", 29*time.Second)},
			{at: 40 * time.Second, mutate: setAgent("pg/1", "executing", "running install hook", 39*time.Second)},
			{at: 45 * time.Second, mutate: hookError("pg/1", "install", 44*time.Second)},
			{at: 70 * time.Second, mutate: setAgent("pg/1", "idle", "", 50*time.Second)},
		},
		wantFetches: 4,
	}, {
		name: "hook error outlasting the grace period fails",
		opts: WaitForIdleOptions{ErrorGrace: 20 * time.Second},
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: hookError("pg/1", "install", 29*time.Second)},
			{at: 40 * time.Second, mutate: setAgent("pg/1", "executing", "running install hook", 39*time.Second)},
			{at: 50 * time.Second, mutate: hookError("pg/1", "install", 49*time.Second)},
		},
		wantErr:    ErrError,
		wantFailed: []string{`pg/1: workload error since 12:00:49 (hook failed: "install")`},
	}, {
		name: "an error older than the grace period fails at once",
		opts: WaitForIdleOptions{ErrorGrace: 20 * time.Second, Timeout: 5 * time.Second},
		steps: []scriptStep{
			{at: 60 * time.Second, mutate: hookError("pg/1", "install", 30*time.Second)},
		},
		wantFetches: 1,
		wantErr:     ErrError,
		wantFailed:  []string{`pg/1: workload error since 12:00:30 (hook failed: "install")`},
	}, {
		name: "the grace period starts again after a recovery",
		opts: WaitForIdleOptions{ErrorGrace: 20 * time.Second, Timeout: 5 * time.Second},
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: hookError("pg/1", "install", 29*time.Second)},
			{at: 40 * time.Second, mutate: setAgent("pg/1", "idle", "", 39*time.Second)},
			{at: 60 * time.Second, mutate: hookError("pg/1", "config-changed", 59*time.Second)},
			{at: 70 * time.Second, mutate: hookError("pg/1", "config-changed", 59*time.Second)},
			{at: 90 * time.Second, mutate: setAgent("pg/1", "idle", "", 71*time.Second)},
		},
		wantFetches: 5,
	}, {
		name: "an application in error with no unit in error fails",
		opts: WaitForIdleOptions{Timeout: 5 * time.Second},
		steps: []scriptStep{{at: 30 * time.Second, mutate: func(s *Status) {
			s.Applications["pg"].Status = Info{Current: "error", Message: "storage lost"}
		}}},
		wantErr:    ErrError,
		wantFailed: []string{"pg: application error (storage lost)"},
	}, {
		name: "machine provisioning error",
		steps: []scriptStep{{at: 30 * time.Second, mutate: func(s *Status) {
			s.Machines["1"].InstanceStatus = Info{Current: "provisioning error", Message: "no capacity"}
		}}},
		wantErr:    ErrError,
		wantFailed: []string{"pg/1: machine 1 instance provisioning error (no capacity)", "tel/1: machine 1 instance provisioning error (no capacity)"},
	}, {
		name:       "blocked fails when asked",
		opts:       WaitForIdleOptions{RaiseOnBlocked: true},
		steps:      []scriptStep{{at: 30 * time.Second, mutate: setWorkload("web/10", "blocked", "needs a database", 0)}},
		wantErr:    ErrBlocked,
		wantFailed: []string{"web/10: workload blocked since 12:00:00 (needs a database)"},
	}, {
		name:     "blocked is waited through when a status is wanted",
		opts:     WaitForIdleOptions{Status: "active", Timeout: 50 * time.Millisecond, Apps: []string{"web"}},
		steps:    []scriptStep{{at: 30 * time.Second, mutate: setWorkload("web/10", "blocked", "needs a database", 0)}},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"web/10: workload blocked since 12:00:00 (needs a database)"},
	}, {
		name: "Juju 4 application status unknown with all units active counts as active",
		opts: WaitForIdleOptions{Status: "active", Apps: []string{"tel"}},
		steps: []scriptStep{{at: 30 * time.Second, mutate: func(s *Status) {
			if s.Applications["tel"].Status.Current != "unknown" {
				panic("fixture changed")
			}
		}}},
		wantFetches: 1,
	}, {
		name:     "application status unknown with a unit waiting does not count",
		opts:     WaitForIdleOptions{Status: "active", Apps: []string{"tel"}, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{{at: 30 * time.Second, mutate: setWorkload("tel/1", "waiting", "for config", 0)}},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"tel/1: workload waiting since 12:00:00 (for config)", "tel: application waiting since 12:00:00 (for config)"},
	}, {
		name: "subordinate units are watched",
		opts: WaitForIdleOptions{Apps: []string{"tel"}},
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: setAgent("tel/0", "executing", "running juju-info-relation-joined hook", 29*time.Second)},
			{at: 60 * time.Second, mutate: setAgent("tel/0", "idle", "", 30*time.Second)},
		},
		wantFetches: 2,
	}, {
		name:     "a named application not deployed yet is waited for",
		opts:     WaitForIdleOptions{Apps: []string{"pg", "cache"}, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{settled},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"cache: not in the model yet"},
	}, {
		name:     "exact units",
		opts:     WaitForIdleOptions{Apps: []string{"pg"}, ExactUnits: 3, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{settled},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"pg: 2 units, waiting for exactly 3"},
	}, {
		name:     "exact units refuses more units",
		opts:     WaitForIdleOptions{Apps: []string{"pg"}, ExactUnits: 1, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{settled},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"pg: 2 units, waiting for exactly 1"},
	}, {
		name:     "at least units",
		opts:     WaitForIdleOptions{Apps: []string{"pg"}, AtLeastUnits: 3, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{settled},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"pg: 2 units, waiting for at least 3"},
	}, {
		name:     "one unit is one unit",
		opts:     WaitForIdleOptions{Apps: []string{"pg"}, ExactUnits: 3, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{{at: 30 * time.Second, mutate: func(s *Status) { delete(s.Applications["pg"].Units, "pg/1") }}},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"pg: 1 unit, waiting for exactly 3"},
	}, {
		name: "a dying unit is not settled (scale down)",
		opts: WaitForIdleOptions{Apps: []string{"pg"}, ExactUnits: 1},
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: func(s *Status) { s.Unit("pg/1").AgentStatus.Life = "dying" }},
			{at: 31 * time.Second, mutate: func(s *Status) { delete(s.Applications["pg"].Units, "pg/1") }},
		},
		wantFetches: 2,
	}, {
		name:     "a dying unit holds the wait",
		opts:     WaitForIdleOptions{Apps: []string{"pg"}, Timeout: 50 * time.Millisecond},
		steps:    []scriptStep{{at: 30 * time.Second, mutate: func(s *Status) { s.Unit("pg/1").AgentStatus.Life = "dying" }}},
		wantErr:  context.DeadlineExceeded,
		wantBusy: []string{"pg/1: dying"},
	}, {
		name: "an application with no units yet (right after deploy)",
		opts: WaitForIdleOptions{Apps: []string{"web"}},
		steps: []scriptStep{
			{at: 30 * time.Second, mutate: func(s *Status) { s.Applications["web"].Units = nil }},
			settled,
		},
		wantFetches: 2,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, sc := scriptedWaiter(t, tt.steps...)
			opts := tt.opts
			var progress []WaitProgress
			opts.Progress = func(p WaitProgress) { progress = append(progress, p) }
			s, err := w.WaitForIdle(context.Background(), &opts)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("WaitForIdle: %v", err)
				}
				if s == nil || s != progress[len(progress)-1].Status || !progress[len(progress)-1].Ready {
					t.Errorf("returned snapshot is not the last, ready one")
				}
			} else {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("WaitForIdle error = %v, want %v", err, tt.wantErr)
				}
				var we *WaitError
				if !errors.As(err, &we) {
					t.Fatalf("error %T is not a *WaitError", err)
				}
				if we.Last == nil {
					t.Error("WaitError has no last snapshot")
				}
				if diff := cmp.Diff(tt.wantBusy, we.Busy); diff != "" {
					t.Errorf("busy (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantFailed, we.Failed); diff != "" {
					t.Errorf("failed (-want +got):\n%s", diff)
				}
				for _, item := range append(we.Busy, we.Failed...) {
					if !strings.Contains(err.Error(), item) {
						t.Errorf("error %q does not list %q", err, item)
					}
				}
			}
			if tt.wantFetches > 0 {
				if got := sc.fetches(); got != tt.wantFetches {
					t.Errorf("fetches = %d, want %d", got, tt.wantFetches)
				}
			}
		})
	}
}

func TestWaitForIdleBusyMessages(t *testing.T) {
	t.Parallel()
	w, _ := scriptedWaiter(t, scriptStep{at: 30 * time.Second, mutate: mutateAll(
		setAgent("pg/1", "executing", "running config-changed hook", 29*time.Second),
		setAgent("pg/0", "idle", "", 27*time.Second),
		setWorkload("web/10", "waiting", "waiting for db", 0),
	)})
	_, err := w.WaitForIdle(context.Background(), &WaitForIdleOptions{Status: "active", Timeout: 30 * time.Millisecond})
	var we *WaitError
	if !errors.As(err, &we) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		"pg/0: idle for 3s of 15s",
		"pg/1: agent executing since 12:00:29 (config-changed)",
		"web/10: workload waiting since 12:00:00 (waiting for db)",
		// No "web: application ..." line: the charm set the application
		// status to active, and a charm-set status is taken as is.
	}
	if diff := cmp.Diff(want, we.Busy); diff != "" {
		t.Errorf("busy (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(err.Error(), "cannot wait for idle: timed out after 30ms; still busy: pg/0: idle for 3s of 15s; ") {
		t.Errorf("error = %q", err)
	}
}

func TestWaitForIdleTransientGuard(t *testing.T) {
	t.Parallel()
	// The model looks settled for long, but a change was just made through
	// the same client: the state from before it must not pass.
	w, sc := scriptedWaiter(t,
		scriptStep{at: 30 * time.Second},
		scriptStep{at: 40 * time.Second},
		scriptStep{at: 46 * time.Second},
	)
	w.Changes = record("pg")
	var busy [][]string
	_, err := w.WaitForIdle(context.Background(), &WaitForIdleOptions{
		Progress: func(p WaitProgress) { busy = append(busy, p.Busy) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.fetches(); got != 3 {
		t.Errorf("fetches = %d, want 3 (the guard must hold 15s after the change)", got)
	}
	want := [][]string{
		{"pg/0: idle for 0s of 15s", "pg/1: idle for 0s of 15s"},
		{"pg/0: idle for 10s of 15s", "pg/1: idle for 10s of 15s"},
		nil,
	}
	if diff := cmp.Diff(want, busy); diff != "" {
		t.Errorf("busy per snapshot (-want +got):\n%s", diff)
	}
}

func TestWaitForIdleGuardOtherApps(t *testing.T) {
	t.Parallel()
	w, sc := scriptedWaiter(t, scriptStep{at: 30 * time.Second})
	w.Changes = record("pg")
	if _, err := w.WaitForIdle(context.Background(), &WaitForIdleOptions{Apps: []string{"web"}}); err != nil {
		t.Fatal(err)
	}
	if got := sc.fetches(); got != 1 {
		t.Errorf("fetches = %d, want 1: a change to pg must not hold a wait for web", got)
	}
}

func TestWaitRidesThroughLostConnections(t *testing.T) {
	t.Parallel()
	var reconnects int
	sc := &script{t: t, steps: []scriptStep{
		{at: 30 * time.Second, mutate: setAgent("pg/1", "executing", "running start hook", 29*time.Second)},
		{err: fmt.Errorf("cannot call Client.FullStatus: %w", rpc.ErrBroken)},
		{err: &rpc.DialError{Errors: []*rpc.AddrError{{Addr: "127.0.0.1:1", Err: errors.New("connection refused")}}}},
		{err: &rpc.Error{Code: "try again", Message: "try again"}},
		{at: 60 * time.Second},
	}}
	src, err := NewPollingSource(PollingSourceConfig{
		Fetch:     sc.fetch,
		Interval:  time.Millisecond,
		Reconnect: func(context.Context) error { reconnects++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	w := &Waiter{Source: src}
	if _, err := w.WaitForIdle(context.Background(), nil); err != nil {
		t.Fatalf("WaitForIdle: %v", err)
	}
	if got := sc.fetches(); got != 5 {
		t.Errorf("fetches = %d, want 5", got)
	}
	if reconnects != 2 {
		t.Errorf("reconnects = %d, want 2", reconnects)
	}
}

func TestWaitTimeoutWhileDisconnected(t *testing.T) {
	t.Parallel()
	w, _ := scriptedWaiter(t, scriptStep{at: 30 * time.Second, mutate: setAgent("pg/1", "executing", "", 0)}, scriptStep{err: rpc.ErrBroken})
	_, err := w.WaitForIdle(context.Background(), &WaitForIdleOptions{Timeout: 300 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, rpc.ErrBroken) {
		t.Fatalf("err = %v, want a timeout that also wraps the connection error", err)
	}
	var we *WaitError
	if !errors.As(err, &we) || we.Last == nil || len(we.Busy) != 1 {
		t.Fatalf("WaitError = %+v", we)
	}
}

func TestWaitFailsOnPermanentSourceError(t *testing.T) {
	t.Parallel()
	w, sc := scriptedWaiter(t, scriptStep{err: &rpc.Error{Code: "unauthorized access", Message: "permission denied"}})
	_, err := w.WaitForIdle(context.Background(), nil)
	if !errors.Is(err, rpc.ErrUnauthorized) {
		t.Fatalf("err = %v, want unauthorized", err)
	}
	if !strings.HasPrefix(err.Error(), "cannot wait for idle: cannot get model status: ") {
		t.Errorf("err = %q", err)
	}
	if got := sc.fetches(); got != 1 {
		t.Errorf("fetches = %d, want 1", got)
	}
}

func TestWaitContextCancelled(t *testing.T) {
	t.Parallel()
	w, _ := scriptedWaiter(t, scriptStep{at: 30 * time.Second, mutate: setAgent("pg/1", "executing", "", 0)})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := w.WaitForIdle(ctx, &WaitForIdleOptions{Progress: func(WaitProgress) {
		if n++; n == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestWaitPredicate(t *testing.T) {
	t.Parallel()
	executing := setAgent("pg/1", "executing", "running start hook", 29*time.Second)
	tests := []struct {
		name        string
		ready       Predicate
		opts        WaitOptions
		steps       []scriptStep
		wantFetches int
		wantErr     error
		wantFailed  []string
	}{{
		name:        "three successes by default",
		ready:       All(AllActive(), AllAgentsIdle()),
		steps:       []scriptStep{{at: 30 * time.Second}},
		wantFetches: 3,
	}, {
		name:  "a failure resets the count",
		ready: AllAgentsIdle("pg"),
		opts:  WaitOptions{Successes: 2},
		steps: []scriptStep{
			{at: 30 * time.Second}, {at: 31 * time.Second, mutate: executing},
			{at: 32 * time.Second}, {at: 33 * time.Second},
		},
		wantFetches: 4,
	}, {
		name:       "error predicate",
		ready:      AllActive(),
		opts:       WaitOptions{Error: AnyError()},
		steps:      []scriptStep{{at: 30 * time.Second, mutate: hookError("tel/1", "start", 0)}},
		wantErr:    ErrError,
		wantFailed: []string{`tel/1: workload error since 12:00:00 (hook failed: "start")`},
	}, {
		name:        "one success",
		ready:       AllActive("pg", "web", "tel"),
		opts:        WaitOptions{Successes: 1},
		steps:       []scriptStep{{at: 30 * time.Second}},
		wantFetches: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, sc := scriptedWaiter(t, tt.steps...)
			_, err := w.Wait(context.Background(), tt.ready, &tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Wait error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				var we *WaitError
				if !errors.As(err, &we) {
					t.Fatalf("%T is not a *WaitError", err)
				}
				if diff := cmp.Diff(tt.wantFailed, we.Failed); diff != "" {
					t.Errorf("failed (-want +got):\n%s", diff)
				}
				return
			}
			if got := sc.fetches(); got != tt.wantFetches {
				t.Errorf("fetches = %d, want %d", got, tt.wantFetches)
			}
		})
	}
}

func TestWaitGuard(t *testing.T) {
	t.Parallel()
	// After a change to pg, snapshots do not count until every pg unit has
	// reported a status newer than the change, or the guard window passed.
	w, sc := scriptedWaiter(t,
		scriptStep{at: 30 * time.Second},
		scriptStep{at: 31 * time.Second, mutate: setAgent("pg/0", "idle", "", 31*time.Second)},
		scriptStep{at: 32 * time.Second, mutate: mutateAll(setAgent("pg/0", "idle", "", 31*time.Second), setAgent("pg/1", "idle", "", 32*time.Second))},
	)
	w.Changes = record("pg")
	var reasons [][]string
	_, err := w.Wait(context.Background(), AllAgentsIdle(), &WaitOptions{
		Successes: 1,
		Progress:  func(p WaitProgress) { reasons = append(reasons, p.Busy) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.fetches(); got != 3 {
		t.Errorf("fetches = %d, want 3", got)
	}
	want := [][]string{
		{"pg/0: no status reported since the change at 12:00:30", "pg/1: no status reported since the change at 12:00:30"},
		{"pg/1: no status reported since the change at 12:00:30"},
		nil,
	}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}

	// With nothing reacting, the guard window ends the hold.
	w2, sc2 := scriptedWaiter(t, scriptStep{at: 30 * time.Second}, scriptStep{at: 32 * time.Second}, scriptStep{at: 33 * time.Second})
	w2.Changes = record()
	if _, err := w2.Wait(context.Background(), AllAgentsIdle(), &WaitOptions{Successes: 1}); err != nil {
		t.Fatal(err)
	}
	if got := sc2.fetches(); got != 3 {
		t.Errorf("fetches = %d, want 3", got)
	}
}

func TestWaitBadArguments(t *testing.T) {
	t.Parallel()
	w, sc := scriptedWaiter(t, scriptStep{at: 30 * time.Second})
	ctx := context.Background()
	for _, err := range []error{
		func() error { _, err := w.Wait(ctx, nil, nil); return err }(),
		func() error { _, err := w.Wait(ctx, AllActive(), &WaitOptions{Successes: -1}); return err }(),
		func() error { _, err := w.WaitForIdle(ctx, &WaitForIdleOptions{ExactUnits: -1}); return err }(),
		func() error { _, err := (&Waiter{}).WaitForIdle(ctx, nil); return err }(),
		func() error { _, err := NewPollingSource(PollingSourceConfig{}); return err }(),
		func() error {
			_, err := NewPollingSource(PollingSourceConfig{Fetch: sc.fetch, Interval: -time.Second})
			return err
		}(),
	} {
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("err = %v, want ErrInvalidArgument", err)
		}
	}
	if got := sc.fetches(); got != 0 {
		t.Errorf("bad arguments fetched %d times", got)
	}
}

func TestPollingSourceSubordinatePatterns(t *testing.T) {
	t.Parallel()
	sc := &script{t: t, steps: []scriptStep{{at: 30 * time.Second}}}
	src, err := NewPollingSource(PollingSourceConfig{Fetch: sc.fetch, Patterns: []string{"tel"}, Interval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	if _, err := src.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Next(ctx); err != nil {
		t.Fatal(err)
	}
	// The reply to {"tel"} lists tel's principal pg (as Juju does), so the
	// first poll needs no second fetch; the next one asks for pg too.
	want := [][]string{{"tel"}, {"tel", "pg"}}
	if diff := cmp.Diff(want, sc.pattern); diff != "" {
		t.Errorf("patterns per fetch (-want +got):\n%s", diff)
	}
	src.Close()
	src.Close()
	if _, err := src.Next(ctx); !errors.Is(err, ErrSourceClosed) {
		t.Errorf("Next after Close = %v", err)
	}
}

// TestPollingSourcePrincipalsNotListed checks the source against a server
// that lists only what the patterns name: the first poll fetches again
// with the subordinate's principals, later polls fetch once.
func TestPollingSourcePrincipalsNotListed(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "settled.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got [][]string
	src, err := NewPollingSource(PollingSourceConfig{
		Interval: time.Millisecond,
		Patterns: []string{"tel"},
		Fetch: func(_ context.Context, patterns []string) (*Status, error) {
			mu.Lock()
			got = append(got, patterns)
			mu.Unlock()
			var fs apiclient.FullStatus
			if err := json.Unmarshal(data, &fs); err != nil {
				return nil, err
			}
			for name := range fs.Applications {
				if !slices.Contains(patterns, name) {
					delete(fs.Applications, name)
				}
			}
			return fromWire(&fs), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var s *Status
	for range 3 {
		if s, err = src.Next(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([][]string{{"tel"}, {"tel", "pg"}, {"tel", "pg"}, {"tel", "pg"}}, got); diff != "" {
		t.Errorf("patterns per fetch (-want +got):\n%s", diff)
	}
	if len(s.Units("tel")) == 0 {
		t.Error("the subordinate's units are missing from the last snapshot")
	}
}

func TestPollingSourcePatternsRefused(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got [][]string
	src, err := NewPollingSource(PollingSourceConfig{
		Interval: time.Millisecond,
		Fetch: func(_ context.Context, patterns []string) (*Status, error) {
			mu.Lock()
			got = append(got, patterns)
			mu.Unlock()
			if len(patterns) > 0 {
				return nil, &rpc.Error{Code: "not found", Message: `application "nope" not found`}
			}
			return fixture(t, "settled"), nil
		},
		Patterns: []string{"nope"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := src.Next(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([][]string{{"nope"}, nil, nil}, got); diff != "" {
		t.Errorf("patterns per fetch (-want +got):\n%s", diff)
	}
}

// TestPollingSourceSubordinateRefused checks that once the server refused
// the patterns, the source neither sends them again nor widens them for a
// subordinate: one fetch per poll.
func TestPollingSourceSubordinateRefused(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got [][]string
	src, err := NewPollingSource(PollingSourceConfig{
		Interval: time.Millisecond,
		Patterns: []string{"tel"},
		Fetch: func(_ context.Context, patterns []string) (*Status, error) {
			mu.Lock()
			got = append(got, patterns)
			mu.Unlock()
			if len(patterns) > 0 {
				return nil, &rpc.Error{Code: "not supported", Message: "patterns not supported"}
			}
			return fixture(t, "settled"), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for range 3 {
		if _, err := src.Next(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([][]string{{"tel"}, nil, nil, nil}, got); diff != "" {
		t.Errorf("patterns per fetch (-want +got):\n%s", diff)
	}
}

func TestPredicates(t *testing.T) {
	t.Parallel()
	base := func(mutate ...func(*Status)) *Status {
		s := fixture(t, "settled")
		s.ControllerTimestamp = t0.Add(30 * time.Second)
		for _, m := range mutate {
			m(s)
		}
		return s
	}
	blockedWeb := setWorkload("web/10", "blocked", "no db", 0)
	tests := []struct {
		name   string
		p      Predicate
		s      *Status
		want   bool
		reason []string
	}{
		{"all active", AllActive(), base(), true, nil},
		{"all active, named", AllActive("pg", "tel"), base(), true, nil},
		{"all active, missing app", AllActive("pg", "nope"), base(), false, []string{"nope: not in the model"}},
		{"all active, one unit blocked", AllActive(), base(blockedWeb), false, []string{"web/10: workload blocked since 12:00:00 (no db)"}},
		{"all active ignores other apps", AllActive("pg"), base(blockedWeb), true, nil},
		{"all blocked", AllBlocked("web"), base(blockedWeb, func(s *Status) { s.Applications["web"].Status.Current = "blocked" }), true, nil},
		{"all waiting, Juju 4 unknown app", AllWaiting("tel"), base(setWorkload("tel/0", "waiting", "", 0), setWorkload("tel/1", "waiting", "", 0)), true, nil},
		{"all maintenance fails", AllMaintenance("web"), base(), false, []string{"web: application active since 12:00:00", "web/10: workload active since 12:00:00"}},
		{"any blocked", AnyBlocked(), base(blockedWeb), true, []string{"web/10: workload blocked since 12:00:00 (no db)"}},
		{"any blocked, none", AnyBlocked(), base(), false, nil},
		{"any error on agent", AnyError("pg"), base(setAgent("pg/0", "error", "hook failed", 0)), true, []string{"pg/0: agent error since 12:00:00 (hook failed)"}},
		{"any error, missing app", AnyError("nope"), base(), false, nil},
		{"any waiting", AnyWaiting(), base(setWorkload("tel/1", "waiting", "", 0)), true, []string{"tel/1: workload waiting since 12:00:00"}},
		{"any maintenance", AnyMaintenance(), base(), false, nil},
		{"all error", AllError("web"), base(), false, []string{"web: application active since 12:00:00", "web/10: workload active since 12:00:00"}},
		{"agents idle", AllAgentsIdle(), base(), true, nil},
		{"agents idle, one executing", AllAgentsIdle(), base(setAgent("tel/1", "executing", "running update-status hook", 30*time.Second)), false, []string{"tel/1: agent executing since 12:00:30 (update-status)"}},
		{"agents idle for 20s", AllAgentsIdleFor(20*time.Second, "pg"), base(), true, nil},
		{"agents idle for 20s, one 5s", AllAgentsIdleFor(20*time.Second, "pg"), base(setAgent("pg/0", "idle", "", 25*time.Second)), false, []string{"pg/0: idle for 5s of 20s"}},
		{"agents idle, missing app", AllAgentsIdle("nope"), base(), false, []string{"nope: not in the model"}},
		{"all of nothing", All(), base(), true, nil},
		{"any of nothing", Any(), base(), false, nil},
		{"any", Any(AnyBlocked(), AllActive()), base(), true, nil},
		{"not", Not(AnyBlocked()), base(blockedWeb), false, []string{"web/10: workload blocked since 12:00:00 (no db)"}},
		{"cond", Cond("pg has 3 units", func(s *Status) bool { return len(s.Units("pg")) == 3 }), base(), false, []string{"pg has 3 units"}},
		{"all with one failing", All(AllActive(), Cond("never", func(*Status) bool { return false })), base(), false, []string{"never"}},
		{"gone, nothing named", Gone(), base(), true, nil},
		{"gone, all still there", Gone("pg", "pg/1", "0", "web:db pg:db", "pg:db web:db"), base(), false,
			[]string{"pg: still in the model", "pg/1: still in the model", "0: still in the model", "web:db pg:db: still in the model", "pg:db web:db: still in the model"}},
		{"gone, all gone", Gone("nope", "pg/7", "9", "0/lxd/3", "web:db nope:db"), base(), true, nil},
		{"gone, removed app", Gone("web", "web:db pg:db"), base(func(s *Status) {
			delete(s.Applications, "web")
			s.Relations = slices.DeleteFunc(s.Relations, func(r *Relation) bool { return r.Key == "web:db pg:db" })
		}), true, nil},
	}
	for _, tt := range tests {
		got, reason := tt.p(tt.s)
		if got != tt.want {
			t.Errorf("%s: got %v, want %v (reasons %q)", tt.name, got, tt.want, reason)
		}
		if diff := cmp.Diff(tt.reason, reason); diff != "" {
			t.Errorf("%s: reasons (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestWaitErrorMessage(t *testing.T) {
	t.Parallel()
	var busy []string
	for i := range 12 {
		busy = append(busy, fmt.Sprintf("pg/%d: agent executing", i))
	}
	err := &WaitError{Op: "wait for idle", Err: context.DeadlineExceeded, Busy: busy}
	want := "cannot wait for idle: context deadline exceeded; still busy: pg/0: agent executing; pg/1: agent executing; " +
		"pg/2: agent executing; pg/3: agent executing; pg/4: agent executing; pg/5: agent executing; pg/6: agent executing; " +
		"pg/7: agent executing; pg/8: agent executing; pg/9: agent executing (and 2 more); no status was received"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err.Error(), want)
	}
}

func TestWaitLogsChanges(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var buf strings.Builder
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	w, _ := scriptedWaiter(t,
		scriptStep{at: 30 * time.Second, mutate: setAgent("pg/1", "executing", "running start hook", 29*time.Second)},
		scriptStep{at: 60 * time.Second},
	)
	w.Logger = logger
	if _, err := w.WaitForIdle(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := buf.String()
	mu.Unlock()
	for _, want := range []string{
		`level=INFO msg="waiting: first status" model=m1 applications=3 units=5 machines=2`,
		`level=INFO msg="status changed" kind=unit name=pg/1 from="workload active, agent executing: running start hook" to="workload active, agent idle"`,
		`level=INFO msg="wait for idle: done" model=m1`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestWaitGuardStaleError: a wait started right after a change (such as
// resolving a unit's error) does not fail on an error from before the
// change, but does once the guard window has passed without the unit
// reacting.
func TestWaitGuardStaleError(t *testing.T) {
	t.Parallel()
	stale := hookError("pg/0", "config-changed", 20*time.Second)
	recovering := []scriptStep{
		{at: 30 * time.Second, mutate: stale},
		{at: 31 * time.Second, mutate: setAgent("pg/0", "executing", "running config-changed hook", 31*time.Second)},
		{at: 34 * time.Second, mutate: setAgent("pg/0", "idle", "", 32*time.Second)},
	}
	forIdle := func(w *Waiter) error {
		_, err := w.WaitForIdle(context.Background(), &WaitForIdleOptions{IdlePeriod: -1, Timeout: 10 * time.Second})
		return err
	}
	forPredicate := func(w *Waiter) error {
		_, err := w.Wait(context.Background(), AllAgentsIdle(), &WaitOptions{Successes: 1, Error: AnyError(), Timeout: 10 * time.Second})
		return err
	}
	for name, wait := range map[string]func(*Waiter) error{"WaitForIdle": forIdle, "Wait": forPredicate} {
		t.Run(name, func(t *testing.T) {
			w, sc := scriptedWaiter(t, recovering...)
			w.Changes = record("pg")
			if err := wait(w); err != nil {
				t.Fatalf("wait right after the change = %v", err)
			}
			if got := sc.fetches(); got != 3 {
				t.Errorf("fetches = %d, want 3", got)
			}

			// Nothing reacts: once the guard window has passed, the error
			// fails the wait.
			w, _ = scriptedWaiter(t, scriptStep{at: 30 * time.Second, mutate: stale}, scriptStep{at: 40 * time.Second, mutate: stale})
			w.Changes = record("pg")
			if err := wait(w); !errors.Is(err, ErrError) {
				t.Errorf("wait on an error that outlived the guard = %v, want ErrError", err)
			}
			// Without a change, the error fails the wait at once.
			w, sc = scriptedWaiter(t, recovering...)
			if err := wait(w); !errors.Is(err, ErrError) || sc.fetches() != 1 {
				t.Errorf("wait without a change = %v after %d fetches, want ErrError after 1", err, sc.fetches())
			}
		})
	}
}

// An empty (not nil) Apps list means every application, like nil: it must
// not wait for nothing and pass at once.
func TestWaitForIdleEmptyAppsMeansAll(t *testing.T) {
	t.Parallel()
	w, _ := scriptedWaiter(t, scriptStep{at: 30 * time.Second, mutate: setWorkload("web/10", "waiting", "waiting for db", 0)})
	_, err := w.WaitForIdle(context.Background(), &WaitForIdleOptions{Apps: []string{}, Status: "active", Timeout: 30 * time.Millisecond})
	var we *WaitError
	if !errors.As(err, &we) || !slices.Contains(we.Busy, "web/10: workload waiting since 12:00:00 (waiting for db)") {
		t.Fatalf("WaitForIdle with empty Apps = %v, want a timeout naming web/10", err)
	}
}

// record returns a ChangeLog holding one change, made now, to apps (none =
// the whole model).
func record(apps ...string) ChangeLog {
	r := &ChangeRecorder{}
	r.Record(apps...)
	return r
}

// TestGuardEstimateShared checks that the controller-time estimate of a
// change is made once, by the first wait that sees it, and used by later
// waits on the same ChangeRecorder, whose clocks may have jumped since.
func TestGuardEstimateShared(t *testing.T) {
	t.Parallel()
	r := &ChangeRecorder{}
	r.Record("pg")
	always := Cond("never", func(*Status) bool { return true })
	var guards []time.Time
	for _, at := range []time.Duration{30 * time.Second, 10 * time.Minute} {
		w, _ := scriptedWaiter(t, scriptStep{at: at})
		w.Changes = r
		s, err := w.Wait(context.Background(), always, &WaitOptions{Successes: 1, ChangeGuard: -1})
		if err != nil {
			t.Fatal(err)
		}
		guards = append(guards, s.guardFor("pg"))
	}
	if guards[0].IsZero() || !guards[0].Equal(guards[1]) {
		t.Errorf("estimates of one change by two waits: %v, %v; want the first one twice", guards[0], guards[1])
	}
	if g := guards[0]; g.After(t0.Add(30 * time.Second)) {
		t.Errorf("estimate %v is after the first snapshot's time %v", g, t0.Add(30*time.Second))
	}
}

// A wait whose source kept failing never lets its back-off sleep past the
// wait's deadline: the last attempt comes before it, and sees the model
// that settled meanwhile (the back-off of 1.6s here would have slept
// past the 1.5s timeout, and the wait would have timed out seconds after
// the model settled).
func TestWaitBackoffEndsBeforeDeadline(t *testing.T) {
	t.Parallel()
	// Three failed fetches of 500ms each, with back-offs of 200ms and
	// 400ms between them, end at 2.1s; the next back-off (800ms) would
	// sleep past the 2.8s deadline, so a wait that slept it out would
	// time out although the model has settled. The back-off is cut so
	// that the last attempt starts one fetch's duration before the
	// deadline (at 2.3s), which leaves the fast settled fetch 500ms of
	// slack on a loaded machine (the test used to leave it microseconds).
	broken := fmt.Errorf("cannot call Client.FullStatus: %w", rpc.ErrBroken)
	slow := 500 * time.Millisecond
	sc := &script{t: t, steps: []scriptStep{{err: broken, delay: slow}, {err: broken, delay: slow}, {err: broken, delay: slow}, {at: 60 * time.Second}}}
	src, err := NewPollingSource(PollingSourceConfig{Fetch: sc.fetch, Interval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	w := &Waiter{Source: src}
	if _, err := w.WaitForIdle(context.Background(), &WaitForIdleOptions{Timeout: 2800 * time.Millisecond}); err != nil {
		t.Fatalf("WaitForIdle: %v (after %d fetches)", err, sc.fetches())
	}
}

package status_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// TestAllWatcherSourceRefusesJuju4 checks that Juju 4 is refused with
// ErrNotSupported and that WatchAll is never sent.
func TestAllWatcherSourceRefusesJuju4(t *testing.T) {
	_, m, r := startSimRecorded(t, jujusim.Juju40)
	ctx := testCtx(t)
	if _, err := m.Status(ctx, nil); err != nil { // the hook records
		t.Fatal(err)
	}
	if r.count() == 0 {
		t.Fatal("the request hook recorded nothing: the test cannot see a WatchAll")
	}
	src, err := m.AllWatcherSource(ctx, status.AllWatcherSourceConfig{})
	if !errors.Is(err, juju.ErrNotSupported) {
		t.Fatalf("AllWatcherSource on Juju 4 = %v, %v; want juju.ErrNotSupported", src, err)
	}
	if slices.Contains(r.methods(0), "Client.WatchAll") {
		t.Errorf("WatchAll was sent to Juju 4: %v", r.methods(0))
	}
}

// unitView is what a snapshot says about the units, for comparing sources.
type unitView struct {
	App, Principal, Machine, Workload, Agent string
	Leader                                   bool
}

func project(s *status.Status) (apps []string, units map[string]unitView) {
	units = map[string]unitView{}
	for _, u := range s.AllUnits() {
		units[u.Name] = unitView{App: u.Application, Principal: u.Principal, Machine: u.Machine,
			Workload: u.WorkloadStatus.String(), Agent: u.AgentStatus.String(), Leader: u.Leader}
	}
	return s.ApplicationNames(), units
}

// TestAllWatcherSourceWaitForIdle drives a Waiter with the AllWatcher
// source on Juju 3.6 through a deploy, compares its final snapshot with a
// FullStatus one, and checks that Close stops the watcher.
func TestAllWatcherSourceWaitForIdle(t *testing.T) {
	srv, m, r := startSimRecorded(t, jujusim.Juju36)
	ctx := testCtx(t)
	seed(t, srv, map[string]int{"pg": 1})
	if _, err := m.Deploy(ctx, "wordpress", &juju.DeployOptions{NumUnits: 2}); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	src, err := m.AllWatcherSource(ctx, status.AllWatcherSourceConfig{Interval: testPoll})
	if err != nil {
		t.Fatalf("AllWatcherSource: %v", err)
	}
	defer src.Close()
	d := drive(t, srv, time.Second)
	busySeen := false
	w := &status.Waiter{Source: src, Changes: m.ChangeLog()}
	s, err := w.WaitForIdle(ctx, &status.WaitForIdleOptions{Status: "active", Progress: func(p status.WaitProgress) {
		busySeen = busySeen || len(p.Busy) > 0
	}})
	d.stop()
	if err != nil {
		t.Fatalf("WaitForIdle over the AllWatcher: %v", err)
	}
	if !busySeen {
		t.Error("the wait never saw the model busy: it was not exercised")
	}
	checkSettled(t, s, "pg", "wordpress")
	if s.Leader("wordpress") == nil || s.Leader("pg") == nil {
		t.Errorf("leaders missing: wordpress %v, pg %v", s.Leader("wordpress"), s.Leader("pg"))
	}
	full, err := m.Status(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	gotApps, gotUnits := project(s)
	wantApps, wantUnits := project(full)
	if diff := cmp.Diff(wantApps, gotApps); diff != "" {
		t.Errorf("applications differ from FullStatus (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantUnits, gotUnits); diff != "" {
		t.Errorf("units differ from FullStatus (-want +got):\n%s", diff)
	}
	if len(gotUnits) != 3 {
		t.Errorf("%d units, want 3", len(gotUnits))
	}
	if !slices.Contains(r.methods(0), "Client.WatchAll") {
		t.Errorf("no WatchAll was sent: %v", r.methods(0))
	}

	before := r.count()
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if got := r.methods(before); !slices.Contains(got, "AllWatcher.Stop") {
		t.Errorf("Close sent %v, want AllWatcher.Stop", got)
	}
	if _, err := src.Next(ctx); !errors.Is(err, status.ErrSourceClosed) {
		t.Errorf("Next after Close = %v, want status.ErrSourceClosed", err)
	}
}

// TestAllWatcherSourceBadConfig checks that a negative interval is refused.
func TestAllWatcherSourceBadConfig(t *testing.T) {
	_, m := startSim(t, jujusim.Juju36)
	if _, err := m.AllWatcherSource(testCtx(t), status.AllWatcherSourceConfig{Interval: -1}); !errors.Is(err, status.ErrInvalidArgument) {
		t.Errorf("negative interval: %v, want status.ErrInvalidArgument", err)
	}
}

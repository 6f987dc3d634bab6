package jujusim

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// fillNonZero sets every field of the struct v points to to a non-zero
// value, so that a conversion that drops a field shows in a comparison.
func fillNonZero(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(v.Type().Field(i).Name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int64:
			f.SetInt(int64(i+1) * int64(time.Second))
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"80/tcp"}))
		case reflect.Pointer:
			tm := FastTiming()
			f.Set(reflect.ValueOf(&tm))
		case reflect.Map:
			if f.Type() == reflect.TypeFor[map[string]ExecResult]() {
				f.Set(reflect.ValueOf(map[string]ExecResult{"hostname": {Code: 3, Stdout: "o", Stderr: "e"}}))
				break
			}
			f.Set(reflect.ValueOf(map[string]ActionOutcome{"a": {Status: "failed", Message: "m", Output: map[string]any{"k": "v"}, Log: []string{"l"}}}))
		case reflect.Func:
			f.Set(reflect.ValueOf(ExecHandler(DefaultExec)))
		default:
			t.Fatalf("field %s: kind %s not handled; update fillNonZero and Behaviour.toCore", v.Type().Field(i).Name, f.Kind())
		}
	}
}

func TestBehaviourToCoreCopiesEveryField(t *testing.T) {
	var b Behaviour
	fillNonZero(t, reflect.ValueOf(&b).Elem())
	if n, m := reflect.TypeFor[Behaviour]().NumField(), reflect.TypeFor[core.Behaviour]().NumField(); n != m {
		t.Fatalf("jujusim.Behaviour has %d fields, core.Behaviour %d", n, m)
	}
	got := b.toCore()
	ft := core.Fast()
	want := core.Behaviour{
		Timing: &ft, Status: "Status", Message: "Message", FailHook: "FailHook",
		MaintenanceFor: 5 * time.Second, Flap: 6 * time.Second, NeverSettle: true,
		AppStatus: "AppStatus", AppMessage: "AppMessage", WorkloadVersion: "WorkloadVersion",
		OpenPorts:     []string{"80/tcp"},
		ActionResults: map[string]core.ActionOutcome{"a": {Status: "failed", Message: "m", Output: map[string]any{"k": "v"}, Log: []string{"l"}}},
	}
	if got.Exec == nil || got.Exec(ExecRequest{Command: "whoami"}).Stdout != "root\n" {
		t.Errorf("toCore dropped Exec")
	}
	got.Exec = nil
	want.ExecResults = map[string]core.ExecResult{"hostname": {Code: 3, Stdout: "o", Stderr: "e"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("toCore (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Behaviour{}.toCore(), core.Behaviour{}); diff != "" {
		t.Errorf("zero Behaviour converts to a non-zero core.Behaviour:\n%s", diff)
	}
}

func TestTimingPresetsMatchCore(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  Timing
		want core.Timing
	}{
		{"realistic", RealisticTiming(), core.Realistic()},
		{"fast", FastTiming(), core.Fast()},
		{"instant", InstantTiming(), core.Instant()},
	} {
		if diff := cmp.Diff(tc.want, core.Timing(tc.got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestFakeClockAdvanceRunsTimers(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fc := NewFakeClock(start)
	var c Clock = fc
	var fired []int
	c.AfterFunc(2*time.Second, func() { fired = append(fired, 2) })
	c.AfterFunc(time.Second, func() { fired = append(fired, 1) })
	stopped := c.AfterFunc(time.Second, func() { fired = append(fired, 99) })
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	if got := fc.Pending(); got != 2 {
		t.Fatalf("Pending = %d, want 2", got)
	}
	fc.Advance(3 * time.Second)
	if diff := cmp.Diff([]int{1, 2}, fired); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
	if got := c.Now(); !got.Equal(start.Add(3 * time.Second)) {
		t.Errorf("Now = %v, want %v", got, start.Add(3*time.Second))
	}
}

func TestServerAdvanceWithFakeClock(t *testing.T) {
	fc := NewFakeClock(time.Time{})
	s := startServer(t, Config{Clock: fc})
	if s.Clock() != Clock(fc) {
		t.Fatalf("Server.Clock() = %v, want the configured FakeClock", s.Clock())
	}
	before := fc.Now()
	if err := s.Advance(time.Minute); err != nil {
		t.Fatalf("Advance: %v", err)
	}
	if got := fc.Now().Sub(before); got != time.Minute {
		t.Errorf("clock moved %v, want 1m", got)
	}
}

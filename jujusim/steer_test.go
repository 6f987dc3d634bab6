package jujusim

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTimingPresetsAsDocumented checks the presets against the values the
// Timing documentation gives.
func TestTimingPresetsAsDocumented(t *testing.T) {
	for _, tc := range []struct {
		got                  Timing
		name                 string
		install, hook        time.Duration
		updateStatusInterval time.Duration
	}{
		{RealisticTiming(), "realistic", 15 * time.Second, 2 * time.Second, 5 * time.Minute},
		{FastTiming(), "fast", 100 * time.Millisecond, 20 * time.Millisecond, time.Minute},
		{InstantTiming(), "instant", 0, 0, 0},
	} {
		if tc.got.Name != tc.name || tc.got.Install != tc.install || tc.got.Hook != tc.hook || tc.got.UpdateStatusInterval != tc.updateStatusInterval {
			t.Errorf("%s preset = %+v", tc.name, tc.got)
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

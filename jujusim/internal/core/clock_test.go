package core

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFakeClockFiresInOrder(t *testing.T) {
	fc := NewFakeClock(time.Time{})
	start := fc.Now()
	var got []string
	var at []time.Duration
	fc.AfterFunc(3*time.Second, func() { got = append(got, "c"); at = append(at, fc.Now().Sub(start)) })
	fc.AfterFunc(time.Second, func() {
		got = append(got, "a")
		at = append(at, fc.Now().Sub(start))
		// A timer created while firing fires in the same Advance.
		fc.AfterFunc(time.Second, func() { got = append(got, "b"); at = append(at, fc.Now().Sub(start)) })
	})
	stopped := fc.AfterFunc(2*time.Second, func() { got = append(got, "stopped") })
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer returned false")
	}
	fc.AfterFunc(10*time.Second, func() { got = append(got, "late") })
	fc.Advance(5 * time.Second)
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, at); diff != "" {
		t.Errorf("Now during timers (-want +got):\n%s", diff)
	}
	if got := fc.Now().Sub(start); got != 5*time.Second {
		t.Errorf("Now after Advance = %v, want 5s", got)
	}
	if fc.Pending() != 1 {
		t.Errorf("Pending = %d, want 1", fc.Pending())
	}
}

func TestSchedulerDeterministic(t *testing.T) {
	run := func() []int {
		var mu stateMutex
		fc := NewFakeClock(time.Time{})
		s := newScheduler(&mu, fc)
		var got []int
		mu.Lock()
		for i := 0; i < 20; i++ {
			i := i
			s.after(time.Duration(i%4)*time.Second, func() {
				got = append(got, i)
				if i%5 == 0 {
					s.after(0, func() { got = append(got, 100+i) })
				}
			})
		}
		s.kick()
		mu.Unlock()
		fc.Advance(10 * time.Second)
		s.close()
		return got
	}
	first := run()
	if len(first) != 24 {
		t.Fatalf("ran %d steps, want 24: %v", len(first), first)
	}
	for i := 0; i < 5; i++ {
		if diff := cmp.Diff(first, run()); diff != "" {
			t.Fatalf("run %d differs (-first +this):\n%s", i, diff)
		}
	}
	// Same-time steps run in scheduling order.
	if first[0] != 0 || first[1] != 4 {
		t.Errorf("first steps = %v, want 0 then 4", first[:2])
	}
}

func TestSchedulerRealClockClose(t *testing.T) {
	var mu stateMutex
	s := newScheduler(&mu, RealClock())
	done := make(chan struct{})
	mu.Lock()
	s.after(time.Millisecond, func() { close(done) })
	s.after(time.Hour, func() { t.Error("hour-long step ran") })
	s.kick()
	mu.Unlock()
	<-done
	s.close() // must not leak the hour-long timer's goroutine
}

package core

import (
	"testing"
	"time"
)

// TestRealClock runs the lifecycle on the wall clock with fast timings and
// checks that Close leaves no scheduler goroutine behind (goleak).
func TestRealClock(t *testing.T) {
	c, err := New(Config{AdminPassword: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	s := &sim{t: t, c: c}
	ms := s.admin(c.DefaultModelUUID())
	deployHub(s, ms, "mysql", "db", 2)
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := s.status(ms)
		active := 0
		for _, u := range get(st, "applications", "db", "units").(map[string]any) {
			if get(u, "workload-status", "status") == "active" && get(u, "agent-status", "status") == "idle" {
				active++
			}
		}
		if active == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not settled on the real clock: %v", get(st, "applications", "db"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.call(ms, "Client", 8, "FullStatus", nil); errCode(err) != CodeTryAgain {
		t.Errorf("call after Close: %v", err)
	}
}

// TestConcurrentControllers runs two controllers and concurrent callers
// at once (meaningful under -race).
func TestConcurrentControllers(t *testing.T) {
	done := make(chan struct{})
	for i := 0; i < 2; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			c, err := New(Config{AdminPassword: "s3cret", Timing: Instant()})
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			s := &sim{t: t, c: c}
			ms := s.admin(c.DefaultModelUUID())
			inner := make(chan struct{})
			for j := 0; j < 3; j++ {
				go func() {
					defer func() { inner <- struct{}{} }()
					for k := 0; k < 5; k++ {
						if _, err := s.call(ms, "Client", 8, "FullStatus", nil); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			if err := c.Seed(c.DefaultModelUUID(), map[string]int{"a": 3, "b": 2}); err != nil {
				t.Error(err)
			}
			for j := 0; j < 3; j++ {
				<-inner
			}
		}()
	}
	<-done
	<-done
}

// TestInstantSettlesWithinTheCall checks Instant's promise on the wall
// clock: Seed returns with every unit already idle and active, however
// slowly the steps run (each instantaneous step chained by another is due
// at the instant of the run that scheduled it, not a few nanoseconds of
// wall time later, which used to leave the chain to a timer goroutine).
func TestInstantSettlesWithinTheCall(t *testing.T) {
	c, err := New(Config{AdminPassword: "s3cret", Timing: Instant()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := &sim{t: t, c: c}
	ms := s.admin(c.DefaultModelUUID())
	if err := c.Seed(c.DefaultModelUUID(), map[string]int{"a": 3}); err != nil {
		t.Fatal(err)
	}
	st := s.status(ms)
	units := get(st, "applications", "a", "units").(map[string]any)
	if len(units) != 3 {
		t.Fatalf("units = %v", units)
	}
	for name, u := range units {
		if ws, as := get(u, "workload-status", "status"), get(u, "agent-status", "status"); ws != "active" || as != "idle" {
			t.Errorf("%s right after Seed: workload %v, agent %v; want active, idle", name, ws, as)
		}
	}
}

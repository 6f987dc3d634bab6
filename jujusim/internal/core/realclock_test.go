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

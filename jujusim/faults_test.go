package jujusim

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDropConnections(t *testing.T) {
	s := startServer(t, Config{})
	a, b := dial(t, s, ""), dial(t, s, s.DefaultModelUUID())
	a.login(s)
	b.login(s)
	if n := s.DropConnections(); n != 2 {
		t.Errorf("DropConnections() = %d, want 2", n)
	}
	a.expectClosed()
	b.expectClosed()
	// The listener is still there.
	c := dial(t, s, "")
	c.login(s)
}

func TestDropAfterFrames(t *testing.T) {
	s := startServer(t, Config{})
	s.DropAfterFrames(2)
	c := dial(t, s, "")
	c.login(s) // frames 1 and 2
	c.send("Pinger", 1, "Ping", nil)
	c.expectClosed()
	// Only the next connection was affected.
	d := dial(t, s, "")
	d.login(s)
	if f := d.call("Pinger", 1, "Ping", nil); f["error"] != nil {
		t.Errorf("ping on the following connection: %v", f)
	}
}

// TestDropAfterFramesCountsExactly checks that the frame that spends the
// budget is the last one: with 3, the login request and reply pass and the
// next request drops the connection without a reply.
func TestDropAfterFramesCountsExactly(t *testing.T) {
	s := startServer(t, Config{})
	s.DropAfterFrames(3)
	c := dial(t, s, "")
	c.login(s)
	c.send("Pinger", 1, "Ping", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, data, err := c.ws.Read(ctx); err == nil {
		t.Fatalf("frame after the budget was spent: %s", data)
	} else if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("connection still open")
	}
}

func TestDropAfterZeroFrames(t *testing.T) {
	s := startServer(t, Config{})
	s.DropAfterFrames(0)
	c := dial(t, s, "")
	c.expectClosed()
	s.DropAfterFrames(1)
	s.DropAfterFrames(-1) // cancelled
	d := dial(t, s, "")
	d.login(s)
}

func TestFailMethod(t *testing.T) {
	s := startServer(t, Config{})
	c := dial(t, s, "")
	s.FailMethod("Admin", "Login", "try again", 1)
	if f := c.call("Admin", 3, "Login", loginParams("admin", s.AdminPassword())); f.str("error-code") != "try again" {
		t.Fatalf("login with injected failure: %v", f)
	}
	c.login(s)
	s.FailMethod("Pinger", "Ping", "not found", 2)
	for i, want := range []string{"not found", "not found", ""} {
		if f := c.call("Pinger", 1, "Ping", nil); f.str("error-code") != want {
			t.Errorf("call %d: error-code %q, want %q", i+1, f.str("error-code"), want)
		}
	}
	s.FailMethod("Pinger", "", "upgrade in progress", 5)
	s.FailMethod("Pinger", "", "", 0) // cancelled
	if f := c.call("Pinger", 1, "Ping", nil); f["error"] != nil {
		t.Errorf("after cancel: %v", f)
	}
}

func TestRefuseLogins(t *testing.T) {
	s := startServer(t, Config{})
	s.RefuseLogins(true)
	c := dial(t, s, "")
	if f := c.call("Admin", 3, "Login", loginParams("admin", s.AdminPassword())); f.str("error-code") != "unauthorized access" {
		t.Fatalf("refused login: %v", f)
	}
	s.RefuseLogins(false)
	c.login(s)
}

func TestStallReleasedByConnectionClose(t *testing.T) {
	s := startServer(t, Config{})
	release := s.Stall("Pinger", "")
	defer release()
	c := dial(t, s, "")
	c.login(s)
	c.send("Pinger", 1, "Ping", nil)
	if _, err := c.tryRead(50 * time.Millisecond); err == nil {
		t.Fatal("stalled call answered")
	}
	// tryRead's timeout closed the client side; the stalled call must
	// end with the connection (goleak checks nothing is left behind).
}

func TestSetLatency(t *testing.T) {
	s := startServer(t, Config{})
	c := dial(t, s, "")
	c.login(s)
	s.SetLatency(time.Hour)
	c.send("Pinger", 1, "Ping", nil)
	if f, err := c.tryRead(100 * time.Millisecond); err == nil {
		t.Fatalf("reply %v arrived despite an hour of latency", f)
	}
	s.SetLatency(0)
	d := dial(t, s, "")
	d.login(s)
}

func TestRestartKeepsAddressAndState(t *testing.T) {
	s := startServer(t, Config{})
	addr, uuid := s.Addr(), s.ControllerUUID()
	c := dial(t, s, "")
	c.login(s)
	f := c.call("ModelManager", 11, "CreateModel", map[string]any{
		"name": "kept", "qualifier": "admin", "cloud-tag": "cloud-dummy",
	})
	if f["error"] != nil {
		t.Fatalf("CreateModel: %s", f)
	}
	model, ok := s.ModelUUID("admin", "kept")
	if !ok {
		t.Fatal("model admin/kept not found")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Restart(ctx); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	c.expectClosed()
	if s.Addr() != addr || s.ControllerUUID() != uuid {
		t.Fatalf("after restart: addr %s uuid %s, want %s %s", s.Addr(), s.ControllerUUID(), addr, uuid)
	}
	// The model created before the restart is still served.
	d := dial(t, s, model)
	if f := d.login(s); !strings.Contains(f.String(), "model-"+model) {
		t.Errorf("login to the kept model: %s", f)
	}
	if err := s.Restart(ctx); err != nil {
		t.Fatalf("second Restart: %v", err)
	}
	d.expectClosed()
	e := dial(t, s, model)
	e.login(s)
}

// setLogging sends ModelConfig.ModelSet of logging-config on c.
func setLogging(c *testConn, value string) {
	c.send("ModelConfig", 3, "ModelSet", map[string]any{"config": map[string]any{"logging-config": value}})
}

// loggingConfig reads logging-config on a fresh model connection.
func loggingConfig(t *testing.T, s *Server) string {
	t.Helper()
	c := dial(t, s, s.DefaultModelUUID())
	c.login(s)
	f := c.call("ModelConfig", 3, "ModelGet", nil)
	var resp struct {
		Config map[string]struct {
			Value any `json:"value"`
		} `json:"config"`
	}
	if err := json.Unmarshal(f["response"], &resp); err != nil {
		t.Fatalf("ModelGet: %v: %v", f, err)
	}
	v, _ := resp.Config["logging-config"].Value.(string)
	return v
}

// The request in the frame that spends the budget runs to the end, every
// time; its reply is not sent. One frame less and it never runs.
func TestDropAfterFramesRunsTheLastRequest(t *testing.T) {
	s := startServer(t, Config{})
	for i := range 10 {
		want := "<root>=DEBUG;x" + strings.Repeat("y", i)
		s.DropAfterFrames(3)
		c := dial(t, s, s.DefaultModelUUID())
		c.login(s)
		setLogging(c, want)
		c.expectClosed()
		if got := loggingConfig(t, s); got != want {
			t.Fatalf("round %d: logging-config = %q after the dropped request, want it applied (%q)", i, got, want)
		}
		s.DropAfterFrames(2)
		c = dial(t, s, s.DefaultModelUUID())
		c.login(s)
		setLogging(c, "<root>=ERROR")
		c.expectClosed()
		if got := loggingConfig(t, s); got != want {
			t.Fatalf("round %d: logging-config = %q after a request past the budget, want it not applied (%q)", i, got, want)
		}
	}
}

// DropInFrames counts the frames of every RPC connection and drops the
// one that carries the nth.
func TestDropInFrames(t *testing.T) {
	s := startServer(t, Config{})
	a := dial(t, s, "")
	a.login(s)
	b := dial(t, s, s.DefaultModelUUID())
	b.login(s)
	s.DropInFrames(3)
	if f := a.call("Pinger", 1, "Ping", nil); f["error"] != nil { // frames 1 and 2 of the count
		t.Fatalf("ping: %v", f)
	}
	setLogging(b, "<root>=TRACE") // frame 3: runs, no reply
	b.expectClosed()
	if got := loggingConfig(t, s); got != "<root>=TRACE" {
		t.Fatalf("logging-config = %q, want the request in the last frame applied", got)
	}
	// The budget is spent: nothing else drops.
	if f := a.call("Pinger", 1, "Ping", nil); f["error"] != nil {
		t.Fatalf("ping after the drop: %v", f)
	}
}

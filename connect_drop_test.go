package juju

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A model connection whose dial was in progress when dropModelConn gave up
// waiting for it (its ctx ended) must still be closed by Close: it used to
// land in a slot the Controller had forgotten, and leak.
func TestDropModelConnDuringDialClosedByClose(t *testing.T) {
	srv := startSim(t, "4.0.15")
	c := connectSim(t, srv)
	uuid := srv.DefaultModelUUID()
	release := srv.Stall("Admin", "Login")
	defer release()

	type result struct {
		conn *apiConn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		conn, err := c.conn(testCtx(t), uuid)
		done <- result{conn, err}
	}()
	// Wait until the dial holds the model's slot.
	for {
		c.mu.Lock()
		s := c.slots[uuid]
		c.mu.Unlock()
		if s != nil && len(s.sem) == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c.dropModelConn(ctx, uuid)
	release()
	r := <-done
	if r.err != nil {
		t.Fatalf("dial: %v", r.err)
	}
	t.Cleanup(func() { r.conn.current().Close() })
	c.Close()
	var out any
	err := r.conn.CallVersion(testCtx(t), "Client", 8, "FullStatus", "", struct{}{}, &out)
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("call on a model connection after Controller.Close: err = %v, want ErrClosed", err)
	}
}

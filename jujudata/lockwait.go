package jujudata

import (
	"context"
	"time"
)

// lockWaiter sleeps between attempts to take a busy lock, backing off from
// 1ms to 20ms, and gives up when the context is done.
type lockWaiter struct{ delay time.Duration }

func (w *lockWaiter) wait(ctx context.Context) error {
	if w.delay == 0 {
		w.delay = time.Millisecond
	}
	t := time.NewTimer(w.delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	w.delay = min(2*w.delay, 20*time.Millisecond)
	return nil
}

package core

import (
	"encoding/json"
	"strconv"
)

// watcher is a server-side watcher a client drives with Next/Stop through
// the StringsWatcher, NotifyWatcher or AllWatcher facade.
type watcher struct {
	id      string
	kind    string
	sess    *Session
	model   string
	stopped chan struct{}
	isStop  bool
	// poll runs with the controller lock held and returns the next result
	// and whether there is one to send now.
	poll func() (any, bool)
}

func (w *watcher) stop() {
	if !w.isStop {
		w.isStop = true
		close(w.stopped)
	}
}

// newWatcher registers a watcher owned by the session. Lock held.
func (c *Controller) newWatcher(s *Session, kind, modelUUID string, poll func() (any, bool)) *watcher {
	c.watcherSeq++
	w := &watcher{id: strconv.Itoa(c.watcherSeq), kind: kind, sess: s, model: modelUUID, stopped: make(chan struct{}), poll: poll}
	c.watchers[w.id] = w
	s.mu.Lock()
	s.watchers[w.id] = true
	s.mu.Unlock()
	return w
}

var errWatcherStopped = &Error{Code: CodeStopped, Message: "watcher was stopped"}

// watcherNext blocks until the watcher has something to report.
func watcherNext(cx *callCtx, kind string) (any, error) {
	c := cx.c
	c.mu.Lock()
	w, ok := c.watchers[cx.id]
	if !ok || w.kind != kind || w.sess != cx.s {
		c.mu.Unlock()
		return nil, errNotFound("unknown watcher id %q", cx.id)
	}
	c.mu.Unlock()
	for {
		c.mu.Lock()
		if w.isStop {
			c.mu.Unlock()
			return nil, errWatcherStopped
		}
		res, ready := w.poll()
		var changed <-chan struct{}
		if m, ok := c.models[w.model]; ok {
			changed = m.changed
		} else {
			c.mu.Unlock()
			return nil, errWatcherStopped
		}
		c.mu.Unlock()
		if ready {
			return res, nil
		}
		select {
		case <-cx.ctx.Done():
			return nil, cx.ctx.Err()
		case <-w.stopped:
		case <-c.done:
			return nil, errWatcherStopped
		case <-changed:
		}
	}
}

func watcherStop(cx *callCtx, kind string) (any, error) {
	c := cx.c
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.watchers[cx.id]
	if !ok || w.kind != kind || w.sess != cx.s {
		return nil, errNotFound("unknown watcher id %q", cx.id)
	}
	w.stop()
	delete(c.watchers, w.id)
	cx.s.mu.Lock()
	delete(cx.s.watchers, w.id)
	cx.s.mu.Unlock()
	return struct{}{}, nil
}

func init() {
	for _, kind := range []string{"StringsWatcher", "NotifyWatcher", "AllWatcher"} {
		k := kind
		reg(k, "Next", handler{nolock: true, fn: func(cx *callCtx, _ json.RawMessage) (any, error) { return watcherNext(cx, k) }})
		reg(k, "Stop", handler{nolock: true, fn: func(cx *callCtx, _ json.RawMessage) (any, error) { return watcherStop(cx, k) }})
	}
}

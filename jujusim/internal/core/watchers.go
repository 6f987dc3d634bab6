package core

import (
	"fmt"
	"strconv"

	"github.com/gojuju/juju/internal/facades"
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

// watcherKey names a watcher: its id is only unique within its session,
// as a real controller numbers each connection's watchers from 1.
type watcherKey struct {
	sess *Session
	id   string
}

// newWatcher registers a watcher owned by the session. Lock held.
func (c *Controller) newWatcher(s *Session, kind, modelUUID string, poll func() (any, bool)) *watcher {
	s.mu.Lock()
	s.watcherSeq++
	w := &watcher{id: strconv.Itoa(s.watcherSeq), kind: kind, sess: s, model: modelUUID, stopped: make(chan struct{}), poll: poll}
	s.watchers[w.id] = true
	s.mu.Unlock()
	c.watchers[watcherKey{s, w.id}] = w
	return w
}

var errWatcherStopped = &Error{Code: CodeStopped, Message: "watcher was stopped"}

// watcherNext blocks until the watcher has something to report.
func watcherNext(cx *callCtx, kind string) (any, error) {
	c := cx.c
	c.mu.Lock()
	w, ok := c.watchers[watcherKey{cx.s, cx.id}]
	if !ok || w.kind != kind {
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

func watcherStop(cx *callCtx, kind string) error {
	c := cx.c
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.watchers[watcherKey{cx.s, cx.id}]
	if !ok || w.kind != kind {
		return errNotFound("unknown watcher id %q", cx.id)
	}
	w.stop()
	delete(c.watchers, watcherKey{cx.s, w.id})
	cx.s.mu.Lock()
	delete(cx.s.watchers, w.id)
	cx.s.mu.Unlock()
	return nil
}

// nextOf is watcherNext for a watcher whose changes are a T.
func nextOf[T any](cx *callCtx, kind string) (T, error) {
	var zero T
	res, err := watcherNext(cx, kind)
	if err != nil {
		return zero, err
	}
	v, ok := res.(T)
	if !ok {
		return zero, fmt.Errorf("%s %s reported %T", kind, cx.id, res)
	}
	return v, nil
}

func (allWatcherFacade) Next(cx *callCtx) (facades.AllWatcherNextResults, error) {
	return nextOf[facades.AllWatcherNextResults](cx, "AllWatcher")
}

func (allWatcherFacade) Stop(cx *callCtx) error { return watcherStop(cx, "AllWatcher") }

func (stringsWatcherFacade) Next(cx *callCtx) (facades.StringsWatchResult, error) {
	return nextOf[facades.StringsWatchResult](cx, "StringsWatcher")
}

func (stringsWatcherFacade) Stop(cx *callCtx) error { return watcherStop(cx, "StringsWatcher") }

// Next: the simulator creates no notify watchers, so this only answers
// for ids it does not know.
func (notifyWatcherFacade) Next(cx *callCtx) error {
	_, err := watcherNext(cx, "NotifyWatcher")
	return err
}

func (notifyWatcherFacade) Stop(cx *callCtx) error { return watcherStop(cx, "NotifyWatcher") }

package juju

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gojuju/juju/status"
)

// This file holds the Model's entry points into package status: each builds
// what the status engine needs from the model's connection and hands over.

// Status returns a snapshot of the model's status (one Client.FullStatus
// call); see package status for what it holds. Nil opts means the whole
// model without storage.
func (m *Model) Status(ctx context.Context, opts *status.Options) (*status.Status, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, opError("get status of model", m.QualifiedName(), err)
	}
	s, err := status.Fetch(ctx, conn, opts)
	if err != nil {
		return nil, opError("get status of model", m.QualifiedName(), err)
	}
	return s, nil
}

// fetchStatus is a status.PollingSourceConfig.Fetch over the model
// connection (which the Controller redials if it broke).
func (m *Model) fetchStatus(ctx context.Context, patterns []string) (*status.Status, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	return status.Fetch(ctx, conn, &status.Options{Patterns: patterns})
}

// StatusSource returns a status.PollingSource over the model. A nil
// cfg.Fetch polls this model's Client.FullStatus (restricted to
// cfg.Patterns); a nil cfg.Logger logs through the Controller's logger.
// Lost connections are ridden through: the Controller redials at the next
// fetch. Close the source when done.
func (m *Model) StatusSource(cfg status.PollingSourceConfig) (*status.PollingSource, error) {
	if cfg.Fetch == nil {
		cfg.Fetch = m.fetchStatus
	}
	if cfg.Logger == nil {
		cfg.Logger = m.ctrl.logger
	}
	return status.NewPollingSource(cfg)
}

// AllWatcherSource starts a status.AllWatcherSource over the model: a
// status source for Juju 3.6 driven by the AllWatcher instead of polling.
// A nil cfg.Conn watches on this model's connection (redialled if it
// broke); a nil cfg.Logger logs through the Controller's logger. On a
// Juju 4 controller, which has no AllWatcher, it returns an error matching
// ErrNotSupported without calling WatchAll. Close the source when done;
// that stops the watcher.
func (m *Model) AllWatcherSource(ctx context.Context, cfg status.AllWatcherSourceConfig) (*status.AllWatcherSource, error) {
	refuse := func() error {
		return opError("watch status of model", m.QualifiedName(),
			fmt.Errorf("%w: Juju %s has no AllWatcher; use a PollingSource", ErrNotSupported, m.ctrl.ServerVersion()))
	}
	if m.ctrl.features().juju4 {
		return nil, refuse()
	}
	if cfg.Conn == nil {
		conn, err := m.conn(ctx)
		if err != nil {
			return nil, opError("watch status of model", m.QualifiedName(), err)
		}
		if featuresFor(conn.Login().ServerVersion).juju4 {
			return nil, refuse()
		}
		cfg.Conn = func(ctx context.Context) (status.Caller, error) { return m.conn(ctx) }
	}
	if cfg.Logger == nil {
		cfg.Logger = m.ctrl.logger
	}
	src, err := status.NewAllWatcherSource(ctx, cfg)
	if err != nil {
		return nil, opError("watch status of model", m.QualifiedName(), err)
	}
	return src, nil
}

// WaitForIdle waits until the model's applications have settled; see
// status.Waiter.WaitForIdle for the rules and status.WaitForIdleOptions for
// the options (nil means every application in the model now, idle for
// 15 s, failing on error, for at most 10 minutes).
//
// It polls Client.FullStatus restricted to the applications waited for,
// every opts.Interval (1 s by default), on Juju 4 and 3.6 alike, and rides
// through lost connections and controller restarts until the timeout. A
// wait started right after a change made through this Model (or another
// handle on the same model from the same Controller) cannot pass on the
// state from before the change.
//
// On failure the error is a *status.WaitError listing what was still busy
// and carrying the last snapshot; it matches context.DeadlineExceeded on
// timeout, status.ErrError or status.ErrBlocked.
func (m *Model) WaitForIdle(ctx context.Context, opts *status.WaitForIdleOptions) (*status.Status, error) {
	var o status.WaitForIdleOptions
	if opts != nil {
		o = *opts
	}
	src, err := m.StatusSource(status.PollingSourceConfig{Interval: o.Interval})
	if err != nil {
		return nil, opError("wait for model", m.QualifiedName(), err)
	}
	defer src.Close()
	w := &status.Waiter{Source: src, Logger: m.ctrl.logger, Changes: m.ChangeLog()}
	s, err := w.WaitForIdle(ctx, &o)
	return s, nameWait(err, "wait for model "+strconv.Quote(m.QualifiedName())+" to be idle")
}

// Wait waits until ready holds on opts.Successes consecutive snapshots of
// the model; see status.Waiter.Wait for the rules and status.WaitOptions
// for the options (nil means 3 successes, no error predicate, at most
// 10 minutes). It polls like WaitForIdle, restricted to opts.Apps when
// given.
//
//	_, err := m.Wait(ctx, status.All(status.AllActive("pg"), status.AllAgentsIdle("pg")),
//		&status.WaitOptions{Error: status.AnyError("pg")})
func (m *Model) Wait(ctx context.Context, ready status.Predicate, opts *status.WaitOptions) (*status.Status, error) {
	var o status.WaitOptions
	if opts != nil {
		o = *opts
	}
	src, err := m.StatusSource(status.PollingSourceConfig{Interval: o.Interval})
	if err != nil {
		return nil, opError("wait for model", m.QualifiedName(), err)
	}
	defer src.Close()
	w := &status.Waiter{Source: src, Logger: m.ctrl.logger, Changes: m.ChangeLog()}
	s, err := w.Wait(ctx, ready, &o)
	return s, nameWait(err, "wait for model "+strconv.Quote(m.QualifiedName()))
}

// nameWait names the model in a WaitError's operation.
func nameWait(err error, op string) error {
	var we *status.WaitError
	if errors.As(err, &we) {
		we.Op = op
	}
	return err
}

// ChangeLog returns the log of the changes made through this Model (and
// every other Model on the same model from the same Controller), for the
// transient-state guard of a status.Waiter over a source of your own
// (Wait and WaitForIdle use it already).
func (m *Model) ChangeLog() status.ChangeLog { return m.ctrl.changeLog(m.uuid) }

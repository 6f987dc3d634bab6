package juju

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// StatusOptions are the options of Model.Status; nil means the whole
// model without storage.
type StatusOptions struct {
	// Patterns restricts the status to the matching applications, units
	// and machines ("pg", "pg/0", "0"); none means the whole model.
	Patterns []string
	// IncludeStorage asks for storage instances, filesystems and volumes.
	IncludeStorage bool
}

// Status returns a snapshot of the model's status (one Client.FullStatus
// call).
func (m *Model) Status(ctx context.Context, opts *StatusOptions) (*Status, error) {
	var o StatusOptions
	if opts != nil {
		o = *opts
	}
	s, err := m.stFetch(ctx, o.Patterns, o.IncludeStorage)
	if err != nil {
		return nil, opError("get status of model", m.QualifiedName(), err)
	}
	return s, nil
}

// stFetch calls Client.FullStatus once on the model connection (which the
// Controller redials if it broke).
func (m *Model) stFetch(ctx context.Context, patterns []string, includeStorage bool) (*Status, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	sent := time.Now()
	fs, err := facades.NewClientClient(conn).FullStatus(ctx, facades.StatusParams{
		Patterns:       patterns,
		IncludeStorage: includeStorage,
	})
	if err != nil {
		return nil, err
	}
	s := stFromWire(&fs)
	s.sent, s.received = sent, time.Now()
	return s, nil
}

// StatusSource returns a PollingSource over the model. A nil cfg.Fetch
// polls this model's Client.FullStatus (restricted to cfg.Patterns); a nil
// cfg.Logger logs through the Controller's logger. Lost connections are
// ridden through: the Controller redials at the next fetch. Close the
// source when done.
func (m *Model) StatusSource(cfg PollingSourceConfig) (*PollingSource, error) {
	if cfg.Fetch == nil {
		cfg.Fetch = func(ctx context.Context, patterns []string) (*Status, error) {
			return m.stFetch(ctx, patterns, false)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = m.ctrl.logger
	}
	return NewPollingSource(cfg)
}

// WaitForIdle waits until the model's applications have settled; see
// Waiter.WaitForIdle for the rules and WaitForIdleOptions for the options
// (nil means every application in the model now, idle for 15 s, failing on
// error, for at most 10 minutes).
//
// It polls Client.FullStatus restricted to the applications waited for,
// every opts.Interval (1 s by default), on Juju 4 and 3.6 alike, and rides
// through lost connections and controller restarts until the timeout. A
// wait started right after a change made through this Model (or another
// handle on the same model from the same Controller) cannot pass on the
// state from before the change.
//
// On failure the error is a *WaitError listing what was still busy and
// carrying the last snapshot; it matches context.DeadlineExceeded on
// timeout, ErrStatusError or ErrStatusBlocked.
func (m *Model) WaitForIdle(ctx context.Context, opts *WaitForIdleOptions) (*Status, error) {
	var o WaitForIdleOptions
	if opts != nil {
		o = *opts
	}
	src, err := m.StatusSource(PollingSourceConfig{Patterns: o.Apps, Interval: o.Interval})
	if err != nil {
		return nil, opError("wait for model", m.QualifiedName(), err)
	}
	defer src.Close()
	if o.Apps == nil {
		// Once the first snapshot fixed the applications, fetch only them.
		progress, narrowed := o.Progress, false
		o.Progress = func(p WaitProgress) {
			if !narrowed {
				narrowed = true
				if names := p.Status.ApplicationNames(); len(names) > 0 {
					src.SetPatterns(names)
				}
			}
			if progress != nil {
				progress(p)
			}
		}
	}
	w := &Waiter{Source: src, Logger: m.ctrl.logger, changes: m.wtTracker()}
	s, err := w.WaitForIdle(ctx, &o)
	return s, m.wtNameOp(err, "wait for model "+strconv.Quote(m.QualifiedName())+" to be idle")
}

// Wait waits until ready holds on opts.Successes consecutive snapshots of
// the model; see Waiter.Wait for the rules and WaitOptions for the options
// (nil means 3 successes, no error predicate, at most 10 minutes). It polls
// like WaitForIdle, restricted to opts.Apps when given.
//
//	_, err := m.Wait(ctx, juju.All(juju.AllActive("pg"), juju.AllAgentsIdle("pg")),
//		&juju.WaitOptions{Error: juju.AnyError("pg")})
func (m *Model) Wait(ctx context.Context, ready Predicate, opts *WaitOptions) (*Status, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	src, err := m.StatusSource(PollingSourceConfig{Patterns: o.Apps, Interval: o.Interval})
	if err != nil {
		return nil, opError("wait for model", m.QualifiedName(), err)
	}
	defer src.Close()
	w := &Waiter{Source: src, Logger: m.ctrl.logger, changes: m.wtTracker()}
	s, err := w.Wait(ctx, ready, &o)
	return s, m.wtNameOp(err, "wait for model "+strconv.Quote(m.QualifiedName()))
}

// wtNameOp names the model in a WaitError's operation.
func (m *Model) wtNameOp(err error, op string) error {
	var we *WaitError
	if errors.As(err, &we) {
		we.Op = op
	}
	return err
}

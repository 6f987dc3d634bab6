package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/gojuju/juju/rpc"
)

// Source supplies successive status snapshots of one model. It is
// pull-based: the first Next returns the current status, each later Next
// blocks until a newer snapshot is available (for a polling source, until
// its interval has passed) or ctx ends.
//
// A source rides through lost connections itself where it can; an error
// from Next means it cannot go on (ctx ended, the model is gone, access was
// refused). On Juju 4 every source polls Client.FullStatus; nothing may
// use the AllWatcher there.
type Source interface {
	// Next returns the next snapshot.
	Next(ctx context.Context) (*Status, error)
	// Close releases the source's resources. It is idempotent; Next
	// fails after it.
	Close() error
}

// DefaultInterval is the interval at which a PollingSource polls
// when none is configured.
const DefaultInterval = time.Second

// PollingSourceConfig configures a PollingSource. Only Fetch is required.
type PollingSourceConfig struct {
	// Fetch gets one snapshot restricted to patterns (application, unit or
	// machine names; none = the whole model), typically by calling
	// Client.FullStatus. Model.StatusSource supplies one.
	Fetch func(ctx context.Context, patterns []string) (*Status, error)
	// Patterns restricts every fetch to what the caller is interested in
	// (a Waiter replaces them with the applications it watches, see
	// ApplicationWatcher). When a matched application is a subordinate,
	// the source adds its principal applications to the patterns, so that
	// the subordinate units (listed under their principals) are fetched
	// too: from what earlier snapshots said, or, the first time, with a
	// second fetch when the reply lacks the principals.
	Patterns []string
	// Interval is the time between the starts of two fetches; 0 means
	// DefaultInterval.
	Interval time.Duration
	// Reconnect, if set, is called after a fetch failed because the
	// connection was lost, before fetching again. Connection errors are
	// retried (with Reconnect, or by fetching again) until ctx ends.
	Reconnect func(ctx context.Context) error
	// Retryable, if set, decides which fetch errors are worth retrying
	// after an interval, in addition to lost connections. Nil means
	// rpc.IsRetryable ("try again", upgrade or migration in progress).
	Retryable func(error) bool
	// Logger receives reconnection and retry messages; nil is silent.
	Logger *slog.Logger
}

// PollingSource is a Source that polls. It is safe for concurrent
// use, but snapshots are handed out in order to one caller at a time.
type PollingSource struct {
	cfg PollingSourceConfig

	mu   sync.Mutex // serialises Next
	last time.Time  // start of the last fetch, monotonic
	// fetchDur is how long the last fetch took.
	fetchDur time.Duration
	closed   chan struct{}
	once     sync.Once
	noPats   bool // the server refused patterns; fetch everything

	pmu        sync.Mutex          // guards what follows
	patterns   []string            // what the caller asked for
	principals map[string][]string // subordinate application -> its principals, as snapshots said
}

// ApplicationWatcher is implemented by sources that can restrict their
// snapshots to some applications (PollingSource does). A Waiter tells its
// source which applications its condition watches: at the start when the
// options name them, or once the first snapshot fixed them (WaitForIdle
// without Apps), so that later snapshots fetch only what the wait needs.
type ApplicationWatcher interface {
	// WatchApplications restricts the snapshots from the next one on to
	// the named applications and what they need (the principals of
	// subordinates); none means the whole model.
	WatchApplications(apps []string)
}

var _ ApplicationWatcher = (*PollingSource)(nil)

// ErrSourceClosed is returned by Next after a Source was closed.
var ErrSourceClosed = errors.New("status source closed")

// NewPollingSource returns a PollingSource for cfg. It returns an error
// matching ErrInvalidArgument if cfg.Fetch is nil or cfg.Interval is
// negative.
func NewPollingSource(cfg PollingSourceConfig) (*PollingSource, error) {
	if cfg.Fetch == nil {
		return nil, fmt.Errorf("cannot create status source: %w: no fetch function", ErrInvalidArgument)
	}
	if cfg.Interval < 0 {
		return nil, fmt.Errorf("cannot create status source: %w: negative interval %v", ErrInvalidArgument, cfg.Interval)
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Retryable == nil {
		cfg.Retryable = rpc.IsRetryable
	}
	return &PollingSource{
		cfg:      cfg,
		patterns: slices.Clone(cfg.Patterns),
		closed:   make(chan struct{}),
	}, nil
}

// SetPatterns replaces the patterns used from the next fetch on.
func (p *PollingSource) SetPatterns(patterns []string) {
	p.pmu.Lock()
	p.patterns = slices.Clone(patterns)
	p.pmu.Unlock()
}

// WatchApplications implements ApplicationWatcher: the applications become
// the patterns of the next fetches.
func (p *PollingSource) WatchApplications(apps []string) { p.SetPatterns(apps) }

// Patterns returns the patterns the next fetch will use: those set, with
// the principals of the subordinate applications among them that earlier
// snapshots showed.
func (p *PollingSource) Patterns() []string {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	out := slices.Clone(p.patterns)
	for _, pat := range p.patterns {
		for _, principal := range p.principals[pat] {
			if !slices.Contains(out, principal) {
				out = append(out, principal)
			}
		}
	}
	return out
}

// learn remembers the principals of the subordinate applications in s.
func (p *PollingSource) learn(s *Status) {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	for name, a := range s.Applications {
		if len(a.SubordinateTo) == 0 {
			continue
		}
		if p.principals == nil {
			p.principals = make(map[string][]string)
		}
		p.principals[name] = slices.Clone(a.SubordinateTo)
	}
}

// Close stops the source; Next then fails with ErrSourceClosed. It is
// idempotent and always returns nil.
func (p *PollingSource) Close() error {
	p.once.Do(func() { close(p.closed) })
	return nil
}

// Next waits until the interval since the previous fetch has passed (not at
// all on the first call), then fetches and returns a snapshot. Lost
// connections are ridden through until ctx ends; the error then wraps both
// ctx's error and the last fetch error.
func (p *PollingSource) Next(ctx context.Context) (*Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var lastErr error
	backoff := p.cfg.Interval
	first := p.last.IsZero()
	for attempt := 0; ; attempt++ {
		if !first || attempt > 0 {
			wait := p.cfg.Interval - time.Since(p.last)
			if attempt > 0 {
				wait = backoff
				backoff = min(backoff*2, max(p.cfg.Interval, 10*time.Second))
			}
			if dl, ok := ctx.Deadline(); ok {
				// Never sleep past the deadline: the last attempt
				// starts early enough to end before it, so that a
				// model that settled during a long back-off is seen.
				if latest := time.Until(dl) - p.fetchDur; wait > latest {
					wait = max(latest, 0)
				}
			}
			if err := p.sleep(ctx, wait); err != nil {
				return nil, wrapStop(err, lastErr)
			}
		} else if err := p.stopped(ctx); err != nil {
			return nil, wrapStop(err, lastErr)
		}
		p.last = time.Now()
		s, err := p.fetch(ctx)
		p.fetchDur = time.Since(p.last)
		if err == nil {
			if attempt > 0 {
				p.logInfo(ctx, "status source recovered", "attempts", attempt+1)
			}
			return s, nil
		}
		if cerr := p.stopped(ctx); cerr != nil {
			return nil, wrapStop(cerr, err)
		}
		lastErr = err
		switch {
		case isConnectionError(err):
			p.logInfo(ctx, "status source lost its connection; reconnecting", "error", err.Error())
			if p.cfg.Reconnect != nil {
				if rerr := p.cfg.Reconnect(ctx); rerr != nil {
					lastErr = rerr
					if cerr := p.stopped(ctx); cerr != nil {
						return nil, wrapStop(cerr, rerr)
					}
					p.logInfo(ctx, "reconnecting failed; will retry", "error", rerr.Error())
				}
			}
		case p.cfg.Retryable(err):
			p.logInfo(ctx, "status fetch failed; will retry", "error", err.Error())
		default:
			return nil, fmt.Errorf("cannot get model status: %w", err)
		}
	}
}

// fetch fetches once with the current patterns (see Patterns), which
// costs one Client.FullStatus call except in two cases that each happen
// once per source: the server refused the patterns (the source then
// fetches the whole model, now and from then on), or a subordinate
// application's principals were neither known nor in the reply (the
// source fetches again with them, and knows them from then on).
func (p *PollingSource) fetch(ctx context.Context) (*Status, error) {
	patterns := p.Patterns()
	if p.noPats {
		patterns = nil
	}
	sent := time.Now()
	s, err := p.cfg.Fetch(ctx, patterns)
	if err != nil {
		if len(patterns) == 0 || isConnectionError(err) || ctx.Err() != nil || p.cfg.Retryable(err) {
			return nil, err
		}
		// Some servers refuse some patterns; everything is a superset.
		p.logInfo(ctx, "status with patterns failed; fetching the whole model from now on", "patterns", patterns, "error", err.Error())
		p.noPats = true
		patterns = nil
		sent = time.Now()
		if s, err = p.cfg.Fetch(ctx, nil); err != nil {
			return nil, err
		}
	}
	if s == nil {
		return nil, errors.New("fetch returned no status")
	}
	p.learn(s)
	if extra := missingPrincipals(s, patterns); len(extra) > 0 {
		sent = time.Now()
		s2, err := p.cfg.Fetch(ctx, append(slices.Clone(patterns), extra...))
		if err != nil {
			return nil, err
		}
		if s2 == nil {
			return nil, errors.New("fetch returned no status")
		}
		s = s2
	}
	if s.sent.IsZero() {
		s.sent = sent
	}
	if s.received.IsZero() {
		s.received = time.Now()
	}
	return s, nil
}

// missingPrincipals returns the principal applications of the subordinate
// applications that patterns name in s that s lacks (so that the
// subordinate units, listed under their principals' units, are missing
// too). Juju and jujusim list the principals' units of a subordinate
// named by a pattern: then there are none.
func missingPrincipals(s *Status, patterns []string) []string {
	var extra []string
	for _, name := range patterns {
		a := s.Applications[name]
		if a == nil {
			continue
		}
		for _, principal := range a.SubordinateTo {
			if s.Applications[principal] == nil && !slices.Contains(patterns, principal) && !slices.Contains(extra, principal) {
				extra = append(extra, principal)
			}
		}
	}
	slices.Sort(extra)
	return extra
}

func (p *PollingSource) stopped(ctx context.Context) error {
	select {
	case <-p.closed:
		return ErrSourceClosed
	default:
	}
	return context.Cause(ctx)
}

func (p *PollingSource) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return p.stopped(ctx)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return p.stopped(ctx)
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-p.closed:
		return ErrSourceClosed
	}
}

func (p *PollingSource) logInfo(ctx context.Context, msg string, args ...any) {
	if p.cfg.Logger != nil {
		p.cfg.Logger.InfoContext(ctx, msg, args...)
	}
}

// wrapStop returns stop (ctx's error or ErrSourceClosed), also wrapping
// the last fetch error when there was one.
func wrapStop(stop, last error) error {
	if last == nil || errors.Is(last, context.Canceled) || errors.Is(last, context.DeadlineExceeded) {
		return stop
	}
	return fmt.Errorf("%w (last error: %w)", stop, last)
}

// isConnectionError reports whether err means that the connection to the
// controller was lost or could not be made, so that the same call may
// succeed after reconnecting.
func isConnectionError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, rpc.ErrBroken) {
		return true
	}
	var de *rpc.DialError
	if errors.As(err, &de) {
		return rpc.IsRetryable(err)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var ce interface{ ConnectionError() bool }
	if errors.As(err, &ce) {
		return ce.ConnectionError()
	}
	return false
}

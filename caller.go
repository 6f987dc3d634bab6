package juju

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// apiConn is the one facade caller (a apiclient.Caller) through which every
// call of the package goes, generated clients and Call alike. It stands
// for the Controller's connection to one model (or the controller
// connection) rather than for one websocket: it starts on the connection
// that was current when it was obtained and moves to the replacement when
// that one breaks.
//
// After every call of a mutating method (facades.Mutating) that the
// controller accepted, it calls the Controller's mutation hooks.
type apiConn struct {
	ctrl  *Controller
	model string // model UUID; "" for the controller connection
	cur   atomic.Pointer[rpc.Conn]
}

// current returns the connection the next call goes to.
func (a *apiConn) current() *rpc.Conn { return a.cur.Load() }

// Login returns what the connection kept from its login.
func (a *apiConn) Login() rpc.LoginInfo { return a.current().Login() }

// Addr returns the address of the current connection.
func (a *apiConn) Addr() string { return a.current().Addr() }

// BestVersion implements apiclient.Caller.
func (a *apiConn) BestVersion(facade string) (int, error) { return a.current().BestVersion(facade) }

// HTTPClient, BaseURL and AuthHeader serve the HTTP endpoints of the
// current connection.
func (a *apiConn) HTTPClient() *http.Client { return a.current().HTTPClient() }

// BaseURL returns the HTTPS base URL of the current connection.
func (a *apiConn) BaseURL() string { return a.current().BaseURL() }

// AuthHeader returns the HTTP credentials of the current connection.
func (a *apiConn) AuthHeader() http.Header { return a.current().AuthHeader() }

// Call calls method of facade at the best version.
func (a *apiConn) Call(ctx context.Context, facade, method, id string, params, result any) error {
	v, err := a.BestVersion(facade)
	if err != nil {
		return err
	}
	return a.CallVersion(ctx, facade, v, method, id, params, result)
}

// CallVersion implements apiclient.Caller. It is where the package's retry
// rule lives (see doc.go, "Dropped connections"):
//
//   - a request that never left the client (rpc.ErrNotSent) because its
//     connection had failed or been replaced is sent again on the
//     replacement, whatever the method;
//   - a read-only call (facades.Mutating false) without an object id whose
//     connection failed before the answer came is sent again on the
//     replacement;
//   - a call of an idempotent mutating method (the idempotent table: it
//     sets state to given values) whose outcome is unknown is sent again;
//   - any other mutating call whose request was sent is never repeated: it
//     fails with an error matching ErrOutcomeUnknown, which the operations
//     resolve by reading the model's state where it can answer (see
//     outcome.go).
//
// Retries redial (calls made while a redial is under way wait for it)
// with a capped, jittered back-off that never sleeps past ctx's deadline,
// for at most the Controller's retry budget (Config.RetryTimeout).
func (a *apiConn) CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) error {
	mut := isMutating(facade, method)
	conn := a.current()
	var bo *backoff
	resends := 0
	for {
		if h := a.ctrl.requestHook.Load(); h != nil {
			(*h)(facade, version, method, params)
		}
		err := conn.CallVersion(ctx, facade, version, method, id, params, result)
		if err == nil {
			if mut {
				a.ctrl.mutated(ctx, mutation{Model: a.model, Facade: facade, Version: version, Method: method, ID: id, Params: params})
			}
			return nil
		}
		if mut && resends < maxResends && idempotent[facade+"."+method] && errors.Is(err, rpc.ErrOutcomeUnknown) &&
			ctx.Err() == nil && id == "" && !a.ctrl.isClosed() {
			// Setting the same state again is harmless: resend.
			resends++
			bo = nil
			conn = a.current()
			if next, derr := a.redial(ctx, conn, a.ctrl.newBackoff()); derr == nil {
				conn = next
			}
			a.ctrl.logger.DebugContext(ctx, "resending idempotent call whose outcome is unknown", "facade", facade, "method", method)
			continue
		}
		if !a.retryable(ctx, err, mut, id) {
			if errors.Is(err, rpc.ErrOutcomeUnknown) {
				if !mut {
					return readFailure(err)
				}
				a.ctrl.mutated(ctx, mutation{Model: a.model, Facade: facade, Version: version, Method: method, ID: id, Params: params, Unknown: true})
			}
			return err
		}
		if bo == nil {
			bo = a.ctrl.newBackoff()
		}
		next, derr := a.redial(ctx, conn, bo)
		if derr != nil {
			a.ctrl.logger.DebugContext(ctx, "call not retried", "facade", facade, "method", method, "error", derr.Error())
			if !mut {
				return readFailure(err)
			}
			return err
		}
		a.ctrl.logger.DebugContext(ctx, "retrying call on a new connection", "facade", facade, "method", method, "error", err.Error())
		a.ctrl.retries.Add(1)
		conn = next
	}
}

// retryable reports whether a call that failed with err may be sent again
// on a new connection (see CallVersion).
func (a *apiConn) retryable(ctx context.Context, err error, mut bool, id string) bool {
	if ctx.Err() != nil || id != "" || a.ctrl.isClosed() {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if !errors.Is(err, rpc.ErrBroken) && !errors.Is(err, rpc.ErrClosed) {
		return false
	}
	return errors.Is(err, rpc.ErrNotSent) || (!mut && errors.Is(err, rpc.ErrOutcomeUnknown))
}

// redial waits for the back-off (not before the first retry), then
// returns the Controller's connection that replaces failed, dialling it if
// need be and retrying dials that failed for a transient reason. It gives
// up with the last error when the back-off would sleep past ctx's
// deadline or the retry budget, or a dial fails for good.
func (a *apiConn) redial(ctx context.Context, failed *rpc.Conn, bo *backoff) (*rpc.Conn, error) {
	for {
		if err := bo.wait(ctx); err != nil {
			return nil, err
		}
		conn, err := a.ctrl.rawConn(ctx, a.model)
		if err == nil {
			if conn == failed {
				// Not replaced (the call failed for a reason the
				// connection does not show yet): dial again later.
				continue
			}
			a.cur.CompareAndSwap(failed, conn)
			return conn, nil
		}
		if !rpc.IsRetryable(err) {
			return nil, err
		}
	}
}

// readFailure turns the outcome-unknown error of a read-only call into
// the failure of its connection (or ctx's error): a read has no outcome
// to be unknown, and may be repeated.
func readFailure(err error) error {
	var ue *rpc.OutcomeUnknownError
	if !errors.As(err, &ue) {
		return err
	}
	return fmt.Errorf("cannot call %s: %w", ue.Call, ue.Err)
}

var _ apiclient.Caller = (*apiConn)(nil)

// mutation describes a call of a mutating facade method (see
// facades.Mutating) that the controller accepted (the call returned
// without an error, though the per-entity results of a bulk call may
// still hold errors), or whose outcome is unknown (Unknown).
type mutation struct {
	// Model is the UUID of the model the call went to; "" for the
	// controller connection.
	Model string
	// Facade, Version, Method and ID are the call's (ID is "" except for
	// watcher facades).
	Facade  string
	Version int
	Method  string
	ID      string
	// Params are the call's parameters, as passed (a wire type of
	// internal/facades, or what Model.Call was given).
	Params any
	// Unknown is set when the call's outcome is unknown: the request was
	// sent but the connection failed (or ctx ended) before the answer, so
	// the change may or may not have happened.
	Unknown bool
}

// mutationHook is a function called after each mutating call.
type mutationHook struct {
	f func(context.Context, mutation)
}

// onMutation registers f to be called, synchronously and in the calling
// goroutine, after each mutating call the controller accepted on any of
// the Controller's connections, before the call returns to its caller
// (so that a wait issued after an operation returned sees the change).
// f must be fast and must not call the controller. It returns a function
// that removes the hook. Helper for the wait engine's transient-state
// guard, and for tests.
func (c *Controller) onMutation(f func(context.Context, mutation)) (remove func()) {
	h := &mutationHook{f: f}
	for {
		old := c.mutationHooks.Load()
		var hooks []*mutationHook
		if old != nil {
			hooks = append(hooks, *old...)
		}
		hooks = append(hooks, h)
		if c.mutationHooks.CompareAndSwap(old, &hooks) {
			break
		}
	}
	return func() {
		for {
			old := c.mutationHooks.Load()
			var hooks []*mutationHook
			for _, o := range *old {
				if o != h {
					hooks = append(hooks, o)
				}
			}
			if c.mutationHooks.CompareAndSwap(old, &hooks) {
				return
			}
		}
	}
}

// mutated calls the mutation hooks.
func (c *Controller) mutated(ctx context.Context, m mutation) {
	hooks := c.mutationHooks.Load()
	if hooks == nil {
		return
	}
	for _, h := range *hooks {
		h.f(ctx, m)
	}
}

// isMutating reports whether facade.method may change state (the
// generated table; methods it does not know count as mutating).
func isMutating(facade, method string) bool { return facades.Mutating(facade, method) }

// Back-off between retries of a call: the first retry is immediate, then
// waits grow from backoffBase, doubling up to backoffCap, each drawn at
// random from its upper half so that clients do not retry in step.
const (
	backoffBase = 10 * time.Millisecond
	backoffCap  = 2 * time.Second
	// DefaultRetryTimeout is how long a call keeps retrying after its
	// connection failed when Config.RetryTimeout is 0.
	DefaultRetryTimeout = time.Minute
)

// backoff paces the retries of one call.
type backoff struct {
	next     time.Duration // 0 before the first retry
	deadline time.Time     // the retry budget's end; zero: none
}

func (c *Controller) newBackoff() *backoff {
	b := &backoff{}
	switch d := c.cfg.RetryTimeout; {
	case d == 0:
		b.deadline = time.Now().Add(DefaultRetryTimeout)
	case d > 0:
		b.deadline = time.Now().Add(d)
	default:
		b.deadline = time.Now() // no retries
	}
	return b
}

// errRetryBudget is returned by backoff.wait when the next wait would end
// past ctx's deadline or the retry budget.
var errRetryBudget = errors.New("no time left to retry")

// wait sleeps before the next retry. It returns errRetryBudget at once,
// without sleeping, when the sleep would end past ctx's deadline or the
// budget, and ctx's error if ctx ends first.
func (b *backoff) wait(ctx context.Context) error {
	d := b.next
	if d == 0 {
		b.next = backoffBase
	} else {
		d = d/2 + rand.N(d/2+1)
		b.next = min(2*b.next, backoffCap)
	}
	end := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && end.After(dl) {
		return errRetryBudget
	}
	if !b.deadline.IsZero() && end.After(b.deadline) {
		return errRetryBudget
	}
	if d == 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

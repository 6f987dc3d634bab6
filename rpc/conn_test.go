package rpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/rpc"
)

type echoResult struct {
	Params  json.RawMessage `json:"params"`
	Version int             `json:"version"`
	ID      string          `json:"id"`
}

func TestCallVersions(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name     string
		versions map[string][]int
		facade   string
		want     int
		wantErr  string
	}{
		{name: "any client version takes the server's highest", facade: "Test", want: 3},
		{name: "highest common", versions: map[string][]int{"Test": {1, 2, 7}}, facade: "Test", want: 2},
		{name: "highest common unordered", versions: map[string][]int{"Application": {22, 19, 20}}, facade: "Application", want: 22},
		{name: "no common version", versions: map[string][]int{"Test": {4, 5}}, facade: "Test",
			wantErr: `facade "Test" not supported: client versions [4 5], controller versions [1 2 3]`},
		{name: "client does not know the facade", versions: map[string][]int{"Other": {1}}, facade: "Test",
			wantErr: `facade "Test" not supported: client versions [], controller versions [1 2 3]`},
		{name: "server does not offer the facade", facade: "ModelManager",
			wantErr: `facade "ModelManager" not supported: client versions any, controller versions none`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := s.config()
			cfg.FacadeVersions = tt.versions
			cfg.PingInterval = -1
			c := dial(t, cfg)
			got, err := c.BestVersion(tt.facade)
			callErr := c.Call(context.Background(), tt.facade, "Echo", "", nil, nil)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("BestVersion(%q) = %d, %v; want error %q", tt.facade, got, err, tt.wantErr)
				}
				var ve *rpc.VersionError
				if !errors.Is(err, rpc.ErrNotSupported) || !errors.As(err, &ve) || ve.Facade != tt.facade {
					t.Errorf("BestVersion error %v does not match ErrNotSupported / *VersionError", err)
				}
				if !errors.Is(callErr, rpc.ErrNotSupported) {
					t.Errorf("Call error = %v, want ErrNotSupported", callErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("BestVersion(%q) = %d, %v; want %d", tt.facade, got, err, tt.want)
			}
			var res echoResult
			if err := c.Call(context.Background(), tt.facade, "Echo", "", nil, &res); err != nil {
				t.Fatal(err)
			}
			if res.Version != tt.want || string(res.Params) != "{}" {
				t.Errorf("server saw version %d params %s, want version %d params {}", res.Version, res.Params, tt.want)
			}
		})
	}
}

func TestCallParamsAndID(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	var res echoResult
	err := c.CallVersion(context.Background(), "Test", 1, "Echo", "watcher-7", map[string]any{"a": []int{1, 2}}, &res)
	if err != nil {
		t.Fatal(err)
	}
	want := echoResult{Params: json.RawMessage(`{"a":[1,2]}`), Version: 1, ID: "watcher-7"}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("echo mismatch (-want +got):\n%s", diff)
	}
	// Unencodable params fail without breaking the connection.
	if err := c.Call(context.Background(), "Test", "Echo", "", func() {}, nil); err == nil || !strings.Contains(err.Error(), "cannot encode params") {
		t.Errorf("Call with a func param = %v, want an encoding error", err)
	}
	// A result that does not fit fails without breaking the connection.
	var wrong struct {
		Params string `json:"params"`
	}
	if err := c.Call(context.Background(), "Test", "Echo", "", map[string]int{"x": 1}, &wrong); err == nil || !strings.Contains(err.Error(), "cannot decode the result of Test.Echo") {
		t.Errorf("Call with a mismatched result = %v, want a decoding error", err)
	}
	if err := c.Err(); err != nil {
		t.Errorf("connection failed after local errors: %v", err)
	}
}

func TestOutOfOrderResponses(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var res struct {
				Params struct {
					Value int `json:"value"`
				} `json:"params"`
			}
			errs[i] = c.Call(context.Background(), "Test", "Hold", "", map[string]any{"group": "ooo", "n": n, "value": i}, &res)
			if errs[i] == nil && res.Params.Value != i {
				errs[i] = fmt.Errorf("call %d got the response of call %d", i, res.Params.Value)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
}

func TestThousandConcurrentCalls(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			var res struct {
				Params struct {
					Value string `json:"value"`
				} `json:"params"`
			}
			want := fmt.Sprintf("call-%d", i)
			if err := c.Call(context.Background(), "Test", "Echo", "", map[string]string{"value": want}, &res); err != nil {
				errs <- err
			} else if res.Params.Value != want {
				errs <- fmt.Errorf("call %d got %q", i, res.Params.Value)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCancellation(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Call(ctx, "Test", "Block", "", nil, nil) }()
	waitFor(t, s.blocked, "the server to receive the call")
	cancel()
	err := waitFor(t, done, "the cancelled call to return")
	// The request had been sent: its outcome is unknown.
	if !errors.Is(err, context.Canceled) || !errors.Is(err, rpc.ErrOutcomeUnknown) || errors.Is(err, rpc.ErrNotSent) {
		t.Errorf("cancelled Call = %v, want context.Canceled and ErrOutcomeUnknown", err)
	}
	var ue *rpc.OutcomeUnknownError
	if !errors.As(err, &ue) || ue.Call.String() != "Test.Block" {
		t.Errorf("cancelled Call = %#v, want an *OutcomeUnknownError naming Test.Block", err)
	}
	if n := rpc.PendingCalls(c); n != 0 {
		t.Errorf("%d requests still pending after the cancelled call returned, want it forgotten", n)
	}
	// The connection still works.
	if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); err != nil {
		t.Errorf("Call after a cancellation: %v", err)
	}
	select {
	case <-c.Broken():
		t.Errorf("connection broken by a cancellation: %v", c.Err())
	default:
	}
	// An already expired context never sends anything.
	if err := c.Call(ctx, "Test", "Echo", "", nil, nil); !errors.Is(err, context.Canceled) || !errors.Is(err, rpc.ErrNotSent) || errors.Is(err, rpc.ErrOutcomeUnknown) {
		t.Errorf("Call with a done context = %v, want context.Canceled and ErrNotSent", err)
	}
}

func TestDeadline(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	// The request was sent: a reply that outlives the deadline leaves the
	// outcome unknown.
	if err := c.Call(ctx, "Test", "Block", "", nil, nil); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, rpc.ErrOutcomeUnknown) || rpc.IsRetryable(err) {
		t.Errorf("Call past its deadline = %v, want context.DeadlineExceeded and ErrOutcomeUnknown, not retryable", err)
	}
	if n := rpc.PendingCalls(c); n != 0 {
		t.Errorf("%d requests still pending after the expired call returned, want it forgotten", n)
	}
}

func TestServerErrorCodes(t *testing.T) {
	sentinels := map[string]error{
		"ErrNotFound": rpc.ErrNotFound, "ErrUnauthorized": rpc.ErrUnauthorized, "ErrAlreadyExists": rpc.ErrAlreadyExists,
		"ErrNotSupported": rpc.ErrNotSupported, "ErrNotImplemented": rpc.ErrNotImplemented, "ErrNotValid": rpc.ErrNotValid,
		"ErrTryAgain": rpc.ErrTryAgain, "ErrUpgradeInProgress": rpc.ErrUpgradeInProgress,
		"ErrMigrationInProgress": rpc.ErrMigrationInProgress, "ErrRedirect": rpc.ErrRedirect,
		"ErrQuotaExceeded": rpc.ErrQuotaExceeded, "ErrForbidden": rpc.ErrForbidden,
		"ErrClosed": rpc.ErrClosed, "ErrBroken": rpc.ErrBroken,
	}
	tests := []struct {
		code, message string
		want          string // sentinel name, "" for none
		retryable     bool
	}{
		{code: "not found", message: `application "x" not found`, want: "ErrNotFound"},
		{code: "model not found", message: `unknown model: "x"`, want: "ErrNotFound"},
		{code: "user not found", want: "ErrNotFound"},
		{code: "secret not found", want: "ErrNotFound"},
		{code: "secret revision not found", want: "ErrNotFound"},
		{code: "secret backend not found", want: "ErrNotFound"},
		{code: "unauthorized access", message: "permission denied", want: "ErrUnauthorized"},
		{code: "no credentials provided", want: "ErrUnauthorized"},
		{code: "login expired", want: "ErrUnauthorized"},
		{code: "session token invalid", want: "ErrUnauthorized"},
		{code: "already exists", message: "model admin/m1 already exists", want: "ErrAlreadyExists"},
		{code: "secret backend already exists", want: "ErrAlreadyExists"},
		{code: "not supported", want: "ErrNotSupported"},
		{code: "secret backend not supported", want: "ErrNotSupported"},
		{code: "not implemented", want: "ErrNotImplemented"},
		{message: "no such request - method Foo.Bar is not implemented", want: "ErrNotImplemented"},
		{code: "not valid", want: "ErrNotValid"},
		{code: "bad request", want: "ErrNotValid"},
		{code: "secret backend not valid", want: "ErrNotValid"},
		{code: "invalid tag", want: "ErrNotValid"},
		{code: "try again", want: "ErrTryAgain", retryable: true},
		{code: "not yet available; try again later", want: "ErrTryAgain", retryable: true},
		{code: "upgrade in progress", want: "ErrUpgradeInProgress", retryable: true},
		{code: "model migration in progress", want: "ErrMigrationInProgress", retryable: true},
		{message: "model migration in progress", want: "ErrMigrationInProgress", retryable: true},
		{code: "redirection required", want: "ErrRedirect"},
		{code: "quota limit exceeded", want: "ErrQuotaExceeded"},
		{code: "forbidden", want: "ErrForbidden"},
		{code: "secret backend forbidden", want: "ErrForbidden"},
		{code: "operation is blocked", message: "blocked"},
		{code: "deadline exceeded"},
		{message: "something odd happened"},
	}
	s := newTestServer(t)
	c := dial(t, s.config())
	for _, tt := range tests {
		t.Run(tt.code+"|"+tt.message, func(t *testing.T) {
			err := c.Call(context.Background(), "Test", "Error", "", map[string]any{"code": tt.code, "message": tt.message, "info": map[string]any{"k": "v"}}, nil)
			var se *rpc.Error
			if !errors.As(err, &se) {
				t.Fatalf("Call error = %#v, want a *rpc.Error", err)
			}
			want := &rpc.Error{Code: tt.code, Message: tt.message, Info: map[string]any{"k": "v"}}
			if diff := cmp.Diff(want, se); diff != "" {
				t.Errorf("server error mismatch (-want +got):\n%s", diff)
			}
			for name, sentinel := range sentinels {
				if got := errors.Is(err, sentinel); got != (name == tt.want) {
					t.Errorf("errors.Is(%q, %s) = %t", err, name, got)
				}
			}
			if got := rpc.IsRetryable(err); got != tt.retryable {
				t.Errorf("IsRetryable(%q) = %t, want %t", err, got, tt.retryable)
			}
		})
	}
	if err := c.Err(); err != nil {
		t.Errorf("server errors broke the connection: %v", err)
	}
}

func TestMalformedFrameBreaksConnection(t *testing.T) {
	tests := []struct {
		name   string
		frame  string
		binary bool
	}{
		{name: "not JSON", frame: "this is not JSON"},
		{name: "truncated JSON", frame: `{"request-id":2,"response":{`},
		{name: "JSON array", frame: `[1,2,3]`},
		{name: "no request id", frame: `{"response":{}}`},
		{name: "v0 framing", frame: `{"RequestId":2,"Response":{}}`},
		{name: "request from the server", frame: `{"request-id":2,"type":"Client","request":"FullStatus","params":{}}`},
		{name: "trailing garbage", frame: `{"request-id":2,"response":{}} x`},
		{name: "binary message", frame: `{"request-id":2,"response":{}}`, binary: true},
	}
	s := newTestServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, s.config())
			// A call left pending when the connection breaks.
			pending := make(chan error, 1)
			go func() { pending <- c.Call(context.Background(), "Test", "Block", "", nil, nil) }()
			waitFor(t, s.blocked, "the server to receive the blocking call")

			err := c.Call(context.Background(), "Test", "Raw", "", map[string]any{"frame": tt.frame, "binary": tt.binary}, nil)
			var fe *rpc.FrameError
			if !errors.Is(err, rpc.ErrBroken) || !errors.As(err, &fe) {
				t.Fatalf("Call error = %v, want ErrBroken with a *FrameError", err)
			}
			if !strings.HasPrefix(string(fe.Frame), tt.frame[:min(10, len(tt.frame))]) {
				t.Errorf("FrameError.Frame = %q, want the frame", fe.Frame)
			}
			waitFor(t, c.Broken(), "Broken()")
			if err := waitFor(t, pending, "the pending call"); !errors.Is(err, rpc.ErrBroken) {
				t.Errorf("pending call error = %v, want ErrBroken", err)
			}
			if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); !errors.Is(err, rpc.ErrBroken) || !errors.Is(err, rpc.ErrNotSent) || !rpc.IsRetryable(err) {
				t.Errorf("Call after the break = %v, want ErrBroken and ErrNotSent, retryable", err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close after the break: %v", err)
			}
		})
	}
}

// A call in flight when the connection broke reports the break (ErrBroken,
// outcome unknown) even when another goroutine closes the connection
// before the call looks at why it ended: under concurrent use, the caller
// that notices the break first closes the connection to replace it, and
// the others used to get "closed after it had broken", which matched
// ErrClosed and was not retryable.
func TestCallInFlightWhenBrokenThenClosed(t *testing.T) {
	s := newTestServer(t)
	for range 20 {
		c := dial(t, s.config())
		const n = 8
		done := make(chan error, n)
		for range n {
			go func() { done <- c.Call(context.Background(), "Test", "Block", "", nil, nil) }()
		}
		for range n {
			waitFor(t, s.blocked, "the server to receive the calls")
		}
		s.DropConns()
		<-c.Broken()
		c.Close()
		for range n {
			err := waitFor(t, done, "the call to fail")
			if !errors.Is(err, rpc.ErrBroken) || errors.Is(err, rpc.ErrClosed) || !errors.Is(err, rpc.ErrOutcomeUnknown) {
				t.Fatalf("call in flight when the connection broke = %v, want ErrBroken and ErrOutcomeUnknown, not ErrClosed", err)
			}
		}
	}
}

func TestUnknownRequestIDIgnored(t *testing.T) {
	s := newTestServer(t)
	var logs syncBuffer
	cfg := s.config()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := dial(t, cfg)
	var res struct {
		Params struct {
			V int `json:"v"`
		} `json:"params"`
	}
	if err := c.Call(context.Background(), "Test", "Stray", "", map[string]int{"v": 42}, &res); err != nil {
		t.Fatal(err)
	}
	if res.Params.V != 42 {
		t.Errorf("result = %+v, want v 42", res)
	}
	if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); err != nil {
		t.Errorf("Call after a stray response: %v", err)
	}
	if !strings.Contains(logs.String(), "unknown request id") {
		t.Errorf("the stray response was not logged:\n%s", logs.String())
	}
}

func TestServerClosesMidCall(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	done := make(chan error, 1)
	go func() { done <- c.Call(context.Background(), "Test", "Block", "", nil, nil) }()
	waitFor(t, s.blocked, "the server to receive the call")
	s.DropConns()
	err := waitFor(t, done, "the call to fail")
	if !errors.Is(err, rpc.ErrBroken) || errors.Is(err, rpc.ErrClosed) || !errors.Is(err, rpc.ErrOutcomeUnknown) {
		t.Errorf("Call error = %v, want ErrBroken and ErrOutcomeUnknown (not ErrClosed)", err)
	}
	// The request was sent: retrying it might run it twice.
	if rpc.IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = true for a call whose outcome is unknown", err)
	}
	if !strings.Contains(err.Error(), "cannot call Test.Block: outcome unknown: connection broken") {
		t.Errorf("error %q does not say what failed", err)
	}
	waitFor(t, c.Broken(), "Broken()")
	if !errors.Is(c.Err(), rpc.ErrBroken) {
		t.Errorf("Err() = %v, want ErrBroken", c.Err())
	}
	// After Close, calls fail with ErrClosed as documented, even though the
	// connection had broken first; the error still says why it broke.
	c.Close()
	err = c.Call(context.Background(), "Test", "Echo", "", nil, nil)
	if !errors.Is(err, rpc.ErrClosed) || !errors.Is(err, rpc.ErrBroken) || rpc.IsRetryable(err) {
		t.Errorf("Call after Close of a broken connection = %v, want ErrClosed (and ErrBroken), not retryable", err)
	}
}

func TestServerDropsDuringCall(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	err := c.Call(context.Background(), "Test", "Drop", "", nil, nil)
	if !errors.Is(err, rpc.ErrBroken) {
		t.Errorf("Call error = %v, want ErrBroken", err)
	}
}

func TestPingFailureBreaksConnection(t *testing.T) {
	s := newTestServer(t)
	s.DropPings.Store(true)
	cfg := s.config()
	cfg.PingInterval = 5 * time.Millisecond
	cfg.PingTimeout = 20 * time.Millisecond
	c := dial(t, cfg)
	waitFor(t, c.Broken(), "the failed ping to break the connection")
	err := c.Err()
	if !errors.Is(err, rpc.ErrBroken) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "ping failed") {
		t.Errorf("Err() = %v, want a broken connection from a ping timeout", err)
	}
	if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); !errors.Is(err, rpc.ErrBroken) {
		t.Errorf("Call after the ping failure = %v, want ErrBroken", err)
	}
}

func TestPingsKeepConnection(t *testing.T) {
	s := newTestServer(t)
	cfg := s.config()
	cfg.PingInterval = time.Millisecond
	c := dial(t, cfg)
	for range 3 {
		waitFor(t, s.pinged, "a ping")
	}
	if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); err != nil {
		t.Errorf("Call after pings: %v", err)
	}
	if err := c.Err(); err != nil {
		t.Errorf("Err() = %v after successful pings", err)
	}
}

func TestClose(t *testing.T) {
	s := newTestServer(t)
	c := dial(t, s.config())
	pending := make(chan error, 1)
	go func() { pending <- c.Call(context.Background(), "Test", "Block", "", nil, nil) }()
	waitFor(t, s.blocked, "the server to receive the call")

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	wg.Wait()
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	select {
	case <-c.Broken():
	default:
		t.Error("Broken() not closed after Close")
	}
	if err := waitFor(t, pending, "the pending call"); !errors.Is(err, rpc.ErrClosed) || errors.Is(err, rpc.ErrBroken) {
		t.Errorf("pending call error = %v, want ErrClosed", err)
	}
	err := c.Call(context.Background(), "Test", "Echo", "", nil, nil)
	if !errors.Is(err, rpc.ErrClosed) || rpc.IsRetryable(err) {
		t.Errorf("Call after Close = %v, want ErrClosed and not retryable", err)
	}
	if !errors.Is(c.Err(), rpc.ErrClosed) {
		t.Errorf("Err() = %v, want ErrClosed", c.Err())
	}
}

type traceRecord struct {
	Start rpc.CallStartData
	End   rpc.CallEndData
}

type ctxKey struct{}

type recordingTracer struct {
	mu      sync.Mutex
	records []traceRecord
}

func (r *recordingTracer) TraceCallStart(ctx context.Context, d rpc.CallStartData) context.Context {
	return context.WithValue(ctx, ctxKey{}, d)
}

func (r *recordingTracer) TraceCallEnd(ctx context.Context, d rpc.CallEndData) {
	start, _ := ctx.Value(ctxKey{}).(rpc.CallStartData)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, traceRecord{Start: start, End: d})
}

func TestTracer(t *testing.T) {
	s := newTestServer(t)
	tr := &recordingTracer{}
	cfg := s.config()
	cfg.Tracer = tr
	cfg.PingInterval = -1
	c := dial(t, cfg)
	if err := c.Call(context.Background(), "Test", "Echo", "w1", nil, nil); err != nil {
		t.Fatal(err)
	}
	_ = c.Call(context.Background(), "Test", "Error", "", map[string]string{"code": "not found", "message": "gone"}, nil)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if len(tr.records) != 3 {
		t.Fatalf("got %d traced calls, want 3 (login and two calls)", len(tr.records))
	}
	for _, r := range tr.records {
		if r.End.Duration <= 0 {
			t.Errorf("call %d: duration %v", r.End.RequestID, r.End.Duration)
		}
	}
	got := make([]traceRecord, len(tr.records))
	for i, r := range tr.records {
		r.End.Duration = 0
		got[i] = r
	}
	want := []traceRecord{
		{Start: rpc.CallStartData{Facade: "Admin", Version: 3, Method: "Login", RequestID: 1}, End: rpc.CallEndData{Facade: "Admin", Version: 3, Method: "Login", RequestID: 1}},
		{Start: rpc.CallStartData{Facade: "Test", Version: 3, Method: "Echo", ID: "w1", RequestID: 2}, End: rpc.CallEndData{Facade: "Test", Version: 3, Method: "Echo", ID: "w1", RequestID: 2}},
		{Start: rpc.CallStartData{Facade: "Test", Version: 3, Method: "Error", RequestID: 3}, End: rpc.CallEndData{Facade: "Test", Version: 3, Method: "Error", RequestID: 3, Err: &rpc.Error{Message: "gone", Code: "not found"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("traces mismatch (-want +got):\n%s", diff)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestPasswordNeverLogged(t *testing.T) {
	s := newTestServer(t)
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := s.config()
	cfg.Logger = logger
	cfg.PingInterval = time.Millisecond
	cfg.Addrs = []string{deadAddr(t), s.Addr}
	cfg.DialStagger = time.Millisecond

	// A whole session: dial past a dead address, calls, errors, pings, a
	// failed login, a broken connection, close.
	c := dial(t, cfg)
	waitFor(t, s.pinged, "a ping")
	if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); err != nil {
		t.Fatal(err)
	}
	_ = c.Call(context.Background(), "Test", "Error", "", map[string]string{"code": "not found", "message": "gone"}, nil)
	logger.Debug("config", "cfg", cfg, "login", &rpc.PasswordLogin{Username: "admin", Password: testPassword},
		"request", rpc.LoginRequest{AuthTag: "user-admin", Credentials: testPassword})
	_ = c.Close()

	bad := cfg
	bad.Password = testPassword + "-wrong"
	if _, err := rpc.Dial(context.Background(), bad); err == nil {
		t.Fatal("Dial with a wrong password succeeded")
	}
	c2 := dial(t, cfg)
	s.DropConns()
	waitFor(t, c2.Broken(), "Broken()")
	_ = c2.Close()

	out := logs.String()
	if !strings.Contains(out, `"method":"Login"`) || !strings.Contains(out, `"method":"Echo"`) || !strings.Contains(out, "request-id") {
		t.Fatalf("debug log does not show the calls:\n%s", out)
	}
	if strings.Contains(out, testPassword) {
		t.Errorf("the password appears in the debug log:\n%s", out)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(format, cfg); strings.Contains(got, testPassword) {
			t.Errorf("fmt %s of Config shows the password: %s", format, got)
		}
		if got := fmt.Sprintf(format, &rpc.PasswordLogin{Password: testPassword}); strings.Contains(got, testPassword) {
			t.Errorf("fmt %s of PasswordLogin shows the password: %s", format, got)
		}
	}
}

// connGoroutines counts the goroutines running c's reader, writer or
// pinger, recognised by the receiver in their stack frames.
func connGoroutines(c *rpc.Conn) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, fn := range []string{"readLoop", "writeLoop", "pingLoop"} {
			if strings.Contains(g, fmt.Sprintf("rpc.(*Conn).%s(%p", fn, c)) {
				count++
				break
			}
		}
	}
	return count
}

// TestCloseWaitsForGoroutines checks that Close returns only after the
// reader, writer and pinger have exited.
func TestCloseWaitsForGoroutines(t *testing.T) {
	s := newTestServer(t)
	cfg := s.config()
	cfg.PingInterval = time.Hour // the pinger runs, but does not ping
	c, err := rpc.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// After a call, the reader and writer have surely started.
	if err := c.Call(context.Background(), "Test", "Echo", "", nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := connGoroutines(c); got < 2 {
		t.Fatalf("%d goroutines of the connection found after a call, want at least the reader and writer", got)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got := connGoroutines(c); got != 0 {
		t.Errorf("%d goroutines of the connection still running after Close returned, want 0", got)
	}
}

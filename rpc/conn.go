package rpc

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/internal/corkconn"
)

// MaxFrameSize is the largest frame the connection accepts from the
// controller. A FullStatus of a model with many thousands of units is tens of
// megabytes.
const MaxFrameSize = 256 << 20

// minWriteTimeout bounds each frame write (at least the ping timeout).
const minWriteTimeout = 30 * time.Second

// Conn is a logged-in connection to a controller or model. It is safe for
// concurrent use: any number of calls may be in flight at once.
type Conn struct {
	ws      *websocket.Conn
	cc      *corkconn.Conn // the websocket's TCP connection; nil if unknown
	ep      endpoint
	tlsCfg  *tls.Config // nil for ws://
	login   LoginProvider
	version string
	logger  *slog.Logger // nil: silent
	tracer  Tracer
	facades map[string][]int // client's FacadeVersions
	info    LoginInfo
	httpMu  sync.Mutex
	http    *http.Client
	httpTr  *http.Transport

	pingInterval time.Duration
	pingTimeout  time.Duration
	writeTimeout time.Duration

	nextID atomic.Uint64
	sendq  chan *outgoing
	// streamCalls counts the calls in flight whose result is a
	// StreamResultDecoder: while there are none, the reader does not look
	// for a frame to stream.
	streamCalls atomic.Int32

	mu      sync.Mutex
	pending map[uint64]*call

	// Used by the reader goroutine only.
	lim     io.LimitedReader // the start of each frame
	vr      valueReader      // a streamed response value
	scratch []byte

	doneOnce  sync.Once
	broken    chan struct{}
	err       error // set before broken is closed
	cancel    context.CancelFunc
	closeOnce sync.Once
	closed    atomic.Bool // Close or closeNow was called
	wg        sync.WaitGroup
}

// newConn wraps an open websocket and starts the reader and writer. ctx only
// provides values: the goroutines live until the Conn fails or is closed.
func newConn(ctx context.Context, ws *websocket.Conn, cc *corkconn.Conn, ep endpoint, tlsCfg *tls.Config, cfg *Config, login LoginProvider) *Conn {
	ws.SetReadLimit(MaxFrameSize)
	c := &Conn{
		ws:           ws,
		cc:           cc,
		ep:           ep,
		tlsCfg:       tlsCfg,
		login:        login,
		version:      cfg.clientVersion(),
		logger:       cfg.Logger,
		tracer:       cfg.Tracer,
		facades:      cfg.FacadeVersions,
		pingInterval: durationOr(cfg.PingInterval, DefaultPingInterval),
		pingTimeout:  durationOr(cfg.PingTimeout, DefaultPingTimeout),
		sendq:        make(chan *outgoing, 256),
		pending:      make(map[uint64]*call),
		broken:       make(chan struct{}),
	}
	c.writeTimeout = max(minWriteTimeout, c.pingTimeout)
	if cc != nil {
		cc.SetWriteTimeout(c.writeTimeout)
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	c.wg.Add(2)
	go c.readLoop(lctx)
	go c.writeLoop(lctx)
	return c
}

// startPinger starts the liveness check, unless disabled. ctx only provides
// values; the pinger stops when the connection fails or is closed.
func (c *Conn) startPinger(ctx context.Context) {
	if c.pingInterval < 0 {
		return
	}
	c.wg.Add(1)
	go c.pingLoop(context.WithoutCancel(ctx))
}

func (c *Conn) debug(ctx context.Context, msg string, attrs ...slog.Attr) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}

// Login returns what the connection kept from its login result. The maps and
// slices in it are shared: do not modify them.
func (c *Conn) Login() LoginInfo { return c.info }

// Addr returns the configured address that won the dial.
func (c *Conn) Addr() string { return c.ep.addr }

// Broken returns a channel that is closed when the connection has failed
// (read or write error, malformed frame, failed ping) or has been closed.
func (c *Conn) Broken() <-chan struct{} { return c.broken }

// Err returns nil while the connection works, and then why it stopped: an
// error matching ErrBroken when it failed, ErrClosed once Close was called
// (and ErrBroken too if it had failed before).
func (c *Conn) Err() error {
	select {
	case <-c.broken:
		return c.doneErr()
	default:
		return nil
	}
}

// BestVersion returns the highest version of facade that both the client
// (Config.FacadeVersions) and the controller support on this connection. The
// error, a *VersionError, matches ErrNotSupported and names the facade and
// both version sets.
func (c *Conn) BestVersion(facade string) (int, error) {
	server := c.info.Facades[facade]
	var client []int
	if c.facades != nil {
		client = c.facades[facade]
		if client == nil {
			client = []int{}
		}
	}
	if v := bestVersion(client, server); v > 0 {
		return v, nil
	}
	return 0, &VersionError{Facade: facade, Client: client, Server: server}
}

// bestVersion returns the highest version in server that is also in client
// (any, when client is nil), or 0.
func bestVersion(client, server []int) int {
	best := 0
	for _, v := range server {
		if v <= best {
			continue
		}
		if client == nil {
			best = v
			continue
		}
		for _, cv := range client {
			if cv == v {
				best = v
				break
			}
		}
	}
	return best
}

// Call calls method of facade at the best version (see BestVersion). id is
// the object id, "" except for watcher facades. params is encoded as JSON
// (nil is sent as {}); the response is decoded into result unless result is
// nil.
//
// A failed call has one of three outcomes, told apart with errors.Is:
//   - ErrRefused: the controller answered with an error (a *Error).
//   - ErrNotSent: the request never left the client (a *NotSentError): the
//     connection had failed or been closed, or ctx ended, before the
//     request was written. Nothing was executed.
//   - ErrOutcomeUnknown: the request was written (or was being written) but
//     no answer came, because the connection failed or was closed or ctx
//     ended first (an *OutcomeUnknownError). The controller may have
//     executed it.
//
// The errors of a failed or closed connection also match ErrBroken or
// ErrClosed, and those of an ended ctx its ctx.Err().
func (c *Conn) Call(ctx context.Context, facade, method, id string, params, result any) error {
	v, err := c.BestVersion(facade)
	if err != nil {
		return fmt.Errorf("cannot call %s.%s: %w", facade, method, err)
	}
	return c.CallVersion(ctx, facade, v, method, id, params, result)
}

// outgoing is a request frame waiting for the writer. state moves from
// queued to either taken (the writer took it: it may reach the
// controller) then written (the writer is done with it), or abandoned (its
// caller gave up first: it never will reach the controller).
type outgoing struct {
	data  []byte
	state atomic.Int32
}

const (
	outQueued int32 = iota
	outTaken
	outAbandoned
	outWritten
)

// call is one call in flight: its request and, once the reader has
// delivered it, its response. Calls are recycled (callPool) once answered,
// when neither the writer nor the reader can refer to them any more.
type call struct {
	out    outgoing
	done   chan struct{} // the reader sends once, after setting resp and rbuf
	resp   responseFrame
	rbuf   *bytes.Buffer // the frame resp was decoded from
	result any           // the caller's, for a StreamResultDecoder

	// Set by the reader when it streamed the response value into result
	// (see streamFrame): decErr is the decoder's error; lost says that the
	// connection failed meanwhile.
	streamed bool
	decErr   error
	lost     bool
}

var callPool = sync.Pool{New: func() any { return &call{done: make(chan struct{}, 1)} }}

// maxPooledRequest bounds the request buffers kept for reuse.
const maxPooledRequest = 64 << 10

func getCall() *call {
	cl := callPool.Get().(*call)
	cl.out.state.Store(outQueued)
	return cl
}

// putCall recycles an answered call whose request the writer is done with.
func putCall(cl *call) {
	if cl.out.state.Load() != outWritten {
		return // the writer may still hold it (a reply before the request?)
	}
	cl.resp = responseFrame{}
	putReadBuf(cl.rbuf)
	cl.rbuf, cl.result = nil, nil
	cl.streamed, cl.decErr, cl.lost = false, nil, false
	if cap(cl.out.data) > maxPooledRequest {
		cl.out.data = nil
	}
	callPool.Put(cl)
}

// abandon reports whether the request was withdrawn before the writer took
// it (so it was not sent); false means it may have been sent.
func (o *outgoing) abandon() bool { return o.state.CompareAndSwap(outQueued, outAbandoned) }

// CallVersion is Call at an explicit facade version.
func (c *Conn) CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) (err error) {
	call := CallRef{Facade: facade, Version: version, Method: method, ID: id}
	if err := ctx.Err(); err != nil {
		return &NotSentError{Call: call, Err: err}
	}
	if err := c.Err(); err != nil {
		return &NotSentError{Call: call, Err: c.doneErr()}
	}
	reqID := c.nextID.Add(1)
	start := time.Now()
	if c.tracer != nil {
		ctx = c.tracer.TraceCallStart(ctx, CallStartData{Facade: facade, Version: version, Method: method, ID: id, RequestID: reqID})
	}
	defer func() {
		d := time.Since(start)
		if c.tracer != nil {
			c.tracer.TraceCallEnd(ctx, CallEndData{Facade: facade, Version: version, Method: method, ID: id, RequestID: reqID, Duration: d, Err: err})
		}
		if c.logger != nil && c.logger.Enabled(ctx, slog.LevelDebug) {
			attrs := []slog.Attr{
				slog.String("facade", facade), slog.Int("version", version), slog.String("method", method),
				slog.Uint64("request-id", reqID), slog.Duration("duration", d),
			}
			if id != "" {
				attrs = append(attrs, slog.String("id", id))
			}
			if err != nil {
				attrs = append(attrs, slog.String("error", err.Error()))
			}
			c.debug(ctx, "rpc call", attrs...)
		}
	}()

	cl := getCall()
	cl.result = result
	if _, ok := result.(StreamResultDecoder); ok {
		c.streamCalls.Add(1)
		defer c.streamCalls.Add(-1)
	}
	data, err := appendRequest(cl.out.data[:0], &requestFrame{RequestID: reqID, Type: facade, Version: version, ID: id, Request: method, Params: params})
	cl.out.data = data
	if err != nil {
		return fmt.Errorf("cannot call %s.%s: cannot encode params: %w", facade, method, err)
	}
	out := &cl.out
	c.mu.Lock()
	c.pending[reqID] = cl
	c.mu.Unlock()

	// failed is the error of a call that got no answer: not sent if the
	// writer never took the request, else outcome unknown. (The call is
	// not recycled: the writer may still hold it.)
	failed := func(cause error) error {
		if out.abandon() {
			return &NotSentError{Call: call, Err: cause}
		}
		return &OutcomeUnknownError{Call: call, Err: cause}
	}
	select {
	case c.sendq <- out:
	case <-ctx.Done():
		c.forget(reqID)
		return &NotSentError{Call: call, Err: ctx.Err()}
	case <-c.broken:
		c.forget(reqID)
		return &NotSentError{Call: call, Err: c.stopErr()}
	}

	// A call the reader has taken from c.pending is answered: its reply
	// came at the same time as the end of ctx or of the connection, or is
	// being streamed into result, which the call waits for.
	select {
	case <-cl.done:
	case <-ctx.Done():
		if c.forget(reqID) {
			return failed(ctx.Err())
		}
		<-cl.done
	case <-c.broken:
		if c.forget(reqID) {
			return failed(c.stopErr())
		}
		<-cl.done
	}
	defer putCall(cl)
	if cl.lost {
		return &OutcomeUnknownError{Call: call, Err: c.stopErr()}
	}
	resp := &cl.resp
	if se := resp.serverError(); se != nil {
		return se
	}
	if cl.streamed {
		if cl.decErr != nil {
			return fmt.Errorf("cannot decode the result of %s.%s: %w", facade, method, cl.decErr)
		}
		return nil
	}
	if result != nil && len(resp.Response) > 0 {
		if err := decodeResult(resp.Response, result); err != nil {
			return fmt.Errorf("cannot decode the result of %s.%s: %w", facade, method, err)
		}
	}
	return nil
}

// ResultDecoder is implemented by call results that decode the reply
// themselves, for speed (status snapshots of thousands of units). Call
// passes DecodeResult the reply's "response" value, which the connection
// has already checked to be one valid JSON value, instead of calling
// json.Unmarshal (which would scan it twice more before decoding). data is
// only valid during the call: DecodeResult must copy what it keeps. A
// result that other callers may fill with json.Unmarshal should implement
// json.Unmarshaler too.
type ResultDecoder interface {
	DecodeResult(data []byte) error
}

// decodeResult decodes a reply's response value into result.
func decodeResult(data []byte, result any) error {
	if d, ok := result.(ResultDecoder); ok {
		return d.DecodeResult(data)
	}
	return json.Unmarshal(data, result)
}

// forget withdraws a call from those waiting for an answer, and reports
// whether it was still waiting (the reader had not taken it).
func (c *Conn) forget(reqID uint64) bool {
	c.mu.Lock()
	_, ok := c.pending[reqID]
	delete(c.pending, reqID)
	c.mu.Unlock()
	return ok
}

func (c *Conn) readLoop(ctx context.Context) {
	defer c.wg.Done()
	// Reads are not bounded by ctx: fail and Close close the websocket,
	// which ends a read. (A ctx that can be cancelled costs the websocket
	// a context.AfterFunc for every frame.)
	rctx := context.WithoutCancel(ctx)
	var f responseFrame
	for {
		typ, rb, err := c.readFrame(rctx)
		if err != nil {
			c.fail(ctx, err)
			return
		}
		if rb == nil {
			continue // streamed
		}
		data := rb.Bytes()
		if typ != websocket.MessageText {
			c.fail(ctx, newFrameError(data, errBinaryMessage))
			return
		}
		f = responseFrame{}
		if err := decodeResponseInto(data, &f, true); err != nil {
			c.fail(ctx, err)
			return
		}
		c.mu.Lock()
		cl, ok := c.pending[f.RequestID]
		delete(c.pending, f.RequestID)
		c.mu.Unlock()
		if !ok {
			c.debug(ctx, "rpc response for unknown request id ignored", slog.Uint64("request-id", f.RequestID))
			putReadBuf(rb)
			continue
		}
		cl.resp, cl.rbuf = f, rb
		cl.done <- struct{}{}
	}
}

// maxBatch bounds the frames the writer gathers before it flushes them.
const maxBatch = 64

// writeLoop writes the queued requests. It takes every request already
// queued and sends them together: one write to the TCP connection (with
// the connection's write deadline) for a batch of frames instead of one
// each.
// readFrame reads one message into a buffer from readBufPool, which the
// frame's response value (a sub-slice) is decoded from and which the call
// recycles once it has decoded its result; or it streams the message's
// response value into its call's result (see streamFrame) and returns a
// nil buffer. Its errors break the connection.
func (c *Conn) readFrame(ctx context.Context) (websocket.MessageType, *bytes.Buffer, error) {
	typ, r, err := c.ws.Reader(ctx)
	if err != nil {
		return 0, nil, c.readError(err)
	}
	rb := readBufPool.Get().(*bytes.Buffer)
	rb.Reset()
	c.lim.R, c.lim.N = r, streamPrefix
	_, err = rb.ReadFrom(&c.lim)
	c.lim.R = nil
	if err != nil {
		return 0, nil, c.readError(err)
	}
	if c.lim.N > 0 {
		return typ, rb, nil // the whole frame
	}
	if typ == websocket.MessageText && c.streamCalls.Load() > 0 {
		streamed, err := c.streamFrame(ctx, rb, r)
		if streamed || err != nil {
			putReadBuf(rb)
			return typ, nil, err
		}
	}
	if _, err := rb.ReadFrom(r); err != nil {
		return 0, nil, c.readError(err)
	}
	return typ, rb, nil
}

func (c *Conn) readError(err error) error {
	return fmt.Errorf("cannot read from %s: %w", c.ep.addr, err)
}

// streamFrame streams the response value of the frame that starts with
// the bytes in rb and goes on in r into its call's result, if the frame
// can be streamed (parseStreamPrefix) and the result is a
// StreamResultDecoder, and reports whether it did. It then reads and
// checks the rest of the frame, and delivers the call. Its error, a
// malformed frame or a failed read, breaks the connection; the call it
// had taken is then lost.
func (c *Conn) streamFrame(ctx context.Context, rb *bytes.Buffer, r io.Reader) (bool, error) {
	id, off, ok := parseStreamPrefix(rb.Bytes())
	if !ok {
		return false, nil
	}
	c.mu.Lock()
	cl, ok := c.pending[id]
	sd, isStream := StreamResultDecoder(nil), false
	if ok {
		sd, isStream = cl.result.(StreamResultDecoder)
	}
	if !isStream {
		c.mu.Unlock()
		return false, nil
	}
	delete(c.pending, id)
	c.mu.Unlock()
	start := newFrameError(rb.Bytes(), nil) // the frame's start, for errors

	vr := &c.vr
	vr.reset(rb.Bytes()[off:], r)
	decErr := sd.DecodeResultFrom(vr)
	if c.scratch == nil {
		c.scratch = make([]byte, 4096)
	}
	err := vr.drain(c.scratch)
	if err == nil {
		// The rest of the frame: the end of the object, maybe more members.
		rb.Reset()
		rb.Write(vr.rest)
		_, err = rb.ReadFrom(r)
		if err != nil {
			err = c.readError(err)
		} else {
			cl.resp = responseFrame{RequestID: id}
			var fe *FrameError
			if err = decodeResponseTail(rb.Bytes(), &cl.resp); errors.As(err, &fe) {
				start.Err = fmt.Errorf("after the response value: %w", fe.Err)
				err = start
			}
		}
	} else if vr.bad {
		start.Err = err
		err = start
	} else {
		err = c.readError(err)
	}
	vr.reset(nil, nil)
	cl.streamed, cl.decErr, cl.lost = true, decErr, err != nil
	if err != nil {
		c.fail(ctx, err) // before the call reads why
	}
	cl.done <- struct{}{}
	return true, err
}

// readBufPool recycles the buffers frames are read into (a reply of a
// large model can be megabytes, which reading into a fresh slice grows by
// copying several times; results that are that large should be
// StreamResultDecoders).
var readBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledRead bounds the read buffers kept for reuse.
const maxPooledRead = 64 << 20

func putReadBuf(rb *bytes.Buffer) {
	if rb != nil && rb.Cap() <= maxPooledRead {
		readBufPool.Put(rb)
	}
}

func (c *Conn) writeLoop(ctx context.Context) {
	defer c.wg.Done()
	if c.cc == nil {
		c.writeLoopUnbatched(ctx)
		return
	}
	// Writes are bounded by the TCP connection's write deadline and ended
	// by closing the websocket, not by ctx (whose cancellation would cost
	// a context.AfterFunc for every frame).
	wctx := context.WithoutCancel(ctx)
	for {
		var out *outgoing
		select {
		case <-ctx.Done():
			return
		case out = <-c.sendq:
		}
		if len(c.sendq) == 0 {
			// Let the callers that are ready to send queue their
			// requests first, so that they go out together.
			runtime.Gosched()
		}
		c.cc.Cork()
		for n := 1; out != nil; n++ {
			if out.state.CompareAndSwap(outQueued, outTaken) {
				err := c.ws.Write(wctx, websocket.MessageText, out.data)
				out.state.Store(outWritten)
				if err != nil {
					_ = c.cc.Flush()
					c.fail(ctx, fmt.Errorf("cannot write to %s: %w", c.ep.addr, err))
					return
				}
			} // else its caller gave up before it was sent
			out = nil
			if n < maxBatch {
				select {
				case out = <-c.sendq:
				default:
				}
			}
		}
		if err := c.cc.Flush(); err != nil {
			c.fail(ctx, fmt.Errorf("cannot write to %s: %w", c.ep.addr, err))
			return
		}
	}
}

// writeLoopUnbatched writes one frame at a time, each bounded by the
// write timeout.
func (c *Conn) writeLoopUnbatched(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case out := <-c.sendq:
			if !out.state.CompareAndSwap(outQueued, outTaken) {
				continue // its caller gave up before it was sent
			}
			wctx, cancel := context.WithTimeout(ctx, c.writeTimeout)
			err := c.ws.Write(wctx, websocket.MessageText, out.data)
			out.state.Store(outWritten)
			cancel()
			if err != nil {
				c.fail(ctx, fmt.Errorf("cannot write to %s: %w", c.ep.addr, err))
				return
			}
		}
	}
}

func (c *Conn) pingLoop(ctx context.Context) {
	defer c.wg.Done()
	t := time.NewTicker(c.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.broken:
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, c.pingTimeout)
		err := c.CallVersion(pctx, "Pinger", 1, "Ping", "", nil, nil)
		cancel()
		if err != nil {
			if c.Err() != nil {
				return
			}
			c.fail(ctx, fmt.Errorf("ping failed: %w", err))
			return
		}
	}
}

// markDone records why the connection stopped and closes Broken, once. It
// reports whether this call did it.
func (c *Conn) markDone(err error) bool {
	done := false
	c.doneOnce.Do(func() {
		c.err = err
		close(c.broken)
		done = true
	})
	return done
}

// doneErr is the error of a call on a connection that is done. After Close
// it matches ErrClosed, as documented, even when the connection had broken
// before; it then also matches ErrBroken and says why it broke.
func (c *Conn) doneErr() error {
	if c.closed.Load() && !errors.Is(c.err, ErrClosed) {
		return fmt.Errorf("%w after it had broken: %w", ErrClosed, c.err)
	}
	return c.err
}

// stopErr is the error of a call in flight when the connection stopped:
// why it stopped first. A call that was waiting when the connection broke
// reports the break even if Close was called meanwhile (by another
// goroutine replacing the broken connection): it matches ErrBroken, not
// ErrClosed.
func (c *Conn) stopErr() error { return c.err }

// fail breaks the connection.
func (c *Conn) fail(ctx context.Context, cause error) {
	if !c.markDone(&brokenError{cause: cause}) {
		return
	}
	c.debug(ctx, "rpc connection broken", slog.String("addr", c.ep.addr), slog.String("error", cause.Error()))
	c.cancel()
	_ = c.ws.CloseNow()
}

// Close closes the connection: calls in flight and later calls fail with an
// error matching ErrClosed. It is idempotent and returns once the
// connection's goroutines (reader, writer, pinger) have exited. It sends a
// websocket close frame and waits for the controller's answer, at most a few
// seconds if the controller does not answer.
func (c *Conn) Close() error {
	c.closed.Store(true)
	c.closeOnce.Do(func() {
		if c.markDone(ErrClosed) {
			// Closing handshake; the reader sees the server's close frame.
			_ = c.ws.Close(websocket.StatusNormalClosure, "")
		}
		c.cancel()
		_ = c.ws.CloseNow()
		c.wg.Wait()
		c.httpMu.Lock()
		if c.httpTr != nil {
			c.httpTr.CloseIdleConnections()
		}
		c.httpMu.Unlock()
	})
	c.wg.Wait()
	return nil
}

// closeNow closes without the closing handshake (used when login fails).
func (c *Conn) closeNow() {
	c.closed.Store(true)
	c.closeOnce.Do(func() {
		c.markDone(ErrClosed)
		c.cancel()
		_ = c.ws.CloseNow()
		c.wg.Wait()
	})
}

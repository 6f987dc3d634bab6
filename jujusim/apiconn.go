package jujusim

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/internal/corkconn"
	"github.com/gojuju/juju/jujusim/internal/core"
)

// readLimit bounds one incoming RPC frame. The real server has no limit;
// a gigabyte is as good as none for a simulator.
const readLimit = 1 << 30

// request is an RPC request frame in Juju's v1 JSON codec.
type request struct {
	RequestID uint64          `json:"request-id"`
	Type      string          `json:"type"`
	Version   int             `json:"version"`
	ID        string          `json:"id"`
	Request   string          `json:"request"`
	Params    json.RawMessage `json:"params"`
}

// requestV0 is the legacy v0 request frame, still accepted by Juju 3.6.
type requestV0 struct {
	RequestId uint64 //nolint:revive // wire name
	Type      string
	Version   int
	Id        string //nolint:revive // wire name
	Request   string
	Params    json.RawMessage
}

// response is a reply frame in the v1 codec. An error reply still carries
// "response":{}.
type response struct {
	RequestID uint64         `json:"request-id"`
	Error     string         `json:"error,omitempty"`
	ErrorCode string         `json:"error-code,omitempty"`
	ErrorInfo map[string]any `json:"error-info,omitempty"`
	Response  any            `json:"response"`
}

// responseV0 is a reply frame in the legacy v0 codec.
type responseV0 struct {
	RequestId uint64         //nolint:revive // wire name
	Error     string         `json:",omitempty"`
	ErrorCode string         `json:",omitempty"`
	ErrorInfo map[string]any `json:",omitempty"`
	Response  any
}

// emptyObject encodes as {}.
type emptyObject struct{}

// apiConn is one RPC websocket connection.
type apiConn struct {
	srv       *Server
	ws        *websocket.Conn
	modelUUID string
	// unknownModel is set when the connection's model did not exist when
	// it was opened: then every call fails with "model not found".
	unknownModel bool
	ctx          context.Context
	cancel       context.CancelFunc
	remote       string

	// cc is the connection under TLS, which the writer corks to send
	// the replies it has ready in one write; nil if unknown.
	cc *corkconn.Conn
	// Replies wait in wq for the writer, which wsig wakes.
	wmu  sync.Mutex
	wq   []*bytes.Buffer
	wsig chan struct{}
	// dropReq asks the writer to drop the connection once it has sent
	// the frames that passed; writerDone is closed when it has exited.
	dropReq    atomic.Bool
	writerDone chan struct{}

	// frameMu guards budget, the frame budget for DropAfterFrames (<0
	// means unlimited), so that exactly that many frames pass.
	frameMu sync.Mutex
	budget  int64
	dropped atomic.Bool

	loginMu  sync.Mutex
	sessMu   sync.RWMutex
	loggedIn bool
	sess     *core.Session

	calls sync.WaitGroup
}

// acceptWebsocket upgrades the request to a websocket tracked by g, or
// returns nil when the upgrade failed or g no longer accepts connections.
// The caller must g.untrack the connection when done with it.
func (s *Server) acceptWebsocket(g *generation, w http.ResponseWriter, r *http.Request) *websocket.Conn {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		s.logger.Debug("websocket accept failed", "path", r.URL.Path, "err", err)
		return nil
	}
	if !g.track(ws) {
		_ = ws.CloseNow()
		return nil
	}
	return ws
}

func (s *Server) serveAPI(g *generation, w http.ResponseWriter, r *http.Request, modelUUID string) {
	ws := s.acceptWebsocket(g, w, r)
	if ws == nil {
		return
	}
	defer g.untrack(ws)
	ws.SetReadLimit(readLimit)
	ctx, cancel := context.WithCancel(s.baseCtx)
	c := &apiConn{
		srv:        s,
		ws:         ws,
		cc:         corkConnOf(r.Context()),
		modelUUID:  modelUUID,
		ctx:        ctx,
		cancel:     cancel,
		remote:     r.RemoteAddr,
		wsig:       make(chan struct{}, 1),
		writerDone: make(chan struct{}),
	}
	g.setAbort(ws, cancel)
	c.unknownModel = modelUUID != "" && !s.core.ModelExists(modelUUID)
	c.budget = int64(s.faults.takeDropAfter())
	s.logger.Debug("api connection opened", "remote", c.remote, "model", modelUUID)
	if c.cc != nil {
		// Writes are not bounded by ctx (that would cost a
		// context.AfterFunc for every frame): its end makes a blocked
		// write fail at once.
		stop := context.AfterFunc(ctx, func() { _ = c.cc.SetWriteDeadline(time.Unix(1, 0)) })
		defer stop()
	}
	go c.writeLoop()
	c.run()
	s.logger.Debug("api connection closed", "remote", c.remote, "model", modelUUID)
}

// run reads requests until the connection ends, then waits for the calls
// still running.
func (c *apiConn) run() {
	defer func() {
		c.cancel()
		<-c.writerDone
		c.endSession()
		c.calls.Wait()
		_ = c.ws.CloseNow()
	}()
	if c.budget == 0 {
		c.drop()
		return
	}
	// Reads are not bounded by c.ctx (that would cost context.AfterFuncs
	// for every frame): wherever c.ctx is cancelled, the websocket is
	// closed too, which ends a read.
	rctx := context.WithoutCancel(c.ctx)
	for {
		_, data, err := c.ws.Read(rctx)
		if err != nil {
			return
		}
		pass, last := c.passFrame()
		if !pass {
			c.dropAfterWrites()
			return
		}
		if last {
			// The request passed: run it to the end (its reply, the
			// next frame, will not pass), then drop.
			c.runLast(data)
			c.dropAfterWrites()
			return
		}
		if !c.dispatchFrame(data) {
			// Fatal protocol error: the real server tears the
			// connection down without replying.
			c.cancel()
			<-c.writerDone
			c.endSession()
			c.calls.Wait()
			_ = c.ws.Close(websocket.StatusNormalClosure, "")
			return
		}
	}
}

// runLast runs the request in the last frame the budget lets pass,
// synchronously, so that it is executed before the connection drops.
func (c *apiConn) runLast(data []byte) {
	req, v0, kind := decodeFrame(data, c.srv.cfg.JujuVersion == Juju36)
	if kind != frameRequest {
		return
	}
	c.calls.Add(1)
	c.handle(req, v0)
}

// endSession tells the controller the connection is gone, so that blocked
// watcher calls return.
func (c *apiConn) endSession() {
	c.sessMu.RLock()
	loggedIn, sess := c.loggedIn, c.sess
	c.sessMu.RUnlock()
	if loggedIn {
		c.srv.core.EndSession(sess)
	}
}

// passFrame charges one frame, about to pass in either direction,
// against the drop budgets (the connection's, from DropAfterFrames, and
// the server's, from DropInFrames). pass is false when a budget is spent
// (the frame must not pass: drop the connection); last is true when this
// frame spends it (drop the connection right after this frame).
func (c *apiConn) passFrame() (pass, last bool) {
	if c.dropped.Load() {
		return false, false
	}
	c.frameMu.Lock()
	defer c.frameMu.Unlock()
	if c.budget == 0 {
		return false, false
	}
	pass, last = c.srv.faults.passGlobalFrame()
	if !pass {
		return false, false
	}
	if c.budget > 0 {
		c.budget--
		if c.budget == 0 {
			last = true
		}
	}
	if last {
		c.budget = 0 // no frame passes after this one
	}
	return true, last
}

// dropAfterWrites drops the connection once the writer has sent the
// frames that passed before, and waits for the writer to exit.
func (c *apiConn) dropAfterWrites() {
	c.dropReq.Store(true)
	c.signalWriter()
	<-c.writerDone
	c.drop() // if the writer had stopped first
}

func (c *apiConn) drop() {
	if c.dropped.CompareAndSwap(false, true) {
		c.srv.logger.Info("jujusim dropping connection after frame budget", "remote", c.remote)
		c.cancel() // requests not run yet never will be
		_ = c.ws.CloseNow()
	}
}

// frameKind tells what decodeFrame found.
type frameKind int

const (
	frameFatal    frameKind = iota // not a usable frame: tear the connection down
	frameRequest                   // a request to run
	frameResponse                  // a response frame, which the server ignores
)

// decodeFrame decodes one RPC frame. legacy allows the v0 codec of Juju
// 3.6; v0 reports that the frame used it.
func decodeFrame(data []byte, legacy bool) (req request, v0 bool, kind frameKind) {
	if r, ok := decodeRequestFast(data); ok {
		req = r
	} else if err := json.Unmarshal(data, &req); err != nil {
		return request{}, false, frameFatal
	}
	if req.RequestID == 0 {
		if !legacy {
			// Juju 4 only speaks the v1 codec: "version 0 not supported".
			return request{}, false, frameFatal
		}
		var old requestV0
		if err := json.Unmarshal(data, &old); err != nil || old.RequestId == 0 {
			return request{}, false, frameFatal
		}
		req = request{
			RequestID: old.RequestId, Type: old.Type, Version: old.Version,
			ID: old.Id, Request: old.Request, Params: old.Params,
		}
		v0 = true
	}
	if req.Type == "" && req.Request == "" {
		// A response frame: the server never sent a request, so there is
		// nothing to match it with; the real server discards it.
		return req, v0, frameResponse
	}
	return req, v0, frameRequest
}

// decodeRequestFast decodes a v1 request frame as json.Unmarshal does,
// without it, when the frame is written as clients write it: compact,
// lower-case keys each at most once, numbers of digits only, strings of
// printable ASCII without escapes, and params (valid JSON) last. ok is
// false for any other frame, which json.Unmarshal then decodes
// (FuzzDecodeFrame compares both). Params aliases data.
func decodeRequestFast(data []byte) (req request, ok bool) {
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return request{}, false
	}
	var seen [6]bool
	i := 1
	for {
		// A key.
		if i >= len(data) || data[i] != '"' {
			return request{}, false
		}
		end := bytes.IndexByte(data[i+1:], '"')
		if end < 0 {
			return request{}, false
		}
		key := data[i+1 : i+1+end]
		i += end + 2
		if i >= len(data) || data[i] != ':' {
			return request{}, false
		}
		i++
		field := -1
		switch string(key) {
		case "request-id":
			field = 0
		case "type":
			field = 1
		case "version":
			field = 2
		case "id":
			field = 3
		case "request":
			field = 4
		case "params":
			field = 5
		}
		if field < 0 || seen[field] {
			return request{}, false
		}
		seen[field] = true
		if field == 5 {
			// params is the rest of the frame.
			p := data[i : len(data)-1]
			if len(p) == 0 || isSpace(p[0]) || isSpace(p[len(p)-1]) || !json.Valid(p) {
				return request{}, false
			}
			req.Params = p
			return req, true
		}
		// A value up to the next comma.
		j := i
		if field == 0 || field == 2 {
			for j < len(data) && data[j] >= '0' && data[j] <= '9' {
				j++
			}
			if j == i || j-i > 18 || (data[i] == '0' && j-i > 1) {
				return request{}, false
			}
			n, _ := strconv.ParseUint(string(data[i:j]), 10, 64)
			if field == 0 {
				req.RequestID = n
			} else {
				req.Version = int(n)
			}
		} else {
			if data[i] != '"' {
				return request{}, false
			}
			j++
			for j < len(data) && data[j] != '"' {
				if c := data[j]; c < 0x20 || c >= 0x7f || c == '\\' {
					return request{}, false
				}
				j++
			}
			if j >= len(data) {
				return request{}, false
			}
			v := string(data[i+1 : j])
			j++
			switch field {
			case 1:
				req.Type = v
			case 3:
				req.ID = v
			case 4:
				req.Request = v
			}
		}
		if j >= len(data)-1 {
			return request{}, false // params missing: let json.Unmarshal decide
		}
		if data[j] != ',' {
			return request{}, false
		}
		i = j + 1
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// dispatchFrame decodes one frame and starts its call. It returns false on
// a fatal protocol error.
func (c *apiConn) dispatchFrame(data []byte) bool {
	req, v0, kind := decodeFrame(data, c.srv.cfg.JujuVersion == Juju36)
	switch kind {
	case frameFatal:
		c.srv.logger.Debug("invalid RPC frame; closing the connection", "remote", c.remote)
		return false
	case frameResponse:
		return true
	}
	c.calls.Add(1)
	go c.handle(req, v0)
	return true
}

// handle runs one call and writes its reply.
func (c *apiConn) handle(req request, v0 bool) {
	defer c.calls.Done()
	start := time.Now()
	result, err := c.call(req)
	if c.ctx.Err() != nil {
		return // connection gone: nobody to reply to
	}
	log := c.srv.logger
	debug := log.Enabled(c.ctx, slog.LevelDebug) // its arguments cost allocations
	if err != nil {
		we := core.AsError(err)
		if debug {
			log.Debug("rpc call failed", "facade", req.Type, "version", req.Version, "method", req.Request,
				"request-id", req.RequestID, "model", c.modelUUID, "code", we.Code, "duration", time.Since(start))
		}
		c.reply(req.RequestID, v0, nil, we)
		return
	}
	if debug {
		log.Debug("rpc call", "facade", req.Type, "version", req.Version, "method", req.Request,
			"request-id", req.RequestID, "model", c.modelUUID, "duration", time.Since(start))
	}
	c.reply(req.RequestID, v0, result, nil)
}

// call applies faults and routes the request to login or the controller.
func (c *apiConn) call(req request) (any, error) {
	f := &c.srv.faults
	for _, ch := range f.stallsFor(req.Type, req.Request) {
		select {
		case <-ch:
		case <-c.ctx.Done():
			return nil, c.ctx.Err()
		}
	}
	if we := f.takeFailure(req.Type, req.Request); we != nil {
		return nil, we
	}
	if c.unknownModel {
		return nil, &core.Error{Code: "model not found", Message: fmt.Sprintf("unknown model: %q", c.modelUUID)}
	}
	params := req.Params
	if len(params) == 0 || bytes.Equal(params, []byte("null")) {
		params = json.RawMessage("{}")
	}
	c.sessMu.RLock()
	loggedIn, sess := c.loggedIn, c.sess
	c.sessMu.RUnlock()
	if loggedIn {
		return c.srv.core.Call(c.ctx, sess, req.Type, req.Version, req.Request, req.ID, params)
	}
	return c.preLogin(req, params)
}

// preLogin serves a call made before a successful login: only the Admin
// facade exists then.
func (c *apiConn) preLogin(req request, params json.RawMessage) (any, error) {
	if req.Type != "Admin" {
		return nil, c.srv.core.NotImplemented(req.Type, req.Version, "")
	}
	if req.Version != 3 {
		return nil, &core.Error{
			Code:    "not supported",
			Message: "this version of Juju does not support login from old clients",
		}
	}
	switch req.Request {
	case "Login":
		return c.login(params)
	case "RedirectInfo":
		return nil, &core.Error{Message: "not redirected"}
	default:
		return nil, c.srv.core.NotImplemented("Admin", 0, req.Request)
	}
}

func (c *apiConn) login(params json.RawMessage) (any, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	c.sessMu.RLock()
	already := c.loggedIn
	c.sessMu.RUnlock()
	if already {
		return nil, &core.Error{Message: "already logged in"}
	}
	if c.srv.faults.loginsRefused() {
		return nil, &core.Error{Code: "unauthorized access", Message: "invalid entity name or password"}
	}
	result, sess, err := c.srv.core.Login(c.ctx, c.modelUUID, params, c.srv.APIAddresses())
	if err != nil {
		return nil, err
	}
	if sess == nil {
		return result, nil // a discharge is required: not logged in yet
	}
	c.sessMu.Lock()
	c.loggedIn, c.sess = true, sess
	c.sessMu.Unlock()
	return result, nil
}

// reply encodes and writes the reply to request id, after the configured
// latency.
func (c *apiConn) reply(id uint64, v0 bool, result any, we *core.Error) {
	buf := getBuffer()
	if we == nil && appendReply(buf, id, v0, result) {
		// encoded by the core's appender (FullStatus), or empty
	} else if err := json.NewEncoder(buf).Encode(replyFrame(id, v0, result, we)); err != nil {
		// The controller produced something JSON cannot carry: report it
		// as a server error rather than dropping the call.
		c.srv.logger.Error("cannot encode RPC reply", "request-id", id, "err", err)
		buf.Reset()
		_ = json.NewEncoder(buf).Encode(response{RequestID: id, Error: "cannot encode reply: " + err.Error(), Response: emptyObject{}})
	}
	if d := c.srv.faults.getLatency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-c.ctx.Done():
			t.Stop()
			putBuffer(buf)
			return
		}
	}
	c.write(buf)
}

// replyFrame returns the frame of a reply, to be encoded by encoding/json.
func replyFrame(id uint64, v0 bool, result any, we *core.Error) any {
	switch {
	case v0 && we != nil:
		return responseV0{RequestId: id, Error: we.Message, ErrorCode: we.Code, ErrorInfo: we.Info, Response: emptyObject{}}
	case v0:
		return responseV0{RequestId: id, Response: orEmpty(result)}
	case we != nil:
		return response{RequestID: id, Error: we.Message, ErrorCode: we.Code, ErrorInfo: we.Info, Response: emptyObject{}}
	default:
		return response{RequestID: id, Response: orEmpty(result)}
	}
}

// appendReply writes the frame of a successful reply into buf with the
// core's appender for its result (core.AppendResult, which writes the
// bytes encoding/json would, without reflection), and reports whether
// there is one. The frames are those of the response types above.
func appendReply(buf *bytes.Buffer, id uint64, v0 bool, result any) bool {
	if n := core.ResultSize(result); n > buf.Available() && buf.Len() == 0 {
		// A large FullStatus: into a large buffer kept from an earlier one.
		select {
		case big := <-largeBuffers:
			*buf, *big = *big, *buf // the small one goes back to the pool
			putBuffer(big)
		default:
		}
	}
	b := buf.AvailableBuffer()
	if v0 {
		b = append(b, `{"RequestId":`...)
	} else {
		b = append(b, `{"request-id":`...)
	}
	b = strconv.AppendUint(b, id, 10)
	if v0 {
		b = append(b, `,"Response":`...)
	} else {
		b = append(b, `,"response":`...)
	}
	var ok bool
	var err error
	switch result.(type) {
	case nil, struct{}, emptyObject: // encoded as {} (calls without results)
		b, ok = append(b, "{}"...), true
	default:
		b, ok, err = core.AppendResult(b, result)
	}
	if !ok || err != nil {
		return false // encoding/json encodes it, or reports its error
	}
	b = append(b, "}\n"...)
	if buf.Len() == 0 && cap(b) > buf.Cap() {
		// b outgrew the buffer: it becomes the buffer (which goes back
		// to the pool) rather than being copied into a grown one.
		*buf = *bytes.NewBuffer(b)
	} else {
		buf.Write(b)
	}
	return true
}

func orEmpty(v any) any {
	if v == nil {
		return emptyObject{}
	}
	return v
}

// bufferPool recycles reply buffers: a large model's FullStatus is
// megabytes, and growing a fresh buffer for every reply dominates.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// largeBuffers keeps two buffers of a megabyte or more (the FullStatus
// replies of large models) across garbage collections, which empty
// bufferPool: polls of a large model that keeps changing would otherwise
// each allocate (and clear) a reply buffer of megabytes.
var largeBuffers = make(chan *bytes.Buffer, 2)

func getBuffer() *bytes.Buffer { return bufferPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<20 {
		return
	}
	b.Reset()
	if b.Cap() >= 1<<20 {
		select {
		case largeBuffers <- b:
			return
		default:
		}
	}
	bufferPool.Put(b)
}

// encodeFrame encodes v as the real server does (Go's encoding/json with
// HTML escaping and a trailing newline).
func encodeFrame(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write queues one text frame for the writer, which takes buf.
func (c *apiConn) write(buf *bytes.Buffer) {
	c.wmu.Lock()
	c.wq = append(c.wq, buf)
	c.wmu.Unlock()
	c.signalWriter()
}

func (c *apiConn) signalWriter() {
	select {
	case c.wsig <- struct{}{}:
	default:
	}
}

// writeLoop writes the queued replies in order, until the connection ends
// or is dropped. It takes every reply queued and sends them together: one
// write to the TCP connection for a batch of frames instead of one each.
// Each frame is charged against the drop budgets as it is written, so that
// the frames that pass are exactly those written (and flushed before any
// drop).
func (c *apiConn) writeLoop() {
	defer close(c.writerDone)
	wctx := context.WithoutCancel(c.ctx)
	if c.cc == nil {
		wctx = c.ctx
	}
	var batch []*bytes.Buffer
	defer func() {
		c.wmu.Lock()
		batch = append(batch, c.wq...)
		c.wq = nil
		c.wmu.Unlock()
		for _, b := range batch {
			putBuffer(b)
		}
	}()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.wsig:
		}
		// Let the handlers that are ready to reply queue their replies
		// first, so that they go out together.
		runtime.Gosched()
		c.wmu.Lock()
		batch, c.wq = c.wq, batch[:0]
		c.wmu.Unlock()
		if c.cc != nil {
			c.cc.Cork()
		}
		for len(batch) > 0 {
			buf := batch[0]
			batch = batch[1:]
			pass, last := c.passFrame()
			if !pass {
				putBuffer(buf)
				c.flush()
				c.drop()
				return
			}
			err := c.ws.Write(wctx, websocket.MessageText, buf.Bytes())
			putBuffer(buf)
			if err != nil {
				if !errors.Is(err, context.Canceled) && c.ctx.Err() == nil {
					c.srv.logger.Debug("cannot write RPC reply", "remote", c.remote, "err", err)
				}
				_ = c.ws.CloseNow()
				return
			}
			if last {
				c.flush()
				c.drop()
				return
			}
		}
		batch = batch[:0]
		c.flush()
		if c.dropReq.Load() {
			c.drop()
			return
		}
	}
}

// flush sends the frames the writer has gathered.
func (c *apiConn) flush() {
	if c.cc == nil {
		return
	}
	if err := c.cc.Flush(); err != nil && c.ctx.Err() == nil {
		c.srv.logger.Debug("cannot write RPC reply", "remote", c.remote, "err", err)
		_ = c.ws.CloseNow()
	}
}

// corkConnKey is the context key of the connection's *corkconn.Conn.
type corkConnKey struct{}

// withCorkConn is the http.Server's ConnContext: it keeps the corkable
// connection under the TLS connection nc for the websocket handler.
func withCorkConn(ctx context.Context, nc net.Conn) context.Context {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	if cc, ok := nc.(*corkconn.Conn); ok {
		return context.WithValue(ctx, corkConnKey{}, cc)
	}
	return ctx
}

func corkConnOf(ctx context.Context) *corkconn.Conn {
	cc, _ := ctx.Value(corkConnKey{}).(*corkconn.Conn)
	return cc
}

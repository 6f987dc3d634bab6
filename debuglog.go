package juju

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/rpc"
)

// DebugLogOptions selects the records Model.DebugLog streams. The zero
// value streams every new record from now on, at every level, without any
// backlog.
type DebugLogOptions struct {
	// Level is the lowest severity to stream: "TRACE", "DEBUG", "INFO",
	// "WARNING" or "ERROR" (any case; "WARN" means "WARNING"). "" streams
	// every level.
	Level string
	// IncludeEntities limits the stream to these agents. Each is a unit
	// name ("pg/0"), a machine ID ("0", "0/lxd/1"), an application name
	// ("pg", meaning all its units) or a tag, with "*" wildcards allowed
	// ("unit-pg-*"), as juju debug-log --include takes them.
	IncludeEntities []string
	// ExcludeEntities drops these agents (same forms as IncludeEntities).
	ExcludeEntities []string
	// IncludeModules limits the stream to these logging modules and their
	// children ("juju.worker.uniter").
	IncludeModules []string
	// ExcludeModules drops these logging modules and their children.
	ExcludeModules []string
	// IncludeLabels limits the stream to records carrying all these
	// labels; ExcludeLabels drops records carrying any of them.
	IncludeLabels, ExcludeLabels map[string]string
	// Lines is how many of the most recent (filtered) records are sent
	// first, before new ones; 0 sends none (juju debug-log -n).
	Lines int
	// Replay sends the whole (filtered) log first; it overrides Lines.
	Replay bool
	// Limit ends the stream (Next returns io.EOF) once this many records
	// were returned; 0 means no limit (juju debug-log --limit). The
	// client counts: Juju 3.6 and 4.0 controllers read the maxLines query
	// parameter as a backlog size, not as a limit, so it is not sent.
	Limit int
	// NoTail ends the stream once the backlog (Lines or Replay) is sent,
	// instead of waiting for new records.
	NoTail bool
	// StartTime, when set, skips records older than it.
	StartTime time.Time
}

// LogRecord is one record of a model's debug log.
type LogRecord struct {
	// ModelUUID is the UUID of the model the record belongs to.
	ModelUUID string
	// Entity is the tag of the agent that logged it ("unit-pg-0",
	// "machine-0").
	Entity string
	// Time is when it was logged.
	Time time.Time
	// Severity is the level: "TRACE", "DEBUG", "INFO", "WARNING",
	// "ERROR" or "CRITICAL".
	Severity string
	// Module is the logging module ("juju.worker.uniter").
	Module string
	// Location is the source location ("uniter.go:123"), if known.
	Location string
	// Message is the logged text.
	Message string
	// Labels are the record's labels; controllers that send logger tags
	// as a list give them as one "logger-tags" label, comma-separated.
	Labels map[string]string
}

// String renders the record the way juju debug-log prints it, with the
// time in UTC: "unit-pg-0: 10:21:33 INFO juju.worker.uniter ran hook".
func (r LogRecord) String() string {
	return fmt.Sprintf("%s: %s %s %s %s", r.Entity, r.Time.UTC().Format("15:04:05"), r.Severity, r.Module, r.Message)
}

// LogStream is an open debug-log stream: call Next until it returns an
// error, then Close. Next must not be called from several goroutines at
// once; Close may be called from any goroutine and ends a blocked Next.
type LogStream struct {
	ws     *websocket.Conn
	model  string
	limit  int // 0: none
	count  int // records returned; only Next touches it
	mu     sync.Mutex
	closed bool
	done   error // the error Next returns from now on, once set
}

// wireLogRecord is a debug-log record on the wire (stream version 2, and
// version 1 whose labels are a list).
type wireLogRecord struct {
	ModelUUID string          `json:"uuid"`
	Entity    string          `json:"tag"`
	Time      time.Time       `json:"ts"`
	Severity  string          `json:"sev"`
	Module    string          `json:"mod"`
	Location  string          `json:"loc"`
	Message   string          `json:"msg"`
	Labels    json.RawMessage `json:"lab"`
}

// debugLogLevels are the levels a debug-log filter accepts, lowest first.
var debugLogLevels = []string{"TRACE", "DEBUG", "INFO", "WARNING", "ERROR"}

// DebugLog opens the model's debug log (the websocket
// /model/<uuid>/log that juju debug-log reads) with the filters of opts;
// nil opts stream every new record. It returns once the controller has
// accepted the stream. Bad options are refused with an error matching
// ErrInvalidInput before anything is sent.
//
// The stream comes from the controller the model connection is connected
// to; on a Juju 4 controller in high availability, records logged on other
// controller nodes are not included.
func (m *Model) DebugLog(ctx context.Context, opts *DebugLogOptions) (*LogStream, error) {
	s, err := m.debugLog(ctx, opts)
	return s, opError("stream the debug log of model", m.QualifiedName(), err)
}

func (m *Model) debugLog(ctx context.Context, opts *DebugLogOptions) (*LogStream, error) {
	q, err := debugLogQuery(opts)
	if err != nil {
		return nil, err
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	u := conn.BaseURL() + "/model/" + m.uuid + "/log?" + q.Encode()
	ws, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPClient: conn.HTTPClient(),
		HTTPHeader: conn.AuthHeader(),
	})
	if err != nil {
		if resp != nil && resp.StatusCode != 0 && resp.StatusCode != 101 {
			var body []byte
			if resp.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(resp.Body, 1024))
			}
			return nil, httpError(resp.StatusCode, body)
		}
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	// The first frame says whether the controller accepted the stream.
	_, data, err := ws.Read(ctx)
	if err != nil {
		_ = ws.CloseNow()
		return nil, fmt.Errorf("no answer from the controller: %w", err)
	}
	var first struct {
		Error *rpc.Error `json:"error"`
	}
	if err := json.Unmarshal(data, &first); err != nil {
		_ = ws.CloseNow()
		return nil, fmt.Errorf("the controller's first frame %q is not JSON: %w", truncate(string(data), 200), err)
	}
	if first.Error != nil {
		_ = ws.CloseNow()
		return nil, first.Error
	}
	limit := 0
	if opts != nil {
		limit = opts.Limit
	}
	return &LogStream{ws: ws, model: m.QualifiedName(), limit: limit}, nil
}

// debugLogQuery checks opts and turns them into the query parameters of
// /model/<uuid>/log.
func debugLogQuery(opts *DebugLogOptions) (url.Values, error) {
	if opts == nil {
		opts = &DebugLogOptions{}
	}
	q := url.Values{"version": {"2"}}
	if opts.Level != "" {
		level := strings.ToUpper(opts.Level)
		if level == "WARN" {
			level = "WARNING"
		}
		ok := false
		for _, l := range debugLogLevels {
			ok = ok || l == level
		}
		if !ok {
			return nil, invalid(ErrInvalidArgument, "level", opts.Level, "must be one of "+strings.Join(debugLogLevels, ", "))
		}
		q.Set("level", level)
	}
	if opts.Lines < 0 {
		return nil, invalidf(ErrInvalidArgument, "lines", strconv.Itoa(opts.Lines), "must not be negative")
	}
	if opts.Limit < 0 {
		return nil, invalidf(ErrInvalidArgument, "limit", strconv.Itoa(opts.Limit), "must not be negative")
	}
	for _, f := range []struct {
		param string
		vals  []string
	}{{"includeEntity", opts.IncludeEntities}, {"excludeEntity", opts.ExcludeEntities}} {
		for _, e := range f.vals {
			if e == "" {
				return nil, invalid(ErrInvalidArgument, "entity", e, "must not be empty")
			}
			q.Add(f.param, debugLogEntity(e))
		}
	}
	for _, f := range []struct {
		param string
		vals  []string
	}{{"includeModule", opts.IncludeModules}, {"excludeModule", opts.ExcludeModules}} {
		for _, mod := range f.vals {
			if mod == "" {
				return nil, invalid(ErrInvalidArgument, "module", mod, "must not be empty")
			}
			q.Add(f.param, mod)
		}
	}
	for _, f := range []struct {
		param  string
		labels map[string]string
	}{{"includeLabels", opts.IncludeLabels}, {"excludeLabels", opts.ExcludeLabels}} {
		keys := make([]string, 0, len(f.labels))
		for k := range f.labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "" || strings.Contains(k, "=") {
				return nil, invalid(ErrInvalidArgument, "label", k, `must be a non-empty key without "="`)
			}
			q.Add(f.param, k+"="+f.labels[k])
		}
	}
	if opts.Replay {
		q.Set("replay", "true")
	} else if opts.Lines > 0 {
		q.Set("backlog", strconv.Itoa(opts.Lines))
	}
	if opts.NoTail {
		q.Set("noTail", "true")
	}
	if !opts.StartTime.IsZero() {
		q.Set("startTime", opts.StartTime.UTC().Format(time.RFC3339Nano))
	}
	return q, nil
}

// debugLogEntity turns a unit name, machine ID or application name into the
// tag (pattern) the controller filters on, as juju debug-log does; anything
// else (a tag, a pattern) is sent as given.
func debugLogEntity(e string) string {
	switch {
	case IsValidUnitName(e):
		return unitTag(e)
	case IsValidMachineID(e):
		return machineTag(e)
	case IsValidApplicationName(e):
		return "unit-" + e + "-*"
	}
	return e
}

// Next returns the next record, waiting for one if needed. It returns
// io.EOF when the controller ended the stream (NoTail or Limit reached, or
// the model went away), ErrClosed after Close, and ctx's error when ctx
// ends first; once it returned an error the stream is finished and every
// later call returns an error too.
func (s *LogStream) Next(ctx context.Context) (LogRecord, error) {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done != nil {
		return LogRecord{}, done
	}
	for {
		_, data, err := s.ws.Read(ctx)
		if err != nil {
			return LogRecord{}, s.finish(ctx, err)
		}
		var w wireLogRecord
		if err := json.Unmarshal(data, &w); err != nil {
			return LogRecord{}, s.finish(ctx, fmt.Errorf("bad record %q: %w", truncate(string(data), 200), err))
		}
		if w.Entity == "" && w.Message == "" && w.Time.IsZero() {
			continue // not a record (an empty frame)
		}
		s.count++
		if s.limit > 0 && s.count >= s.limit {
			s.finishWith(io.EOF) // the next call ends the stream
		}
		return LogRecord{
			ModelUUID: w.ModelUUID, Entity: w.Entity, Time: w.Time, Severity: w.Severity,
			Module: w.Module, Location: w.Location, Message: w.Message, Labels: decodeLogLabels(w.Labels),
		}, nil
	}
}

// decodeLogLabels reads a record's labels: a map (stream version 2) or a
// list of logger tags (version 1).
func decodeLogLabels(raw json.RawMessage) map[string]string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil {
		if len(m) == 0 {
			return nil
		}
		return m
	}
	var tags []string
	if json.Unmarshal(raw, &tags) == nil && len(tags) > 0 {
		return map[string]string{"logger-tags": strings.Join(tags, ",")}
	}
	return nil
}

// finish records why the stream ended and returns the error Next reports.
func (s *LogStream) finish(ctx context.Context, err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		err = ErrClosed
	case websocket.CloseStatus(err) == websocket.StatusNormalClosure || websocket.CloseStatus(err) == websocket.StatusGoingAway:
		err = io.EOF
	case ctx.Err() != nil:
		err = ctx.Err()
	default:
		err = fmt.Errorf("cannot read the debug log of model %q: %w", s.model, err)
	}
	if s.done == nil {
		s.done = err
	}
	_ = s.ws.CloseNow()
	return s.done
}

// finishWith ends the stream with err unless it already ended.
func (s *LogStream) finishWith(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = err
	}
	_ = s.ws.CloseNow()
}

// Close ends the stream and releases its connection; a Next blocked in
// another goroutine returns ErrClosed. It is idempotent.
func (s *LogStream) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	if s.done == nil {
		s.done = ErrClosed
	}
	s.mu.Unlock()
	_ = s.ws.CloseNow()
	return nil
}

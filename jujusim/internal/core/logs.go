package core

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"time"
)

// LogRecord is one debug-log line from a simulated agent. Its JSON form is
// the debug-log stream's version-2 record.
type LogRecord struct {
	ModelUUID string            `json:"uuid"`
	Entity    string            `json:"tag"`
	Time      time.Time         `json:"ts"`
	Severity  string            `json:"sev"`
	Module    string            `json:"mod"`
	Location  string            `json:"loc"`
	Message   string            `json:"msg"`
	Labels    map[string]string `json:"lab,omitempty"`
}

// LogQuery selects debug-log records; its fields mirror the /log query
// parameters (version, level, includeEntity, excludeEntity, includeModule,
// excludeModule, includeLabels, excludeLabels, replay, noTail, firehose,
// backlog, startTime).
type LogQuery struct {
	// Version is the stream's record format (1 or 2): the transport's
	// concern, not used for selection.
	Version       int
	Level         string // TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL; "" = all
	IncludeEntity []string
	ExcludeEntity []string
	IncludeModule []string
	ExcludeModule []string
	IncludeLabels map[string]string // a record matches when it has any of these labels
	ExcludeLabels map[string]string
	Replay        bool      // start from the oldest record kept
	NoTail        bool      // stop (io.EOF) once the existing records are sent
	Firehose      bool      // accepted and ignored: every record comes from this controller
	Backlog       int       // without Replay: start this many matching records back
	MaxLines      int       // stop (io.EOF) after this many records; 0 = no limit
	StartTime     time.Time // skip records before this time
}

var severities = map[string]int{"TRACE": 1, "DEBUG": 2, "INFO": 3, "WARNING": 4, "ERROR": 5, "CRITICAL": 6}

// ErrUnknownLevel is returned by Controller.Logs for a level it does not know.
var ErrUnknownLevel = errors.New("unknown log level")

const logCapacity = 20000

// logBuffer keeps a model's most recent log records.
type logBuffer struct {
	mu      sync.Mutex
	recs    []LogRecord // ring
	start   uint64      // absolute index of recs[head]
	head    int
	n       int
	changed chan struct{}
	closed  bool
}

func newLogBuffer() *logBuffer {
	return &logBuffer{recs: make([]LogRecord, logCapacity), changed: make(chan struct{})}
}

func (b *logBuffer) add(r LogRecord) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	if b.n < len(b.recs) {
		b.recs[(b.head+b.n)%len(b.recs)] = r
		b.n++
	} else {
		b.recs[b.head] = r
		b.head = (b.head + 1) % len(b.recs)
		b.start++
	}
	close(b.changed)
	b.changed = make(chan struct{})
}

func (b *logBuffer) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.changed)
	}
}

// get returns the record at absolute index i, clamping to the oldest kept.
func (b *logBuffer) get(i uint64) (LogRecord, uint64, bool, <-chan struct{}, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i < b.start {
		i = b.start
	}
	end := b.start + uint64(b.n)
	if i >= end {
		return LogRecord{}, i, false, b.changed, b.closed
	}
	return b.recs[(b.head+int(i-b.start))%len(b.recs)], i, true, b.changed, b.closed
}

func (b *logBuffer) end() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.start + uint64(b.n)
}

// LogSubscription streams log records. It is safe for concurrent use, but
// Next is meant to be called from one goroutine.
type LogSubscription struct {
	buf      *logBuffer
	q        LogQuery
	minSev   int
	next     uint64
	sent     int
	stopAt   uint64 // for NoTail
	done     chan struct{}
	ctlDone  <-chan struct{}
	closeOne sync.Once
}

// Next returns the next matching record. It blocks until one exists, the
// context ends, or the subscription is closed. It returns io.EOF when
// MaxLines records were sent or, with NoTail, when the backlog is done,
// and when the model or controller goes away.
func (s *LogSubscription) Next(ctx context.Context) (LogRecord, error) {
	for {
		if s.q.MaxLines > 0 && s.sent >= s.q.MaxLines {
			return LogRecord{}, io.EOF
		}
		if s.q.NoTail && s.next >= s.stopAt {
			return LogRecord{}, io.EOF
		}
		r, idx, ok, changed, closed := s.buf.get(s.next)
		if ok {
			s.next = idx + 1
			if s.match(r) {
				s.sent++
				return r, nil
			}
			continue
		}
		s.next = idx
		if closed {
			return LogRecord{}, io.EOF
		}
		select {
		case <-ctx.Done():
			return LogRecord{}, ctx.Err()
		case <-s.done:
			return LogRecord{}, io.EOF
		case <-s.ctlDone:
			return LogRecord{}, io.EOF
		case <-changed:
		}
	}
}

// Close ends the subscription; a blocked Next returns io.EOF. Idempotent.
func (s *LogSubscription) Close() error {
	s.closeOne.Do(func() { close(s.done) })
	return nil
}

func (s *LogSubscription) match(r LogRecord) bool {
	if severities[r.Severity] < s.minSev {
		return false
	}
	if !s.q.StartTime.IsZero() && r.Time.Before(s.q.StartTime) {
		return false
	}
	if len(s.q.IncludeEntity) > 0 && !anyGlob(s.q.IncludeEntity, r.Entity) {
		return false
	}
	if anyGlob(s.q.ExcludeEntity, r.Entity) {
		return false
	}
	if len(s.q.IncludeModule) > 0 && !anyModule(s.q.IncludeModule, r.Module) {
		return false
	}
	if anyModule(s.q.ExcludeModule, r.Module) {
		return false
	}
	if len(s.q.IncludeLabels) > 0 && !anyLabel(s.q.IncludeLabels, r.Labels) {
		return false
	}
	if anyLabel(s.q.ExcludeLabels, r.Labels) {
		return false
	}
	return true
}

func anyGlob(pats []string, s string) bool {
	for _, p := range pats {
		if glob(p, s) {
			return true
		}
	}
	return false
}

// glob matches s against p where '*' matches any run of characters.
func glob(p, s string) bool {
	if !strings.Contains(p, "*") {
		return p == s
	}
	parts := strings.Split(p, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		j := strings.Index(s, parts[i])
		if j < 0 {
			return false
		}
		s = s[j+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func anyModule(mods []string, m string) bool {
	for _, x := range mods {
		if m == x || strings.HasPrefix(m, x+".") {
			return true
		}
	}
	return false
}

func anyLabel(labels, have map[string]string) bool {
	for k, v := range labels {
		if hv, ok := have[k]; ok && hv == v {
			return true
		}
	}
	return false
}

// newSubscription positions a subscription according to q.
func newSubscription(b *logBuffer, q LogQuery, ctlDone <-chan struct{}) (*LogSubscription, error) {
	s := &LogSubscription{buf: b, q: q, done: make(chan struct{}), ctlDone: ctlDone}
	if q.Level != "" {
		lv, ok := severities[strings.ToUpper(q.Level)]
		if !ok {
			return nil, ErrUnknownLevel
		}
		s.minSev = lv
	}
	end := b.end()
	s.stopAt = end
	switch {
	case q.Replay:
		s.next = 0
	case q.Backlog > 0:
		// Walk back until Backlog matching records are included.
		i := end
		found := 0
		for i > 0 && found < q.Backlog {
			r, idx, ok, _, _ := b.get(i - 1)
			if !ok || idx != i-1 {
				break
			}
			i--
			if s.match(r) {
				found++
			}
		}
		s.next = i
	default:
		s.next = end
	}
	return s, nil
}

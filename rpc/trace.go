package rpc

import (
	"context"
	"time"
)

// Tracer observes calls, in the style of pgx's tracers. TraceCallStart is
// called before a call's request is sent and returns the context passed to
// the matching TraceCallEnd (so a tracer can carry a span in it).
// TraceCallEnd is called exactly once per TraceCallStart, when the call
// returns. Both are called on the calling goroutine; a Tracer shared between
// connections or called from concurrent calls must be safe for concurrent
// use. Calls made by Dial (the login) and by the pinger are traced too.
type Tracer interface {
	TraceCallStart(ctx context.Context, data CallStartData) context.Context
	TraceCallEnd(ctx context.Context, data CallEndData)
}

// CallStartData describes a call that is starting.
type CallStartData struct {
	Facade    string
	Version   int
	Method    string
	ID        string // object id (watcher id), usually ""
	RequestID uint64
}

// CallEndData describes a call that has returned.
type CallEndData struct {
	Facade    string
	Version   int
	Method    string
	ID        string
	RequestID uint64
	Duration  time.Duration
	// Err is the call's error, nil on success.
	Err error
}

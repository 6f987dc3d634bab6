package jujusim

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// backend is everything the transport needs from the semantic controller
// (package internal/core). The transport knows nothing of Juju semantics;
// it frames requests, runs faults and hands the decoded call to a backend.
type backend interface {
	// Login performs Admin.Login for a connection to modelUUID ("" for a
	// controller connection). addrs are the server's API addresses.
	Login(ctx context.Context, modelUUID string, params json.RawMessage, addrs []string) (result any, sess any, err error)
	// Call runs one facade method for a logged-in session.
	Call(ctx context.Context, sess any, facade string, version int, method, id string, params json.RawMessage) (any, error)
	// EndSession releases a session when its connection closes.
	EndSession(sess any)
	// CheckHTTPAuth checks Basic credentials for an HTTP endpoint of modelUUID.
	CheckHTTPAuth(user, password, modelUUID string) error
	// UploadCharm stores a local charm archive and returns its charm URL.
	UploadCharm(ctx context.Context, modelUUID, objectName, curl string, archive []byte) (string, error)
	// Logs opens a debug-log stream for modelUUID.
	Logs(ctx context.Context, modelUUID string, q logQuery) (logStream, error)

	// ModelExists reports whether the controller knows model uuid.
	ModelExists(uuid string) bool

	UUID() string
	Name() string
	AdminPassword() string
	DefaultModelUUID() string
	Close() error
}

// wireError is a server error as the transport frames it: message, Juju
// error code and optional info.
type wireError struct {
	Code    string
	Message string
	Info    map[string]any
}

func (e *wireError) Error() string { return e.Message }

// toWireError converts any error into its wire form; errors that carry no
// code keep an empty code, as the real server does for plain errors.
func toWireError(err error) *wireError {
	var we *wireError
	if errors.As(err, &we) {
		return we
	}
	return &wireError{Message: err.Error()}
}

// logQuery holds the parsed debug-log query parameters.
type logQuery struct {
	Version       int
	StartTime     time.Time
	Replay        bool
	NoTail        bool
	Firehose      bool
	InitialLines  uint
	Level         string // "" or one of TRACE, DEBUG, INFO, WARNING, ERROR
	IncludeEntity []string
	ExcludeEntity []string
	IncludeModule []string
	ExcludeModule []string
	IncludeLabels map[string]string
	ExcludeLabels map[string]string
}

// logRecord is one debug-log line.
type logRecord struct {
	ModelUUID string
	Entity    string
	Time      time.Time
	Severity  string
	Module    string
	Location  string
	Message   string
	Labels    map[string]string
}

// logStream yields log records until it ends (io.EOF), fails or is closed.
type logStream interface {
	Next(ctx context.Context) (logRecord, error)
	Close() error
}

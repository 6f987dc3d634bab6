package jujusim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// maxCharmSize is the largest charm archive the upload endpoint accepts,
// the real server's limit.
const maxCharmSize = 500 << 20

// minSHA256Prefix is the shortest SHA-256 prefix a charm object name may
// carry.
const minSHA256Prefix = 7

// charmsResponse is the JSON body of the charm endpoints.
type charmsResponse struct {
	Error     string         `json:"error,omitempty"`
	ErrorCode string         `json:"error-code,omitempty"`
	ErrorInfo map[string]any `json:"error-info,omitempty"`
	CharmURL  string         `json:"charm-url,omitempty"`
}

// httpStatusForCode maps a Juju error code to the HTTP status the real
// server uses for it.
func httpStatusForCode(code string) int {
	switch {
	case code == "unauthorized access" || code == "macaroon discharge required":
		return http.StatusUnauthorized
	case code == "not found" || strings.HasSuffix(code, " not found"):
		return http.StatusNotFound
	case code == "bad request" || code == "operation is blocked":
		return http.StatusBadRequest
	case code == "forbidden":
		return http.StatusForbidden
	case code == "method not allowed":
		return http.StatusMethodNotAllowed
	case code == "redirection required":
		return http.StatusMovedPermanently
	case code == "not yet available; try again later":
		return http.StatusConflict
	case code == "not leader":
		return http.StatusTemporaryRedirect
	}
	return http.StatusInternalServerError
}

// basicAuth extracts the user name (without the "user-" tag prefix) and
// password of a Basic Authorization header; ok is false when there is none.
func basicAuth(r *http.Request) (user, password string, ok bool) {
	tag, password, ok := r.BasicAuth()
	if !ok {
		return "", "", false
	}
	return strings.TrimPrefix(tag, "user-"), password, true
}

// checkHTTPAuth authenticates an HTTP or stream request for modelUUID:
// with login macaroons in "macaroon-..." cookies (as a user who ran "juju
// login" sends them, with Basic authentication naming the user and an
// empty password), else with Basic authentication and a password.
func (s *Server) checkHTTPAuth(r *http.Request, modelUUID string) error {
	if macaroons := macaroonCookies(r); len(macaroons) > 0 {
		if s.faults.loginsRefused() {
			return &core.Error{Code: "unauthorized access", Message: "invalid entity name or password"}
		}
		tag, _, _ := r.BasicAuth()
		return s.core.CheckHTTPMacaroons(tag, macaroons, modelUUID)
	}
	user, password, ok := basicAuth(r)
	if !ok {
		return &core.Error{Code: "unauthorized access", Message: "no credentials provided"}
	}
	if s.faults.loginsRefused() {
		return &core.Error{Code: "unauthorized access", Message: "invalid entity name or password"}
	}
	return s.core.CheckHTTPAuth(user, password, modelUUID)
}

// serveCharm serves PUT /model-<uuid>/charms/<name>-<sha256 prefix>.
func (s *Server) serveCharm(w http.ResponseWriter, r *http.Request, modelUUID, object string) {
	var err error
	switch r.Method {
	case http.MethodPut:
		err = s.putCharm(w, r, modelUUID, object)
		if err != nil {
			err = prefixError("uploading charm: ", err)
		}
	case http.MethodGet:
		err = prefixError("retrieving charm: ", &core.Error{Code: "not implemented", Message: "charm download is not simulated"})
	default:
		http.Error(w, fmt.Sprintf("http method %s not implemented", r.Method), http.StatusNotImplemented)
		return
	}
	if err == nil {
		return
	}
	we := core.AsError(err)
	writeJSON(w, httpStatusForCode(we.Code), nil, &charmsResponse{Error: we.Message, ErrorCode: we.Code, ErrorInfo: we.Info})
}

func (s *Server) putCharm(w http.ResponseWriter, r *http.Request, modelUUID, object string) error {
	if err := s.checkHTTPAuth(r, modelUUID); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/zip" {
		return badRequest("expected Content-Type: application/zip, got: %v", ct)
	}
	i := strings.LastIndex(object, "-")
	if i < 0 {
		return badRequest("%q is not a valid charm object path", object)
	}
	if sha := object[i+1:]; len(sha) < minSHA256Prefix {
		return badRequest("invalid sha length: %q", sha)
	}
	curl := r.Header.Get("Juju-Curl")
	if curl == "" {
		return badRequest("missing %q header", "Juju-Curl")
	}
	archive, err := io.ReadAll(io.LimitReader(r.Body, maxCharmSize+1))
	if err != nil {
		return badRequest("cannot read charm archive: %v", err)
	}
	if len(archive) > maxCharmSize {
		return badRequest("charm archive larger than %d bytes", maxCharmSize)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Minute)
	defer cancel()
	charmURL, err := s.core.UploadCharm(ctx, modelUUID, object, curl, archive)
	if err != nil {
		return err
	}
	s.logger.Debug("charm uploaded", "model", modelUUID, "object", object, "charm-url", charmURL)
	writeJSON(w, http.StatusOK, map[string]string{"Juju-Curl": charmURL}, &charmsResponse{CharmURL: charmURL})
	return nil
}

// serveLegacyCharmUpload serves Juju 3's POST
// /model/<uuid>/charms?series=<series>[&schema=local]: a local charm
// archive in the body, answered with {"charm-url": ...}. Juju 4 has no
// such endpoint (404).
func (s *Server) serveLegacyCharmUpload(w http.ResponseWriter, r *http.Request, modelUUID string) {
	if s.core.Major() >= 4 {
		http.NotFound(w, r)
		return
	}
	err := func() error {
		if r.Method != http.MethodPost {
			return &core.Error{Code: "method not allowed", Message: fmt.Sprintf("unsupported method: %q", r.Method)}
		}
		if err := s.checkHTTPAuth(r, modelUUID); err != nil {
			return err
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/zip" {
			return badRequest("expected Content-Type: application/zip, received: %q", ct)
		}
		archive, err := io.ReadAll(io.LimitReader(r.Body, maxCharmSize+1))
		if err != nil {
			return badRequest("cannot read charm archive: %v", err)
		}
		if len(archive) > maxCharmSize {
			return badRequest("charm archive larger than %d bytes", maxCharmSize)
		}
		q := r.URL.Query()
		charmURL, err := s.core.UploadCharmLegacy(r.Context(), modelUUID, q.Get("schema"), q.Get("series"), archive)
		if err != nil {
			return err
		}
		s.logger.Debug("charm uploaded (legacy endpoint)", "model", modelUUID, "charm-url", charmURL)
		writeJSON(w, http.StatusOK, nil, &charmsResponse{CharmURL: charmURL})
		return nil
	}()
	if err == nil {
		return
	}
	we := core.AsError(err)
	writeJSON(w, httpStatusForCode(we.Code), nil, &charmsResponse{Error: we.Message, ErrorCode: we.Code, ErrorInfo: we.Info})
}

func badRequest(format string, args ...any) error {
	return &core.Error{Code: "bad request", Message: fmt.Sprintf(format, args...)}
}

func prefixError(prefix string, err error) error {
	we := core.AsError(err)
	return &core.Error{Code: we.Code, Message: prefix + we.Message, Info: we.Info}
}

// writeJSON writes a JSON body (no trailing newline) with its length, as
// the real charm endpoint does.
func writeJSON(w http.ResponseWriter, status int, headers map[string]string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for k, val := range headers {
		w.Header().Set(k, val)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// logMessage is a debug-log record in stream version 2 and later.
type logMessage struct {
	ModelUUID string            `json:"uuid,omitempty"`
	Entity    string            `json:"tag"`
	Timestamp time.Time         `json:"ts"`
	Severity  string            `json:"sev"`
	Module    string            `json:"mod"`
	Location  string            `json:"loc"`
	Message   string            `json:"msg"`
	Labels    map[string]string `json:"lab,omitempty"`
}

// logMessageV1 is a debug-log record in stream version 1: labels are the
// logger tags as an array.
type logMessageV1 struct {
	Entity    string    `json:"tag"`
	Timestamp time.Time `json:"ts"`
	Severity  string    `json:"sev"`
	Module    string    `json:"mod"`
	Location  string    `json:"loc"`
	Message   string    `json:"msg"`
	Labels    []string  `json:"lab"`
}

// loggerTagsLabel is the label that carries a record's logger tags.
const loggerTagsLabel = "logger-tags"

// initialError is the first frame of a stream endpoint.
type initialError struct {
	Error *streamError `json:"error,omitempty"`
}

type streamError struct {
	Message string         `json:"message"`
	Code    string         `json:"code"`
	Info    map[string]any `json:"info,omitempty"`
}

// serveLog serves the debug-log websocket /model/<uuid>/log.
func (s *Server) serveLog(g *generation, w http.ResponseWriter, r *http.Request, modelUUID string) {
	ws := s.acceptWebsocket(g, w, r)
	if ws == nil {
		return
	}
	defer g.untrack(ws)
	defer func() { _ = ws.CloseNow() }()
	ctx, cancel := context.WithCancel(s.baseCtx)
	defer cancel()
	// The client sends nothing; reading keeps control frames flowing and
	// notices when the client goes away.
	ctx = ws.CloseRead(ctx)

	sendInitial := func(err error) error {
		var ie initialError
		if err != nil {
			we := core.AsError(err)
			ie.Error = &streamError{Message: we.Message, Code: we.Code, Info: we.Info}
		}
		data, _ := encodeFrame(ie)
		return ws.Write(ctx, websocket.MessageText, data)
	}
	fail := func(err error) {
		if sendInitial(err) == nil {
			_ = ws.Close(websocket.StatusNormalClosure, "")
		}
	}
	if err := s.checkHTTPAuth(r, modelUUID); err != nil {
		fail(prefixError("authentication failed: ", err))
		return
	}
	q, err := parseLogQuery(r.URL.Query())
	if err != nil {
		fail(err)
		return
	}
	stream, err := s.core.Logs(modelUUID, q)
	if err != nil {
		fail(err)
		return
	}
	defer func() { _ = stream.Close() }()
	if err := sendInitial(nil); err != nil {
		return
	}
	for {
		rec, err := stream.Next(ctx)
		if errors.Is(err, io.EOF) {
			_ = ws.Close(websocket.StatusNormalClosure, "")
			return
		}
		if err != nil {
			return
		}
		data, err := encodeFrame(logFrame(rec, q.Version))
		if err != nil {
			return
		}
		if err := ws.Write(ctx, websocket.MessageText, data); err != nil {
			return
		}
	}
}

// logFrame returns the wire form of rec for debug-log stream version
// version: from 2 on, the record with its model UUID and labels as a map;
// before, without the model and with the logger tags as an array.
func logFrame(rec core.LogRecord, version int) any {
	if version >= 2 {
		return logMessage{
			ModelUUID: rec.ModelUUID, Entity: rec.Entity, Timestamp: rec.Time, Severity: rec.Severity,
			Module: rec.Module, Location: rec.Location, Message: rec.Message, Labels: rec.Labels,
		}
	}
	m := logMessageV1{
		Entity: rec.Entity, Timestamp: rec.Time, Severity: rec.Severity,
		Module: rec.Module, Location: rec.Location, Message: rec.Message,
	}
	if tags, ok := rec.Labels[loggerTagsLabel]; ok {
		m.Labels = strings.Split(tags, ",")
	}
	return m
}

// logLevels are the levels debug-log accepts as a filter, lowest first.
var logLevels = []string{"TRACE", "DEBUG", "INFO", "WARNING", "ERROR"}

// parseLogQuery reads the debug-log query parameters with the real
// server's rules and error messages.
func parseLogQuery(v url.Values) (core.LogQuery, error) {
	q := core.LogQuery{Version: 1}
	if s := v.Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return q, fmt.Errorf("version value %q is not a valid number", s)
		}
		q.Version = n
	}
	if s := v.Get("backlog"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return q, fmt.Errorf("backlog value %q is not a valid unsigned number", s)
		}
		q.Backlog = int(n)
	}
	if s := v.Get("maxLines"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return q, fmt.Errorf("maxLines value %q is not a valid unsigned number", s)
		}
		q.Backlog = int(n)
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"noTail", &q.NoTail}, {"firehose", &q.Firehose}, {"replay", &q.Replay}} {
		if s := v.Get(b.name); s != "" {
			val, err := strconv.ParseBool(s)
			if err != nil {
				return q, fmt.Errorf("%s value %q is not a valid boolean", b.name, s)
			}
			*b.dst = val
		}
	}
	if s := v.Get("level"); s != "" {
		level := strings.ToUpper(s)
		if level == "WARN" {
			level = "WARNING"
		}
		ok := false
		for _, l := range logLevels {
			ok = ok || l == level
		}
		if !ok {
			return q, fmt.Errorf("level value %q is not one of %q, %q, %q, %q, %q",
				s, logLevels[0], logLevels[1], logLevels[2], logLevels[3], logLevels[4])
		}
		q.Level = level
	}
	if s := v.Get("startTime"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, fmt.Errorf("start time %q is not a valid time in RFC3339 format", s)
		}
		q.StartTime = t
	}
	q.IncludeEntity = v["includeEntity"]
	q.ExcludeEntity = v["excludeEntity"]
	q.IncludeModule = v["includeModule"]
	q.ExcludeModule = v["excludeModule"]
	var err error
	if q.IncludeLabels, err = parseLabels(v, "includeLabels", "includeLabel", "include"); err != nil {
		return q, err
	}
	if q.ExcludeLabels, err = parseLabels(v, "excludeLabels", "excludeLabel", "exclude"); err != nil {
		return q, err
	}
	return q, nil
}

// parseLabels reads key=value labels from param, or the older form
// legacy (logger tags) when param is absent.
func parseLabels(v url.Values, param, legacy, what string) (map[string]string, error) {
	labels := make(map[string]string)
	if vals, ok := v[param]; ok {
		for _, kv := range vals {
			k, val, found := strings.Cut(kv, "=")
			if !found {
				return nil, &core.Error{Code: "not valid", Message: fmt.Sprintf("%s label key value %q not valid", what, kv)}
			}
			if i := strings.Index(val, "="); i >= 0 {
				val = val[:i]
			}
			labels[k] = val
		}
	} else if tags, ok := v[legacy]; ok {
		labels[loggerTagsLabel] = strings.Join(tags, ",")
	}
	return labels, nil
}

// macaroonCookies decodes the request's "macaroon-..." cookies (each the
// standard base64 of a JSON array of macaroons); undecodable ones are
// skipped.
func macaroonCookies(r *http.Request) [][]json.RawMessage {
	var out [][]json.RawMessage
	for _, ck := range r.Cookies() {
		if !strings.HasPrefix(ck.Name, "macaroon-") {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(ck.Value)
		if err != nil {
			if data, err = base64.URLEncoding.DecodeString(ck.Value); err != nil {
				continue
			}
		}
		var ms []json.RawMessage
		if json.Unmarshal(data, &ms) != nil || len(ms) == 0 {
			continue
		}
		out = append(out, ms)
	}
	return out
}

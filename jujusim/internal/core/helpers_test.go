package core

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// sim is a controller under test with a fake clock.
type sim struct {
	t     *testing.T
	c     *Controller
	clock *FakeClock
}

func newSim(t *testing.T, cfg Config) *sim {
	t.Helper()
	fc := NewFakeClock(time.Time{})
	if cfg.Clock == nil {
		cfg.Clock = fc
	}
	if cfg.AdminPassword == "" {
		cfg.AdminPassword = "s3cret"
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &sim{t: t, c: c, clock: fc}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// login logs user in to a model ("" = controller connection).
func (s *sim) login(model, user, password string) (*Session, map[string]any, error) {
	res, sess, err := s.c.Login(context.Background(), model, mustJSON(s.t, map[string]any{
		"auth-tag": "user-" + user, "credentials": password, "nonce": "", "macaroons": nil, "user-data": "", "client-version": "4.0.15",
	}), []string{"127.0.0.1:17070"})
	if err != nil {
		return nil, nil, err
	}
	return sess, toMap(s.t, res), nil
}

func (s *sim) admin(model string) *Session {
	s.t.Helper()
	sess, _, err := s.login(model, "admin", "s3cret")
	if err != nil {
		s.t.Fatalf("login: %v", err)
	}
	return sess
}

// call makes an RPC call with JSON params and returns the JSON-decoded
// result, as the transport would see it.
func (s *sim) call(sess *Session, facade string, version int, method string, params any) (map[string]any, error) {
	s.t.Helper()
	return s.callID(sess, facade, version, method, "", params)
}

func (s *sim) callID(sess *Session, facade string, version int, method, id string, params any) (map[string]any, error) {
	s.t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	res, err := s.c.Call(context.Background(), sess, facade, version, method, id, mustJSON(s.t, params))
	if err != nil {
		return nil, err
	}
	return toMap(s.t, res), nil
}

func (s *sim) mustCall(sess *Session, facade string, version int, method string, params any) map[string]any {
	s.t.Helper()
	res, err := s.call(sess, facade, version, method, params)
	if err != nil {
		s.t.Fatalf("%s.%s: %v", facade, method, err)
	}
	return res
}

func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal result: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal result %s: %v", b, err)
	}
	return m
}

// get walks a decoded JSON value along keys (string keys and int indexes).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func errCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Error %q %q", err, err, code, msg)
	}
	if e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("error = {%q, %q}, want {%q, %q}", e.Code, e.Message, code, msg)
	}
}

// settle advances the fake clock in steps until nothing is pending or the
// limit passes.
func (s *sim) advance(d time.Duration) { s.clock.Advance(d) }

// charmZip builds a .charm archive.
func charmZip(t *testing.T, files map[string]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:])[:7]
}

const providerMeta = `name: rj-provider
summary: Tiny provider charm for exercising a Juju API server
description: Tiny provider charm for exercising a Juju API server; it does nothing.
provides:
  db:
    interface: rj-db
`

const consumerMeta = `name: rj-consumer
summary: Tiny consumer charm
description: Tiny consumer charm; it does nothing.
requires:
  db: rj-db
`

const testConfig = `options:
  greeting:
    type: string
    default: hello
    description: A greeting the charm would use.
  workers:
    type: int
    default: 1
    description: Number of workers.
`

const testManifest = `bases:
- name: ubuntu
  channel: "22.04"
  architectures: [amd64]
`

// uploadLocal uploads a local charm and returns its URL.
func (s *sim) uploadLocal(model, meta string) string {
	s.t.Helper()
	files := map[string]string{"metadata.yaml": meta, "config.yaml": testConfig, "manifest.yaml": testManifest, "dispatch": "#!/bin/sh\n",
		"actions.yaml": "backup:\n  description: Take a backup.\n  params:\n    target:\n      type: string\n"}
	archive, sha := charmZip(s.t, files)
	name := "rj-provider"
	if bytes.Contains([]byte(meta), []byte("rj-consumer")) {
		name = "rj-consumer"
	}
	url, err := s.c.UploadCharm(context.Background(), model, name+"-"+sha, "local:"+name+"-0", archive)
	if err != nil {
		s.t.Fatalf("UploadCharm: %v", err)
	}
	return url
}

// deployLocal deploys an uploaded local charm like the 4.0 CLI does.
func (s *sim) deployLocal(sess *Session, url, app string, units int) {
	s.t.Helper()
	res := s.mustCall(sess, "Application", 22, "Deploy", map[string]any{"applications": []any{map[string]any{
		"Force": false, "application": app, "channel": "", "charm-url": url, "config-yaml": "", "constraints": map[string]any{},
		"num-units": units, "charm-origin": map[string]any{"base": map[string]any{"channel": "22.04/stable", "name": "ubuntu"}, "id": "", "revision": 0, "source": "local", "type": ""},
	}}})
	if e := get(res, "results", 0, "error"); e != nil {
		s.t.Fatalf("Deploy %s: %v", app, e)
	}
}

func (s *sim) status(sess *Session, patterns ...string) map[string]any {
	s.t.Helper()
	return s.mustCall(sess, "Client", 8, "FullStatus", map[string]any{"patterns": patterns})
}

var zeroTime time.Time

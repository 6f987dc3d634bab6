package jujusim

// This file is a stand-in for the semantic core (internal/core) until its
// Controller lands: it knows the admin user, Admin.Login and Pinger.Ping.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

type stubBackend struct {
	uuid, name, password, modelUUID string

	mu   sync.Mutex
	logs []logRecord
}

func newBackend(cfg Config) (backend, error) {
	b := &stubBackend{
		uuid:      cfg.ControllerUUID,
		name:      cfg.ControllerName,
		password:  cfg.AdminPassword,
		modelUUID: newUUID(),
	}
	if b.uuid == "" {
		b.uuid = newUUID()
	}
	if b.name == "" {
		b.name = "jujusim"
	}
	if b.password == "" {
		b.password = randomHex(16)
	}
	return b, nil
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type stubSession struct{ model string }

func (b *stubBackend) Login(_ context.Context, modelUUID string, params json.RawMessage, addrs []string) (any, any, error) {
	var req struct {
		AuthTag     string `json:"auth-tag"`
		Credentials string `json:"credentials"`
	}
	if err := json.Unmarshal(params, &req); err != nil {
		return nil, nil, &wireError{Code: "bad request", Message: err.Error()}
	}
	if modelUUID != "" && modelUUID != b.modelUUID {
		return nil, nil, &wireError{Code: "model not found", Message: fmt.Sprintf("unknown model: %q", modelUUID)}
	}
	if req.AuthTag != "user-admin" || req.Credentials != b.password {
		return nil, nil, &wireError{Code: "unauthorized access", Message: "invalid entity name or password"}
	}
	servers := [][]map[string]any{}
	for _, a := range addrs {
		servers = append(servers, []map[string]any{{"value": a, "type": "ipv4", "scope": "local-machine"}})
	}
	res := map[string]any{
		"servers":        servers,
		"controller-tag": "controller-" + b.uuid,
		"user-info": map[string]any{
			"display-name": "admin", "identity": "user-admin",
			"controller-access": "superuser", "model-access": "admin",
		},
		"facades":        []map[string]any{{"name": "Pinger", "versions": []int{1}}},
		"server-version": Juju40,
	}
	if modelUUID != "" {
		res["model-tag"] = "model-" + modelUUID
	}
	return res, &stubSession{model: modelUUID}, nil
}

func (b *stubBackend) Call(_ context.Context, _ any, facade string, version int, method, _ string, _ json.RawMessage) (any, error) {
	if facade == "Pinger" && version == 1 && method == "Ping" {
		return nil, nil
	}
	return nil, notImplemented(facade, version, "")
}

func (b *stubBackend) CheckHTTPAuth(user, password, _ string) error {
	if user != "admin" || password != b.password {
		return &wireError{Code: "unauthorized access", Message: "invalid entity name or password"}
	}
	return nil
}

func (b *stubBackend) UploadCharm(_ context.Context, modelUUID, _, curl string, _ []byte) (string, error) {
	if modelUUID != b.modelUUID {
		return "", &wireError{Code: "model not found", Message: fmt.Sprintf("unknown model: %q", modelUUID)}
	}
	return curl, nil
}

func (b *stubBackend) Logs(_ context.Context, _ string, q logQuery) (logStream, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return &sliceStream{recs: append([]logRecord(nil), b.logs...), noTail: q.NoTail}, nil
}

type sliceStream struct {
	recs   []logRecord
	noTail bool
}

func (s *sliceStream) Next(ctx context.Context) (logRecord, error) {
	if len(s.recs) > 0 {
		r := s.recs[0]
		s.recs = s.recs[1:]
		return r, nil
	}
	if s.noTail {
		return logRecord{}, io.EOF
	}
	<-ctx.Done()
	return logRecord{}, ctx.Err()
}

func (s *sliceStream) Close() error { return nil }

func (b *stubBackend) UUID() string             { return b.uuid }
func (b *stubBackend) Name() string             { return b.name }
func (b *stubBackend) AdminPassword() string    { return b.password }
func (b *stubBackend) DefaultModelUUID() string { return b.modelUUID }
func (b *stubBackend) Close() error             { return nil }

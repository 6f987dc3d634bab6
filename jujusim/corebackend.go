package jujusim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// coreBackend serves the transport from the semantic core.
type coreBackend struct {
	c *core.Controller
}

func newBackend(cfg Config) (*coreBackend, error) {
	timing := core.Timing(cfg.Timing)
	if timing == (core.Timing{}) {
		var ok bool
		if timing, ok = core.TimingByName(string(cfg.Speed)); !ok {
			return nil, fmt.Errorf("unknown speed %q", cfg.Speed)
		}
	}
	c, err := core.New(core.Config{
		JujuVersion:    cfg.JujuVersion,
		Clock:          cfg.Clock,
		Timing:         timing,
		Logger:         cfg.Logger,
		ControllerUUID: cfg.ControllerUUID,
		ControllerName: cfg.ControllerName,
		AdminPassword:  cfg.AdminPassword,
		DefaultModel:   cfg.DefaultModel,
	})
	if err != nil {
		return nil, fromCore(err)
	}
	return &coreBackend{c: c}, nil
}

// fromCore converts the core's *core.Error into the transport's error.
func fromCore(err error) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return &wireError{Code: ce.Code, Message: ce.Message, Info: ce.Info}
	}
	return err
}

func (b *coreBackend) Login(ctx context.Context, modelUUID string, params json.RawMessage, addrs []string) (any, any, error) {
	res, sess, err := b.c.Login(ctx, modelUUID, params, addrs)
	if err != nil {
		return nil, nil, fromCore(err)
	}
	if sess == nil {
		return res, nil, nil // a discharge is required: not logged in
	}
	return res, sess, nil
}

func (b *coreBackend) Call(ctx context.Context, sess any, facade string, version int, method, id string, params json.RawMessage) (any, error) {
	s, _ := sess.(*core.Session)
	res, err := b.c.Call(ctx, s, facade, version, method, id, params)
	return res, fromCore(err)
}

func (b *coreBackend) EndSession(sess any) {
	if s, ok := sess.(*core.Session); ok {
		b.c.EndSession(s)
	}
}

func (b *coreBackend) CheckHTTPAuth(user, password, modelUUID string) error {
	return fromCore(b.c.CheckHTTPAuth(user, password, modelUUID))
}

func (b *coreBackend) UploadCharm(ctx context.Context, modelUUID, objectName, curl string, archive []byte) (string, error) {
	url, err := b.c.UploadCharm(ctx, modelUUID, objectName, curl, archive)
	return url, fromCore(err)
}

func (b *coreBackend) Logs(_ context.Context, modelUUID string, q logQuery) (logStream, error) {
	cq := core.LogQuery{
		Level:         q.Level,
		IncludeEntity: q.IncludeEntity,
		ExcludeEntity: q.ExcludeEntity,
		IncludeModule: q.IncludeModule,
		ExcludeModule: q.ExcludeModule,
		IncludeLabels: labelList(q.IncludeLabels),
		ExcludeLabels: labelList(q.ExcludeLabels),
		Replay:        q.Replay,
		NoTail:        q.NoTail,
		Backlog:       int(q.InitialLines),
		StartTime:     q.StartTime,
	}
	sub, err := b.c.Logs(modelUUID, cq)
	if err != nil {
		return nil, fromCore(err)
	}
	return coreLogStream{sub}, nil
}

func labelList(m map[string]string) []string {
	if len(m) == 0 {
		return nil
	}
	l := make([]string, 0, len(m))
	for k, v := range m {
		l = append(l, k+"="+v)
	}
	return l
}

type coreLogStream struct{ sub *core.LogSubscription }

func (s coreLogStream) Next(ctx context.Context) (logRecord, error) {
	r, err := s.sub.Next(ctx)
	if err != nil {
		return logRecord{}, err
	}
	return logRecord{
		ModelUUID: r.ModelUUID, Entity: r.Entity, Time: r.Time, Severity: r.Severity,
		Module: r.Module, Location: r.Location, Message: r.Message, Labels: r.Labels,
	}, nil
}

func (s coreLogStream) Close() error { return s.sub.Close() }

func (b *coreBackend) ModelExists(uuid string) bool {
	for _, m := range b.c.Models() {
		if m == uuid {
			return true
		}
	}
	return false
}

func (b *coreBackend) UUID() string             { return b.c.UUID() }
func (b *coreBackend) Name() string             { return b.c.Name() }
func (b *coreBackend) AdminPassword() string    { return b.c.AdminPassword() }
func (b *coreBackend) DefaultModelUUID() string { return b.c.DefaultModelUUID() }
func (b *coreBackend) Close() error             { return b.c.Close() }

var _ backend = (*coreBackend)(nil)

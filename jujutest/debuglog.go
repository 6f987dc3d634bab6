package jujutest

import (
	"context"
	"errors"
	"io"

	"github.com/gojuju/juju"
)

// debugLogTail returns the last n lines of the model's debug log, read with
// Model.DebugLog without tailing. When the test closed the model's
// Controller, it connects again with tg's configuration.
func debugLogTail(ctx context.Context, tg *target, m *juju.Model, n int) ([]string, error) {
	opts := &juju.DebugLogOptions{Lines: n, NoTail: true}
	s, err := m.DebugLog(ctx, opts)
	if errors.Is(err, juju.ErrClosed) {
		c, cerr := juju.Connect(ctx, tg.cfg)
		if cerr != nil {
			return nil, cerr
		}
		defer func() { _ = c.Close() }()
		if m, err = c.Model(ctx, m.QualifiedName()); err != nil {
			return nil, err
		}
		s, err = m.DebugLog(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.Close() }()
	var lines []string
	for {
		r, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(lines) > 0 && ctx.Err() != nil {
				break // what we have is better than nothing
			}
			return lines, err
		}
		lines = append(lines, r.String())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, nil
}

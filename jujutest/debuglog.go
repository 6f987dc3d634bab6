package jujutest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/gojuju/juju/rpc"
)

// logRecord is one debug-log record (version 2 of the stream).
type logRecord struct {
	Tag      string    `json:"tag"`
	Time     time.Time `json:"ts"`
	Severity string    `json:"sev"`
	Module   string    `json:"mod"`
	Message  string    `json:"msg"`
}

// String renders the record as "juju debug-log" does.
func (r logRecord) String() string {
	return fmt.Sprintf("%s: %s %s %s %s", r.Tag, r.Time.UTC().Format("15:04:05"), r.Severity, r.Module, r.Message)
}

// debugLogTail returns the last n lines of the model's debug log. It logs
// in over RPC only to learn the HTTP client, address and credentials of the
// controller, then reads /model/<uuid>/log without tailing.
func debugLogTail(ctx context.Context, tg *target, modelUUID string, n int) ([]string, error) {
	if tg.password == "" {
		return nil, errors.New("no password to log in with (macaroon logins are not supported yet)")
	}
	conn, err := rpc.Dial(ctx, rpc.Config{
		Addrs:        tg.addrs,
		CACert:       tg.caCert,
		ModelUUID:    modelUUID,
		Username:     tg.user,
		Password:     tg.password,
		PingInterval: -1,
	})
	if err != nil {
		return nil, err
	}
	defer func() { _ = conn.Close() }()

	q := url.Values{
		"backlog": {strconv.Itoa(n)},
		"noTail":  {"true"},
		"version": {"2"},
	}
	u := conn.BaseURL() + "/model/" + modelUUID + "/log?" + q.Encode()
	ws, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPClient: conn.HTTPClient(),
		HTTPHeader: conn.AuthHeader(),
	})
	if err != nil {
		return nil, err
	}
	defer func() { _ = ws.CloseNow() }()
	ws.SetReadLimit(1 << 20)

	// The first frame says whether the stream was accepted.
	_, data, err := ws.Read(ctx)
	if err != nil {
		return nil, err
	}
	var first struct {
		Error *rpc.Error `json:"error"`
	}
	if err := json.Unmarshal(data, &first); err != nil {
		return nil, fmt.Errorf("bad first debug-log frame %q: %w", data, err)
	}
	if first.Error != nil {
		return nil, first.Error
	}
	var lines []string
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusNormalClosure || websocket.CloseStatus(err) == websocket.StatusGoingAway {
				break
			}
			if len(lines) > 0 && ctx.Err() != nil {
				break // what we have is better than nothing
			}
			return lines, err
		}
		var rec logRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			lines = append(lines, strings.TrimSpace(string(data)))
			continue
		}
		lines = append(lines, rec.String())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, nil
}

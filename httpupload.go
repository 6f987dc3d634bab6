package juju

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/rpc"
)

// uploadCharm uploads a local charm archive with the controller's S3-style
// endpoint, PUT /model-<uuid>/charms/<name>-<sha256[:7]>, and returns the
// charm URL the controller assigned ("local:foo-0").
//
// The real Juju 4.0.15 server refuses an upload while its object store
// holds the blob's lock for another upload ("... putting blob and check
// hash: file locked", seen when several models take the same charm at
// once); the upload is idempotent (the same content under the same
// hash), so it is retried a few times after a short pause.
func (m *Model) uploadCharm(ctx context.Context, conn *apiConn, ch *localCharm) (string, error) {
	delay := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		curl, err := m.uploadCharmOnce(ctx, conn, ch)
		if err == nil || attempt == uploadAttempts || !isFileLocked(err) {
			return curl, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", err
		case <-t.C:
		}
		delay *= 2
	}
}

// uploadAttempts bounds the attempts of a charm upload refused with
// "file locked".
const uploadAttempts = 6

// isFileLocked reports whether the controller refused an upload because
// its object store was locked by another one.
func isFileLocked(err error) bool {
	var se *rpc.Error
	return errors.As(err, &se) && strings.HasSuffix(se.Message, "file locked")
}

func (m *Model) uploadCharmOnce(ctx context.Context, conn *apiConn, ch *localCharm) (string, error) {
	u := conn.BaseURL() + "/model-" + m.uuid + "/charms/" + url.PathEscape(ch.objectName())
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(ch.archive))
	if err != nil {
		return "", err
	}
	for k, v := range conn.AuthHeader() {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/zip")
	req.Header.Set("Juju-Curl", ch.curl())
	resp, err := conn.HTTPClient().Do(req)
	if err != nil {
		return "", fmt.Errorf("cannot upload charm: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("cannot upload charm: %w", httpError(resp.StatusCode, body))
	}
	if curl := resp.Header.Get("Juju-Curl"); curl != "" {
		return curl, nil
	}
	var r struct {
		CharmURL string `json:"charm-url"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.CharmURL == "" {
		return "", fmt.Errorf("cannot upload charm: no charm URL in the controller's answer %q", truncate(string(body), 200))
	}
	return r.CharmURL, nil
}

// uploadResource uploads the content of a resource of an application,
// PUT /model/<uuid>/applications/<app>/resources/<name>[?pendingid=<id>],
// as the juju CLI does (the file name is the value as given). The content
// is never logged: an OCI image resource's holds registry credentials.
func (m *Model) uploadResource(ctx context.Context, conn *apiConn, app string, up *resourceUpload, pendingID string) error {
	name, data := up.name, up.data
	u := conn.BaseURL() + "/model/" + m.uuid + "/applications/" + url.PathEscape(app) + "/resources/" + url.PathEscape(name)
	if pendingID != "" {
		u += "?pendingid=" + url.QueryEscape(pendingID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(data))
	if err != nil {
		return err
	}
	for k, v := range conn.AuthHeader() {
		req.Header[k] = v
	}
	sum := sha512.Sum384(data)
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Content-Sha384", hex.EncodeToString(sum[:]))
	req.Header.Set("Content-Length", strconv.Itoa(len(data)))
	req.Header.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"filename": up.filename}))
	req.ContentLength = int64(len(data))
	resp, err := conn.HTTPClient().Do(req)
	if err != nil {
		return fmt.Errorf("cannot upload resource %q: %w", name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("cannot upload resource %q: %w", name, httpError(resp.StatusCode, body))
	}
	var r struct {
		Error *rpc.Error `json:"error"`
	}
	if json.Unmarshal(body, &r) == nil && r.Error != nil {
		return fmt.Errorf("cannot upload resource %q: %w", name, r.Error)
	}
	return nil
}

// httpError decodes the error of a controller HTTP endpoint. Bodies come in
// three shapes: {"error":"msg","error-code":"code"},
// {"error":{"message","code"}} and {"message","code"}; anything else is
// mapped from the status code.
func httpError(status int, body []byte) error {
	var flat struct {
		Error     json.RawMessage `json:"error"`
		ErrorCode string          `json:"error-code"`
		Message   string          `json:"message"`
		Code      string          `json:"code"`
	}
	if json.Unmarshal(body, &flat) == nil {
		var msg string
		if len(flat.Error) > 0 && json.Unmarshal(flat.Error, &msg) == nil && msg != "" {
			return &rpc.Error{Message: msg, Code: flat.ErrorCode}
		}
		var nested rpc.Error
		if len(flat.Error) > 0 && json.Unmarshal(flat.Error, &nested) == nil && nested.Message != "" {
			return &nested
		}
		if flat.Message != "" {
			return &rpc.Error{Message: flat.Message, Code: flat.Code}
		}
	}
	code := ""
	switch status {
	case http.StatusUnauthorized:
		code = rpc.CodeUnauthorized
	case http.StatusForbidden:
		code = rpc.CodeForbidden
	case http.StatusNotFound:
		code = rpc.CodeNotFound
	case http.StatusBadRequest:
		code = rpc.CodeBadRequest
	case http.StatusMethodNotAllowed:
		code = rpc.CodeNotSupported
	}
	msg := http.StatusText(status)
	if t := strings.TrimSpace(string(body)); t != "" {
		msg += ": " + truncate(t, 200)
	}
	return &rpc.Error{Message: msg, Code: code}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

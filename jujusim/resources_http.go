package jujusim

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// maxResourceSize is the largest resource the upload endpoint accepts.
const maxResourceSize = 500 << 20

// resourceError is the error body of the resource endpoint,
// {"error":{"message","code"}}.
type resourceError struct {
	Error *streamError `json:"error"`
}

// serveResource serves PUT /model/<uuid>/applications/<app>/resources/<name>
// [?pendingid=<id>]; tail is the path after the model UUID. The reply is
// {"resource": Resource} (the real server's UploadResult).
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, modelUUID, tail string) {
	rest, ok := strings.CutPrefix(tail, "applications/")
	app, name, ok2 := strings.Cut(rest, "/resources/")
	if !ok || !ok2 || app == "" || name == "" || strings.Contains(name, "/") || strings.Contains(app, "/") {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPut {
		s.resourceFail(w, &core.Error{Code: "method not allowed", Message: fmt.Sprintf("unsupported method: %q", r.Method)})
		return
	}
	if err := s.putResource(w, r, modelUUID, app, name); err != nil {
		s.resourceFail(w, err)
	}
}

func (s *Server) putResource(w http.ResponseWriter, r *http.Request, modelUUID, app, name string) error {
	if err := s.checkHTTPAuth(r, modelUUID); err != nil {
		return err
	}
	user, _, _ := basicAuth(r)
	if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
		return badRequest("expected Content-Type: application/octet-stream, got: %q", ct)
	}
	filename := ""
	if cd := r.Header.Get("Content-Disposition"); cd != "" {
		_, ps, err := mime.ParseMediaType(cd)
		if err != nil {
			return badRequest("invalid Content-Disposition %q: %v", cd, err)
		}
		filename = ps["filename"]
	}
	if r.ContentLength < 0 {
		return badRequest("missing Content-Length")
	}
	if r.ContentLength > maxResourceSize {
		return badRequest("resource larger than %d bytes", maxResourceSize)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxResourceSize+1))
	if err != nil {
		return badRequest("cannot read resource: %v", err)
	}
	if int64(len(data)) != r.ContentLength {
		return badRequest("resource size %d does not match Content-Length %d", len(data), r.ContentLength)
	}
	res, err := s.core.UploadResource(r.Context(), user, modelUUID, app, name, r.URL.Query().Get("pendingid"), filename, r.Header.Get("Content-Sha384"), data)
	if err != nil {
		return err
	}
	s.logger.Debug("resource uploaded", "model", modelUUID, "application", app, "resource", name, "size", len(data))
	writeJSON(w, http.StatusOK, nil, map[string]any{"resource": res})
	return nil
}

func (s *Server) resourceFail(w http.ResponseWriter, err error) {
	we := core.AsError(err)
	writeJSON(w, httpStatusForCode(we.Code), nil, &resourceError{Error: &streamError{Message: we.Message, Code: we.Code, Info: we.Info}})
}

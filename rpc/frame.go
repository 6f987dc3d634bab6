package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
)

// requestFrame is a v1 (kebab-case) request.
type requestFrame struct {
	RequestID uint64 `json:"request-id"`
	Type      string `json:"type"`
	Version   int    `json:"version"`
	ID        string `json:"id,omitempty"`
	Request   string `json:"request"`
	Params    any    `json:"params"`
}

// responseFrame is a v1 response as the reader decodes it.
type responseFrame struct {
	RequestID uint64          `json:"request-id"`
	Error     string          `json:"error,omitempty"`
	ErrorCode string          `json:"error-code,omitempty"`
	ErrorInfo map[string]any  `json:"error-info,omitempty"`
	Response  json.RawMessage `json:"response,omitempty"`

	// Present only in requests; a response must not carry them.
	Type    string `json:"type,omitempty"`
	Request string `json:"request,omitempty"`
}

var emptyParams = struct{}{}

// encodeRequest encodes a request frame; nil params are sent as {}.
func encodeRequest(f *requestFrame) ([]byte, error) {
	if f.Params == nil {
		f.Params = emptyParams
	}
	return json.Marshal(f)
}

var (
	errNotObject     = errors.New("not a JSON object")
	errNoRequestID   = errors.New("missing or zero request-id")
	errRequestFrame  = errors.New("a request frame from the server")
	errBinaryMessage = errors.New("binary message")
)

// decodeResponse decodes one frame sent by the controller. It fails with a
// *FrameError when the frame is not a single JSON object, has no request id
// (v0 framing, or none at all), or is a request rather than a response.
func decodeResponse(data []byte) (*responseFrame, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, newFrameError(data, errNotObject)
	}
	var f responseFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, newFrameError(data, err)
	}
	if f.RequestID == 0 {
		return nil, newFrameError(data, errNoRequestID)
	}
	if f.Type != "" || f.Request != "" {
		return nil, newFrameError(data, errRequestFrame)
	}
	return &f, nil
}

// serverError returns the frame's error, or nil.
func (f *responseFrame) serverError() *Error {
	if f.Error == "" && f.ErrorCode == "" {
		return nil
	}
	return &Error{Message: f.Error, Code: f.ErrorCode, Info: f.ErrorInfo}
}

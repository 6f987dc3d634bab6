package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

// appendRequest appends the encoding of a request frame to b: the bytes
// json.Marshal writes for it, with nil params sent as {}. The envelope is
// written by hand (FuzzAppendRequest compares it with json.Marshal); the
// params are encoded by encoding/json.
func appendRequest(b []byte, f *requestFrame) ([]byte, error) {
	b = append(b, `{"request-id":`...)
	b = strconv.AppendUint(b, f.RequestID, 10)
	b = append(b, `,"type":`...)
	b = appendString(b, f.Type)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(f.Version), 10)
	if f.ID != "" {
		b = append(b, `,"id":`...)
		b = appendString(b, f.ID)
	}
	b = append(b, `,"request":`...)
	b = appendString(b, f.Request)
	b = append(b, `,"params":`...)
	if f.Params == nil {
		b = append(b, "{}"...)
	} else {
		p, err := json.Marshal(f.Params)
		if err != nil {
			return b, err
		}
		b = append(b, p...)
	}
	return append(b, '}'), nil
}

// appendString appends s as encoding/json encodes a string.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // escapes: encoding/json's rules
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

var (
	errNotObject     = errors.New("not a JSON object")
	errSyntax        = errors.New("invalid JSON")
	errNoRequestID   = errors.New("missing or zero request-id")
	errRequestFrame  = errors.New("a request frame from the server")
	errBinaryMessage = errors.New("binary message")
)

// decodeResponse decodes one frame sent by the controller. It fails with a
// *FrameError when the frame is not a single valid JSON object, a known field
// has the wrong type, it has no request id (v0 framing, or none at all), or it
// is a request rather than a response. Keys match exactly (Juju sends them in
// lower case).
//
// The frame is validated in one pass and the response value is not copied:
// Response is a sub-slice of data, decoded later into the caller's result.
// This matters for large results (a FullStatus of thousands of units is
// megabytes).
func decodeResponse(data []byte) (*responseFrame, error) {
	f := new(responseFrame)
	if err := decodeResponseInto(data, f, true); err != nil {
		return nil, err
	}
	return f, nil
}

// decodeResponseInto is decodeResponse into f, which must be zero; fast
// false decodes every field with json.Unmarshal.
func decodeResponseInto(data []byte, f *responseFrame, fast bool) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return newFrameError(data, errNotObject)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		var err error
		if i, err = decodeMembers(data, i, f, fast); err != nil {
			return err
		}
	}
	if i = skipSpace(data, i); i != len(data) {
		return syntaxError(data, i)
	}
	if f.RequestID == 0 {
		return newFrameError(data, errNoRequestID)
	}
	if f.Type != "" || f.Request != "" {
		return newFrameError(data, errRequestFrame)
	}
	return nil
}

// decodeResponseTail decodes what follows the response value of a frame
// whose request id and response value were read already (streamed, see
// StreamResultDecoder): the end of the object, and any members before it,
// into f.
func decodeResponseTail(data []byte, f *responseFrame) error {
	id := f.RequestID
	i := skipSpace(data, 0)
	switch {
	case i < len(data) && data[i] == '}':
		i++
	case i < len(data) && data[i] == ',':
		var err error
		if i, err = decodeMembers(data, skipSpace(data, i+1), f, true); err != nil {
			return err
		}
	default:
		return syntaxError(data, i)
	}
	if i = skipSpace(data, i); i != len(data) {
		return syntaxError(data, i)
	}
	if f.RequestID != id || len(f.Response) > 0 {
		return newFrameError(data, errRepeatedResponse)
	}
	if f.Type != "" || f.Request != "" {
		return newFrameError(data, errRequestFrame)
	}
	return nil
}

// decodeMembers decodes the members of an object from the key at data[i]
// and returns the offset just past the object's end.
func decodeMembers(data []byte, i int, f *responseFrame, fast bool) (int, error) {
	for {
		if i >= len(data) || data[i] != '"' {
			return i, syntaxError(data, i)
		}
		keyStart := i
		var err error
		if i, err = scanString(data, i); err != nil {
			return i, newFrameError(data, err)
		}
		key := data[keyStart+1 : i-1]
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != ':' {
			return i, syntaxError(data, i)
		}
		i = skipSpace(data, i+1)
		valStart := i
		if i, err = scanValue(data, i); err != nil {
			return i, newFrameError(data, err)
		}
		if err := f.setFieldOpt(key, data[valStart:i], fast); err != nil {
			return i, newFrameError(data, err)
		}
		i = skipSpace(data, i)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
			continue
		}
		if i < len(data) && data[i] == '}' {
			return i + 1, nil
		}
		return i, syntaxError(data, i)
	}
}

// setFieldOpt decodes one top-level field; val is valid JSON. It decodes
// as json.Unmarshal does, which it calls for all but the common cases
// (FuzzDecodeResponse compares both), or for all when fast is false.
func (f *responseFrame) setFieldOpt(rawKey, val []byte, fast bool) error {
	if bytes.IndexByte(rawKey, '\\') >= 0 {
		var key string
		if err := json.Unmarshal(append(append([]byte{'"'}, rawKey...), '"'), &key); err != nil {
			return err
		}
		rawKey = []byte(key)
	}
	var err error
	switch string(rawKey) {
	case "request-id":
		if n, ok := parseUint(val); ok && fast {
			f.RequestID = n
		} else {
			err = json.Unmarshal(val, &f.RequestID)
		}
	case "error":
		err = unmarshalString(val, &f.Error, fast)
	case "error-code":
		err = unmarshalString(val, &f.ErrorCode, fast)
	case "error-info":
		err = json.Unmarshal(val, &f.ErrorInfo)
	case "response":
		f.Response = val
	case "type":
		err = unmarshalString(val, &f.Type, fast)
	case "request":
		err = unmarshalString(val, &f.Request, fast)
	}
	if err != nil {
		return fmt.Errorf("field %q: %w", rawKey, err)
	}
	return nil
}

// parseUint parses a JSON number made of at most 19 digits (so that it
// cannot overflow a uint64).
func parseUint(val []byte) (uint64, bool) {
	if len(val) == 0 || len(val) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range val {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// unmarshalString is json.Unmarshal(val, s), without it for a string of
// printable ASCII without escapes.
func unmarshalString(val []byte, s *string, fast bool) error {
	if fast && len(val) >= 2 && val[0] == '"' {
		in := val[1 : len(val)-1]
		plain := true
		for _, c := range in {
			if c < 0x20 || c >= 0x7f || c == '\\' {
				plain = false
				break
			}
		}
		if plain {
			*s = string(in)
			return nil
		}
	}
	return json.Unmarshal(val, s)
}

func syntaxError(data []byte, i int) error {
	if i >= len(data) {
		return newFrameError(data, fmt.Errorf("%w: unexpected end", errSyntax))
	}
	return newFrameError(data, fmt.Errorf("%w: unexpected %q at offset %d", errSyntax, data[i], i))
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// scanValue validates the JSON value starting at data[i] and returns the
// offset just past it. It accepts exactly what encoding/json accepts.
func scanValue(data []byte, i int) (int, error) {
	var stack []byte // open containers: '{' or '['
	for {
		// A value is expected at i.
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, fmt.Errorf("%w: unexpected end", errSyntax)
		}
		var err error
		switch c := data[i]; {
		case c == '{':
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == '}' {
				i++
				break
			}
			stack = append(stack, '{')
			if i, err = scanKey(data, i); err != nil {
				return i, err
			}
			continue
		case c == '[':
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == ']' {
				i++
				break
			}
			stack = append(stack, '[')
			continue
		case c == '"':
			i, err = scanString(data, i)
		case c == 't':
			i, err = scanLiteral(data, i, "true")
		case c == 'f':
			i, err = scanLiteral(data, i, "false")
		case c == 'n':
			i, err = scanLiteral(data, i, "null")
		case c == '-' || c >= '0' && c <= '9':
			i, err = scanNumber(data, i)
		default:
			err = fmt.Errorf("%w: unexpected %q at offset %d", errSyntax, c, i)
		}
		if err != nil {
			return i, err
		}
		// A value ended: close containers until one expects another value.
		for {
			if len(stack) == 0 {
				return i, nil
			}
			i = skipSpace(data, i)
			if i >= len(data) {
				return i, fmt.Errorf("%w: unexpected end", errSyntax)
			}
			top, c := stack[len(stack)-1], data[i]
			if c == ',' {
				i = skipSpace(data, i+1)
				if top == '{' {
					if i, err = scanKey(data, i); err != nil {
						return i, err
					}
				}
				break
			}
			if top == '{' && c == '}' || top == '[' && c == ']' {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			return i, fmt.Errorf("%w: unexpected %q at offset %d", errSyntax, c, i)
		}
	}
}

// scanKey scans an object key and its colon.
func scanKey(data []byte, i int) (int, error) {
	if i >= len(data) || data[i] != '"' {
		return i, fmt.Errorf("%w: object key expected at offset %d", errSyntax, i)
	}
	i, err := scanString(data, i)
	if err != nil {
		return i, err
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return i, fmt.Errorf("%w: colon expected at offset %d", errSyntax, i)
	}
	return i + 1, nil
}

// scanString scans the string starting at data[i] == '"'.
func scanString(data []byte, i int) (int, error) {
	start := i
	i++
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(data) {
				return i, fmt.Errorf("%w: unterminated string at offset %d", errSyntax, start)
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) {
					return i, fmt.Errorf("%w: unterminated string at offset %d", errSyntax, start)
				}
				for _, h := range data[i+2 : i+6] {
					if !isHex(h) {
						return i, fmt.Errorf("%w: bad \\u escape at offset %d", errSyntax, i)
					}
				}
				i += 6
			default:
				return i, fmt.Errorf("%w: bad escape at offset %d", errSyntax, i)
			}
		case c < 0x20:
			return i, fmt.Errorf("%w: control character in string at offset %d", errSyntax, i)
		default:
			i++
		}
	}
	return i, fmt.Errorf("%w: unterminated string at offset %d", errSyntax, start)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func scanLiteral(data []byte, i int, lit string) (int, error) {
	if !bytes.HasPrefix(data[i:], []byte(lit)) {
		return i, fmt.Errorf("%w: bad literal at offset %d", errSyntax, i)
	}
	return i + len(lit), nil
}

// scanNumber scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(data []byte, i int) (int, error) {
	start := i
	if data[i] == '-' {
		i++
	}
	if i < len(data) && data[i] == '0' {
		i++
	} else if j := skipDigits(data, i); j > i {
		i = j
	} else {
		return i, badNumber(start)
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return j, badNumber(start)
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return j, badNumber(start)
		}
		i = j
	}
	return i, nil
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

func badNumber(offset int) error {
	return fmt.Errorf("%w: bad number at offset %d", errSyntax, offset)
}

// serverError returns the frame's error, or nil.
func (f *responseFrame) serverError() *Error {
	if f.Error == "" && f.ErrorCode == "" {
		return nil
	}
	return &Error{Message: f.Error, Code: f.ErrorCode, Info: f.ErrorInfo}
}

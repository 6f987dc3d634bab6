package status

import (
	"encoding/binary"
	"errors"
	"io"
)

// scanner reads a JSON text that was validated already (by the rpc
// connection, or by ParseFullStatus) as a stream of values, without
// checking its syntax again: the separators ',' and ':' are skipped like
// white space. On text that is not valid JSON it does not panic and always
// ends, but what it reads is then unspecified.
//
// The text is either all in memory (reset) or read from an io.Reader as
// the scanner goes (resetReader), through a window that holds at least
// the value being read: the raw values it returns are valid until the
// next call.
type scanner struct {
	b []byte
	i int
	// plain is set when the last value read was a string that needs no
	// unquoting: ASCII without escapes.
	plain bool
	// r is the rest of the text when it is read as the scanner goes; b is
	// then a window of buf. rerr is r's error once it returned one.
	r    io.Reader
	rerr error
	buf  []byte
}

// errTruncated is returned when the text ends before a value.
var errTruncated = errors.New("unexpected end of JSON input")

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// Sizes of the window of a scanner that reads from an io.Reader: it
// starts at windowSize and doubles while a value does not fit; a window
// that grew beyond maxKeptWindow is not kept for the next text.
const (
	windowSize    = 32 << 10
	maxKeptWindow = 1 << 20
)

func (s *scanner) reset(b []byte) { s.b, s.i, s.r, s.rerr = b, 0, nil, nil }

// resetReader makes the scanner read the text from r.
func (s *scanner) resetReader(r io.Reader) {
	if cap(s.buf) < windowSize || cap(s.buf) > maxKeptWindow {
		s.buf = make([]byte, windowSize)
	}
	s.b, s.i, s.r, s.rerr = s.buf[:0], 0, r, nil
}

// more reads more of the text into the window, keeping what is at and
// after s.i (which moves to 0), and reports whether it got any. It reads
// until the window is full (twice as large if it was full already) or r
// ends, so that a value that did not fit and is scanned again from its
// start costs at most twice its length.
func (s *scanner) more() bool {
	if s.r == nil || s.rerr != nil {
		return false
	}
	n := copy(s.buf, s.b[s.i:])
	if n == len(s.buf) {
		s.buf = append(s.buf[:n], make([]byte, len(s.buf))...)
		s.buf = s.buf[:cap(s.buf)]
	}
	s.b, s.i = s.buf[:n], 0
	for len(s.b) < len(s.buf) {
		m, err := s.r.Read(s.buf[len(s.b):])
		s.b = s.buf[:len(s.b)+m]
		if err != nil {
			s.rerr = err
			break
		}
	}
	return len(s.b) > n
}

// readErr is the error of a text that ended before a value: r's own
// error if it failed.
func (s *scanner) readErr() error {
	if s.rerr != nil && !errors.Is(s.rerr, io.EOF) {
		return s.rerr
	}
	return errTruncated
}

// skipSpace skips white space and separators.
func (s *scanner) skipSpace() {
	for {
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ' ', '\t', '\n', '\r', ',', ':':
				s.i++
			default:
				return
			}
		}
		if !s.more() {
			return
		}
	}
}

// PeekKind returns the first byte of the next value or delimiter ('"',
// '{', '}', '[', ']', 'n', 't', 'f', '-' or a digit), or 0 at the end.
func (s *scanner) PeekKind() byte {
	s.skipSpace()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// ReadToken consumes the delimiter that comes next ('{', '}', '[' or
// ']'); at the end of the text it returns io.EOF.
func (s *scanner) ReadToken() (byte, error) {
	c := s.PeekKind()
	if c == 0 {
		return 0, io.EOF
	}
	s.i++
	return c, nil
}

// ReadValue returns the raw text of the next value (an object name
// included).
func (s *scanner) ReadValue() ([]byte, error) {
	s.skipSpace()
	for {
		start := s.i
		if start >= len(s.b) {
			return nil, s.readErr()
		}
		end, err := 0, error(nil)
		switch s.b[start] {
		case '"':
			end, s.plain = stringEnd(s.b, start)
		case '{', '[':
			end, err = s.containerEnd(start)
		default:
			end = s.literalEnd(start)
			if end == len(s.b) && s.r != nil && s.rerr == nil {
				end = -1 // it may go on in what comes next
			}
		}
		if err != nil {
			return nil, err
		}
		if end >= 0 {
			s.i = end
			return s.b[start:end], nil
		}
		// The value goes beyond the window: read more and scan it again.
		if !s.more() {
			if s.b[s.i] != '"' && s.b[s.i] != '{' && s.b[s.i] != '[' {
				// A literal that ends with the text.
				v := s.b[s.i:]
				s.i = len(s.b)
				return v, nil
			}
			s.i = len(s.b)
			return nil, s.readErr()
		}
	}
}

// SkipValue skips the next value.
func (s *scanner) SkipValue() error {
	_, err := s.ReadValue()
	return err
}

// stringEnd returns the offset just past the string that starts at i, or
// -1 if it does not end, and whether it is plain: ASCII without escapes,
// the same once unquoted. It looks at eight bytes at a time.
func stringEnd(b []byte, i int) (int, bool) {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	plain := true
	i++
	for {
		for i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			q, bs := w^(lo*'"'), w^(lo*'\\')
			// Any byte that is a quote, a backslash or not ASCII?
			if ((q-lo)&^q|(bs-lo)&^bs|w)&hi != 0 {
				break
			}
			i += 8
		}
		if i >= len(b) {
			return -1, plain
		}
		switch c := b[i]; c {
		case '"':
			return i + 1, plain
		case '\\':
			plain = false
			i += 2
		default:
			if c >= 0x80 {
				plain = false
			}
			i++
		}
	}
}

// literalEnd returns the offset just past the number, true, false or null
// that starts at i (always past i).
func (s *scanner) literalEnd(i int) int {
	i++
	for i < len(s.b) {
		switch s.b[i] {
		case ' ', '\t', '\n', '\r', ',', ':', '}', ']', '{', '[', '"':
			return i
		}
		i++
	}
	return i
}

// containerEnd returns the offset just past the object or array that
// starts at i, or -1 if it does not end in the window. Nesting deeper than
// encoding/json allows is an error.
func (s *scanner) containerEnd(i int) (int, error) {
	depth := 0
	for i < len(s.b) {
		switch s.b[i] {
		case '{', '[':
			depth++
			if depth > maxDepth {
				return i, errors.New("exceeded max depth")
			}
			i++
		case '}', ']':
			depth--
			i++
			if depth <= 0 {
				return i, nil
			}
		case '"':
			if i, _ = stringEnd(s.b, i); i < 0 {
				return -1, nil
			}
		default:
			i++
		}
	}
	return -1, nil
}

// kindOf names the kind of a raw value for error messages.
func kindOf(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

package status

import (
	"encoding/binary"
	"errors"
	"io"
)

// scanner reads a JSON text that was validated already (by the rpc
// connection's frame reader, or by ParseFullStatus) as a stream of values,
// without checking its syntax again: the separators ',' and ':' are
// skipped like white space. On text that is not valid JSON it does not
// panic and always ends, but what it reads is then unspecified.
type scanner struct {
	b []byte
	i int
	// plain is set when the last value read was a string that needs no
	// unquoting: ASCII without escapes.
	plain bool
}

// errTruncated is returned when the text ends before a value.
var errTruncated = errors.New("unexpected end of JSON input")

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

func (s *scanner) reset(b []byte) { s.b, s.i = b, 0 }

// skipSpace skips white space and separators.
func (s *scanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			s.i++
		default:
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
	start := s.i
	if start >= len(s.b) {
		return nil, errTruncated
	}
	var err error
	switch s.b[start] {
	case '"':
		if s.i, s.plain = stringEnd(s.b, start); s.i < 0 {
			s.i = len(s.b)
			return nil, errTruncated
		}
	case '{', '[':
		s.i, err = s.containerEnd(start)
	default:
		s.i = s.literalEnd(start)
	}
	if err != nil {
		return nil, err
	}
	return s.b[start:s.i], nil
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
// starts at i. Nesting deeper than encoding/json allows is an error.
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
				return len(s.b), errTruncated
			}
		default:
			i++
		}
	}
	return i, errTruncated
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

package rpc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// StreamResultDecoder is implemented by call results that decode the
// reply's "response" value as it arrives, instead of from the whole frame
// read into memory first: a status snapshot of thousands of units is tens
// of megabytes, which reading whole costs as much memory again and more
// CPU than decoding it.
//
// The connection uses it when the frame starts with the request id
// followed by the response value (as Juju and jujusim write their
// replies) and is longer than a few hundred bytes; any other frame is read
// whole and decoded into the result as any result is (ResultDecoder, else
// encoding/json). DecodeResultFrom is called on the connection's reader
// goroutine, which reads nothing else meanwhile, and before the call
// returns: a call whose ctx ends while its reply is being decoded waits
// for the decoding. r yields exactly the bytes of the response value,
// checked to be one valid JSON value as they are read (as the connection
// checks whole frames), then io.EOF: on a syntax error or a failed read r
// returns an error, the connection fails and the call's error is that of
// a call that got no answer. The bytes DecodeResultFrom leaves unread are
// checked and skipped.
type StreamResultDecoder interface {
	DecodeResultFrom(r io.Reader) error
}

// streamPrefix is how much of a frame the reader reads before it decides
// whether to stream its response value: all of a small frame.
const streamPrefix = 512

// parseStreamPrefix parses the start of a frame that can be streamed,
// {"request-id":N,"response": (with any white space), and returns N and
// the offset of the response value.
func parseStreamPrefix(data []byte) (id uint64, off int, ok bool) {
	i := skipSpace(data, 0)
	lit := func(s string) bool {
		i = skipSpace(data, i)
		if len(data)-i < len(s) || string(data[i:i+len(s)]) != s {
			return false
		}
		i += len(s)
		return true
	}
	if !lit("{") || !lit(`"request-id"`) || !lit(":") {
		return 0, 0, false
	}
	i = skipSpace(data, i)
	j := skipDigits(data, i)
	if j == i || data[i] == '0' {
		return 0, 0, false
	}
	id, ok = parseUint(data[i:j])
	i = j
	if !ok || !lit(",") || !lit(`"response"`) || !lit(":") {
		return 0, 0, false
	}
	return id, skipSpace(data, i), true
}

// valueReader yields the bytes of one JSON value, read from pre and then
// src, checking them as they pass (jsonValidator) and ending with io.EOF
// at the end of the value. What it read past the value is left in rest.
type valueReader struct {
	pre  []byte
	src  io.Reader
	v    jsonValidator
	rest []byte
	err  error // sticky: io.EOF at the end of the value, or why it failed
	bad  bool  // err is a syntax error, not src's
}

func (r *valueReader) reset(pre []byte, src io.Reader) {
	r.pre, r.src, r.rest, r.err, r.bad = pre, src, r.rest[:0], nil, false
	r.v.reset()
}

func (r *valueReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var rerr error
	if len(r.pre) > 0 {
		n = copy(p, r.pre)
		r.pre = r.pre[n:]
	} else {
		n, rerr = r.src.Read(p)
	}
	k, done, err := r.v.feed(p[:n])
	switch {
	case err != nil:
		r.err, r.bad = err, true
		return 0, err
	case done:
		r.rest = append(append(r.rest, p[k:n]...), r.pre...)
		r.pre = nil
		r.err = io.EOF
		if k == 0 {
			return 0, io.EOF
		}
		return k, nil
	case errors.Is(rerr, io.EOF):
		r.err, r.bad = fmt.Errorf("%w: unexpected end", errSyntax), true
	case rerr != nil:
		r.err = rerr
	}
	if n == 0 && r.err != nil {
		return 0, r.err
	}
	return n, nil
}

// drain reads what is left of the value, checking it.
func (r *valueReader) drain(scratch []byte) error {
	for {
		if _, err := r.Read(scratch); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// jsonValidator checks a JSON value fed to it in pieces of any size. It
// accepts what scanValue accepts.
type jsonValidator struct {
	stack []byte // open containers: '{' or '['
	state uint8
	key   bool   // the string being read is an object key
	hex   int    // \u digits still expected
	lit   string // the rest of a literal being read
	off   int64  // offset of the next piece in the value
}

const (
	vValue      uint8 = iota // a value is expected
	vValueOrEnd              // after '[': a value or ']'
	vKeyOrEnd                // after '{': a key or '}'
	vKey                     // after ',' in an object: a key
	vColon                   // after a key
	vNext                    // after a member or element: ',' or the end
	vString                  // in a string
	vEscape                  // after a backslash in a string
	vHex                     // in the digits of \u
	vLiteral                 // in true, false or null
	vMinus                   // after a number's '-'
	vZero                    // after a number's leading 0
	vInt                     // in a number's integer digits
	vDot                     // after a number's '.'
	vFrac                    // in a number's fraction digits
	vExp                     // after a number's 'e'
	vExpSign                 // after the sign of a number's exponent
	vExpDigits               // in a number's exponent digits
	vDone                    // the value ended
)

func (v *jsonValidator) reset() {
	v.stack, v.state, v.off = v.stack[:0], vValue, 0
}

// feed checks p, the next piece of the value, and returns how many of its
// bytes belong to the value and whether the value ended there.
func (v *jsonValidator) feed(p []byte) (int, bool, error) {
	i := 0
	defer func() { v.off += int64(i) }()
	for i < len(p) {
		c := p[i]
		switch v.state {
		case vString:
			i = plainEnd(p, i)
			if i == len(p) {
				break
			}
			switch c = p[i]; c {
			case '"':
				i++
				if v.key {
					v.state = vColon
				} else if v.ended() {
					return i, true, nil
				}
			case '\\':
				i++
				v.state = vEscape
			default:
				return i, false, v.errorf("control character in string at offset %d", v.off+int64(i))
			}
		case vEscape:
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				v.state = vString
			case 'u':
				v.state, v.hex = vHex, 4
			default:
				return i, false, v.errorf("bad escape at offset %d", v.off+int64(i))
			}
			i++
		case vHex:
			if !isHex(c) {
				return i, false, v.errorf("bad \\u escape at offset %d", v.off+int64(i))
			}
			i++
			if v.hex--; v.hex == 0 {
				v.state = vString
			}
		case vLiteral:
			if c != v.lit[0] {
				return i, false, v.errorf("bad literal at offset %d", v.off+int64(i))
			}
			i++
			if v.lit = v.lit[1:]; v.lit == "" && v.ended() {
				return i, true, nil
			}
		case vMinus, vDot, vExpSign:
			if c < '0' || c > '9' {
				return i, false, v.errorf("bad number at offset %d", v.off+int64(i))
			}
			i++
			switch {
			case v.state == vDot:
				v.state = vFrac
			case v.state == vExpSign:
				v.state = vExpDigits
			case c == '0':
				v.state = vZero
			default:
				v.state = vInt
			}
		case vExp:
			switch {
			case c == '+' || c == '-':
				v.state = vExpSign
			case c >= '0' && c <= '9':
				v.state = vExpDigits
			default:
				return i, false, v.errorf("bad number at offset %d", v.off+int64(i))
			}
			i++
		case vZero, vInt, vFrac, vExpDigits:
			if v.state != vZero {
				i = skipDigits(p, i)
				if i == len(p) {
					break
				}
				c = p[i]
			}
			switch {
			case c == '.' && (v.state == vZero || v.state == vInt):
				v.state = vDot
				i++
			case (c == 'e' || c == 'E') && v.state != vExpDigits:
				v.state = vExp
				i++
			case v.ended(): // c, not consumed, follows the number
				return i, true, nil
			}
		case vDone:
			return i, true, nil
		default: // between tokens
			switch c {
			case ' ', '\t', '\r', '\n':
				i++
				continue
			}
			if err := v.token(c, v.off+int64(i)); err != nil {
				return i, false, err
			}
			i++
			if v.state == vDone {
				return i, true, nil
			}
		}
	}
	return i, false, nil
}

// token takes c, which is not white space, between tokens.
func (v *jsonValidator) token(c byte, off int64) error {
	switch v.state {
	case vColon:
		if c != ':' {
			return v.errorf("colon expected at offset %d", off)
		}
		v.state = vValue
		return nil
	case vNext:
		top := v.stack[len(v.stack)-1]
		switch {
		case c == ',' && top == '{':
			v.state = vKey
		case c == ',':
			v.state = vValue
		case top == '{' && c == '}' || top == '[' && c == ']':
			v.stack = v.stack[:len(v.stack)-1]
			v.ended()
		default:
			return v.errorf("unexpected %q at offset %d", c, off)
		}
		return nil
	case vKeyOrEnd, vKey:
		switch {
		case c == '"':
			v.state, v.key = vString, true
		case c == '}' && v.state == vKeyOrEnd:
			v.stack = v.stack[:len(v.stack)-1]
			v.ended()
		default:
			return v.errorf("object key expected at offset %d", off)
		}
		return nil
	}
	// vValue or vValueOrEnd
	switch {
	case c == ']' && v.state == vValueOrEnd:
		v.stack = v.stack[:len(v.stack)-1]
		v.ended()
	case c == '{':
		v.stack = append(v.stack, '{')
		v.state = vKeyOrEnd
	case c == '[':
		v.stack = append(v.stack, '[')
		v.state = vValueOrEnd
	case c == '"':
		v.state, v.key = vString, false
	case c == 't':
		v.state, v.lit = vLiteral, "rue"
	case c == 'f':
		v.state, v.lit = vLiteral, "alse"
	case c == 'n':
		v.state, v.lit = vLiteral, "ull"
	case c == '-':
		v.state = vMinus
	case c == '0':
		v.state = vZero
	case c >= '1' && c <= '9':
		v.state = vInt
	default:
		return v.errorf("unexpected %q at offset %d", c, off)
	}
	return nil
}

// ended records the end of a value and reports whether it was the whole
// value.
func (v *jsonValidator) ended() bool {
	if len(v.stack) == 0 {
		v.state = vDone
		return true
	}
	v.state = vNext
	return false
}

func (v *jsonValidator) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errSyntax}, args...)...)
}

// plainEnd returns the offset of the first quote, backslash or control
// character in p at or after i, or len(p). It looks at eight bytes at a
// time.
func plainEnd(p []byte, i int) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for i+8 <= len(p) {
		w := binary.LittleEndian.Uint64(p[i:])
		q, bs := w^(lo*'"'), w^(lo*'\\')
		// Any byte that is a quote, a backslash or below 0x20?
		if ((q-lo)&^q|(bs-lo)&^bs|(w-lo*0x20)&^w)&hi != 0 {
			break
		}
		i += 8
	}
	for i < len(p) {
		if c := p[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
		i++
	}
	return i
}

// errRepeatedResponse is the error of a streamed frame with a second
// response value.
var errRepeatedResponse = errors.New("a second response value")

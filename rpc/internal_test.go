package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseAddr(t *testing.T) {
	tests := []struct {
		addr    string
		want    endpoint
		wantURL string
		wantErr bool
	}{
		{addr: "10.0.0.1:17070", want: endpoint{scheme: "wss", host: "10.0.0.1:17070", hostname: "10.0.0.1"}, wantURL: "wss://10.0.0.1:17070/api"},
		{addr: "ctrl.example.com", want: endpoint{scheme: "wss", host: "ctrl.example.com:17070", hostname: "ctrl.example.com"}, wantURL: "wss://ctrl.example.com:17070/api"},
		{addr: "lb.example.com:443/juju", want: endpoint{scheme: "wss", host: "lb.example.com:443", hostname: "lb.example.com", prefix: "/juju"}, wantURL: "wss://lb.example.com:443/juju/api"},
		{addr: "lb.example.com:443/a/b/", want: endpoint{scheme: "wss", host: "lb.example.com:443", hostname: "lb.example.com", prefix: "/a/b"}, wantURL: "wss://lb.example.com:443/a/b/api"},
		{addr: "wss://10.0.0.1:17070", want: endpoint{scheme: "wss", host: "10.0.0.1:17070", hostname: "10.0.0.1"}, wantURL: "wss://10.0.0.1:17070/api"},
		{addr: "ws://127.0.0.1:8080/x", want: endpoint{scheme: "ws", host: "127.0.0.1:8080", hostname: "127.0.0.1", prefix: "/x"}, wantURL: "ws://127.0.0.1:8080/x/api"},
		{addr: "[fd00::1]:17070", want: endpoint{scheme: "wss", host: "[fd00::1]:17070", hostname: "fd00::1"}, wantURL: "wss://[fd00::1]:17070/api"},
		{addr: "[fd00::1]", want: endpoint{scheme: "wss", host: "[fd00::1]:17070", hostname: "fd00::1"}, wantURL: "wss://[fd00::1]:17070/api"},
		{addr: "https://10.0.0.1:17070", wantErr: true},
		{addr: "", wantErr: true},
		{addr: ":17070", wantErr: true},
		{addr: "/juju", wantErr: true},
		{addr: "host:17070/juju?x=1", wantErr: true},
		{addr: "host:notaport", wantErr: true},
		{addr: "ho st:17070", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got, err := parseAddr(tt.addr)
			if tt.wantErr {
				if err == nil {
					t.Errorf("parseAddr(%q) = %+v, want an error", tt.addr, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseAddr(%q): %v", tt.addr, err)
			}
			tt.want.addr = tt.addr
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(endpoint{})); diff != "" {
				t.Errorf("parseAddr(%q) mismatch (-want +got):\n%s", tt.addr, diff)
			}
			if u := got.wsURL("/api"); u != tt.wantURL {
				t.Errorf("wsURL = %q, want %q", u, tt.wantURL)
			}
		})
	}
}

func TestAPIPath(t *testing.T) {
	if got := apiPath(""); got != "/api" {
		t.Errorf("apiPath(\"\") = %q", got)
	}
	if got := apiPath("deadbeef-0bad-400d-8000-4b1d0d06f00d"); got != "/model/deadbeef-0bad-400d-8000-4b1d0d06f00d/api" {
		t.Errorf("apiPath(uuid) = %q", got)
	}
}

func TestValidUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"deadbeef-0bad-400d-8000-4b1d0d06f00d": true,
		"DEADBEEF-0BAD-400D-8000-4B1D0D06F00D": true,
		"deadbeef-0bad-400d-8000-4b1d0d06f00":  false,
		"deadbeef-0bad-400d-8000-4b1d0d06f00g": false,
		"deadbeef00bad-400d-8000-4b1d0d06f00d": false,
		"../../../../../../../../../../../etc": false,
		"":                                     false,
	} {
		if got := validUUID(s); got != want {
			t.Errorf("validUUID(%q) = %t, want %t", s, got, want)
		}
	}
}

func TestBestVersion(t *testing.T) {
	tests := []struct {
		name           string
		client, server []int
		want           int
	}{
		{"any client", nil, []int{19, 22, 20}, 22},
		{"intersection", []int{19, 20}, []int{19, 20, 21, 22}, 20},
		{"unordered", []int{22, 19}, []int{20, 19, 22, 21}, 22},
		{"none in common", []int{1, 2}, []int{3}, 0},
		{"empty client", []int{}, []int{3}, 0},
		{"server lacks facade", []int{1}, nil, 0},
	}
	for _, tt := range tests {
		if got := bestVersion(tt.client, tt.server); got != tt.want {
			t.Errorf("%s: bestVersion(%v, %v) = %d, want %d", tt.name, tt.client, tt.server, got, tt.want)
		}
	}
}

func TestHostSwitch(t *testing.T) {
	h := &hostSwitch{host: "10.0.0.1:443"}
	for raw, want := range map[string]bool{
		"https://10.0.0.1/model/x/charms": true,
		"https://10.0.0.1:443/":           true,
		"https://10.0.0.1:17070/":         false,
		"http://10.0.0.1/":                false,
		"https://idp.example.com/":        false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.isController(&http.Request{URL: u}); got != want {
			t.Errorf("isController(%s) = %t, want %t", raw, got, want)
		}
	}
}

func TestEncodeRequest(t *testing.T) {
	tests := []struct {
		frame requestFrame
		want  string
	}{
		{requestFrame{RequestID: 1, Type: "Admin", Version: 3, Request: "Login", Params: map[string]string{"auth-tag": "user-admin"}},
			`{"request-id":1,"type":"Admin","version":3,"request":"Login","params":{"auth-tag":"user-admin"}}`},
		{requestFrame{RequestID: 7, Type: "NotifyWatcher", Version: 1, ID: "4", Request: "Next"},
			`{"request-id":7,"type":"NotifyWatcher","version":1,"id":"4","request":"Next","params":{}}`},
		{requestFrame{RequestID: 1<<64 - 1, Type: "a<b>&\"\\\n\u2028\xff", Version: -2, ID: "é", Request: "\x00"},
			`{"request-id":18446744073709551615,"type":"a\u003cb\u003e\u0026\"\\\n\u2028\ufffd","version":-2,"id":"é","request":"\u0000","params":{}}`},
	}
	for _, tt := range tests {
		got, err := appendRequest([]byte("stale"), &tt.frame)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "stale"+tt.want {
			t.Errorf("appendRequest = %s, want %s", got, tt.want)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	tests := []struct {
		frame   string
		want    *responseFrame
		wantErr error
	}{
		{frame: `{"request-id":1,"response":{"a":1}}`, want: &responseFrame{RequestID: 1, Response: json.RawMessage(`{"a":1}`)}},
		{frame: ` {"request-id":2}`, want: &responseFrame{RequestID: 2}},
		{frame: `{"request-id":3,"error":"x not found","error-code":"not found","error-info":{"k":"v"},"response":{}}`,
			want: &responseFrame{RequestID: 3, Error: "x not found", ErrorCode: "not found", ErrorInfo: map[string]any{"k": "v"}, Response: json.RawMessage(`{}`)}},
		{frame: `not json`, wantErr: errNotObject},
		{frame: ``, wantErr: errNotObject},
		{frame: `null`, wantErr: errNotObject},
		{frame: `{}`, wantErr: errNoRequestID},
		{frame: `{"request-id":0,"response":{}}`, wantErr: errNoRequestID},
		{frame: `{"RequestId":5,"Response":{}}`, wantErr: errNoRequestID},
		{frame: `{"request-id":5,"type":"Client","request":"FullStatus"}`, wantErr: errRequestFrame},
		{frame: `{"request-id":-1}`},
		{frame: `{"request-id":1}{"request-id":2}`},
		{frame: `{"request-id":"1"}`},
		{frame: `{"request-id":1,"response":{"a":tru}}`, wantErr: errSyntax},
		{frame: `{"request-id":1,"response":{"a":1]}`, wantErr: errSyntax},
		{frame: `{"request-id":1,"response":"\x"}`, wantErr: errSyntax},
		{frame: `{"request-id":1,"response":01}`, wantErr: errSyntax},
		{frame: `{"request-id":1,}`, wantErr: errSyntax},
		{frame: `{"request-id":1 "response":{}}`, wantErr: errSyntax},
		{frame: `{"request-id":1,"error":5}`},
		{frame: `{"request-\u0069d":9,"response":[1,{"b":[]}]}`, want: &responseFrame{RequestID: 9, Response: json.RawMessage(`[1,{"b":[]}]`)}},
	}
	for _, tt := range tests {
		got, err := decodeResponse([]byte(tt.frame))
		if tt.want != nil {
			if err != nil {
				t.Errorf("decodeResponse(%s): %v", tt.frame, err)
				continue
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeResponse(%s) mismatch (-want +got):\n%s", tt.frame, diff)
			}
			continue
		}
		var fe *FrameError
		if !errors.As(err, &fe) {
			t.Errorf("decodeResponse(%s) = %+v, %v; want a *FrameError", tt.frame, got, err)
			continue
		}
		if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
			t.Errorf("decodeResponse(%s) error = %v, want %v", tt.frame, err, tt.wantErr)
		}
	}
}

// FuzzDecodeResponse checks that the frame decoder never panics, that its
// validator accepts exactly what encoding/json accepts, that it accepts only
// valid responses with a request id, and that what it accepts survives a
// round trip.
func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []string{
		`{"request-id":1,"response":{"controller-tag":"controller-x","facades":[{"name":"Client","versions":[8]}],"server-version":"4.0.15"}}`,
		`{"request-id":2,"error":"application no-such-app not found","error-code":"not found","response":{}}`,
		`{"request-id":3,"error":"redirect","error-code":"redirection required","error-info":{"servers":[[{"value":"10.0.0.1","type":"ipv4","scope":"public","port":17070}]],"ca-cert":"PEM","controller-tag":"controller-y"},"response":{}}`,
		`{"request-id":4,"error":"model migration in progress","response":{}}`,
		`{"RequestId":5,"Response":{}}`,
		`{"request-id":6,"type":"Pinger","version":1,"request":"Ping","params":{}}`,
		` { "request-id" : 7 , "response" : [ -0.5e+3, true, false, null, "\u00e9\n" ] } `,
		`{"request-\u0069d":8}`,
		`not json`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The validator agrees with encoding/json.
		start := skipSpace(data, 0)
		end, err := scanValue(data, start)
		ours := err == nil && skipSpace(data, end) == len(data)
		if valid := json.Valid(data); ours != valid {
			t.Fatalf("scanValue(%q) valid = %t (%v), json.Valid = %t", data, ours, err, valid)
		}

		got, err := decodeResponse(data)
		// The fast paths decode as json.Unmarshal does.
		var slow responseFrame
		slowErr := decodeResponseInto(data, &slow, false)
		if (err == nil) != (slowErr == nil) {
			t.Fatalf("decodeResponse(%q) error %v, with json.Unmarshal for every field %v", data, err, slowErr)
		}
		if err == nil && !cmp.Equal(*got, slow, cmpopts.EquateEmpty()) {
			t.Fatalf("decodeResponse(%q) = %+v, with json.Unmarshal for every field %+v", data, *got, slow)
		}
		if err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) || len(fe.Frame) > maxFrameInError {
				t.Fatalf("decodeResponse error %v is not a bounded *FrameError", err)
			}
			if ours && data[start] == '{' && (errors.Is(err, errSyntax) || errors.Is(err, errNotObject)) {
				t.Fatalf("decodeResponse(%q) rejected valid JSON: %v", data, err)
			}
			return
		}
		if !ours {
			t.Fatalf("decodeResponse accepted invalid JSON %q", data)
		}
		if got.RequestID == 0 || got.Type != "" || got.Request != "" {
			t.Fatalf("decodeResponse accepted %q as %+v", data, got)
		}
		if se := got.serverError(); se != nil {
			_ = se.Error()
			var re *RedirectError
			_ = errors.As(se, &re)
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", got, err)
		}
		back, err := decodeResponse(again)
		if err != nil {
			t.Fatalf("decodeResponse(re-encoded %s): %v", again, err)
		}
		if back.RequestID != got.RequestID ||
			utf8.ValidString(got.Error) && back.Error != got.Error ||
			utf8.ValidString(got.ErrorCode) && back.ErrorCode != got.ErrorCode {
			t.Fatalf("round trip changed %+v into %+v", got, back)
		}
	})
}

// FuzzAppendRequest checks that the hand-written request encoder writes
// what json.Marshal writes for the frame.
func FuzzAppendRequest(f *testing.F) {
	f.Add(uint64(1), "Admin", 3, "", "Login", `{"auth-tag":"user-admin"}`, true)
	f.Add(uint64(7), "NotifyWatcher", 1, "4", "Next", "", false)
	f.Add(uint64(1<<64-1), "a<b>&\"\\", -1, "\u2028\xff\x01", "é", `"<x>"`, true)
	f.Fuzz(func(t *testing.T, id uint64, typ string, version int, objID, method, param string, withParams bool) {
		fr := requestFrame{RequestID: id, Type: typ, Version: version, ID: objID, Request: method}
		if withParams {
			fr.Params = map[string]string{"p": param}
		}
		got, err := appendRequest(nil, &fr)
		if err != nil {
			t.Fatal(err)
		}
		if fr.Params == nil {
			fr.Params = struct{}{}
		}
		want, err := json.Marshal(&fr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("appendRequest = %s\njson.Marshal  = %s", got, want)
		}
	})
}

// pieceReader returns its bytes in pieces of the sizes given in turn.
type pieceReader struct {
	data  []byte
	sizes []byte
	next  int
}

func (r *pieceReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.sizes) > 0 {
		n = min(n, int(r.sizes[r.next%len(r.sizes)])+1)
		r.next++
	}
	n = copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// streamed decodes a frame as the connection streams it (the first
// prefix bytes read whole, then the response value read in pieces of the
// sizes given, then the rest of the frame), and returns the response
// value it streamed. ok is false if the frame is not one to stream.
func streamed(data []byte, prefix int, sizes []byte) (f responseFrame, value []byte, ok bool, err error) {
	prefix = min(prefix, len(data))
	id, off, ok := parseStreamPrefix(data[:prefix])
	if !ok {
		return f, nil, false, nil
	}
	var vr valueReader
	vr.reset(data[off:prefix], &pieceReader{data: data[prefix:], sizes: sizes})
	value, err = io.ReadAll(&vr)
	if err != nil {
		return f, value, true, err
	}
	if _, err := vr.Read(make([]byte, 10)); !errors.Is(err, io.EOF) {
		return f, value, true, fmt.Errorf("read after the end: %w, want io.EOF", err)
	}
	f.RequestID = id
	rest := append(vr.rest, vr.src.(*pieceReader).data...)
	return f, value, true, decodeResponseTail(rest, &f)
}

func TestParseStreamPrefix(t *testing.T) {
	tests := []struct {
		data   string
		id     uint64
		off    int
		wantOK bool
	}{
		{`{"request-id":12,"response":{`, 12, 28, true},
		{` { "request-id" : 7 , "response" : [`, 7, 35, true},
		{`{"request-id":12,"response":`, 12, 28, true},
		{`{"request-id":12,"response"`, 0, 0, false},
		{`{"request-id":012,"response":{`, 0, 0, false},
		{`{"request-id":0,"response":{`, 0, 0, false},
		{`{"request-id":1.5,"response":{`, 0, 0, false},
		{`{"request-id":12,"error":"x","response":{`, 0, 0, false},
		{`{"response":{},"request-id":12}`, 0, 0, false},
		{`{"RequestId":12,"Response":{`, 0, 0, false},
		{`{"request-id":123456789012345678901,"response":{`, 0, 0, false},
	}
	for _, tt := range tests {
		id, off, ok := parseStreamPrefix([]byte(tt.data))
		if id != tt.id || off != tt.off || ok != tt.wantOK {
			t.Errorf("parseStreamPrefix(%s) = %d, %d, %t, want %d, %d, %t", tt.data, id, off, ok, tt.id, tt.off, tt.wantOK)
		}
	}
}

// FuzzStreamedFrame checks that a frame streamed in pieces of any size is
// accepted or refused as the whole frame is (decodeResponse), and decodes
// the same, except that a streamed frame may not repeat its request id or
// response after the response.
func FuzzStreamedFrame(f *testing.F) {
	for _, seed := range []string{
		`{"request-id":1,"response":{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n\"y\\"],"b":{}}}`,
		`{"request-id":2,"response":{"x":1},"error":"boom","error-code":"not found"}`,
		`{"request-id":3,"response":12}`,
		`{"request-id":3,"response":0}`,
		`{"request-id":3,"response":-0.5E-7 }`,
		`{"request-id":4,"response":"a string"}` + "\n",
		`{"request-id":5,"response":{"a":1}`,
		`{"request-id":6,"response":{"a":1},"response":{}}`,
		`{"request-id":7,"response":{"a":1},"request-id":8}`,
		`{"request-id":9,"response":{"a":01}}`,
		`{"request-id":10,"response":{"a":tru}}`,
		`{"request-id":11,"response":[1,2,]}`,
		`{"request-id":12,"response":{"a"}}`,
		`{"request-id":13,"response":"\x01"}`,
		`{"request-id":14,"response":"\ud800\u12"}`,
		`{"request-id":15,"response":{}} x`,
		`{"request-id":16,"response":{},"type":"Client"}`,
	} {
		f.Add([]byte(seed), uint8(20), []byte{0, 3, 200})
	}
	f.Fuzz(func(t *testing.T, data []byte, prefix uint8, sizes []byte) {
		got, value, ok, err := streamed(data, int(prefix), sizes)
		if !ok {
			return
		}
		want, wantErr := decodeResponse(data)
		if err != nil {
			if wantErr == nil && !errors.Is(err, errRepeatedResponse) {
				t.Fatalf("streamed %q: %v; decodeResponse accepts it", data, err)
			}
			return
		}
		if wantErr != nil {
			t.Fatalf("streamed %q, which decodeResponse refuses: %v", data, wantErr)
		}
		if !bytes.Equal(value, want.Response) {
			t.Fatalf("streamed response %q, want %q", value, want.Response)
		}
		got.Response = want.Response
		if !cmp.Equal(got, *want, cmpopts.EquateEmpty()) {
			t.Fatalf("streamed %q as %+v, want %+v", data, got, *want)
		}
	})
}
